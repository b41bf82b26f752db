package hostfs_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// hostileLogs is a log directory with what a hostile or odd host puts
// there: links out of the root (absolute and by ".."), a link to a
// directory outside, a FIFO, a subdirectory.
func hostileLogs(t *testing.T) (root, outside string) {
	t.Helper()
	outside = t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	root = testkit.HostTree(t, map[string]string{
		"var/log/x/a.log":      "A",
		"var/log/x/sub/b.log":  "B",
		"var/log/x/link-in":    "->/var/log/x/a.log",
		"var/log/x/link-out":   "->" + filepath.Join(outside, "secret"),
		"var/log/x/rel-out":    "->../../../../../../../../" + filepath.Join(outside, "secret"),
		"var/log/x/dir-out":    "->" + outside,
		"var/log/x/sub-link":   "->sub",
		"var/log/elsewhere/ok": "",
	})
	if err := syscall.Mkfifo(filepath.Join(root, "var/log/x/fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, outside
}

func TestDirEntries(t *testing.T) {
	root, _ := hostileLogs(t)
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	d, err := fsys.OpenDir("/var/log/x")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	entries, err := d.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name+":"+e.Type.Type().String())
	}
	want := "a.log:---------- dir-out:L--------- fifo:p--------- link-in:L--------- link-out:L--------- rel-out:L--------- sub:d--------- sub-link:L---------"
	if strings.Join(got, " ") != want {
		t.Errorf("Entries = %s\nwant      %s", strings.Join(got, " "), want)
	}
	if d.Path() != "/var/log/x" {
		t.Errorf("Path = %s", d.Path())
	}
}

func TestDirOpenNeverLeavesTheDirectory(t *testing.T) {
	root, _ := hostileLogs(t)
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	d, err := fsys.OpenDir("/var/log/x")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tests := []struct {
		name    string
		entry   string
		want    string
		wantErr error  // errors.Is
		wantMsg string // or a part of the message
	}{
		{"regular file", "a.log", "A", nil, ""},
		{"absolute link out of the root is not followed", "link-out", "", hostfs.ErrNotRegular, "not followed"},
		{"relative link out of the root is not followed", "rel-out", "", hostfs.ErrNotRegular, "not followed"},
		{"even a link inside the root is left to the caller", "link-in", "", hostfs.ErrNotRegular, "not followed"},
		{"FIFO is refused without blocking", "fifo", "", hostfs.ErrNotRegular, "a FIFO"},
		{"directory", "sub", "", nil, "is a directory"},
		{"dot-dot is not a name", "..", "", nil, "not a name"},
		{"a path is not a name", "sub/b.log", "", nil, "not a name"},
		{"missing", "none.log", "", fs.ErrNotExist, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				data []byte
				err  error
			}
			done := make(chan result, 1)
			go func() {
				f, err := d.Open(tc.entry)
				if err != nil {
					done <- result{nil, err}
					return
				}
				defer f.Close()
				data, err := io.ReadAll(f)
				done <- result{data, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("Open(%s) blocked", tc.entry)
			}
			if tc.wantErr == nil && tc.wantMsg == "" {
				if r.err != nil || string(r.data) != tc.want {
					t.Fatalf("Open(%s) = %q, %v; want %q", tc.entry, r.data, r.err, tc.want)
				}
				return
			}
			if r.err == nil {
				t.Fatalf("Open(%s) = %q, want an error", tc.entry, r.data)
			}
			if tc.wantErr != nil && !errors.Is(r.err, tc.wantErr) {
				t.Errorf("Open(%s) error = %v, want %v", tc.entry, r.err, tc.wantErr)
			}
			if !strings.Contains(r.err.Error(), tc.wantMsg) {
				t.Errorf("Open(%s) error = %v, want it to say %q", tc.entry, r.err, tc.wantMsg)
			}
			if strings.Contains(r.err.Error(), root) {
				t.Errorf("error %q names the scan root; findings must name host paths", r.err)
			}
		})
	}
}

