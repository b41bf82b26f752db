package scan

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// expectedRE reads one entry of a stock fixture's "## Expected findings":
// "- `check-id` `/host/path:line` — why".
var expectedRE = regexp.MustCompile("^- `([a-z0-9-]+)` `([^`]+)`")

// expectedFindings reads the findings a stock fixture's README says the
// vendor's files really deserve, as "check file:line".
func expectedFindings(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatalf("a stock fixture documents its provenance and expected findings: %v", err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Expected findings\n")
	if !ok {
		t.Fatalf("%s/README.md has no \"## Expected findings\" section", dir)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	out := []string{}
	for _, line := range strings.Split(section, "\n") {
		if m := expectedRE.FindStringSubmatch(line); m != nil {
			if !strings.Contains(line, " — ") {
				t.Errorf("%s/README.md: %q gives no reason", dir, line)
			}
			out = append(out, m[1]+" "+m[2])
		}
	}
	sort.Strings(out)
	return out
}

// TestStockHosts keeps the vendors' packaged configs, and the token
// setups their documentation recommends, quiet: nothing at medium or
// above and no scan-incomplete, except what the fixture's README lists
// as a real risk with its reason. A vendor-only host is judged with every
// packaged sample as if it ran (--all-instances), so no sample raises a
// false alarm once enabled; a host with the token setup is judged as it
// runs (the documented setup enables its units).
func TestStockHosts(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join(fixtures, "*-stock*"))
	if len(names) < 12 {
		t.Fatalf("want the stock and stock-with-tokens hosts of all six services, found %d", len(names))
	}
	for _, dir := range names {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			s, err := New(Config{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			all := !strings.HasSuffix(name, "-tokens")
			rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium, Logs: true, AllInstances: all})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range rep.Findings {
				if f.Status != vocab.StatusFail {
					continue
				}
				if f.Severity >= vocab.Medium || f.Check == vocab.CheckScanIncomplete {
					got = append(got, f.Check+" "+f.Location())
				}
			}
			sort.Strings(got)
			want := expectedFindings(t, dir)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings at medium or above and scan-incomplete:\n%s\nREADME's expected findings:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if len(rep.Inventory.Services) == 0 {
				t.Error("no service found on a stock host")
			}
		})
	}
}

// TestReleaseDecides shows the same redirector judged on three XRootD
// releases: what its traces log and which fix is advised depend on the
// installed package (fixtures/hosts/xrootd-release-*, dpkg databases).
func TestReleaseDecides(t *testing.T) {
	tests := []struct {
		host string
		// leaks are the trace settings that log tokens on this release.
		leaks []string
		fix   string // fragment of the token-in-url fix
	}{
		// < 5.7.0: the debug header lines, the open trace and the
		// redirect trace all carry the token.
		{"xrootd-release-553", []string{"/etc/xrootd/xrootd-clustered.cfg:10", "/etc/xrootd/xrootd-clustered.cfg:9"}, "XRootD 5.5.3-1 has no strip-on-redirect: upgrade to XRootD 6.0.0"},
		// 5.7.2 redacts the HTTP lines and the open trace; the locate
		// trace still carries the CGI (do_Locate traces before rpCheck).
		{"xrootd-release-572", []string{"/etc/xrootd/xrootd-clustered.cfg:10"}, "XRootD 5.7.2-1 has no strip-on-redirect: upgrade to XRootD 6.0.0"},
		// 6.x logs the redirect URL again unless strip-on-redirect.
		{"xrootd-release-610", []string{"/etc/xrootd/xrootd-clustered.cfg:10", "/etc/xrootd/xrootd-clustered.cfg:9"}, "XRootD 6.1.0-1 has strip-on-redirect: write\n  http.header2cgi Authorization authz strip-on-redirect"},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			rep := scanFixture(t, filepath.Join(fixtures, tc.host))
			var leaks []string
			fix := ""
			for _, f := range rep.Findings {
				switch f.Check {
				case "log-token-leak":
					leaks = append(leaks, f.Location())
				case "token-in-url":
					fix = f.Remediation
				}
			}
			sort.Strings(leaks)
			if strings.Join(leaks, " ") != strings.Join(tc.leaks, " ") {
				t.Errorf("log-token-leak at %v, want %v", leaks, tc.leaks)
			}
			if !strings.Contains(fix, tc.fix) {
				t.Errorf("token-in-url fix %q lacks %q", fix, tc.fix)
			}
		})
	}
}
