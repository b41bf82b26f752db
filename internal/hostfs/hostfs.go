// Package hostfs reads a host's files through a root directory, the way a
// chroot would: absolute paths and symbolic links resolve inside the root
// and never outside it. With root "/" it reads the live host.
//
// Every path this package takes and returns is a host path (absolute, as
// the services on the host see it); only Real converts to the path on the
// machine running the scan.
package hostfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// MaxFileSize bounds what ReadFile reads: config files are small, and a
// bigger one is far more likely a mistake (a log or core dump in a config
// directory) than a config worth reading.
const MaxFileSize = 16 << 20

// maxLinks mirrors Linux's limit on symbolic links followed in one lookup.
const maxLinks = 40

// ErrTooLarge is returned for files over MaxFileSize.
var ErrTooLarge = errors.New("file too large")

// ErrLoop is returned when resolving a path follows too many links.
var ErrLoop = errors.New("too many levels of symbolic links")

// FS is a host filesystem seen through a root directory.
type FS struct {
	root string // absolute, cleaned; "/" for the live host
}

// New returns an FS rooted at dir.
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
	return &FS{root: abs}, nil
}

// Root returns the directory the host is read from.
func (f *FS) Root() string { return f.root }

// Resolve follows symbolic links in host path p inside the root and
// returns the resolved host path. A link to an absolute path restarts at
// the root; ".." never climbs above it. The final component need not exist.
func (f *FS) Resolve(p string) (string, error) {
	if !path.IsAbs(p) {
		return "", fmt.Errorf("resolve %s: not an absolute host path", p)
	}
	links := 0
	resolved := "/"
	rest := strings.Split(path.Clean(p), "/")
	for len(rest) > 0 {
		part := rest[0]
		rest = rest[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, part)
		st, err := os.Lstat(f.real(next))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && len(rest) == 0 {
				return next, nil
			}
			return "", fmt.Errorf("resolve %s: %w", p, stripRoot(err))
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		links++
		if links > maxLinks {
			return "", fmt.Errorf("resolve %s: %w", p, ErrLoop)
		}
		target, err := os.Readlink(f.real(next))
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", p, stripRoot(err))
		}
		if path.IsAbs(target) {
			resolved = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return resolved, nil
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
	r, err := f.Resolve(p)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(f.real(r))
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", p, stripRoot(err))
	}
	return st, nil
}

// Exists reports whether host path p exists (following links in the root).
func (f *FS) Exists(p string) bool {
	_, err := f.Stat(p)
	return err == nil
}

// ReadFile reads host path p, refusing directories, special files and
// files over MaxFileSize.
func (f *FS) ReadFile(p string) ([]byte, error) {
	r, err := f.Resolve(p)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(f.real(r))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, stripRoot(err))
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", p, stripRoot(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("read %s: is a directory", p)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", p)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("read %s: %w (%d bytes, limit %d)", p, ErrTooLarge, st.Size(), MaxFileSize)
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, stripRoot(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("read %s: %w (limit %d)", p, ErrTooLarge, MaxFileSize)
	}
	return data, nil
}

// ReadDir lists host directory p sorted by name, following links inside
// the root.
func (f *FS) ReadDir(p string) ([]fs.DirEntry, error) {
	r, err := f.Resolve(p)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(f.real(r))
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", p, stripRoot(err))
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
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
