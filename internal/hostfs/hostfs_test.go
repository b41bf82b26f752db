package hostfs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestReadFileStaysInsideRoot(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := testkit.HostTree(t, map[string]string{
		"etc/real.cfg":          "inside",
		"etc/abs-link.cfg":      "->/etc/real.cfg",
		"etc/rel-link.cfg":      "->real.cfg",
		"etc/dotdot-escape.cfg": "->../../../../../../etc/real.cfg",
		"etc/to-outside.cfg":    "->" + secret,
		"etc/loop.cfg":          "->loop.cfg",
		"etc/dir-link":          "->/etc",
		"etc/sub/placeholder":   "",
	})
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    string
		wantErr string
	}{
		{"plain file", "/etc/real.cfg", "inside", ""},
		{"absolute link resolves at the root", "/etc/abs-link.cfg", "inside", ""},
		{"relative link", "/etc/rel-link.cfg", "inside", ""},
		{"dot-dot never climbs above the root", "/etc/dotdot-escape.cfg", "inside", ""},
		{"dot-dot in the path itself", "/../../etc/real.cfg", "inside", ""},
		{"link through a linked directory", "/etc/dir-link/real.cfg", "inside", ""},
		{"absolute link to a real outside path stays inside", "/etc/to-outside.cfg", "", "no such file"},
		{"symlink loop", "/etc/loop.cfg", "", "too many levels of symbolic links"},
		{"directory", "/etc/sub", "", "is a directory"},
		{"missing", "/etc/none.cfg", "", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := fsys.ReadFile(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ReadFile(%s) = %q, %v; want error containing %q", tc.path, data, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), root) {
					t.Errorf("error %q names the scan root; findings must name host paths", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile(%s): %v", tc.path, err)
			}
			if string(data) != tc.want {
				t.Fatalf("ReadFile(%s) = %q, want %q", tc.path, data, tc.want)
			}
		})
	}
}

func TestReadFileRefusesHugeFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(root, "etc", "huge.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 100 MB file: the size is what matters, not the disk.
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fsys.ReadFile("/etc/huge.cfg")
	if !errors.Is(err, hostfs.ErrTooLarge) {
		t.Fatalf("ReadFile(huge) error = %v, want hostfs.ErrTooLarge", err)
	}
}

func TestGlobAndResolve(t *testing.T) {
	root := testkit.HostTree(t, map[string]string{
		"etc/xrootd/b.cfg":      "",
		"etc/xrootd/a.cfg":      "",
		"etc/xrootd/notes.txt":  "",
		"etc/xrootd/link.cfg":   "->/etc/xrootd/a.cfg",
		"etc/other/ignored.cfg": "",
	})
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fsys.Glob("/etc/xrootd", "*.cfg")
	if err != nil {
		t.Fatal(err)
	}
	want := "/etc/xrootd/a.cfg /etc/xrootd/b.cfg /etc/xrootd/link.cfg"
	if strings.Join(got, " ") != want {
		t.Errorf("Glob = %v, want %s", got, want)
	}
	if got, _ := fsys.Glob("/etc/missing", "*"); got != nil {
		t.Errorf("Glob on a missing directory = %v, want nothing", got)
	}
	if r, err := fsys.Resolve("/etc/xrootd/link.cfg"); err != nil || r != "/etc/xrootd/a.cfg" {
		t.Errorf("Resolve(link) = %q, %v", r, err)
	}
	if _, err := fsys.Resolve("relative/path"); err == nil {
		t.Error("Resolve accepted a relative path")
	}
}

func TestNewRejectsNonDirectories(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := hostfs.New(f); err == nil {
		t.Error("hostfs.New(file) succeeded")
	}
	if _, err := hostfs.New(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("hostfs.New(missing) succeeded")
	}
}

