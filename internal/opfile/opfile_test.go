package opfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRead: operator files that are not regular files, or too large, are
// refused at once — never a hang on a FIFO, never /dev/zero read to the
// end.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("x", 2048)), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "site.toml")
	if err := os.WriteFile(ok, []byte("site = \"X\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(ok, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       error
	}{
		{"FIFO", fifo, ErrNotRegular},
		{"device", "/dev/zero", ErrNotRegular},
		{"directory", dir, ErrNotRegular},
		{"over the cap", big, ErrTooLarge},
		{"missing", filepath.Join(dir, "none"), fs.ErrNotExist},
		{"regular file", ok, nil},
		{"link to a regular file", link, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := Read(tc.path, 1024)
			if !errors.Is(err, tc.want) || (tc.want == nil && string(data) != "site = \"X\"\n") {
				t.Errorf("Read(%s) = %q, %v; want %v", tc.path, data, err, tc.want)
			}
		})
	}
	// The recipes' directory: a FIFO among *.hcl files is an error, not
	// a hang.
	if err := os.WriteFile(filepath.Join(dir, "a.hcl"), []byte("x = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "b.hcl"), 0o600); err != nil {
		t.Fatal(err)
	}
	fsys := DirFS(dir, 1024)
	names, err := fs.Glob(fsys, "*.hcl")
	if err != nil || len(names) != 2 {
		t.Fatalf("glob = %v, %v", names, err)
	}
	if _, err := fs.ReadFile(fsys, "a.hcl"); err != nil {
		t.Error(err)
	}
	if _, err := fs.ReadFile(fsys, "b.hcl"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FIFO recipe: %v", err)
	}
}
