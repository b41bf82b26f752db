// Command benchstartup measures what a user waits for before ttt-check
// does any work: it runs the built binary's cheapest commands many times
// and prints the median wall time of each, beside `rg --version` as the
// floor a Go-free static binary reaches on the same machine (issue 17).
// It is `make bench-startup`; no test asserts its figures, since they
// depend on the machine.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 200, "runs per command")
	bin := flag.String("bin", "bin/ttt-check", "the ttt-check binary to measure")
	flag.Parse()
	os.Exit(run(*bin, *n, os.Stdout))
}

// command is one measured command line; ok says which exit codes are its
// normal outcome.
type command struct {
	name string
	argv []string
	ok   func(code int) bool
}

func zero(code int) bool { return code == 0 }

// nothingToJudge is an empty root's outcome: exit 3, no service found.
func nothingToJudge(code int) bool { return code == 3 }

func run(bin string, n int, out io.Writer) int {
	empty, err := os.MkdirTemp("", "benchstartup")
	if err != nil {
		fmt.Fprintln(out, err)
		return 1
	}
	defer os.RemoveAll(empty)
	cmds := []command{
		{"version", []string{bin, "version"}, zero},
		{"checks", []string{bin, "checks"}, zero},
		{"explain issuer-dev-vo", []string{bin, "explain", "issuer-dev-vo"}, zero},
		// An empty root: every reader finds nothing, so what is left is
		// the scan's fixed cost (recipes, profile, checks, report), and
		// it exits 3, nothing to judge.
		{"scan --root EMPTY", []string{bin, "scan", "--root", empty, "--format", "json"}, nothingToJudge},
	}
	if rg, err := exec.LookPath("rg"); err == nil {
		cmds = append(cmds, command{"rg --version", []string{rg, "--version"}, zero})
	} else {
		fmt.Fprintln(out, "rg is not installed: no `rg --version` reference row")
	}
	fmt.Fprintf(out, "%d runs each, %d CPUs, %s\n", n, runtime.NumCPU(), cpuModel())
	// Wall time is what a user waits; CPU time (user+sys, every thread)
	// is what the process itself costs, and moves less on a busy machine.
	fmt.Fprintf(out, "%-24s %10s %10s %10s %10s\n", "command", "median", "min", "p90", "cpu")
	failed := false
	for _, c := range cmds {
		wall, cpu, err := measure(c, n)
		if err != nil {
			fmt.Fprintf(out, "%-24s %v\n", c.name, err)
			failed = true
			continue
		}
		slices.Sort(wall)
		slices.Sort(cpu)
		fmt.Fprintf(out, "%-24s %10s %10s %10s %10s\n", c.name, ms(wall[len(wall)/2]), ms(wall[0]), ms(wall[len(wall)*9/10]), ms(cpu[len(cpu)/2]))
	}
	if failed {
		return 1
	}
	return 0
}

// measure runs c n times after one warm-up run (which fills the page
// cache, so the figures are start-up, not disk) and returns the wall and
// CPU time of each run.
func measure(c command, n int) (wall, cpu []time.Duration, err error) {
	for i := 0; i <= n; i++ {
		cmd := exec.Command(c.argv[0], c.argv[1:]...)
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			return nil, nil, err
		}
		if !c.ok(code) {
			return nil, nil, fmt.Errorf("exit code %d", code)
		}
		if i > 0 {
			wall = append(wall, d)
			cpu = append(cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
	}
	return wall, cpu, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// cpuModel is the first "model name" of /proc/cpuinfo, or the GOARCH
// where there is none.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
