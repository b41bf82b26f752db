package rules

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func load(t *testing.T, src string) *Set {
	t.Helper()
	set, err := Load([]File{{Name: "/etc/ttt-check/rules.d/site.hcl", Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

var testSite = Site{Name: "EXAMPLE-T2", Environment: "production", VOs: []string{"atlas", "cms"}, VOsStated: true,
	Issuers: []Issuer{{Issuer: "https://iam.example.org/", Name: "iam", Contact: "sec@example.org"}}}

// places renders findings as "check file:line message".
func places(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Check+" "+f.Location()+" "+f.Message)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name string
		body []string
		want []string
	}{
		{"trusts outside an allowed list", []string{"over = trusts", `where = service.kind == "storage"`,
			`assert = contains(["https://atlas-auth.cern.ch/", "https://iam.example.org/"], trust.issuer)`,
			`message = "${service.label} trusts ${trust.any_issuer ? "any issuer" : trust.issuer} (${trust.name})"`}, []string{
			"site/x /etc/xrootd/scitokens.cfg:12 xrootd (standalone) trusts https://wlcg.cloud.cnaf.infn.it/ (WLCG)",
			"site/x /etc/xrootd/scitokens.cfg:20 xrootd (standalone) trusts any issuer (ANY)",
		}},
		{"the site profile's issuers", []string{"over = trusts", `where = service.kind == "storage" && !trust.any_issuer`,
			`assert = contains([for i in site.issuers : i.issuer if i.contact != ""], trust.issuer) || trust.issuer == "https://atlas-auth.cern.ch/"`,
			`message = "${trust.issuer} on ${host.name}"`}, []string{
			"site/x /etc/xrootd/scitokens.cfg:12 https://wlcg.cloud.cnaf.infn.it/ on se.example.org",
		}},
		{"a where that matches nothing", []string{"over = trusts", `where = service.kind == "storgae"`, `assert = false`, `message = "m"`}, []string{
			"site-rule-unmatched /etc/ttt-check/rules.d/site.hcl:1 site rule site/x matches nothing on this host (its where selects none of the host's 5 trusts): correct a mistyped where, or limit the rule to the hosts it is meant for with when",
		}},
		{"a rule for other hosts", []string{"over = trusts", `when = site.environment == "testbed"`, `assert = false`, `message = "m"`}, nil},
		{"services", []string{"over = services", `assert = service.tokens_enabled`, `message = "${service.label} takes no tokens"`}, []string{
			"site/x /etc/condor-ce/condor_config htcondor-ce takes no tokens",
			"site/x /etc/xrd.cf.mgm eos takes no tokens",
		}},
		{"settings", []string{"over = settings", `where = setting.key == "http.trace"`, `assert = !contains(setting.values, "all")`, `message = "${setting.key} ${join(" ", setting.values)}"`}, []string{
			"site/x /etc/xrootd/scitokens.cfg:4 http.trace all",
		}},
		{"bans", []string{"over = bans", `assert = ban.shadowed_by.file == ""`, `message = "${ban.identity} is shadowed by ${ban.shadowed_by.file}:${ban.shadowed_by.line}"`}, []string{
			"site/x /etc/condor-ce/mapfiles.d/90-ban.conf:2 https://cms-auth.cern.ch/,x is shadowed by /etc/condor-ce/mapfiles.d/10-scitokens.conf:2",
		}},
		{"no bans on the host", []string{"over = bans", `where = service.kind == "storage"`, `assert = true`, `message = "m"`}, []string{
			"site-rule-unmatched /etc/ttt-check/rules.d/site.hcl:1 site rule site/x matches nothing on this host (its where selects none of the host's 1 bans): correct a mistyped where, or limit the rule to the hosts it is meant for with when",
		}},
		{"pinned subjects on compute elements", []string{"over = trusts", `where = service.kind == "compute"`, `assert = !trust.any_subject && length(trust.subjects) > 0`, `message = "${trust.issuer}"`}, nil},
	}
	inv := diffInventory()
	inv.Services[1].Bans[0].ShadowedBy = inventory.Source{File: "/etc/condor-ce/mapfiles.d/10-scitokens.conf", Line: 2}
	inv.Services[1].TokensEnabled = false
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := load(t, rule("x", tc.body...))
			res, err := set.Evaluate(inv, testSite, DefaultBudget)
			if err != nil {
				t.Fatal(err)
			}
			got := places(res.Findings)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestFindingFields(t *testing.T) {
	set := load(t, `rule "pin" {
  title       = "Unpinned subjects"
  severity    = "critical"
  rationale   = "r"
  remediation = "Pin them."
  references  = ["https://example.org/policy"]
  over        = trusts
  where       = service.name == "xrootd" && !trust.any_issuer
  assert      = !trust.any_subject
  message     = "${trust.name} takes every subject"
  expected    = "subjects of ${trust.issuer} pinned"
  actual      = "any subject"
}
`)
	res, err := set.Evaluate(diffInventory(), testSite, DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 {
		t.Fatalf("findings = %v", places(res.Findings))
	}
	f := res.Findings[0]
	want := finding.Finding{Check: "site/pin", Title: "Unpinned subjects", Severity: vocab.Critical, Status: vocab.StatusFail, Service: "xrootd", Instance: "standalone",
		Message: "ATLAS takes every subject", Expected: "subjects of https://atlas-auth.cern.ch/ pinned", Actual: "any subject", File: "/etc/xrootd/scitokens.cfg", Line: 6,
		Remediation: "Pin them.", References: []string{"https://example.org/policy"}, Key: f.Key, Fingerprint: finding.Fingerprint("site/pin", "/etc/xrootd/scitokens.cfg", f.Key)}
	if f.Key == "" || f.Fingerprint != want.Fingerprint || f.Message != want.Message || f.Expected != want.Expected || f.Actual != want.Actual || f.Title != want.Title ||
		f.Severity != want.Severity || f.Remediation != want.Remediation || f.Service != want.Service || f.Instance != want.Instance || f.Location() != want.Location() {
		t.Errorf("finding = %+v\nwant %+v", f, want)
	}
	if res.Findings[1].Fingerprint == f.Fingerprint {
		t.Error("two trusts of one file share a fingerprint")
	}
	if st := res.Stats["site/pin"]; !st.Applied || st.Items != 5 || st.Matched != 3 || st.Failed != 2 {
		t.Errorf("stats = %+v", st)
	}
	// Fingerprints leave the line out: the same trust further down the
	// file is the same finding to a baseline.
	moved := diffInventory()
	moved.Services[0].Trusts[0].Source.Line = 60
	again, err := set.Evaluate(moved, testSite, DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	if again.Findings[0].Fingerprint != f.Fingerprint || again.Findings[0].Line != 60 {
		t.Errorf("moved trust: %+v", again.Findings[0])
	}
}

// TestEvaluateErrors: a rule that cannot say yes or no on some item
// stops the scan, naming file:line:col and the item.
func TestEvaluateErrors(t *testing.T) {
	tests := []struct {
		name   string
		body   []string
		budget Budget
		want   []string
	}{
		{"an assertion that fails on one trust", []string{"over = trusts", `assert = regex("^https://([^/]+)/", trust.issuer)[0] != ""`, `message = "m"`}, DefaultBudget,
			[]string{"rule site/x: /etc/ttt-check/rules.d/site.hcl:7:12: Error in function call", "pattern did not match", `(on trust "ANY" (any issuer) of xrootd (standalone) at /etc/xrootd/scitokens.cfg:20)`}},
		{"a message that fails on a failing trust", []string{"over = trusts", `assert = length(trust.subjects) > 0`, `message = "first subject ${trust.subjects[0]}"`}, DefaultBudget,
			[]string{"rule site/x: /etc/ttt-check/rules.d/site.hcl:8:", "Invalid index", `(on trust "ATLAS"`}},
		{"a when that fails", []string{"over = trusts", `when = regex("x", site.name) != ""`, `assert = true`, `message = "m"`}, DefaultBudget,
			[]string{"rule site/x: /etc/ttt-check/rules.d/site.hcl:7:10: Error in function call"}},
		{"more items than the budget", []string{"over = trusts", `assert = true`, `message = "m"`}, Budget{Items: 3, String: 100},
			[]string{"rule site/x: this host has 5 trusts, more than the 3 a rule evaluates"}},
		{"a value over the string budget", []string{"over = trusts", `assert = trust.issuer != ""`, `message = "m"`}, Budget{Items: 10, String: 20},
			[]string{"rule site/x: /etc/ttt-check/rules.d/site.hcl:7:12: value over budget; issuer is 27 bytes long, more than the 20 bytes a rule evaluates", `(on trust "ATLAS"`}},
		{"an object over the string budget", []string{"over = trusts", `assert = length([for a in trust.audiences : a if a != trust.issuer]) >= 0`, `message = "m"`}, Budget{Items: 10, String: 20},
			[]string{"value over budget", `(on trust "ATLAS"`}},
	}
	inv := diffInventory()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := load(t, rule("x", tc.body...))
			_, err := set.Evaluate(inv, Site{Name: "EXAMPLE-T2", Environment: "production"}, tc.budget)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestMessageIsCut(t *testing.T) {
	set := load(t, rule("x", "over = trusts", `assert = false`, `message = "${trust.issuer} ${trust.issuer} ${trust.issuer}"`))
	res, err := set.Evaluate(diffInventory(), testSite, Budget{Items: 100, String: 100, Message: 30})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Findings[0].Message; len(m) > 30 || !strings.HasSuffix(m, "…") {
		t.Errorf("message %q (%d bytes), want at most 30 ending in …", m, len(m))
	}
}

// TestTimeBudget: a host whose evaluation outlasts the budget fails the
// scan instead of holding it; the hook holds the evaluation back until
// the budget has passed, so that the test does not depend on speed.
func TestTimeBudget(t *testing.T) {
	release := make(chan struct{})
	beforeEvaluate = func() { <-release }
	defer func() { beforeEvaluate = func() {} }()
	set := load(t, rule("x", "over = trusts", `assert = true`, `message = "m"`))
	_, err := set.Evaluate(diffInventory(), testSite, Budget{Items: 100, String: 100, Message: 100, Time: time.Millisecond})
	close(release)
	if err == nil || !strings.Contains(err.Error(), "site rules did not finish within 1ms on se.example.org") {
		t.Errorf("error %v", err)
	}
	var ee *EvalError
	if errors.As(err, &ee) {
		t.Errorf("a timeout is not an expression's error: %v", err)
	}
}

func TestHostAndSiteValues(t *testing.T) {
	inv := diffInventory()
	inv.HostFacts = &inventory.HostFacts{
		Packages: []inventory.Package{{Name: "xrootd-server", Version: "5.7.2-1.el9", Manager: "rpm"}},
		Units:    []inventory.Unit{{Name: "xrootd@standalone.service", State: inventory.UnitEnabled, Enabled: true, Env: []inventory.EnvVar{{Name: "SECRET", Value: "x"}}}},
	}
	inv.Services[0].Runs = inventory.RunsEnabled
	inv.Services[0].Versions = []inventory.Component{{Name: "xrootd", Version: "5.7.2-1.el9", Package: "xrootd-server", Manager: "rpm"}}
	set := load(t, rule("x", "over = services",
		`where = service.name == "xrootd"`,
		`assert = false`,
		`message = "${host.name} ${host.hostname_from} ${site.name} ${site.environment} ${join(",", site.vos)} ${site.vos_stated} ${host.packages[0].version} ${host.units[0].state} ${service.runs} ${service.versions[0].version} ${length(host.services)}"`))
	res, err := set.Evaluate(inv, testSite, DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	want := "se.example.org /etc/hostname EXAMPLE-T2 production atlas,cms true 5.7.2-1.el9 enabled enabled 5.7.2-1.el9 3"
	if len(res.Findings) != 1 || res.Findings[0].Message != want {
		t.Errorf("findings = %v, want the message %q", places(res.Findings), want)
	}
	// A unit's environment may hold secrets and is never rendered: rules
	// do not see it either.
	if _, err := Load([]File{{Name: "a.hcl", Data: []byte(rule("x", "over = services", `assert = length(host.units[0].env) > 0`, `message = "m"`))}}); err == nil {
		t.Error("a rule could read a unit's environment")
	}
}
