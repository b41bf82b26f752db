package hostfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Dir is a host directory opened once, so that a walk over many files
// (the log search: a hundred thousand rotated logs) resolves each directory
// once from the root and opens its entries relative to it with openat,
// instead of walking every file's path from the root again. Entries are
// opened with O_NOFOLLOW: a symbolic link in the directory is never
// followed by Dir; the caller resolves it through FS (inside the root) if
// it wants to.
type Dir struct {
	fsys *FS
	fd   int // O_RDONLY|O_DIRECTORY
	path string
	id   FileID
}

// Entry is one name in a Dir with its type as the directory lists it
// (getdents' d_type), known without a stat per file: at fleet scale the
// stat is the cost.
type Entry struct {
	Name string
	// Type is the file type bits: 0 for a regular file, fs.ModeDir,
	// fs.ModeSymlink, fs.ModeNamedPipe, fs.ModeSocket, fs.ModeDevice (with
	// fs.ModeCharDevice for character devices).
	Type fs.FileMode
}

// OpenDir resolves host path p inside the root (following links like every
// other lookup here) and opens the directory for a walk.
func (f *FS) OpenDir(p string) (*Dir, error) {
	w, name, err := f.walk(p, true)
	if err != nil {
		return nil, err
	}
	defer w.close()
	if name == "" {
		name = "."
	}
	// O_NOFOLLOW: a directory swapped for a link since the walk fails here
	// instead of leading outside the root; O_DIRECTORY: anything else
	// fails without being opened.
	fd, err := unix.Openat(w.top().fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, dirError(w.top().fd, name, err))
	}
	return f.newDir(fd, path.Join(w.top().path, name))
}

func (f *FS) newDir(fd int, hostPath string) (*Dir, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stat %s: %w", hostPath, err)
	}
	return &Dir{fsys: f, fd: fd, path: hostPath, id: FileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}}, nil
}

// dirError says why O_DIRECTORY|O_NOFOLLOW refused name in dirfd: a link
// (ELOOP or ENOTDIR, depending on the kernel) is named as one, not taken
// for a loop or a file.
func dirError(dirfd int, name string, err error) error {
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		var st unix.Stat_t
		if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return fmt.Errorf("%w (a symbolic link, not followed)", syscall.ENOTDIR)
		}
	}
	return err
}

// Path returns the directory's host path.
func (d *Dir) Path() string { return d.path }

// ID returns the directory's identity, so that a walk visits it once
// however many links lead to it.
func (d *Dir) ID() FileID { return d.id }

// Close releases the directory's descriptor.
func (d *Dir) Close() error {
	if d.fd < 0 {
		return nil
	}
	err := unix.Close(d.fd)
	d.fd = -1
	return err
}

// checkName refuses anything but one name of the directory, so that no
// caller can make Dir resolve a path (and leave the root) by accident.
func (d *Dir) checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, '/') {
		return fmt.Errorf("open %s: %q is not a name in the directory", d.path, name)
	}
	return nil
}

