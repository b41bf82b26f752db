package hostile

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	bench      = flag.Bool("hostile.bench", false, "measure time and peak RSS of every hostile case, each in its own process (make bench-hostile)")
	benchCases = flag.String("hostile.cases", "", "with -hostile.bench: only the cases whose names contain this")
)

// Targets of every hostile case: the scan finishes within targetTime and
// the process never holds more than targetRSS.
const (
	targetTime = time.Second
	targetRSS  = 100 << 20
)

// Watchdog limits of a measured case, so that a case that blows up is
// reported as such instead of taking the machine down.
const (
	killTime = 120 * time.Second
	killRSS  = 4 << 30
)

// TestBenchHostile runs each case in a process of its own (this test
// binary with -test.run for that case, on a tree built here) and prints
// the scan's time and the process's peak RSS (its VmHWM, or getrusage's
// ru_maxrss when it was killed). It fails when a case misses
// the targets. It runs only with -hostile.bench.
func TestBenchHostile(t *testing.T) {
	if !*bench {
		t.Skip("run with -hostile.bench (make bench-hostile)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unprivileged := ""
	fmt.Printf("%-38s %10s %10s %10s %10s  %s\n", "case", "scan", "scan CPU", "process", "peak RSS", "result")
	for _, c := range cases {
		if *benchCases != "" && !strings.Contains(c.name, *benchCases) {
			continue
		}
		bin := self
		var cred *syscall.Credential
		if c.unprivileged && os.Geteuid() == 0 {
			if unprivileged == "" {
				unprivileged = unprivilegedBinary(t)
			}
			bin, cred = unprivileged, &syscall.Credential{Uid: nobody, Gid: nobody}
		}
		m := measure(bin, c.name, tree(t, c), cred)
		fmt.Printf("%-38s %10s %10s %10s %9.1fM  %s\n", c.name, ms(m.scan), ms(m.cpu), ms(m.wall), float64(m.maxRSS)/(1<<20), m.result)
		if m.scan > targetTime || m.maxRSS > targetRSS || m.result != "ok" {
			t.Errorf("%s: scan %s, peak RSS %.1f MB, %s; target: under %s and %d MB", c.name, ms(m.scan), float64(m.maxRSS)/(1<<20), m.result, targetTime, targetRSS>>20)
		}
	}
}

func ms(d time.Duration) string {
	if d < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
}

type measurement struct {
	// scan and cpu are the scan's wall-clock and CPU time, as the case
	// measured them; wall is the whole process's.
	scan, cpu, wall time.Duration
	maxRSS          int64 // bytes
	result          string
}

// tree builds the case's tree where the child (maybe nobody) can read
// it, and removes it when the benchmark ends.
func tree(t *testing.T, c hostileCase) string {
	dir, err := os.MkdirTemp("", "ttt-hostile-tree-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // after the modes are restored
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	buildTree(t, dir, c)
	return dir
}

// measure runs one case in its own process on the tree built for it and
// watches it.
func measure(bin, name, tree string, cred *syscall.Credential) measurement {
	m := measurement{scan: -1, cpu: -1}
	cmd := exec.Command(bin, "-test.run", "^TestHostile$/^"+name+"$", "-test.v", "-test.count=1")
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = append(os.Environ(), childEnv+"=1", treeEnv+"="+tree, "TMPDIR="+os.TempDir())
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		m.result = "cannot start: " + err.Error()
		return m
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := ""
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			switch {
			case time.Since(start) > killTime:
				killed = fmt.Sprintf("killed after %s", killTime)
			case rss(cmd.Process.Pid) > killRSS:
				killed = fmt.Sprintf("killed at %d GB RSS", killRSS>>30)
			default:
				continue
			}
			cmd.Process.Kill()
			err = <-done
			break wait
		}
	}
	m.wall = time.Since(start)
	// ru_maxrss counts the RSS of this process, which the child was forked
	// from: it is the fallback when the child could not say its own peak
	// (it was killed).
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = u.Maxrss << 10 // kilobytes on Linux
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), scanLine); ok {
			f := strings.Fields(v)
			if len(f) == 3 {
				wall, _ := strconv.ParseInt(f[0], 10, 64)
				cpu, _ := strconv.ParseInt(f[1], 10, 64)
				hwm, _ := strconv.ParseInt(f[2], 10, 64)
				m.scan, m.cpu = time.Duration(wall), time.Duration(cpu)
				if hwm > 0 {
					m.maxRSS = hwm
				}
			}
		}
	}
	var exit *exec.ExitError
	switch {
	case killed != "":
		m.result = killed
		m.scan = m.wall
	case errors.As(err, &exit):
		m.result = "FAIL: " + lastLines(out.String(), 3)
	case err != nil:
		m.result = err.Error()
	case strings.Contains(out.String(), "--- SKIP"):
		m.result = "skipped"
	default:
		m.result = "ok"
	}
	return m
}

// rss is a running process's resident set, in bytes (0 when unknown).
func rss(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
