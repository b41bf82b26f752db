package scan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

const fixtures = "../../fixtures/hosts"

const sciCfg = "/etc/xrootd/scitokens.cfg"

// scanDay is the fixed "today" of every fixture scan, so that waiver
// expiry and report timestamps do not change with the calendar.
var scanDay = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func embedded(t testing.TB) *recipes.Set {
	t.Helper()
	set, err := recipes.Embedded()
	if err != nil {
		t.Fatalf("load embedded recipes: %v", err)
	}
	return set
}

// scanFixture scans fixtures/hosts/<name> with the site profile the host
// carries (if any), as `ttt-check scan --root` does.
func scanFixture(t testing.TB, root string) *finding.Report {
	t.Helper()
	s, err := New(Config{Root: root})
	if err != nil {
		t.Fatalf("open %s: %v", root, err)
	}
	// Fixture scans include the log search (scan --logs).
	rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium, Logs: true})
	if err != nil {
		t.Fatalf("scan %s: %v", root, err)
	}
	// Make the report independent of where the repository is checked out
	// and of the build's version.
	rel := "fixtures/hosts/" + filepath.Base(root)
	rep.Root, rep.Inventory.Root, rep.ToolVersion = rel, rel, "test"
	return rep
}

func fixtureNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// TestGolden renders the text report of every fixture host and compares it
// with fixtures/golden/<host>.<exit code>.txt (goss's naming), so that any
// change in what a host is judged to be shows up as a reviewed diff.
func TestGolden(t *testing.T) {
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			rep := scanFixture(t, filepath.Join(fixtures, name))
			var buf bytes.Buffer
			if err := output.Text(&buf, rep, output.Options{}); err != nil {
				t.Fatal(err)
			}
			code := 0
			if finding.AtOrAbove(rep.Findings, vocab.Medium) {
				code = 1
			}
			golden := filepath.Join("../../fixtures/golden", name+"."+string(rune('0'+code))+".txt")
			if testkit.Updating() {
				// The exit code is in the name: drop a golden file of
				// another code so that a change of verdict is one rename.
				old, _ := filepath.Glob(filepath.Join("../../fixtures/golden", name+".?.txt"))
				for _, o := range old {
					if o != golden {
						os.Remove(o)
					}
				}
			}
			testkit.Golden(t, golden, buf.Bytes())
		})
	}
}