func TestDirOpenDir(t *testing.T) {
	root, outside := hostileLogs(t)
	fsys, err := hostfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	d, err := fsys.OpenDir("/var/log/x")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tests := []struct {
		name    string
		open    func() (*hostfs.Dir, error)
		path    string // host path of the directory opened
		wantErr string
	}{
		{"subdirectory", func() (*hostfs.Dir, error) { return d.OpenDir("sub") }, "/var/log/x/sub", ""},
		{"link to a subdirectory is not followed", func() (*hostfs.Dir, error) { return d.OpenDir("sub-link") }, "", "not followed"},
		{"link to a directory outside is not followed", func() (*hostfs.Dir, error) { return d.OpenDir("dir-out") }, "", "not followed"},
		{"a file is not a directory", func() (*hostfs.Dir, error) { return d.OpenDir("a.log") }, "", "not a directory"},
		{"a FIFO is not a directory", func() (*hostfs.Dir, error) { return d.OpenDir("fifo") }, "", "not a directory"},
		{"through the root, a link resolves inside it", func() (*hostfs.Dir, error) { return fsys.OpenDir("/var/log/x/sub-link") }, "/var/log/x/sub", ""},
		{"through the root, a link outside it stays inside", func() (*hostfs.Dir, error) { return fsys.OpenDir("/var/log/x/dir-out") }, "", "no such file"},
		{"the root itself", func() (*hostfs.Dir, error) { return fsys.OpenDir("/") }, "/", ""},
		{"dot-dot above the root", func() (*hostfs.Dir, error) { return fsys.OpenDir("/../../var/log/elsewhere") }, "/var/log/elsewhere", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub, err := tc.open()
			if tc.wantErr != "" {
				if err == nil {
					sub.Close()
					t.Fatalf("opened %s, want an error containing %q", sub.Path(), tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), root) || strings.Contains(err.Error(), outside) {
					t.Errorf("error %q names a path of this machine", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			if sub.Path() != tc.path {
				t.Errorf("Path = %s, want %s", sub.Path(), tc.path)
			}
			if _, err := sub.Entries(); err != nil {
				t.Errorf("Entries: %v", err)
			}
		})
	}
}

func TestLogBudget(t *testing.T) {
	root := testkit.HostTree(t, map[string]string{
		"var/log/1.log": "1", "var/log/2.log": "2", "var/log/3.log": "3",
		"etc/a.cfg": "a", "etc/b.cfg": "b",
	})
	tests := []struct {
		name   string
		budget hostfs.Budget
		// opened are how many of the three logs open before ErrBudget.
		opened int
	}{
		{"log files are bounded", hostfs.Budget{LogFiles: 2}, 2},
		{"config budget does not bound logs", hostfs.Budget{Files: 1}, 3},
		{"zero means no limit", hostfs.Budget{}, 3},
	}
	for _, tc := range tests {
		for _, via := range []string{"Dir.Open", "FS.Open"} {
			t.Run(tc.name+" via "+via, func(t *testing.T) {
				fsys, err := hostfs.New(root)
				if err != nil {
					t.Fatal(err)
				}
				fsys.SetBudget(tc.budget)
				d, err := fsys.OpenDir("/var/log")
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				opened := 0
				for _, name := range []string{"1.log", "2.log", "3.log"} {
					var c io.Closer
					if via == "Dir.Open" {
						c, err = d.Open(name)
					} else {
						c, _, err = fsys.Open("/var/log/" + name)
					}
					if err != nil {
						if !errors.Is(err, hostfs.ErrBudget) {
							t.Fatalf("open %s: %v, want ErrBudget", name, err)
						}
						continue
					}
					c.Close()
					opened++
				}
				if opened != tc.opened {
					t.Errorf("opened %d logs, want %d", opened, tc.opened)
				}
				// Configuration reads keep their own budget.
				_, err = fsys.ReadFile("/etc/a.cfg")
				if tc.budget.Files == 1 {
					if err != nil {
						t.Fatalf("first config: %v", err)
					}
					if _, err := fsys.ReadFile("/etc/b.cfg"); !errors.Is(err, hostfs.ErrBudget) {
						t.Errorf("second config over a budget of one file: %v", err)
					}
				} else if err != nil {
					t.Errorf("config read after the logs: %v", err)
				}
			})
		}
	}
}

// TestDirReadsProcFiles: a /proc file says size 0 and has content; Dir
// reads to the end, whatever the size said.
func TestDirReadsProcFiles(t *testing.T) {
	fsys, err := hostfs.New("/")
	if err != nil {
		t.Fatal(err)
	}
	d, err := fsys.OpenDir("/proc/self")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer d.Close()
	f, err := d.Open("status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil || f.Size() != 0 || !strings.Contains(string(data), "Pid:") {
		t.Errorf("read /proc/self/status: size %d, %d bytes, %v", f.Size(), len(data), err)
	}
}
