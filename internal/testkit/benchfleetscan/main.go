// Command benchfleetscan times a scan of many host snapshots in one run
// (ttt-check scan --roots DIR/* --output-dir) against conftest in
// multi-file mode over the same snapshots with three Rego checks, and
// prints both and the ratio: the fleet-scale target of make
// bench-fleet-scan. conftest is optional (skipped with a message).
package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/ttt-check", "the ttt-check binary")
	host := flag.String("host", "fixtures/hosts/demo", "the snapshot copied N times")
	n := flag.Int("n", 1000, "snapshots")
	runs := flag.Int("runs", 3, "runs of each tool (the median is printed)")
	conftest := flag.String("conftest", "", "the conftest binary (default: bin/tools/conftest, else conftest in PATH)")
	policy := flag.String("policy", "internal/testkit/benchfleetscan/policy", "conftest policy directory")
	flag.Parse()
	dir, err := os.MkdirTemp("", "bench-fleet-scan-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	var roots, configs []string
	for i := range *n {
		root := filepath.Join(dir, "hosts", fmt.Sprintf("h%04d", i))
		if err := copyTree(*host, root); err != nil {
			fail(err)
		}
		roots = append(roots, root)
		configs = append(configs, filepath.Join(root, "etc/xrootd/scitokens.cfg"))
	}
	out := filepath.Join(dir, "results")
	ttt := median(*runs, func() error {
		os.RemoveAll(out)
		cmd := exec.Command(*bin, "scan", "--roots", filepath.Join(dir, "hosts", "*"), "--output-dir", out, "--format", "json", "-q", "--color", "never")
		cmd.Stderr = os.Stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() <= 1 {
			return nil // deviations found: the scan ran
		}
		return err
	})
	fmt.Printf("ttt-check scan, %d snapshots of %s in one run: %v (%v per host)\n", *n, *host, ttt.Round(time.Millisecond), (ttt / time.Duration(*n)).Round(time.Microsecond))
	ct := *conftest
	if ct == "" {
		if _, err := os.Stat("bin/tools/conftest"); err == nil {
			ct = "bin/tools/conftest"
		} else if p, err := exec.LookPath("conftest"); err == nil {
			ct = p
		}
	}
	if ct == "" {
		fmt.Println("conftest: not installed (GOBIN=$PWD/bin/tools go install github.com/open-policy-agent/conftest@v0.71.1); no ratio")
		return
	}
	peer := median(*runs, func() error {
		args := append([]string{"test", "--no-color", "--parser", "ini", "-p", *policy}, configs...)
		cmd := exec.Command(ct, args...)
		cmd.Stdout = io.Discard
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			return nil // policy failures: it ran
		}
		return err
	})
	fmt.Printf("conftest test, 3 Rego checks over the same %d scitokens.cfg: %v\n", *n, peer.Round(time.Millisecond))
	fmt.Printf("ratio ttt-check / conftest: %.2f (target: at most 1)\n", float64(ttt)/float64(peer))
}

func median(runs int, f func() error) time.Duration {
	var ds []time.Duration
	for range runs {
		start := time.Now()
		if err := f(); err != nil {
			fail(err)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchfleetscan:", err)
	os.Exit(1)
}