// checkFixtures names, for every check, a fixture host it must pass on and
// one it must fail on.
var checkFixtures = []struct {
	check, pass, fail string
}{
	{"issuer-dev-vo", "xrootd-wg-recipe", "xrootd-issuers"},
	{"issuer-wildcard", "xrootd-wg-recipe", "htcondor-ce-deviating"},
	{"issuer-legacy", "xrootd-wg-recipe", "xrootd-issuers"},
	{"issuer-near-miss", "xrootd-wg-recipe", "xrootd-issuers"},
	{"issuer-unknown", "xrootd-wg-recipe", "xrootd-issuers"},
	{"issuer-unsupported-vo", "xrootd-wg-recipe", "xrootd-issuers"},
	{"issuer-dteam-missing", "xrootd-wg-recipe", "xrootd-issuers"},
	{"audience-any", "xrootd-wg-recipe", "xrootd-redirector"},
	{"audience-unchecked", "xrootd-wg-recipe", "xrootd-authz"},
	{"mapping-issuer-wide", "xrootd-wg-recipe", "xrootd-authz"},
	{"mapping-privileged", "xrootd-wg-recipe", "xrootd-authz"},
	{"mapping-carried-over", "xrootd-wg-recipe", "xrootd-authz"},
	{"storage-path-root", "xrootd-wg-recipe", "xrootd-authz"},
	{"authz-onmissing-allow", "xrootd-wg-recipe", "xrootd-authz"},
	{"authz-group-fallback", "xrootd-wg-recipe", "xrootd-authz"},
	{"log-token-leak", "xrootd-wg-recipe", "xrootd-redirector"},
	{"token-in-url", "xrootd-wg-recipe", "xrootd-redirector"},
	{"upgrade-pending", "xrootd-wg-recipe", "xrootd-leftovers"},
	{"scan-incomplete", "xrootd-wg-recipe", "xrootd-leftovers"},
	{"waiver-expired", "xrootd-wg-recipe", "demo"},
	{"waiver-unused", "xrootd-wg-recipe", "xrootd-redirector"},
	{"ban-shadowed", "htcondor-ce-wg-recipe", "htcondor-ce-deviating"},
	{"legacy-gsi", "htcondor-ce-wg-recipe", "htcondor-ce-legacy"},
	{"authn-anonymous", "htcondor-ce-wg-recipe", "htcondor-ce-legacy"},
	// Stock hosts with the vendors' documented token setups, and the
	// release deciding.
	{"log-token-leak", "xrootd-stock-tokens", "xrootd-release-610"},
	{"config-unknown-key", "xrootd-release-572", "xrootd-release-553"},
	{"issuer-wildcard", "htcondor-ce-stock", "htcondor-ce-stock-tokens"},
	{"audience-unchecked", "storm-webdav-stock", "storm-webdav-stock-tokens"},
	// The same checks on the other service.
	{"issuer-dev-vo", "htcondor-ce-wg-recipe", "htcondor-ce-deviating"},
	{"issuer-legacy", "htcondor-ce-wg-recipe", "htcondor-ce-osg"},
	{"issuer-near-miss", "htcondor-ce-wg-recipe", "htcondor-ce-deviating"},
	{"issuer-dteam-missing", "htcondor-ce-wg-recipe", "htcondor-ce-osg"},
	{"audience-any", "htcondor-ce-wg-recipe", "htcondor-ce-osg"},
	{"mapping-issuer-wide", "htcondor-ce-wg-recipe", "htcondor-ce-osg"},
	{"mapping-privileged", "htcondor-ce-wg-recipe", "htcondor-ce-deviating"},
	{"scan-incomplete", "htcondor-ce-wg-recipe", "htcondor-ce-legacy"},
	{"scope-unchecked", "arc7-wg-recipe", "arc7-deviating"},
	{"config-dangling-reference", "arc7-wg-recipe", "arc7-deviating"},
	{"legacy-config", "arc6-wg-recipe", "arc7-deviating"},
	{"access-open", "arc6-wg-recipe", "arc6-open"},
	{"ban-shadowed", "arc7-wg-recipe", "arc7-deviating"},
	{"mapping-issuer-wide", "arc6-wg-recipe", "arc7-deviating"},
	{"mapping-privileged", "arc6-wg-recipe", "arc7-deviating"},
	{"audience-unchecked", "arc6-wg-recipe", "arc7-deviating"},
	{"log-token-leak", "arc7-wg-recipe", "arc7-deviating"},
	{"config-unknown-key", "storm-wg-recipe", "storm-deviating"},
	{"token-lifetime-long", "storm-wg-recipe", "storm-deviating"},
	{"token-lifetime-long", "eos-wg-recipe", "xrootd-xcache-macaroons"},
	{"token-lifetime-long", "dcache-wg-recipe", "dcache-deviating"},
	{"access-open", "storm-wg-recipe", "storm-deviating"},
	{"config-dangling-reference", "storm-wg-recipe", "storm-deviating"},
	{"config-dangling-reference", "dcache-wg-recipe", "dcache-deviating"},
	{"audience-unchecked", "storm-wg-recipe", "storm-deviating"},
	{"audience-unchecked", "dcache-wg-recipe", "dcache-deviating"},
	{"mapping-issuer-wide", "storm-wg-recipe", "storm-deviating"},
	{"mapping-issuer-wide", "dcache-wg-recipe", "dcache-deviating"},
	{"mapping-privileged", "dcache-wg-recipe", "dcache-deviating"},
	{"storage-path-root", "dcache-wg-recipe", "dcache-deviating"},
	{"storage-path-root", "eos-wg-recipe", "eos-doc"},
	{"authz-group-fallback", "dcache-wg-recipe", "dcache-deviating"},
	{"log-token-leak", "dcache-wg-recipe", "dcache-deviating"},
	{"legacy-config", "dcache-wg-recipe", "dcache-deviating"},
	{"issuer-dev-vo", "eos-wg-recipe", "eos-doc"},
	{"logs-token-leaked", "xrootd-wg-recipe", "xrootd-leaked-token"},
	{"site-rule-unmatched", "xrootd-wg-recipe", "xrootd-site-rules"},
}