// TestReadlinkAndOpenFile: Readlink reads the last link of a path whose
// directories resolve inside the root (a systemd mask in a directory
// reached through a link), and OpenFile gives a driver a name for the
// inode it opened.
func TestReadlinkAndOpenFile(t *testing.T) {
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(outside, "system"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/outside-target", filepath.Join(outside, "system", "x.service")); err != nil {
		t.Fatal(err)
	}
	root := testkit.HostTree(t, map[string]string{
		"etc/systemd/system/x.service": "->/dev/null",
		"etc/systemd/system/y.service": "[Unit]\n",
		"etc/via":                      "->systemd",
		"etc/escape":                   "->" + outside,
		"var/lib/rpm/rpmdb.sqlite":     "db",
	})
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, want, wantErr string
	}{
		{"/etc/systemd/system/x.service", "/dev/null", ""},
		{"/etc/via/system/x.service", "/dev/null", ""},
		{"/etc/systemd/system/y.service", "", "invalid argument"},
		{"/etc/systemd/system/missing.service", "", "no such file"},
		// /etc/escape leads to <outside> as an absolute path inside the
		// root, where nothing is: the link outside is never read.
		{"/etc/escape/system/x.service", "", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, err := fsys.Readlink(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Readlink = %q, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Readlink = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	f, st, err := fsys.OpenFile("/var/lib/rpm/rpmdb.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := os.ReadFile(hostfs.ProcPath(f))
	if err != nil || string(data) != "db" || st.Size() != 2 {
		t.Fatalf("through ProcPath: %q, %v (size %d)", data, err, st.Size())
	}
	if _, _, err := fsys.OpenFile("/etc/systemd/system/x.service"); err == nil {
		t.Error("OpenFile opened a link to /dev/null")
	}
}

// TestOneScanOneVersion: a scan reads a small file and lists a directory
// from the host once; later reads get what the first did, as copies the
// caller may change, and still count against the budget.
func TestOneScanOneVersion(t *testing.T) {
	root := testkit.HostTree(t, map[string]string{"etc/xrootd/a.cfg": "first", "etc/xrootd/b.cfg": "b"})
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	fsys.SetBudget(hostfs.Budget{Files: 3})
	data, err := fsys.ReadFile("/etc/xrootd/a.cfg")
	if err != nil || string(data) != "first" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	data[0] = 'X'
	entries, err := fsys.ReadDir("/etc/xrootd")
	if err != nil || len(entries) != 2 {
		t.Fatalf("ReadDir = %v, %v", entries, err)
	}
	entries[0] = nil
	if err := os.WriteFile(filepath.Join(root, "etc/xrootd/a.cfg"), []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/xrootd/c.cfg"), []byte("c"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := fsys.ReadFile("/etc/xrootd/a.cfg"); err != nil || string(data) != "first" {
		t.Errorf("second ReadFile = %q, %v; want what the first read", data, err)
	}
	if entries, err := fsys.ReadDir("/etc/xrootd"); err != nil || len(entries) != 2 || entries[0] == nil || entries[0].Name() != "a.cfg" {
		t.Errorf("second ReadDir = %v, %v; want the first listing", entries, err)
	}
	if _, err := fsys.ReadFile("/etc/xrootd/b.cfg"); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.ReadFile("/etc/xrootd/a.cfg"); !errors.Is(err, hostfs.ErrBudget) {
		t.Errorf("fourth read = %v, want the budget of 3 files spent", err)
	}
	if next, err := hostfs.New(root); err != nil {
		t.Fatal(err)
	} else if got, err := next.ReadFile("/etc/xrootd/a.cfg"); err != nil || string(got) != "second" {
		t.Errorf("a new scan reads %q, %v; want the file as it is now", got, err)
	}
}

// TestStatIsOsStat: Stat builds its FileInfo from the walk's own fstatat;
// what it says must be what os.Stat says of the same file.
func TestStatIsOsStat(t *testing.T) {
	root := testkit.HostTree(t, map[string]string{"etc/suid": "x", "etc/link": "->suid", "tmp/placeholder": ""})
	if err := os.Chmod(filepath.Join(root, "etc/suid"), 0o4755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "tmp"), 0o1777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "etc/fifo"), 0o640); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/etc/suid", "/etc/link", "/tmp", "/etc/fifo", "/"} {
		t.Run(p, func(t *testing.T) {
			got, err := fsys.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.Stat(filepath.Join(root, p))
			if err != nil {
				t.Fatal(err)
			}
			if got.Mode() != want.Mode() || got.Size() != want.Size() || got.IsDir() != want.IsDir() || !got.ModTime().Equal(want.ModTime()) {
				t.Errorf("Stat = %v %d %v %v, os.Stat = %v %d %v %v", got.Mode(), got.Size(), got.IsDir(), got.ModTime(), want.Mode(), want.Size(), want.IsDir(), want.ModTime())
			}
			sys := want.Sys().(*syscall.Stat_t)
			if id, ok := hostfs.IDOf(got); !ok || id != (hostfs.FileID{Dev: uint64(sys.Dev), Ino: sys.Ino}) {
				t.Errorf("IDOf = %v, %v; os.Stat says device %d inode %d", id, ok, sys.Dev, sys.Ino)
			}
		})
	}
}
