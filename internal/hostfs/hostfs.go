// Package hostfs reads a host's files through a root directory, the way a
// chroot would: absolute paths and symbolic links resolve inside the root
// and never outside it. With root "/" it reads the live host.
//
// Every path this package takes and returns is a host path (absolute, as
// the services on the host see it); only Real converts to the path on the
// machine running the scan.
//
// The host may be hostile (a snapshot fetched from a compromised machine)
// or changing while it is read, so resolution never trusts a path twice:
// it walks one component at a time, each step relative to an open
// directory descriptor (openat with O_NOFOLLOW), and follows symbolic
// links itself, like the kernel's RESOLVE_IN_ROOT. A file is opened only
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
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

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
	// starts from a duplicate of it instead of resolving the root's path
	// again, and a root renamed during the scan is not followed.
	rootOnce sync.Once
	rootFD   int
	rootErr  error
	budget   Budget
	files    atomic.Int64
	bytes    atomic.Int64
	logFiles atomic.Int64
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
	return &FS{root: abs, budget: DefaultBudget}, nil
}

// SetBudget replaces the scan's read budget.
func (f *FS) SetBudget(b Budget) { f.budget = b }

// Root returns the directory the host is read from.
func (f *FS) Root() string { return f.root }

// dir is one open directory of a walk, with its host path.
type dir struct {
	fd   int
	path string
}

// walker resolves host paths one component at a time.
type walker struct {
	f     *FS
	stack []dir // stack[0] is the root
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
	})
	if f.rootErr != nil {
		return nil, f.rootErr
	}
	fd, err := unix.FcntlInt(uintptr(f.rootFD), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open root: %w", err)
	}
	return &walker{f: f, stack: []dir{{fd, "/"}}}, nil
}

func (w *walker) top() dir { return w.stack[len(w.stack)-1] }

func (w *walker) close() {
	for _, d := range w.stack {
		unix.Close(d.fd)
	}
	w.stack = nil
}

// toRoot drops every directory but the root (an absolute link target).
func (w *walker) toRoot() {
	for _, d := range w.stack[1:] {
		unix.Close(d.fd)
	}
	w.stack = w.stack[:1]
}

// up leaves the current directory; ".." never climbs above the root.
func (w *walker) up() {
	if len(w.stack) > 1 {
		unix.Close(w.top().fd)
		w.stack = w.stack[:len(w.stack)-1]
	}
}

// resolve walks host path p and leaves the walker in the directory that
// holds its last component, whose name it returns ("" for the root
// itself). With follow, a link in the last component is followed too.
// The last component need not exist.
func (w *walker) resolve(p string, follow bool) (string, error) {
	if !path.IsAbs(p) {
		return "", fmt.Errorf("resolve %s: not an absolute host path", p)
	}
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
		var st unix.Stat_t
		err := unix.Fstatat(w.top().fd, part, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err != nil {
			if len(rest) == 0 {
				// The caller decides what a missing last component means.
				return part, nil
			}
			return "", fmt.Errorf("resolve %s: %w", p, err)
		}
		last := len(rest) == 0
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
			w.stack = append(w.stack, dir{fd, path.Join(w.top().path, part)})
		default:
			if last {
				return part, nil
			}
			return "", fmt.Errorf("resolve %s: %w", p, syscall.ENOTDIR)
		}
	}
	return "", nil
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

// openPath resolves p (following links) and returns an O_PATH descriptor
// of it, which names the file without opening it, and its host path.
func (f *FS) openPath(p string) (int, string, error) {
	w, err := f.newWalker()
	if err != nil {
		return -1, "", err
	}
	defer w.close()
	name, err := w.resolve(p, true)
	if err != nil {
		return -1, "", stripRoot(err)
	}
	if name == "" {
		fd, err := unix.Dup(w.top().fd)
		return fd, w.top().path, err
	}
	fd, err := unix.Openat(w.top().fd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", fmt.Errorf("open %s: %w", p, err)
	}
	return fd, path.Join(w.top().path, name), nil
}

