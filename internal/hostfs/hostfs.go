// Package hostfs reads a host's files through a root directory, the way a
// chroot would: absolute paths and symbolic links resolve inside the root
// and never outside it. With root "/" it reads the live host.
//
// Every path this package takes and returns is a host path (absolute, as
// the services on the host see it); none is ever turned into a path on the
// machine running the scan for anything to open by name (a library that
// wants a name gets ProcPath of a file opened here).
//
// The host may be hostile (a snapshot fetched from a compromised machine)
// or changing while it is read, so resolution never trusts a path twice:
// it walks one component at a time, each step relative to an open
// directory descriptor (openat with O_NOFOLLOW), and follows symbolic
// links itself, like the kernel's RESOLVE_IN_ROOT. The directories a walk
// went through stay open for the rest of the scan (see dirCache), so the
// next file in the same directory starts there, and a small file or a
// directory listing is read from the host once per scan (readCache). A
// file is opened only
// after its descriptor says it is a regular file (O_PATH, fstat), so a
// FIFO, a device or a socket is never opened for reading and cannot block
// or trigger anything. What the scan reads is bounded by a per-file cap and
// by a budget of files and bytes per scan.
//
// Walks over many files (the log search) use Dir instead: each directory
// is resolved once as above and its entries are opened relative to it
// (openat with O_NOFOLLOW, so a link is never followed out of it), only
// when the directory lists them as regular files, and read only after
// fstat agrees; see Dir.Open for what that leaves.
package hostfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// MaxFileSize bounds what ReadFile reads: config files are small, and a
// bigger one is far more likely a mistake (a log or core dump in a config
// directory) than a config worth reading.
const MaxFileSize = 16 << 20

// maxLinks mirrors Linux's limit on symbolic links followed in one lookup.
const maxLinks = 40

// Errors a caller can test with errors.Is.
var (
	// ErrTooLarge is returned for files over the size cap.
	ErrTooLarge = errors.New("file too large")
	// ErrLoop is returned when resolving a path follows too many links.
	ErrLoop = errors.New("too many levels of symbolic links")
	// ErrNotRegular is returned for FIFOs, devices, sockets and the like.
	ErrNotRegular = errors.New("not a regular file")
	// ErrBudget is returned once a scan has read its budget of files or
	// bytes.
	ErrBudget = errors.New("read budget of the scan exhausted")
)

// Budget bounds what one scan reads, so that a host made of thousands of
// include files or huge configs costs bounded time and memory. Zero fields
// mean no limit.
type Budget struct {
	// Files and Bytes bound what is read whole (configuration).
	Files int64
	Bytes int64
	// LogFiles bounds the files opened for streaming (the log search). A
	// log costs bounded memory whatever its size, so what bounds a search
	// is the number of files, which at fleet scale (rotated per-job logs)
	// is far beyond any configuration's.
	LogFiles int64
}

// DefaultBudget is what a scan of one host may read: far more than any
// real host's configuration (a few hundred files, a few MB), far less
// than what would hurt; for logs, a million files (about a minute).
var DefaultBudget = Budget{Files: 20000, Bytes: 512 << 20, LogFiles: 1000000}

// FS is a host filesystem seen through a root directory.
type FS struct {
	root string // absolute, cleaned; "/" for the live host
	// rootFD is the root directory (O_PATH), opened once: every walk
	// starts from it instead of resolving the root's path again, and a
	// root renamed during the scan is not followed.
	rootOnce sync.Once
	rootFD   int
	rootErr  error
	// dirs is its own allocation, apart from FS, so that a cleanup can
	// close it once the FS is unreachable.
	dirs     *dirCache
	reads    readCache
	budget   Budget
	files    atomic.Int64
	bytes    atomic.Int64
	logFiles atomic.Int64
}

// maxCachedDirs bounds the directories an FS keeps open: a host's
// configuration lives in a few dozen; a tree of thousands (a hostile one,
// or a log tree) is walked without the cache past this many.
const maxCachedDirs = 256