func TestEveryCheckPassesAndFails(t *testing.T) {
	reports := map[string]*finding.Report{}
	get := func(name string) *finding.Report {
		if r, ok := reports[name]; ok {
			return r
		}
		r := scanFixture(t, filepath.Join(fixtures, name))
		reports[name] = r
		return r
	}
	seen := map[string]bool{}
	for _, tc := range checkFixtures {
		seen[tc.check] = true
		t.Run(tc.check+"/"+tc.fail, func(t *testing.T) {
			if n := count(get(tc.pass), tc.check); n != 0 {
				t.Errorf("%s: %d finding(s) on %s, which follows the recipe", tc.check, n, tc.pass)
			}
			if n := count(get(tc.fail), tc.check); n == 0 {
				t.Errorf("%s: no finding on %s, which deviates", tc.check, tc.fail)
			}
		})
	}
	for id := range embedded(t).Checks {
		if !seen[id] {
			t.Errorf("check %s has no pass/fail fixture in checkFixtures", id)
		}
	}
}

func count(r *finding.Report, check string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Check == check {
			n++
		}
	}
	return n
}

// TestRecipeHostsAreClean pins the promise of the WG-recipe fixtures: a
// host configured as the working group recommends has no finding at all,
// except notes about what the service's own code does whatever its
// configuration (EOS logging tokens that fail authorization).
func TestRecipeHostsAreClean(t *testing.T) {
	for host, want := range map[string]struct {
		service string
		trusts  int
	}{"xrootd-wg-recipe": {"xrootd", 3}, "htcondor-ce-wg-recipe": {"htcondor-ce", 4}, "arc6-wg-recipe": {"arc-ce", 7}, "arc7-wg-recipe": {"arc-ce", 3},
		"dcache-wg-recipe": {"dcache", 3}, "storm-wg-recipe": {"storm-webdav", 2}, "eos-wg-recipe": {"eos", 2}} {
		t.Run(host, func(t *testing.T) {
			rep := scanFixture(t, filepath.Join(fixtures, host))
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.Key, "builtin:") && f.Severity < vocab.Medium {
					continue
				}
				t.Errorf("unexpected finding on the WG-recipe host: %s %s %s", f.Check, f.Location(), f.Message)
			}
			if len(rep.Inventory.Services) != 1 || rep.Inventory.Services[0].Name != want.service || len(rep.Inventory.Services[0].Trusts) != want.trusts {
				t.Fatalf("inventory = %+v, want one %s service with %d trusts", rep.Inventory.Services, want.service, want.trusts)
			}
		})
	}
}

func TestDevVOIsInfoOnTestbed(t *testing.T) {
	rep := scanFixture(t, filepath.Join(fixtures, "xrootd-dev-testbed"))
	if rep.Profile.Environment != "testbed" {
		t.Fatalf("environment = %q, want testbed from the [[hosts]] override", rep.Profile.Environment)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Check == "issuer-dev-vo" {
			n++
			if f.Severity != vocab.Info {
				t.Errorf("issuer-dev-vo on a testbed host has severity %s, want info", f.Severity)
			}
		}
	}
	if n != 1 {
		t.Errorf("issuer-dev-vo findings = %d, want 1", n)
	}
}

func TestNoProfileAssumesProduction(t *testing.T) {
	rep := scanFixture(t, filepath.Join(fixtures, "xrootd-leftovers"))
	if !rep.Profile.Assumed || rep.Profile.Environment != "production" {
		t.Errorf("profile = %+v, want assumed production", rep.Profile)
	}
}

func TestFindingsNameHostPaths(t *testing.T) {
	for _, name := range fixtureNames(t) {
		rep := scanFixture(t, filepath.Join(fixtures, name))
		for _, f := range rep.Findings {
			if f.File == "" && f.Check != "scan-incomplete" {
				t.Errorf("%s: %s has no file", name, f.Check)
			}
			if f.File != "" && !strings.HasPrefix(f.File, "/") {
				t.Errorf("%s: %s names %q, not an absolute host path", name, f.Check, f.File)
			}
			if strings.Contains(f.File, "fixtures/hosts") || strings.Contains(f.Message, "fixtures/hosts") {
				t.Errorf("%s: %s leaks the scan root: %s %s", name, f.Check, f.File, f.Message)
			}
		}
	}
}

