package logsearch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	benchSmall      = flag.Bool("benchlogs.small", false, "run the many-small-files benchmark (make bench-logs-small)")
	benchSmallFiles = flag.Int("benchlogs.files", 100000, "number of small log files to generate")
	benchSmallKB    = flag.Int("benchlogs.filekb", 10, "size of each small log file in KiB")
	benchRuns       = flag.Int("benchlogs.runs", 3, "timed runs per tool (the median is shown)")
)

// rgPattern is what ripgrep counts: the shape logsearch looks for (header
// and payload starting with eyJ, plain or %2E dots), without the decoding
// that tells a token from a lookalike.
const rgPattern = `eyJ[A-Za-z0-9_-]{10,}(\.|%2[Ee])eyJ[A-Za-z0-9_-]{10,}(\.|%2[Ee])[A-Za-z0-9_-]*`

// TestBenchLogsSmall is the fleet-scale case of issue 17: a log tree of
// many small files (by default 100,000 of 10 KiB, in directories of 1,000
// like rotated per-transfer or per-job logs), where the cost is opening
// files, not scanning bytes. It prints ttt-check's and ripgrep's median
// wall and CPU time over the same tree, their ratios, and recall and
// precision on the planted tokens. A benchmark, not a timed test: it only runs with
// -benchlogs.small.
func TestBenchLogsSmall(t *testing.T) {
	if !*benchSmall {
		t.Skip("benchmark: run with make bench-logs-small")
	}
	if *benchBin == "" {
		t.Fatal("-benchlogs.bin is required")
	}
	dir := *benchDir
	if dir == "" {
		dir = t.TempDir()
	}
	start := time.Now()
	pl := generateSmall(t, dir, *benchSmallFiles, *benchSmallKB<<10)
	t.Logf("generated %d files of %d KiB in %s in %s: %d planted occurrences of %d distinct tokens (%d in gzip files)",
		*benchSmallFiles, *benchSmallKB, dir, time.Since(start).Round(time.Second), pl.occurrences, len(pl.tokens), pl.gzipped)

	out := filepath.Join(t.TempDir(), "leaks.json")
	ttt := func() (run, error) {
		r, err := measureRun(*benchBin, "logs", dir, "--format", "json="+out)
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			err = nil // 1: leaks found, as planted
		}
		return r, err
	}
	rgBin, rgErr := exec.LookPath("rg")
	rg := func() (run, error) { return measureRun(rgBin, "-c", "-z", rgPattern, dir) }
	// One untimed run each fills the page cache, so both read from memory.
	if _, err := ttt(); err != nil {
		t.Fatalf("ttt-check: %v", err)
	}
	if rgErr == nil {
		if _, err := rg(); err != nil {
			t.Fatalf("rg: %v", err)
		}
	}
	var tttRuns, rgRuns []run
	for i := 0; i < max(*benchRuns, 1); i++ {
		r, err := ttt()
		if err != nil {
			t.Fatalf("ttt-check: %v", err)
		}
		tttRuns = append(tttRuns, r)
		if rgErr == nil {
			r, err := rg()
			if err != nil {
				t.Fatalf("rg: %v", err)
			}
			rgRuns = append(rgRuns, r)
		}
	}

	found, occurrences, problems := readLeaks(t, out)
	tp := 0
	for fp := range found {
		if pl.tokens[fp] {
			tp++
		}
	}
	files := float64(*benchSmallFiles)
	fmt.Printf("\n%d files of %d KiB, %d planted occurrences of %d distinct tokens; median of %d runs on %d CPUs\n", *benchSmallFiles, *benchSmallKB, pl.occurrences, len(pl.tokens), len(tttRuns), runtime.NumCPU())
	fmt.Printf("%-10s %8s %9s %8s %8s %10s %10s %12s %9s\n", "tool", "wall s", "µs/file", "CPU s", "µs/file", "recall", "precision", "occurrences", "problems")
	tw, tc := medians(tttRuns)
	fmt.Printf("%-10s %8.2f %9.1f %8.2f %8.1f %9.1f%% %9.1f%% %12d %9d\n", "ttt-check", tw.Seconds(), perFile(tw, files), tc.Seconds(), perFile(tc, files),
		100*float64(tp)/float64(len(pl.tokens)), 100*float64(tp)/float64(max(len(found), 1)), occurrences, problems)
	if rgErr != nil {
		fmt.Println("ripgrep    not installed: rg side skipped (apt-get install ripgrep)")
		return
	}
	lines := rgCount(t, rgBin, dir)
	rw, rc := medians(rgRuns)
	fmt.Printf("%-10s %8.2f %9.1f %8.2f %8.1f %10s %10s %12d %9s\n", "ripgrep", rw.Seconds(), perFile(rw, files), rc.Seconds(), perFile(rc, files), "(lines)", "-", lines, "-")
	fmt.Printf("ratio ttt-check/ripgrep: %.2f× wall, %.2f× CPU (target ≤ 1.5×)\n", tw.Seconds()/rw.Seconds(), tc.Seconds()/rc.Seconds())
}