// dirCache keeps the directories walks have gone through open (O_PATH),
// by resolved host path, so that the next file in /etc/xrootd starts from
// /etc/xrootd instead of the root: a scan reads a hundred files from a
// dozen directories, and resolving each from the root was a third of a
// scan's CPU (two syscalls per component and a close).
//
// A cached descriptor names the directory as it was when first walked
// into. A directory renamed or replaced later is not looked up again:
// walks go on in the directory first found, which was inside the root and
// holds only what the host put there. Nothing is ever resolved through
// ".." on the host (walks climb their own stack of descriptors), so a
// cached directory moved out of the root does not lead to its new parent.
type dirCache struct {
	mu     sync.Mutex
	fds    map[string]int
	closed bool
}

// get returns the descriptor of directory p if it is cached.
func (c *dirCache) get(p string) (int, bool) {
	if c == nil {
		return -1, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fd, ok := c.fds[p]
	return fd, ok
}

// put offers fd, the directory p, to the cache; true when the cache took
// it (and closes it with the FS), false when the caller keeps it.
func (c *dirCache) put(p string, fd int) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || len(c.fds) >= maxCachedDirs {
		return false
	}
	if _, ok := c.fds[p]; ok {
		return false
	}
	if c.fds == nil {
		c.fds = map[string]int{}
	}
	c.fds[p] = fd
	return true
}

// close closes every cached descriptor; later walks run uncached.
func (c *dirCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, fd := range c.fds {
		unix.Close(fd)
	}
	c.fds = nil
	c.closed = true
}

// readCache keeps what a scan has read of small files and directories:
// the readers of one host read many of the same files and list the same
// directories (a demo host: 44 file reads of 20 files, 38 listings of 15
// directories), each time a walk, an open, an fstat and a reopen. A
// second read returns what the first did, so one scan also sees one
// version of a file that changes under it. Bounded: files up to
// maxCachedFile bytes, maxCachedBytes in all, listings up to
// maxCachedEntries names; callers get copies, never the cache's own.
type readCache struct {
	mu    sync.Mutex
	files map[string][]byte
	bytes int
	lists map[string][]fs.DirEntry
}

const (
	maxCachedFile    = 64 << 10
	maxCachedBytes   = 4 << 20
	maxCachedEntries = 4096
)

func (c *readCache) file(p string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data, ok := c.files[p]
	return data, ok
}

