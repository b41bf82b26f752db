// Package testkit is the shared kit of ttt-check's tests: host trees built
// from a map, golden files regenerated with -update, and locators for the
// things a test may need but a plain clone lacks (the ../shared corpus
// beside the repository, an oracle program such as xrootd's cconfig).
// Whatever is absent makes the test skip with a one-line reason, so that
// `make test` passes on a plain clone and CI, which has everything, shows
// every skip in its summary.
package testkit

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// update is the one -update flag of every test binary that uses golden
// files: `go test ./... -update` rewrites them all for review.
var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// HostTree writes files into a new temporary directory laid out like a
// host's filesystem and returns the directory; see WriteTree.
func HostTree[C ~string | ~[]byte](t testing.TB, files map[string]C) string {
	t.Helper()
	root := t.TempDir()
	WriteTree(t, root, files)
	return root
}

// WriteTree writes files into dir. Keys are paths as on the host
// ("/etc/xrootd/scitokens.cfg"); a key ending in "/" makes an empty
// directory. Contents are strings or byte slices; a content starting with
// "->" makes a symbolic link to the rest, one starting with "+x:" an
// executable file of the rest.
func WriteTree[C ~string | ~[]byte](t testing.TB, dir string, files map[string]C) {
	t.Helper()
	for p, content := range files {
		real := filepath.Join(dir, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(real, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
			t.Fatal(err)
		}
		text := string(content)
		if target, ok := strings.CutPrefix(text, "->"); ok {
			if err := os.Symlink(target, real); err != nil {
				t.Fatal(err)
			}
			continue
		}
		mode := os.FileMode(0o644)
		if rest, ok := strings.CutPrefix(text, "+x:"); ok {
			text, mode = rest, 0o755
		}
		if err := os.WriteFile(real, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		// WriteFile leaves the mode of an existing file and honours umask.
		if err := os.Chmod(real, mode); err != nil {
			t.Fatal(err)
		}
	}
}

// CopyTree copies the directory src (a fixture host) into a new
// temporary directory, regular files and symbolic links as they are, and
// returns it: a test may then change the copy, never the fixture.
func CopyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case info.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Golden compares got with the golden file at path; with -update it
// rewrites the file instead. The failure message says how to regenerate.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v; run the test with -update and review the diff", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run the test with -update and review the diff\n--- got\n%s", path, got)
	}
}

// RepoRoot is the directory holding go.mod, found from this file's place
// so that tests in any package agree.
func RepoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "."
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared is ../shared beside the repository (or $TTT_SHARED), holding the
// real-world corpus and reference files, or "" when it is absent.
func Shared() string {
	dir := os.Getenv("TTT_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(), "..", "shared")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

// SharedPath returns a path under ../shared, skipping the test with a
// one-line reason when it does not exist.
func SharedPath(t testing.TB, parts ...string) string {
	t.Helper()
	root := Shared()
	if root == "" {
		t.Skip("../shared is not beside the repository (real-world corpus absent)")
	}
	p := filepath.Join(append([]string{root}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not in ../shared", filepath.Join(parts...))
	}
	return p
}

// Corpus returns the files of ../shared/corpus/<dir> matching glob, sorted,
// skipping the test when the corpus or the match is absent.
func Corpus(t testing.TB, dir, glob string) []string {
	t.Helper()
	files := CorpusFiles(dir, glob)
	if len(files) == 0 {
		if Shared() == "" {
			t.Skip("../shared is not beside the repository (real-world corpus absent)")
		}
		t.Skipf("no corpus files corpus/%s/%s in ../shared", dir, glob)
	}
	return files
}

// CorpusFiles is Corpus without the skip, for fuzz seeds: a fuzz target
// still runs on its inline seeds when the corpus is absent.
func CorpusFiles(dir, glob string) []string {
	root := Shared()
	if root == "" {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(root, "corpus", dir, glob))
	return files
}

// Program returns the path of an oracle program, skipping the test when it
// is not installed; install names the Debian package(s) that provide it
// (.ci/run installs them all).
func Program(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed: apt-get install %s (.ci/run does)", name, install)
	}
	return p
}

// HostFS is HostTree opened as the host filesystem readers see.
func HostFS[C ~string | ~[]byte](t testing.TB, files map[string]C) *hostfs.FS {
	t.Helper()
	fsys, err := hostfs.New(HostTree(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// Host is HostTree as a reader's host named name.
func Host[C ~string | ~[]byte](t testing.TB, name string, files map[string]C) readers.Host {
	t.Helper()
	return readers.Host{FS: HostFS(t, files), Name: name}
}

// FuzzTree is a host tree made once per fuzz worker and rewritten for each
// input. A temporary tree per input costs a directory, its files and their
// removal every time: fuzzing then crawls, and minimising a large
// interesting input (thousands of runs) stalls it for minutes.
type FuzzTree struct {
	root string
	// last is the previous input's filesystem, closed when the next is
	// opened: each keeps the directories it walked open, and thousands of
	// inputs a second would hold thousands of descriptors until the
	// garbage collector ran.
	last *hostfs.FS
}

// NewFuzzTree makes the tree's directory.
func NewFuzzTree(f *testing.F) *FuzzTree {
	f.Helper()
	return &FuzzTree{root: f.TempDir()}
}

// Write replaces the files of the tree (host paths; contents written as
// they are, never read as links) and opens it as the host filesystem, with
// a fresh read budget.
func (ft *FuzzTree) Write(t testing.TB, files map[string][]byte) *hostfs.FS {
	t.Helper()
	for p, content := range files {
		real := filepath.Join(ft.root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(real, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ft.last != nil {
		ft.last.Close()
	}
	fsys, err := hostfs.New(ft.root)
	if err != nil {
		t.Fatal(err)
	}
	ft.last = fsys
	return fsys
}

// CPU is the CPU time (user and system, every thread) this process has
// used so far. Benchmarks report it beside the wall time: on a shared
// machine the wall time depends on what else runs, the CPU time much
// less.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPU reports, after a benchmark's loop, the CPU time per
// iteration since start (a CPU() taken just before the loop) as
// cpu-ms/op.
func ReportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(CPU()-start)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
	}
}