// run is one timed run of a program: wall time, and CPU time (user and
// system), which a busy machine disturbs less.
type run struct{ wall, cpu time.Duration }

func measureRun(bin string, args ...string) (run, error) {
	cmd := exec.Command(bin, args...)
	start := time.Now()
	err := cmd.Run()
	r := run{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return r, err
}

func medians(runs []run) (wall, cpu time.Duration) {
	var w, c []time.Duration
	for _, r := range runs {
		w, c = append(w, r.wall), append(c, r.cpu)
	}
	return median(w), median(c)
}

func perFile(d time.Duration, files float64) float64 {
	return float64(d.Nanoseconds()) / 1e3 / files
}

// planted is what generateSmall wrote: the distinct tokens (by
// fingerprint) and how many times they occur in all.
type planted struct {
	tokens      map[string]bool
	occurrences int
	gzipped     int
}

// generateSmall writes n files of about size bytes each; every 100th file
// holds one token in one of the real-log forms, every 1,000th is
// gzip-compressed (rotated), and lookalikes are spread through the noise.
func generateSmall(t testing.TB, dir string, n, size int) planted {
	r := rand.New(rand.NewSource(17))
	var tokens []string
	pl := planted{tokens: map[string]bool{}}
	for i := 0; i < 500; i++ {
		tok := makeToken(t, map[string]any{"iss": []string{"https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/", "https://wlcg.cloud.cnaf.infn.it/"}[i%3], "sub": fmt.Sprintf("job-%d", i), "aud": "https://ce.example.org", "scope": "compute.read", "exp": int64(1700000000 + r.Intn(200000000))})
		tokens = append(tokens, tok)
	}
	forms := []func(string) string{
		func(tk string) string { return "Xrootd_Protocol: 0000 open rt /data/f.root?authz=Bearer%20" + tk },
		func(tk string) string { return "http_Protocol: rc:24 got hdr line: Authorization: Bearer " + tk },
		func(tk string) string {
			return "authz=Bearer%20" + strings.ReplaceAll(tk, ".", "%2E") + "&oss.asize=1024"
		},
		func(tk string) string { return `{"level":"DEBUG","msg":"Found bearer token: ` + tk + `"}` },
		func(tk string) string { return "OTokens: Attr: token: bearer: " + tk },
	}
	noise := []string{
		"11/22/26 12:00:01 (pid:4711) (D_AUDIT) AuthMethod=SCITOKENS, AuthId=https://atlas-auth.cern.ch/,7dee38a3, CondorId=usatlas1@users.htcondor.org",
		"11/22/26 12:00:02 (pid:4711) Job 123.0 submitted from host: <192.0.2.7:9618?addrs=192.0.2.7-9618>",
		"250107 12:00:01 1234 XrootdXeq: user.1234:56@host.example.org pub IP46 login as atlas001",
		"22 Nov 2026 12:00:01 (gPlazma) [door:WebDAV-se01@dCacheDomain] Login successful for uid=2999 gid=2999",
		"session eyJub3RhdG9rZW4iOnRydWV9 lookalike cookie, not a token",
	}
	var body bytes.Buffer
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("condor-ce/spool%03d", i/1000))
		if i%1000 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		body.Reset()
		plantAt := -1
		if i%100 == 0 {
			plantAt = r.Intn(max(size/120, 1))
		}
		for line := 0; body.Len() < size; line++ {
			if line == plantAt {
				tok := tokens[(i/100)%len(tokens)]
				body.WriteString(forms[(i/100)%len(forms)](tok) + "\n")
				pl.tokens[fingerprint(tok)] = true
				pl.occurrences++
				continue
			}
			body.WriteString(noise[r.Intn(len(noise))] + "\n")
		}
		name := filepath.Join(sub, fmt.Sprintf("job-%06d.log", i))
		data := body.Bytes()
		if i%1000 == 500 {
			var gz bytes.Buffer
			w := gzip.NewWriter(&gz)
			w.Write(data)
			w.Close()
			data, name = gz.Bytes(), name+".gz"
			pl.gzipped++
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pl
}

// readLeaks reads ttt-check's JSON report: the fingerprints found, the
// occurrences counted, and the files it could not search.
func readLeaks(t *testing.T, file string) (map[string]bool, int, int) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct{ Check, Actual string }
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	occurrences, problems := 0, 0
	for _, f := range rep.Findings {
		switch f.Check {
		case "logs-token-leaked":
			fields := strings.Fields(f.Actual) // "N occurrence(s) of token FP"
			found[fields[len(fields)-1]] = true
			n, _ := strconv.Atoi(fields[0])
			occurrences += n
		case "scan-incomplete":
			problems++
		}
	}
	return found, occurrences, problems
}

// rgCount sums ripgrep's per-file counts of matching lines.
func rgCount(t *testing.T, rg, dir string) int {
	out, err := exec.Command(rg, "-c", "-z", rgPattern, dir).Output()
	if err != nil {
		t.Fatalf("rg: %v", err)
	}
	total := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		n, _ := strconv.Atoi(line[strings.LastIndexByte(line, ':')+1:])
		total += n
	}
	return total
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
