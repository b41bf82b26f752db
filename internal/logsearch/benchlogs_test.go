package logsearch

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	benchLogs   = flag.Bool("benchlogs", false, "run the log-scan benchmark (make bench-logs)")
	benchLogsMB = flag.Int("benchlogs.mb", 2048, "size of the generated log set in MB")
	benchBin    = flag.String("benchlogs.bin", "", "ttt-check binary to measure")
	benchDir    = flag.String("benchlogs.dir", "", "where to generate the logs (default: a temporary directory)")
)

// TestBenchLogs generates a realistic multi-GB set of XRootD-, HTCondor-CE-
// and dCache-style logs with planted tokens in every form and lookalikes,
// then prints ttt-check's throughput and peak memory beside ripgrep's and
// gitleaks's (when installed), with recall and precision on the planted
// tokens. A benchmark, not a timed test: it only runs with -benchlogs.
func TestBenchLogs(t *testing.T) {
	if !*benchLogs {
		t.Skip("benchmark: run with make bench-logs")
	}
	if *benchBin == "" {
		t.Fatal("-benchlogs.bin is required")
	}
	dir := *benchDir
	if dir == "" {
		dir = t.TempDir()
	}
	planted, size := generate(t, dir, int64(*benchLogsMB)<<20)
	mb := float64(size) / (1 << 20)
	t.Logf("generated %.0f MB in %s with %d distinct planted tokens", mb, dir, len(planted))

	out := filepath.Join(t.TempDir(), "leaks.json")
	wall, rss, err := measure(*benchBin, "logs", dir, "--format", "json="+out)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("ttt-check: %v", err)
		}
	}
	found := map[string]bool{}
	var rep struct {
		Findings []struct{ Check, Fingerprint, Actual string }
	}
	data, _ := os.ReadFile(out)
	json.Unmarshal(data, &rep)
	for _, f := range rep.Findings {
		if f.Check == "logs-token-leaked" {
			fp := strings.Fields(f.Actual)
			found[fp[len(fp)-1]] = true
		}
	}
	tp := 0
	for fp := range found {
		if planted[fp] {
			tp++
		}
	}
	fmt.Printf("\n%-12s %10s %12s %10s %8s %10s\n", "tool", "seconds", "MB/s", "peak RSS", "recall", "precision")
	fmt.Printf("%-12s %10.2f %12.0f %9dM %7.1f%% %9.1f%%\n", "ttt-check", wall.Seconds(), mb/wall.Seconds(), rss>>10, 100*float64(tp)/float64(len(planted)), 100*float64(tp)/float64(max(len(found), 1)))

	if rg, err := exec.LookPath("rg"); err == nil {
		w, r, _ := measure(rg, "-c", "-z", `eyJ[A-Za-z0-9_-]{10,}(\.|%2[Ee])eyJ[A-Za-z0-9_-]{10,}(\.|%2[Ee])[A-Za-z0-9_-]*`, dir)
		fmt.Printf("%-12s %10.2f %12.0f %9dM %8s %10s\n", "ripgrep", w.Seconds(), mb/w.Seconds(), r>>10, "(lines)", "-")
	} else {
		fmt.Println("ripgrep      not installed (apt-get install ripgrep)")
	}
	if gl, err := exec.LookPath("gitleaks"); err == nil {
		rep := filepath.Join(t.TempDir(), "gitleaks.json")
		w, r, _ := measure(gl, "dir", dir, "--no-banner", "-l", "error", "--exit-code", "0", "-f", "json", "-r", rep)
		var gls []struct{ Secret string }
		data, _ := os.ReadFile(rep)
		json.Unmarshal(data, &gls)
		glFound := map[string]bool{}
		for _, s := range gls {
			glFound[fingerprint(s.Secret)] = true
		}
		gtp := 0
		for fp := range glFound {
			if planted[fp] {
				gtp++
			}
		}
		fmt.Printf("%-12s %10.2f %12.0f %9dM %7.1f%% %9.1f%%\n", "gitleaks", w.Seconds(), mb/w.Seconds(), r>>10, 100*float64(gtp)/float64(len(planted)), 100*float64(gtp)/float64(max(len(glFound), 1)))
	} else {
		fmt.Println("gitleaks     not installed (go install github.com/zricethezav/gitleaks/v8@latest)")
	}
}

func fingerprint(tok string) string {
	tok = strings.NewReplacer("%2E", ".", "%2e", ".").Replace(tok)
	sum := sha256.Sum256([]byte(tok))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

func measure(bin string, args ...string) (time.Duration, int64, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	return wall, rss, err
}

// generate writes size bytes of logs and returns the planted tokens.
func generate(t *testing.T, dir string, size int64) (map[string]bool, int64) {
	r := rand.New(rand.NewSource(1))
	var tokens []string
	planted := map[string]bool{}
	for i := 0; i < 500; i++ {
		exp := int64(1700000000 + r.Intn(200000000))
		tok := makeToken(t, map[string]any{"iss": []string{"https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/", "https://wlcg.cloud.cnaf.infn.it/"}[i%3], "sub": fmt.Sprintf("user-%d", i), "aud": "https://se.example.org", "scope": "storage.read:/", "exp": exp})
		tokens = append(tokens, tok)
		planted[fingerprint(tok)] = true
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
		"250107 12:00:01 1234 XrootdXeq: user.1234:56@host.example.org pub IP46 login as atlas001",
		"11/22/26 12:00:01 (D_AUDIT) AuthMethod=SCITOKENS, AuthId=https://atlas-auth.cern.ch/,7dee38a3, CondorId=usatlas1@users.htcondor.org",
		"22 Nov 2026 12:00:01 (gPlazma) [door:WebDAV-se01@dCacheDomain] Login successful for uid=2999 gid=2999",
		"250107 12:00:02 1234 ofs_open: user.1234:56@host.example.org Unable to open /data/x; no such file or directory",
		"session eyJub3RhdG9rZW4iOnRydWV9 lookalike cookie, not a token",
	}
	var total int64
	files := []string{"xrootd/xrootd.log", "condor-ce/AuditLog", "dcache/dCacheDomain.log", "arc/arex.log"}
	per := size / int64(len(files))
	for _, name := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var n int64
		for n < per {
			line := noise[r.Intn(len(noise))]
			if r.Intn(20000) == 0 {
				line = forms[r.Intn(len(forms))](tokens[r.Intn(len(tokens))])
			}
			k, _ := w.WriteString(line + "\n")
			n += int64(k)
		}
		w.Flush()
		f.Close()
		total += n
	}
	// A rotated, compressed log with every token once, so recall can be 100%.
	gzPath := filepath.Join(dir, "xrootd", "xrootd.log.1.gz")
	f, _ := os.Create(gzPath)
	gz := gzip.NewWriter(f)
	for i, tk := range tokens {
		fmt.Fprintln(gz, forms[i%len(forms)](tk))
	}
	gz.Close()
	f.Close()
	return planted, total
}
