package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

const exampleRules = "../../examples/rules"

// siteFindings renders a report's site-rule findings as
// "check status severity file:line".
func siteFindings(r *finding.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Check, "site/") || f.Check == vocab.CheckSiteRuleUnmatched {
			out = append(out, f.Check+" "+string(f.Status)+" "+f.Severity.String()+" "+f.Location())
		}
	}
	slices.Sort(out)
	return out
}

// TestHostRules: a host's own rules (rules.d under --root) are judged,
// and their findings go through the profile like the WG's: the severity
// override, the waiver, and the note for the rule that matches nothing.
func TestHostRules(t *testing.T) {
	rep := scanFixture(t, filepath.Join(fixtures, "xrootd-site-rules"))
	want := []string{
		"site-rule-unmatched fail info /etc/ttt-check/rules.d/10-site.hcl:27",
		"site/dteam-ops-path waived medium /etc/xrootd/scitokens.cfg:20",
		"site/storage-issuers fail medium /etc/xrootd/scitokens.cfg:13",
	}
	if got := siteFindings(rep); !slices.Equal(got, want) {
		t.Errorf("site findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range rep.Findings {
		if f.Check == "site/storage-issuers" && (f.Title != "Storage trusts an issuer other than ATLAS and DTeam" || f.Fingerprint == "" || f.Service != "xrootd") {
			t.Errorf("site finding = %+v", f)
		}
	}
}

// TestExampleRulesOnFixtures: each example policy catches its deviation
// on a fixture host and is quiet on a clean one (rules test covers the
// clean hosts that only exist as inline snapshots).
func TestExampleRulesOnFixtures(t *testing.T) {
	tests := []struct {
		rule, deviating, clean string
	}{
		{"site/storage-trusts-our-iam-and-atlas", "xrootd-issuers", "htcondor-ce-wg-recipe"},
		{"site/tokens-map-to-pool-accounts", "htcondor-ce-deviating", "htcondor-ce-wg-recipe"},
		{"site/tokens-map-to-pool-accounts", "arc7-deviating", "xrootd-wg-recipe"},
		{"site/ce-pins-pilot-subjects", "htcondor-ce-deviating", "htcondor-ce-wg-recipe"},
		{"site/xrootd-lists-dns-alias", "xrootd-wg-recipe", "xrootd-dev-testbed"},
	}
	scanWith := func(host string) *finding.Report {
		s, err := New(Config{Root: filepath.Join(fixtures, host), RulesDir: exampleRules})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	for _, tc := range tests {
		t.Run(tc.rule+"/"+tc.deviating, func(t *testing.T) {
			if n := count(scanWith(tc.deviating), tc.rule); n == 0 {
				t.Errorf("%s: no finding on %s", tc.rule, tc.deviating)
			}
			if n := count(scanWith(tc.clean), tc.rule); n != 0 {
				t.Errorf("%s: %d finding(s) on %s", tc.rule, n, tc.clean)
			}
		})
	}
}

// TestOperatorRulesReplaceTheHosts: --rules DIR is the rule set; the
// host's own rules.d is not read then, and a profile that waives the
// host's own rules names rules that are not there (exit 2, as for any
// unknown check).
func TestOperatorRulesReplaceTheHosts(t *testing.T) {
	root := testkit.HostTree(t, map[string]string{
		"/etc/hostname":                     "ce.example.org\n",
		"/etc/ttt-check/rules.d/10-own.hcl": "rule \"own\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = trusts\n  assert = false\n  message = \"m\"\n}\n",
	})
	for _, tc := range []struct {
		dir, want, not string
	}{
		{"", "site/own", "site/ce-pins-pilot-subjects"},
		{exampleRules, "site/ce-pins-pilot-subjects", "site/own"},
	} {
		s, err := New(Config{Root: root, RulesDir: tc.dir})
		if err != nil {
			t.Fatal(err)
		}
		ids := s.Catalog().CheckIDs()
		if !slices.Contains(ids, tc.want) || slices.Contains(ids, tc.not) {
			t.Errorf("--rules %q: checks %v, want %s and not %s", tc.dir, ids, tc.want, tc.not)
		}
	}
	if _, err := New(Config{Root: filepath.Join(fixtures, "xrootd-site-rules"), RulesDir: exampleRules}); err == nil || !strings.Contains(err.Error(), `unknown site rule "site/storage-issuers"`) {
		t.Errorf("error %v, want the profile's reference to the host's own rule", err)
	}
}

func TestRulesErrors(t *testing.T) {
	fifoDir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifoDir, "10-pipe.hcl"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	badDir := t.TempDir()
	testkit.WriteTree(t, badDir, map[string]string{"/20-bad.hcl": "rule \"x\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = trusts\n  assert = trust.isuer != \"\"\n  message = \"m\"\n}\n"})
	hostFIFO := testkit.HostTree(t, map[string]string{"/etc/hostname": "h\n", "/etc/ttt-check/rules.d/": ""})
	if err := syscall.Mkfifo(filepath.Join(hostFIFO, "etc/ttt-check/rules.d/10-pipe.hcl"), 0o644); err != nil {
		t.Fatal(err)
	}
	hostBad := testkit.HostTree(t, map[string]string{"/etc/ttt-check/rules.d/10-bad.hcl": "rule \"x\" {\n"})
	profile := testkit.HostTree(t, map[string]string{
		"/etc/ttt-check/site.toml":           "site = \"X\"\n[severity]\n\"site/nope\" = \"low\"\n",
		"/etc/ttt-check/rules.d/10-site.hcl": "rule \"yes\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = trusts\n  assert = true\n  message = \"m\"\n}\n",
	})
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"a FIFO in --rules", Config{Root: filepath.Join(fixtures, "bad-empty"), RulesDir: fifoDir}, "10-pipe.hcl: not a regular file (a FIFO)"},
		{"a FIFO in the host's rules.d", Config{Root: hostFIFO}, "read site rules: read /etc/ttt-check/rules.d/10-pipe.hcl: not a regular file (a FIFO)"},
		{"--rules without rules", Config{Root: filepath.Join(fixtures, "bad-empty"), RulesDir: emptyDir}, "has no *.hcl files"},
		{"--rules that does not exist", Config{Root: filepath.Join(fixtures, "bad-empty"), RulesDir: filepath.Join(emptyDir, "nope")}, "no such file or directory"},
		{"an unknown attribute", Config{Root: filepath.Join(fixtures, "bad-empty"), RulesDir: badDir}, "invalid site rules:\n" + filepath.Join(badDir, "20-bad.hcl") + ":7:17: Unsupported attribute"},
		{"a syntax error in the host's rules", Config{Root: hostBad}, "invalid site rules:\n/etc/ttt-check/rules.d/10-bad.hcl:1:10: Unclosed configuration block"},
		{"a profile naming a rule that does not exist", Config{Root: profile}, `/etc/ttt-check/site.toml:3: unknown site rule "site/nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestRuleFailingOnAnItem: a rule that cannot decide on an item stops
// the scan, naming the expression's place and the item.
func TestRuleFailingOnAnItem(t *testing.T) {
	dir := testkit.HostTree(t, map[string]string{"/x.hcl": "rule \"host-part\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = trusts\n  assert = regex(\"^https://([a-z-]+)\\\\.cern\\\\.ch/$\", trust.issuer)[0] != \"\"\n  message = \"m\"\n}\n"})
	s, err := New(Config{Root: filepath.Join(fixtures, "xrootd-issuers"), RulesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Run(Options{Now: scanDay})
	for _, want := range []string{"site rules: rule site/host-part: " + filepath.Join(dir, "x.hcl") + ":7:12: Error in function call", `(on trust "ATLAS-OLD" (https://atlas-auth.web.cern.ch/) of xrootd (standalone) at /etc/xrootd/scitokens.cfg:6)`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

// TestRunRuleTests: the examples' own cases pass; a broken expectation,
// a clean case on a host the rule does not apply to, and a case that
// claims no match where there is one fail; a case without its host is
// an error.
func TestRunRuleTests(t *testing.T) {
	results, err := RunRuleTests(RulesTestConfig{Dir: exampleRules, Now: scanDay})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, r := range results {
		rules[r.Rule] = true
		if !r.Passed() {
			t.Errorf("%s %q (%s): %v", r.Rule, r.Test, r.Source, r.Failures)
		}
	}
	if len(rules) != 4 || len(results) < 12 {
		t.Errorf("%d cases of %d rules, want the four example policies with their cases", len(results), len(rules))
	}

	src, err := os.ReadFile(filepath.Join(exampleRules, "30-ce-pilot-subjects.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), `"/etc/condor-ce/mapfiles.d/10-scitokens.conf:5", # every DTeam subject`, `"/etc/condor-ce/mapfiles.d/10-scitokens.conf:7",`, 1)
	broken = strings.Replace(broken, "    root      = \"../../fixtures/hosts/xrootd-wg-recipe\"\n    unmatched = true", "    root      = \"../../fixtures/hosts/htcondor-ce-wg-recipe\"\n    unmatched = true", 1)
	broken = strings.Replace(broken, "../../fixtures/hosts/", filepath.Join(testkit.RepoRoot(), "fixtures/hosts")+"/", -1)
	dir := testkit.HostTree(t, map[string]string{"/30-ce.hcl": broken})
	results, err = RunRuleTests(RulesTestConfig{Dir: dir, Now: scanDay})
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	for _, r := range results {
		failures = append(failures, r.Failures...)
	}
	for _, want := range []string{
		"no finding at /etc/condor-ce/mapfiles.d/10-scitokens.conf:7",
		"unexpected finding at /etc/condor-ce/mapfiles.d/10-scitokens.conf:5: htcondor-ce accepts every subject of https://dteam-auth.cern.ch/",
		"the rule matched 4 of the host's 4 trusts; the case says it matches none",
	} {
		if !slices.ContainsFunc(failures, func(f string) bool { return strings.HasPrefix(f, want) }) {
			t.Errorf("failures %q lack %q", failures, want)
		}
	}

	vacuous := testkit.HostTree(t, map[string]string{"/x.hcl": strings.Replace(strings.Replace(broken, "unmatched = true", "expect = []", 1), "htcondor-ce-wg-recipe\"\n    expect = []", "xrootd-wg-recipe\"\n    expect = []", 1)})
	results, err = RunRuleTests(RulesTestConfig{Dir: vacuous, Now: scanDay})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range results {
		for _, f := range r.Failures {
			found = found || strings.HasPrefix(f, "the rule matched nothing on this host (its when is false here)")
		}
	}
	if !found {
		t.Errorf("a clean case on a host the rule does not apply to passed: %+v", results)
	}

	missing := testkit.HostTree(t, map[string]string{"/x.hcl": strings.Replace(string(src), "../../fixtures/hosts/htcondor-ce-deviating", "no/such/host", 1)})
	if _, err := RunRuleTests(RulesTestConfig{Dir: missing, Now: scanDay}); err == nil || !strings.Contains(err.Error(), `x.hcl:34: test "a CE with catch-all and issuer-wide rules" of site/ce-pins-pilot-subjects: --root:`) {
		t.Errorf("error %v, want the case and its missing root", err)
	}
}