// Resolve follows symbolic links in host path p inside the root and
// returns the resolved host path. A link to an absolute path restarts at
// the root; ".." never climbs above it. The final component need not exist.
func (f *FS) Resolve(p string) (string, error) {
	w, err := f.newWalker()
	if err != nil {
		return "", err
	}
	defer w.close()
	name, err := w.resolve(p, true)
	if err != nil {
		return "", stripRoot(err)
	}
	return path.Join(w.top().path, name), nil
}

// real maps an already resolved host path to the path on this machine.
func (f *FS) real(hostPath string) string {
	return filepath.Join(f.root, filepath.FromSlash(hostPath))
}

// Real resolves host path p and returns the path on this machine, for
// callers that must hand a file to another program (tests, oracles).
func (f *FS) Real(p string) (string, error) {
	r, err := f.Resolve(p)
	if err != nil {
		return "", err
	}
	return f.real(r), nil
}

// Stat returns information about host path p, following links inside the
// root.
func (f *FS) Stat(p string) (fs.FileInfo, error) {
	fd, _, err := f.openPath(p)
	if err != nil {
		return nil, err
	}
	file := os.NewFile(uintptr(fd), path.Base(p))
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", p, stripRoot(err))
	}
	return st, nil
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

// open opens host path p for reading if it is a regular file. The file is
// named by an O_PATH descriptor first and reopened through it only after
// fstat says it is regular, so nothing else is ever opened. charge counts
// it against the budget.
func (f *FS) open(p string, charge func() error) (*os.File, fs.FileInfo, error) {
	fd, _, err := f.openPath(p)
	if err != nil {
		return nil, nil, err
	}
	pathFile := os.NewFile(uintptr(fd), path.Base(p))
	defer pathFile.Close()
	st, err := pathFile.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("stat %s: %w", p, stripRoot(err))
	}
	if st.IsDir() {
		return nil, nil, fmt.Errorf("read %s: is a directory", p)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("read %s: %w (%s)", p, ErrNotRegular, kind(st.Mode()))
	}
	if err := charge(); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", p, err)
	}
	// Reopen the very inode the O_PATH descriptor names; O_NONBLOCK in
	// case it was swapped for something else in between (it cannot be:
	// the descriptor pins the inode, but belt and braces).
	rfd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", fd), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", p, stripRoot(err))
	}
	file := os.NewFile(uintptr(rfd), path.Base(p))
	st2, err := file.Stat()
	if err != nil || !os.SameFile(st, st2) || !st2.Mode().IsRegular() {
		file.Close()
		return nil, nil, fmt.Errorf("open %s: %w (it changed while being opened)", p, ErrNotRegular)
	}
	return file, st2, nil
}

func kind(m fs.FileMode) string {
	switch {
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
	file, st, err := f.open(p, func() error { return f.charge(1, 0) })
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if st.Size() > max {
		return nil, fmt.Errorf("read %s: %w (%d bytes, limit %d)", p, ErrTooLarge, st.Size(), max)
	}
	// Sized from the stat, so that a big file is not copied as the
	// buffer grows; the limit still holds if the file grew since.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(file, max+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, stripRoot(err))
	}
	data := buf.Bytes()
	if int64(len(data)) > max {
		return nil, fmt.Errorf("read %s: %w (limit %d)", p, ErrTooLarge, max)
	}
	if err := f.charge(0, int64(len(data))); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return data, nil
}

// Open opens host path p for streaming (logs: no size cap), if it is a
// regular file, and counts it against the budget of log files.
func (f *FS) Open(p string) (*os.File, fs.FileInfo, error) {
	return f.open(p, f.chargeLog)
}

// ReadDir lists host directory p sorted by name, following links inside
// the root.
func (f *FS) ReadDir(p string) ([]fs.DirEntry, error) {
	fd, _, err := f.openPath(p)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	dfd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", fd), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", p, stripRoot(err))
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
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return FileID{}, fmt.Errorf("stat %s: no device and inode", p)
	}
	return FileID{Dev: uint64(sys.Dev), Ino: sys.Ino}, nil
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
