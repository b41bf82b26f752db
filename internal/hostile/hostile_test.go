// Package hostile is the hostile-input suite: hosts built to make a
// reader hang, blow up or pass silently (include fan-out, expansion
// bombs, quadratic inputs, nesting that overflows a recursive parser,
// paths that cannot be read). Each is scanned through internal/scan as
// `ttt-check scan --root` would: it must finish, record the right
// scan-incomplete problem, and never panic. Time and memory are measured
// by `make bench-hostile` (bench_test.go), not asserted here.
//
// The package has test files only.
package hostile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/scan"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// nobody is the user unprivileged cases run as when the suite runs as
// root (permission bits do not stop root).
const nobody = 65534

// childEnv marks a test binary started by this suite for one case: it
// prints how long the scan took, for the benchmark.
const childEnv = "TTT_HOSTILE_CHILD"

// scanLine prefixes the line a child prints with the scan's duration.
const scanLine = "hostile-scan-ns "

// treeEnv names a tree the benchmark built for the child to scan, so that
// building it (strings of up to 16 MB) does not count in the child's peak
// RSS.
const treeEnv = "TTT_HOSTILE_TREE"

// deadline is how long a case may take before the test gives up on it:
// far above the benchmark's target, far below go test's timeout.
const deadline = 60 * time.Second

func TestHostile(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.unprivileged && os.Geteuid() == 0 {
				runUnprivileged(t, c)
				return
			}
			runCase(t, c)
		})
	}
}

// runCase builds the case's tree and scans it.
func runCase(t *testing.T, c hostileCase) {
	root := os.Getenv(treeEnv)
	if root == "" {
		root = t.TempDir()
		buildTree(t, root, c)
	}
	type result struct {
		rep   *finding.Report
		err   error
		panic any
	}
	done := make(chan result, 1)
	cpu0 := cpuTime()
	start := time.Now()
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
			done <- r
		}()
		r.rep, r.err = scanTree(root, c.recipes)
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(deadline):
		t.Fatalf("the scan did not finish in %s", deadline)
	}
	if os.Getenv(childEnv) != "" {
		fmt.Printf("%s%d %d %d\n", scanLine, time.Since(start).Nanoseconds(), (cpuTime() - cpu0).Nanoseconds(), peakRSS())
	}
	if r.panic != nil {
		t.Fatalf("the scan panicked: %v", r.panic)
	}
	if c.recipes || strings.HasPrefix(c.name, "site-") {
		// A recipe set or site profile the scan refuses is the
		// operator's error (exit 2), never a finding.
		if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Fatalf("error = %v, want one saying %q", r.err, c.want)
		}
		return
	}
	if r.err != nil {
		t.Fatalf("scan: %v", r.err)
	}
	if c.want == "" {
		return
	}
	var seen []string
	for _, f := range r.rep.Findings {
		if f.Check != vocab.CheckScanIncomplete {
			continue
		}
		seen = append(seen, fmt.Sprintf("%s %s:%d: %s", f.Service, f.File, f.Line, cut(f.Actual)))
		if !strings.Contains(f.Actual, c.want) || !strings.HasPrefix(f.File, c.file) ||
			(c.service != "" && f.Service != c.service) || (c.line && f.Line < 1) {
			continue
		}
		if f.Severity < vocab.High {
			t.Errorf("%s is %s, want high at least: what was not read can change token trust", f.Actual, f.Severity)
		}
		return
	}
	t.Fatalf("no scan-incomplete finding of %s for %s%s saying %q; scan-incomplete findings:\n%s",
		c.service, c.file, map[bool]string{true: ":LINE"}[c.line], c.want, strings.Join(seen, "\n"))
}

// peakRSS is this process's peak resident set since it started (VmHWM),
// in bytes. getrusage's ru_maxrss of a child would include the RSS of the
// parent it was forked from, which builds the trees.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTime is the CPU time this process used so far (user and system, all
// threads: the garbage collector's too).
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// buildTree writes the case's tree into root.
func buildTree(t testing.TB, root string, c hostileCase) {
	testkit.WriteTree(t, root, c.files())
	if c.after != nil {
		c.after(t, root)
	}
}

func cut(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// scanTree scans root as a host, or loads it as a --recipes directory.
func scanTree(root string, recipes bool) (*finding.Report, error) {
	cfg := scan.Config{Root: root}
	if recipes {
		cfg = scan.Config{Root: "/", RecipesDir: root, SkipProfile: true}
	}
	s, err := scan.New(cfg)
	if err != nil {
		return nil, err
	}
	return s.Run(scan.Options{Now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), FailOn: vocab.Medium})
}

// runUnprivileged runs the case in a copy of this test binary as nobody:
// root reads through mode 000, so permission-denied cases need a user the
// bits stop.
func runUnprivileged(t *testing.T, c hostileCase) {
	bin := unprivilegedBinary(t)
	cmd := exec.Command(bin, "-test.run", "^TestHostile$/^"+c.name+"$", "-test.v", "-test.count=1")
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = append(os.Environ(), "TMPDIR="+os.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		t.Fatalf("as uid %d:\n%s", nobody, out)
	default:
		t.Skipf("cannot run the case as uid %d to test permission denied (root reads through mode 000): %v", nobody, err)
	}
	if !strings.Contains(string(out), "--- PASS: TestHostile/"+c.name) {
		t.Fatalf("as uid %d, the case did not pass:\n%s", nobody, out)
	}
}

// unprivilegedBinary copies this test binary where nobody may run it (go
// test keeps it in a directory only its owner may enter).
func unprivilegedBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary to rerun it unprivileged: %v", err)
	}
	dir, err := os.MkdirTemp("", "ttt-hostile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "hostile.test")
	if err := copyFile(self, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("read %s: %w", from, err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", to, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	return nil
}