// direntBufs pools getdents buffers: one per directory listed.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// Entries lists the directory sorted by name, with each entry's type from
// the directory itself (one fstatat only where the filesystem does not
// say, DT_UNKNOWN).
func (d *Dir) Entries() ([]Entry, error) {
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	if _, err := unix.Seek(d.fd, 0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read directory %s: %w", d.path, err)
	}
	var out []Entry
	for {
		n, err := unix.Getdents(d.fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read directory %s: %w", d.path, err)
		}
		if n <= 0 {
			break
		}
		for b := buf[:n]; len(b) >= direntHeader; {
			// struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16,
			// d_type u8, d_name NUL-terminated.
			reclen := int(b[16]) | int(b[17])<<8
			if reclen < direntHeader || reclen > len(b) {
				return nil, fmt.Errorf("read directory %s: malformed entry", d.path)
			}
			typ, raw := b[18], b[direntHeader:reclen]
			b = b[reclen:]
			if i := slices.Index(raw, 0); i >= 0 {
				raw = raw[:i]
			}
			name := string(raw)
			if name == "." || name == ".." || name == "" {
				continue
			}
			mode, known := direntType(typ)
			if !known {
				var st unix.Stat_t
				if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
					if errors.Is(err, unix.ENOENT) {
						continue // removed since it was listed
					}
					return nil, fmt.Errorf("stat %s: %w", path.Join(d.path, name), err)
				}
				mode = statType(st.Mode)
			}
			out = append(out, Entry{Name: name, Type: mode})
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// direntHeader is the size of linux_dirent64 before d_name.
const direntHeader = 19

func direntType(t uint8) (fs.FileMode, bool) {
	switch t {
	case unix.DT_REG:
		return 0, true
	case unix.DT_DIR:
		return fs.ModeDir, true
	case unix.DT_LNK:
		return fs.ModeSymlink, true
	case unix.DT_FIFO:
		return fs.ModeNamedPipe, true
	case unix.DT_SOCK:
		return fs.ModeSocket, true
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case unix.DT_BLK:
		return fs.ModeDevice, true
	}
	return 0, false
}

func statType(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFREG:
		return 0
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}

// Size returns the size of entry name without opening it or following a
// link (fstatat): what a progress bar needs to know before the search.
func (d *Dir) Size(name string) (int64, error) {
	if err := d.checkName(name); err != nil {
		return 0, err
	}
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return 0, fmt.Errorf("stat %s: %w", d.join(name), err)
	}
	return st.Size, nil
}

// join is the host path of entry name, for messages.
func (d *Dir) join(name string) string {
	if d.path == "/" {
		return "/" + name
	}
	return d.path + "/" + name
}

// OpenDir opens the subdirectory name of d, without following a link.
func (d *Dir) OpenDir(name string) (*Dir, error) {
	if err := d.checkName(name); err != nil {
		return nil, err
	}
	p := path.Join(d.path, name)
	fd, err := unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, dirError(d.fd, name, err))
	}
	return d.fsys.newDir(fd, p)
}

// File is a regular file opened by Dir.Open for streaming: a bare
// descriptor read with read(2). os.File would register each of a hundred
// thousand logs with the runtime's poller (an fcntl and an epoll_ctl per
// file) for nothing: regular files are never pollable.
type File struct {
	fd   int
	size int64
	id   FileID
}

// Open opens the entry name of d for reading if it is a regular file, and
// counts it against the scan's budget of log files. The entry is opened
// relative to the directory with O_NOFOLLOW (a link fails: it is never
// followed, out of the root or anywhere), O_NONBLOCK and O_NOCTTY, and
// fstat decides before anything is read: anything but a regular file is
// closed unread.
//
// FS.Open names a file with O_PATH and opens it only once fstat says it is
// regular; Open opens first, because the O_PATH open and the reopen through
// /proc cost as much again per file. Callers open only what Entries lists
// as regular files, so a FIFO or a device is opened only if swapped in
// between the listing and the open, and then without blocking (O_NONBLOCK)
// and never read. Swapping in a device takes root (mknod) or a device node
// on the log's own filesystem; an unprivileged service can swap in a FIFO
// at most.
func (d *Dir) Open(name string) (*File, error) {
	if err := d.checkName(name); err != nil {
		return nil, err
	}
	var fd int
	var err error
	for {
		fd, err = unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("open %s: %w (a symbolic link, not followed)", d.join(name), ErrNotRegular)
		}
		return nil, fmt.Errorf("open %s: %w", d.join(name), err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stat %s: %w", d.join(name), err)
	}
	if t := statType(st.Mode); t != 0 {
		unix.Close(fd)
		if t == fs.ModeDir {
			return nil, fmt.Errorf("read %s: is a directory", d.join(name))
		}
		return nil, fmt.Errorf("read %s: %w (%s)", d.join(name), ErrNotRegular, Kind(t))
	}
	if err := d.fsys.chargeLog(); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("read %s: %w", d.join(name), err)
	}
	return &File{fd: fd, size: st.Size, id: FileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}}, nil
}

// Read reads from the file (io.Reader).
func (f *File) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Read(f.fd, p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

// Close releases the file's descriptor.
func (f *File) Close() error {
	if f.fd < 0 {
		return nil
	}
	err := unix.Close(f.fd)
	f.fd = -1
	return err
}

// Size is the file's size when it was opened (a log may grow since).
func (f *File) Size() int64 { return f.size }

// ID is the file's identity, so that a search reads a file once however
// many names (hard links, links) it has.
func (f *File) ID() FileID { return f.id }
