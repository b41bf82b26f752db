// Package opfile reads the files an operator names on the command line
// (--site, --baseline, --recipes DIR): from this machine, not through
// --root, but with the same care as host files. A FIFO, a device or
// /proc file named by mistake or malice must not hang the tool or fill
// its memory, so a file is opened without blocking, checked to be a
// regular file on the opened descriptor, and read up to a size cap.
package opfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
	"time"
)

// Size caps per kind of operator file.
const (
	MaxProfile  = 1 << 20  // a site profile: kilobytes in practice
	MaxRecipe   = 1 << 20  // one recipe file
	MaxBaseline = 64 << 20 // a previous JSON report of a large host
)

var (
	// ErrNotRegular is returned for directories, FIFOs, devices, sockets.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is returned for a file over its cap.
	ErrTooLarge = errors.New("file too large")
)

// open opens p without blocking on a FIFO and returns it only when the
// opened descriptor is a regular file (checked on the descriptor, so a
// file swapped after a stat cannot slip through).
func open(p string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w (%s)", p, ErrNotRegular, st.Mode().Type())
	}
	return f, st, nil
}

// Read returns the content of the regular file p, at most max bytes.
func Read(p string, max int64) ([]byte, error) {
	f, st, err := open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > max {
		return nil, fmt.Errorf("%s: %w (%d bytes, at most %d)", p, ErrTooLarge, st.Size(), max)
	}
	// A file can grow after the stat (or lie about its size, /proc):
	// never read more than the cap.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", p, ErrTooLarge, max)
	}
	return data, nil
}

// DirFS is an fs.FS of the regular files directly in dir, each read with
// Read's care and cap: what recipes.Load reads with --recipes DIR.
func DirFS(dir string, max int64) fs.FS { return dirFS{dir: dir, max: max} }

type dirFS struct {
	dir string
	max int64
}

// Open serves the directory itself (for fs.Glob) and regular files in it.
func (d dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	full := path.Join(d.dir, name)
	if name == "." {
		return os.Open(full)
	}
	data, err := Read(full, d.max)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{name: path.Base(name), data: data}, nil
}

// ReadDir lists dir, so fs.Glob need not open it as a file.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	return os.ReadDir(path.Join(d.dir, name))
}

// memFile is a file already read whole.
type memFile struct {
	name string
	data []byte
	off  int
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m, nil }
func (m *memFile) Read(p []byte) (int, error) {
	if m.off >= len(m.data) {
		return 0, io.EOF
	}
	n := copy(p, m.data[m.off:])
	m.off += n
	return n, nil
}
func (m *memFile) Close() error { return nil }

// memFile is its own FileInfo.
func (m *memFile) Name() string       { return m.name }
func (m *memFile) Size() int64        { return int64(len(m.data)) }
func (m *memFile) Mode() fs.FileMode  { return 0o444 }
func (m *memFile) ModTime() time.Time { return time.Time{} }
func (m *memFile) IsDir() bool        { return false }
func (m *memFile) Sys() any           { return nil }