func TestFingerprintSurvivesLineMoves(t *testing.T) {
	src := filepath.Join(fixtures, "xrootd-authz")
	moved := t.TempDir()
	if err := os.CopyFS(moved, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(moved, "etc/xrootd/scitokens.cfg")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Unrelated edit: comments at the top move every line down.
	if err := os.WriteFile(cfg, append([]byte("# edited\n# again\n"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	before, after := scanFixture(t, src), scanFixture(t, moved)
	prints := map[string]bool{}
	for _, f := range before.Findings {
		prints[f.Fingerprint] = true
	}
	if len(before.Findings) == 0 || len(before.Findings) != len(after.Findings) {
		t.Fatalf("findings %d before, %d after the edit", len(before.Findings), len(after.Findings))
	}
	for _, f := range after.Findings {
		if !prints[f.Fingerprint] {
			t.Errorf("fingerprint of %s at %s changed after an unrelated edit", f.Check, f.Location())
		}
	}
}

// TestBadInput runs the bad-input set: every case must give a clear
// finding or a clean read, never a panic, and never read outside --root.
func TestBadInput(t *testing.T) {
	outsideSecret := filepath.Join(t.TempDir(), "outside-secret")
	if err := os.WriteFile(outsideSecret, []byte("[Global]\n# OUTSIDE-ROOT-MARKER\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	generated := map[string]func(t *testing.T, root string){
		"unreadable (a directory where the file should be)": func(t *testing.T, root string) {
			p := filepath.Join(root, "etc/xrootd/scitokens.cfg")
			os.Remove(p)
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		},
		"100 MB file": func(t *testing.T, root string) {
			f, err := os.Create(filepath.Join(root, "etc/xrootd/scitokens.cfg"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(100 << 20); err != nil {
				t.Fatal(err)
			}
		},
		"absolute symlink to a real file outside the root": func(t *testing.T, root string) {
			p := filepath.Join(root, "etc/xrootd/scitokens.cfg")
			os.Remove(p)
			if err := os.Symlink(outsideSecret, p); err != nil {
				t.Fatal(err)
			}
		},
	}
	tests := []struct {
		name       string
		fixture    string
		mutate     func(t *testing.T, root string)
		incomplete bool // a scan-incomplete finding naming wantFile
		wantFile   string
	}{
		{"CRLF line endings in scitokens.cfg (inih strips them)", "bad-crlf", nil, false, ""},
		{"CRLF line endings in the xrootd config (xrootd keeps them)", "bad-crlf-xrootd", nil, true, "/etc/xrootd/xrootd-standalone.cfg"},
		{"invalid UTF-8", "bad-utf8", nil, false, ""},
		{"empty file", "bad-empty", nil, false, ""},
		{"binary file", "bad-binary", nil, true, sciCfg},
		{"symlink loop", "bad-symlink-loop", nil, true, sciCfg},
		{"symlink pointing outside --root", "bad-symlink-outside", nil, true, sciCfg},
	}
	for name, m := range generated {
		tests = append(tests, struct {
			name       string
			fixture    string
			mutate     func(t *testing.T, root string)
			incomplete bool
			wantFile   string
		}{name, "bad-empty", m, true, sciCfg})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(fixtures, tc.fixture)
			if tc.mutate != nil {
				tmp := t.TempDir()
				if err := os.CopyFS(tmp, os.DirFS(root)); err != nil {
					t.Fatal(err)
				}
				tc.mutate(t, tmp)
				root = tmp
			}
			rep := scanFixture(t, root)
			out, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("OUTSIDE-ROOT-MARKER")) || bytes.Contains(out, []byte("root:x:0:0")) {
				t.Fatal("the report contains content from outside --root")
			}
			var incomplete []finding.Finding
			for _, f := range rep.Findings {
				if f.Check == "scan-incomplete" {
					incomplete = append(incomplete, f)
				}
			}
			if !tc.incomplete {
				if len(incomplete) != 0 {
					t.Errorf("scan-incomplete on %s: %+v", tc.name, incomplete)
				}
				if len(rep.Inventory.Services) != 1 {
					t.Fatalf("services = %d, want the xrootd service", len(rep.Inventory.Services))
				}
				return
			}
			if len(incomplete) == 0 {
				t.Fatalf("no scan-incomplete finding for %s; findings: %+v", tc.name, rep.Findings)
			}
			found := false
			for _, f := range incomplete {
				found = found || f.File == tc.wantFile && f.Message != ""
			}
			if !found {
				t.Errorf("no scan-incomplete names %s with a reason: %+v", tc.wantFile, incomplete)
			}
		})
	}
}

func TestCRLFReadsTheSameTrust(t *testing.T) {
	rep := scanFixture(t, filepath.Join(fixtures, "bad-crlf"))
	svc := rep.Inventory.Services[0]
	if len(svc.Trusts) != 1 {
		t.Fatalf("trusts = %+v, want the DTEAM issuer", svc.Trusts)
	}
	tr := svc.Trusts[0]
	if tr.Issuer != "https://dteam-auth.cern.ch/" || strings.Join(tr.BasePaths, ",") != "/data/dteam" {
		t.Errorf("CRLF trust = %q %v, want the values without carriage returns", tr.Issuer, tr.BasePaths)
	}
}

// BenchmarkScanDemo measures a full scan of the demo snapshot: read,
// inventory, checks, site profile and report (the recipes and profile are
// loaded once, as for many scans in one process). Target: milliseconds.
func BenchmarkScanDemo(b *testing.B) {
	s, err := New(Config{Root: filepath.Join(fixtures, "demo")})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium})
		if err != nil {
			b.Fatal(err)
		}
		if err := output.JSON(&bytes.Buffer{}, rep, output.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONDemo writes the demo host's report as JSON: redaction
// and encoding, half the cost per host of a many-root scan.
func BenchmarkJSONDemo(b *testing.B) {
	s, err := New(Config{Root: filepath.Join(fixtures, "demo")})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := output.JSON(&buf, rep, output.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// TestHostname: --hostname decides what the services' own host-name
// conditions see, and the inventory says where the name came from.
func TestHostname(t *testing.T) {
	root := testkit.HostTree(t, map[string]string{
		"/etc/hostname":            "data07.example.org\n",
		"/etc/xrootd/xrootd-a.cfg": "if redirector.example.org\nall.role manager\nelse\nall.role server\nfi\n",
	})
	tests := []struct {
		hostname, wantHost, wantFrom, wantRole string
	}{
		{"", "data07.example.org", "/etc/hostname", "server"},
		{"redirector.example.org", "redirector.example.org", "--hostname", "manager"},
	}
	for _, tc := range tests {
		t.Run(tc.wantHost, func(t *testing.T) {
			s, err := New(Config{Root: root, Hostname: tc.hostname})
			if err != nil {
				t.Fatal(err)
			}
			inv := s.Inventory()
			if inv.Host != tc.wantHost || inv.HostnameFrom != tc.wantFrom {
				t.Errorf("host %q from %q, want %q from %q", inv.Host, inv.HostnameFrom, tc.wantHost, tc.wantFrom)
			}
			role, ok := inv.Services[0].Setting("all.role")
			if !ok || strings.Join(role.Values, " ") != tc.wantRole {
				t.Errorf("all.role = %+v, want %s", role, tc.wantRole)
			}
		})
	}
	empty, err := New(Config{Root: testkit.HostTree(t, map[string]string{"/etc/xrootd/xrootd-a.cfg": "all.export /data\n"})})
	if err != nil {
		t.Fatal(err)
	}
	if inv := empty.Inventory(); inv.Host != "unknown" || inv.HostnameFrom != "unknown" {
		t.Errorf("a snapshot without /etc/hostname: %q from %q", inv.Host, inv.HostnameFrom)
	}
}

// TestFingerprintsSurviveAnUnrelatedTrust: adding an issuer does not make
// the existing findings look new (or resolved) to a baseline comparison.
func TestFingerprintsSurviveAnUnrelatedTrust(t *testing.T) {
	src := filepath.Join(fixtures, "xrootd-redirector")
	before := scanFixture(t, src)
	grown := t.TempDir()
	if err := os.CopyFS(grown, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(grown, "etc/xrootd/scitokens.cfg")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lhcb := "\n[Issuer LHCb]\nissuer = https://lhcb-auth.cern.ch/\nbase_path = /data/lhcb\nauthorization_strategy = capability\n"
	if err := os.WriteFile(cfg, append(data, lhcb...), 0o644); err != nil {
		t.Fatal(err)
	}
	after := scanFixture(t, grown)
	marked, resolved := finding.CompareBaseline(after.Findings, before.Findings)
	if len(resolved) != 0 {
		t.Errorf("resolved by adding an issuer: %+v", resolved)
	}
	for _, f := range marked {
		if f.Baseline == "new" && f.Check != "issuer-unsupported-vo" {
			t.Errorf("%s at %s looks new after adding an unrelated issuer", f.Check, f.Location())
		}
	}
	if n := count(before, "audience-any"); n != 1 {
		t.Fatalf("the fixture no longer has its audience-any finding (%d)", n)
	}
}