func (c *readCache) keepFile(p string, data []byte) {
	if len(data) > maxCachedFile {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.files[p]; ok || c.bytes+len(data) > maxCachedBytes {
		return
	}
	if c.files == nil {
		c.files = map[string][]byte{}
	}
	c.files[p] = bytes.Clone(data)
	c.bytes += len(data)
}

func (c *readCache) list(p string) ([]fs.DirEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	entries, ok := c.lists[p]
	return entries, ok
}

func (c *readCache) keepList(p string, entries []fs.DirEntry) {
	if len(entries) > maxCachedEntries {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil {
		c.lists = map[string][]fs.DirEntry{}
	}
	if len(c.lists) < maxCachedDirs {
		c.lists[p] = slices.Clone(entries)
	}
}

// Close releases the directories the FS keeps open. The FS still works
// after it, without the cache. A caller scanning many hosts in one
// process closes each host's FS when its scan is done, rather than
// holding their descriptors until the garbage collector finds them; it
// must not close an FS that another goroutine is still reading.
func (f *FS) Close() error {
	f.dirs.close()
	return nil
}

// New returns an FS rooted at dir, with DefaultBudget.
func New(dir string) (*FS, error) {
	if dir == "" {
		dir = "/"
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve root %s: %w", dir, err)
	}
	// The root itself may be a symlink (for example /srv/snapshots/latest);
	// resolving it once here is the operator's choice, not the host's.
	abs, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("resolve root %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("stat root %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("root %s: not a directory", dir)
	}
	return &FS{root: abs, budget: DefaultBudget, dirs: &dirCache{}}, nil
}

// SetBudget replaces the scan's read budget.
func (f *FS) SetBudget(b Budget) { f.budget = b }

// Root returns the directory the host is read from.
func (f *FS) Root() string { return f.root }

// dir is one open directory of a walk, with its host path. A walk
// closes the directories it opened itself (owned), not the root's
// descriptor or the cache's.
type dir struct {
	fd    int
	path  string
	owned bool
}

// walker resolves host paths one component at a time.
type walker struct {
	f     *FS
	stack []dir // stack[0] is the root
	// last is what fstatat said of the last component resolve returned
	// (after following links), when lastErr is nil: the caller's stat
	// without another system call.
	last    unix.Stat_t
	lastErr error
}

func (f *FS) newWalker() (*walker, error) {
	f.rootOnce.Do(func() {
		fd, err := unix.Open(f.root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			f.rootErr = fmt.Errorf("open root: %w", stripRoot(err))
			return
		}
		f.rootFD = fd
		// Closed with the FS: a scan of many hosts opens one per host.
		runtime.AddCleanup(f, func(fd int) { unix.Close(fd) }, fd)
		// The cached directories too, should a caller not Close the FS.
		if f.dirs != nil {
			runtime.AddCleanup(f, func(c *dirCache) { c.close() }, f.dirs)
		}
	})
	if f.rootErr != nil {
		return nil, f.rootErr
	}
	return &walker{f: f, stack: []dir{{fd: f.rootFD, path: "/"}}}, nil
}

func (w *walker) top() dir { return w.stack[len(w.stack)-1] }

func (w *walker) close() {
	for _, d := range w.stack {
		if d.owned {
			unix.Close(d.fd)
		}
	}
	w.stack = nil
	// The walk borrows the root's and the cache's descriptors, which the
	// FS's cleanups close: the FS stays reachable until the walk is over.
	runtime.KeepAlive(w.f)
}

// toRoot drops every directory but the root (an absolute link target).
func (w *walker) toRoot() {
	for len(w.stack) > 1 {
		w.up()
	}
}

// up leaves the current directory; ".." never climbs above the root.
func (w *walker) up() {
	if len(w.stack) > 1 {
		if d := w.top(); d.owned {
			unix.Close(d.fd)
		}
		w.stack = w.stack[:len(w.stack)-1]
	}
}

// child is the host path of name in directory d.
func (d dir) child(name string) string {
	if d.path == "/" {
		return "/" + name
	}
	return d.path + "/" + name
}

// resolve walks host path p and leaves the walker in the directory that
// holds its last component, whose name it returns ("" for the root
// itself). With follow, a link in the last component is followed too.
// The last component need not exist: w.lastErr says why it could not be
// looked at, and w.last what it is otherwise.
func (w *walker) resolve(p string, follow bool) (string, error) {
	if !path.IsAbs(p) {
		return "", fmt.Errorf("resolve %s: not an absolute host path", p)
	}
	w.lastErr = nil
	links := 0
	rest := splitPath(p)
	for len(rest) > 0 {
		part := rest[0]
		rest = rest[1:]
		switch part {
		case ".":
			continue
		case "..":
			w.up()
			continue
		}
		last := len(rest) == 0
		if !last {
			next := w.top().child(part)
			if fd, ok := w.f.dirs.get(next); ok {
				w.stack = append(w.stack, dir{fd: fd, path: next})
				continue
			}
		}
		st := &w.last
		err := unix.Fstatat(w.top().fd, part, st, unix.AT_SYMLINK_NOFOLLOW)
		if err != nil {
			if last {
				// The caller decides what a missing last component means.
				w.lastErr = err
				return part, nil
			}
			return "", fmt.Errorf("resolve %s: %w", p, err)
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			if last && !follow {
				return part, nil
			}
			links++
			if links > maxLinks {
				return "", fmt.Errorf("resolve %s: %w", p, ErrLoop)
			}
			target, err := readlinkat(w.top().fd, part)
			if err != nil {
				return "", fmt.Errorf("resolve %s: %w", p, err)
			}
			if path.IsAbs(target) {
				w.toRoot()
			}
			rest = append(splitPath(target), rest...)
		case unix.S_IFDIR:
			if last {
				return part, nil
			}
			// O_NOFOLLOW: a directory swapped for a link since the stat
			// fails here instead of leading outside the root.
			fd, err := unix.Openat(w.top().fd, part, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				return "", fmt.Errorf("resolve %s: %w", p, err)
			}
			next := w.top().child(part)
			w.stack = append(w.stack, dir{fd: fd, path: next, owned: !w.f.dirs.put(next, fd)})
		default:
			if last {
				return part, nil
			}
			return "", fmt.Errorf("resolve %s: %w", p, syscall.ENOTDIR)
		}
	}
	// p ends in the root or a directory reached by "." or "..".
	w.lastErr = unix.Fstat(w.top().fd, &w.last)
	return "", nil
}

// walk resolves host path p from the root (see resolve) and returns the
// walker, which the caller closes, in the directory holding p's last
// component, and that component's name.
func (f *FS) walk(p string, follow bool) (*walker, string, error) {
	w, err := f.newWalker()
	if err != nil {
		return nil, "", err
	}
	name, err := w.resolve(p, follow)
	if err != nil {
		w.close()
		return nil, "", stripRoot(err)
	}
	return w, name, nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func readlinkat(dirfd int, name string) (string, error) {
	buf := make([]byte, 256)
	for {
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < len(buf) {
			return string(buf[:n]), nil
		}
		if len(buf) >= 1<<16 {
			return "", syscall.ENAMETOOLONG
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Resolve follows symbolic links in host path p inside the root and
// returns the resolved host path. A link to an absolute path restarts at
// the root; ".." never climbs above it. The final component need not exist.
func (f *FS) Resolve(p string) (string, error) {
	w, name, err := f.walk(p, true)
	if err != nil {
		return "", err
	}
	defer w.close()
	return path.Join(w.top().path, name), nil
}

// Stat returns information about host path p, following links inside the
// root.
func (f *FS) Stat(p string) (fs.FileInfo, error) {
	w, name, err := f.walk(p, true)
	if err != nil {
		return nil, err
	}
	defer w.close()
	if w.lastErr != nil {
		return nil, fmt.Errorf("open %s: %w", p, w.lastErr)
	}
	if name == "" {
		name = path.Base(w.top().path)
	}
	return newFileInfo(name, &w.last), nil
}

// Exists reports whether host path p exists (following links in the
// root). It is false for paths that cannot be looked at; callers deciding
// whether a service is installed use Present, which tells the two apart.
func (f *FS) Exists(p string) bool {
	ok, err := f.Present(p)
	return ok && err == nil
}

// Present reports whether host path p exists. A path that cannot be looked
// at (permission denied, a link loop, an I/O error) is not absent: the
// error says why, and the caller must report it rather than take the
// service for not installed.
func (f *FS) Present(p string) (bool, error) {
	_, err := f.Stat(p)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}

// openFile opens host path p for reading if it is a regular file and
// returns its descriptor and what fstat says of it. The file is named by
// an O_PATH descriptor first and reopened through it only after fstat
// says it is regular, so nothing else is ever opened. charge counts it
// against the budget.
func (f *FS) openFile(p string, charge func() error) (int, *unix.Stat_t, error) {
	w, name, err := f.walk(p, true)
	if err != nil {
		return -1, nil, err
	}
	defer w.close()
	if w.lastErr != nil {
		return -1, nil, fmt.Errorf("open %s: %w", p, w.lastErr)
	}
	if name == "" || w.last.Mode&unix.S_IFMT == unix.S_IFDIR {
		return -1, nil, fmt.Errorf("read %s: is a directory", p)
	}
	pfd, err := unix.Openat(w.top().fd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, nil, fmt.Errorf("open %s: %w", p, err)
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if err := unix.Fstat(pfd, &st); err != nil {
		return -1, nil, fmt.Errorf("stat %s: %w", p, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		return -1, nil, fmt.Errorf("read %s: is a directory", p)
	default:
		return -1, nil, fmt.Errorf("read %s: %w (%s)", p, ErrNotRegular, Kind(statType(st.Mode)))
	}
	if err := charge(); err != nil {
		return -1, nil, fmt.Errorf("read %s: %w", p, err)
	}
	// Reopen the very inode the O_PATH descriptor names; O_NONBLOCK in
	// case it was swapped for something else in between (it cannot be:
	// the descriptor pins the inode, but belt and braces).
	var rfd int
	for {
		rfd, err = unix.Open("/proc/self/fd/"+strconv.Itoa(pfd), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return -1, nil, fmt.Errorf("open %s: %w", p, err)
	}
	var st2 unix.Stat_t
	if err := unix.Fstat(rfd, &st2); err != nil || st2.Dev != st.Dev || st2.Ino != st.Ino || st2.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(rfd)
		return -1, nil, fmt.Errorf("open %s: %w (it changed while being opened)", p, ErrNotRegular)
	}
	return rfd, &st2, nil
}

// Kind names what a file that is not a regular file is, for the reasons
// readers and the log search give when they refuse one.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}

// charge counts files and bytes against the scan's budget.
func (f *FS) charge(files, bytes int64) error {
	nf, nb := f.files.Add(files), f.bytes.Add(bytes)
	if (f.budget.Files > 0 && nf > f.budget.Files) || (f.budget.Bytes > 0 && nb > f.budget.Bytes) {
		return fmt.Errorf("%w (%d files, %d bytes; limit %d files, %d bytes)", ErrBudget, nf, nb, f.budget.Files, f.budget.Bytes)
	}
	return nil
}

// chargeLog counts one log file against the scan's budget.
func (f *FS) chargeLog() error {
	n := f.logFiles.Add(1)
	if f.budget.LogFiles > 0 && n > f.budget.LogFiles {
		return fmt.Errorf("%w (limit %d log files)", ErrBudget, f.budget.LogFiles)
	}
	return nil
}

// ReadFile reads host path p, refusing directories, special files and
// files over MaxFileSize.
func (f *FS) ReadFile(p string) ([]byte, error) {
	return f.ReadFileMax(p, MaxFileSize)
}

// ReadFileMax is ReadFile with its own size cap.
func (f *FS) ReadFileMax(p string, max int64) ([]byte, error) {
	if data, ok := f.reads.file(p); ok && int64(len(data)) <= max {
		// Counted as a read, as it would have been.
		if err := f.charge(1, int64(len(data))); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		return bytes.Clone(data), nil
	}
	data, err := f.readFile(p, max)
	if err == nil {
		f.reads.keepFile(p, data)
	}
	return data, err
}

// readFile reads host path p from the host.
func (f *FS) readFile(p string, max int64) ([]byte, error) {
	fd, st, err := f.openFile(p, func() error { return f.charge(1, 0) })
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if st.Size > max {
		return nil, fmt.Errorf("read %s: %w (%d bytes, limit %d)", p, ErrTooLarge, st.Size, max)
	}
	// Sized from the stat and a byte more, so that a big file is not
	// copied as the buffer grows and a file that grew since is noticed;
	// the limit still holds then. read(2) straight on the descriptor:
	// os.File would register every config file with the runtime's poller
	// for nothing.
	limit := int(max + 1)
	data := make([]byte, 0, st.Size+1)
	for {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(cap(data), limit-len(data)))
		}
		n, err := unix.Read(fd, data[len(data):min(cap(data), limit)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if n == 0 {
			break
		}
		data = data[:len(data)+n]
		if int64(len(data)) > max {
			return nil, fmt.Errorf("read %s: %w (limit %d)", p, ErrTooLarge, max)
		}
	}
	if err := f.charge(0, int64(len(data))); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return data, nil
}

// Open opens host path p for streaming (logs: no size cap), if it is a
// regular file, and counts it against the budget of log files.
func (f *FS) Open(p string) (*os.File, fs.FileInfo, error) {
	fd, st, err := f.openFile(p, f.chargeLog)
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fd), path.Base(p)), newFileInfo(path.Base(p), st), nil
}

// OpenFile opens host path p, a regular file of any size, for a reader
// that cannot take its bytes from ReadFile: a database that a driver
// opens by name gets ProcPath of the file, which names the very inode
// opened here, never a path that could be swapped after the check. It
// counts as one file of the scan's budget.
func (f *FS) OpenFile(p string) (*os.File, fs.FileInfo, error) {
	fd, st, err := f.openFile(p, func() error { return f.charge(1, 0) })
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fd), path.Base(p)), newFileInfo(path.Base(p), st), nil
}

// ProcPath is a name of open file file that opens the same inode
// (/proc/self/fd/N), for a library that takes a file name.
func ProcPath(file *os.File) string {
	return "/proc/self/fd/" + strconv.Itoa(int(file.Fd()))
}

// Readlink returns the target of host path p if p itself is a symbolic
// link (the links on the way to it are followed inside the root, the last
// is not): what systemd's unit masks and aliases are made of.
func (f *FS) Readlink(p string) (string, error) {
	w, name, err := f.walk(p, false)
	if err != nil {
		return "", err
	}
	defer w.close()
	if w.lastErr != nil {
		return "", fmt.Errorf("readlink %s: %w", p, w.lastErr)
	}
	if name == "" || w.last.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", fmt.Errorf("readlink %s: %w", p, syscall.EINVAL)
	}
	t, err := readlinkat(w.top().fd, name)
	if err != nil {
		return "", fmt.Errorf("readlink %s: %w", p, err)
	}
	return t, nil
}

// ReadDir lists host directory p sorted by name, following links inside
// the root.
func (f *FS) ReadDir(p string) ([]fs.DirEntry, error) {
	if entries, ok := f.reads.list(p); ok {
		return slices.Clone(entries), nil
	}
	entries, err := f.readDir(p)
	if err == nil {
		f.reads.keepList(p, entries)
	}
	return entries, err
}

// readDir lists host directory p from the host.
func (f *FS) readDir(p string) ([]fs.DirEntry, error) {
	w, name, err := f.walk(p, true)
	if err != nil {
		return nil, err
	}
	defer w.close()
	if w.lastErr != nil {
		return nil, fmt.Errorf("open %s: %w", p, w.lastErr)
	}
	if name == "" {
		name = "."
	}
	// O_DIRECTORY: anything but a directory fails without being opened;
	// O_NOFOLLOW: one swapped for a link since the walk is not followed.
	dfd, err := unix.Openat(w.top().fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", p, err)
	}
	d := os.NewFile(uintptr(dfd), path.Base(p))
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", p, stripRoot(err))
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

// FileID identifies a file or directory on the host (device and inode), so
// that walks visit each directory once however many links lead to it.
type FileID struct{ Dev, Ino uint64 }

// ID returns the identity of host path p.
func (f *FS) ID(p string) (FileID, error) {
	st, err := f.Stat(p)
	if err != nil {
		return FileID{}, err
	}
	id, ok := IDOf(st)
	if !ok {
		return FileID{}, fmt.Errorf("stat %s: no device and inode", p)
	}
	return id, nil
}

// IDOf returns the identity of a file FS or os described.
func IDOf(st fs.FileInfo) (FileID, bool) {
	switch sys := st.Sys().(type) {
	case *unix.Stat_t:
		return FileID{Dev: uint64(sys.Dev), Ino: uint64(sys.Ino)}, true
	case *syscall.Stat_t:
		return FileID{Dev: uint64(sys.Dev), Ino: uint64(sys.Ino)}, true
	}
	return FileID{}, false
}

// fileInfo is fs.FileInfo from a stat this package made itself (fstatat
// during the walk), where os would stat again.
type fileInfo struct {
	name string
	st   unix.Stat_t
}

func newFileInfo(name string, st *unix.Stat_t) *fileInfo {
	return &fileInfo{name: name, st: *st}
}

func (i *fileInfo) Name() string { return i.name }
func (i *fileInfo) Size() int64  { return i.st.Size }
func (i *fileInfo) IsDir() bool  { return i.st.Mode&unix.S_IFMT == unix.S_IFDIR }

// Sys returns the *unix.Stat_t.
func (i *fileInfo) Sys() any { return &i.st }

func (i *fileInfo) ModTime() time.Time {
	return time.Unix(int64(i.st.Mtim.Sec), int64(i.st.Mtim.Nsec))
}

// Mode maps the stat's mode as os does (os/stat_linux.go,
// fillFileStatFromSys).
func (i *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(i.st.Mode&0o777) | statType(i.st.Mode)
	if i.st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if i.st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if i.st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// Glob returns the host paths in directory dir whose base name matches
// pattern (path.Match syntax), sorted. A missing directory matches nothing.
func (f *FS) Glob(dir, pattern string) ([]string, error) {
	entries, err := f.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range entries {
		ok, err := path.Match(pattern, e.Name())
		if err != nil {
			return nil, fmt.Errorf("match %s: %w", pattern, err)
		}
		if ok {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// stripRoot drops the OS path (which includes the scan root) from an error,
// keeping the reason; callers name the host path themselves so that
// findings never show where a snapshot lives on the scanning machine.
func stripRoot(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
