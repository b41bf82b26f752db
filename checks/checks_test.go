package checks

import (
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

func recipeSet(t *testing.T) *recipes.Set {
	t.Helper()
	set, err := recipes.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func src(line int) inventory.Source { return inventory.Source{File: "/etc/x.cfg", Line: line} }

// good is a trust as the WG recipe wants it; cases change one thing.
func good(iss string) inventory.Trust {
	return inventory.Trust{
		Service: "xrootd", Issuer: iss, AnySubject: true,
		Audiences: []string{"https://xrd.example.org:1094"}, AudienceChecked: true, AudienceSource: src(2),
		Strategies: []inventory.Strategy{inventory.StrategyCapability}, StrategySource: src(9),
		Account: "xrootd", AccountSource: src(8), BasePaths: []string{"/data/vo"}, PathSource: src(7), Source: src(6),
	}
}

func service(trusts ...inventory.Trust) inventory.Service {
	return inventory.Service{Name: "xrootd", Kind: vocab.KindStorage, TokensEnabled: true, TokensSource: src(1), Trusts: trusts}
}

const (
	atlas = "https://atlas-auth.cern.ch/"
	dteam = "https://dteam-auth.cern.ch/"
	wlcg  = "https://wlcg.cloud.cnaf.infn.it/"
)

// evaluate runs every check on one service and keeps the findings of one.
func evaluate(t *testing.T, set *recipes.Set, svc inventory.Service, p Profile, check string) []finding.Finding {
	t.Helper()
	if p.DeclaredIssuers == nil {
		p.DeclaredIssuers = map[string]string{}
	}
	all, err := Evaluate(&Input{Inventory: &inventory.Inventory{Services: []inventory.Service{svc}}, Recipes: set, Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	var got []finding.Finding
	for _, f := range all {
		if f.Check == check {
			got = append(got, f)
		}
	}
	return got
}

func TestChecks(t *testing.T) {
	set := recipeSet(t)
	prod := Profile{Environment: vocab.Production, VOs: []string{"atlas", "dteam"}, VOsStated: true, DeclaredIssuers: map[string]string{"https://iam.example.org/": "sec@example.org"}}
	with := func(iss string, f func(*inventory.Trust)) inventory.Trust {
		tr := good(iss)
		f(&tr)
		return tr
	}
	tests := []struct {
		name    string
		check   string
		profile Profile
		svc     inventory.Service
		want    int
		wantSev string // optional: the severity of the first result
		wantMsg string // optional: a fragment of the message
	}{
		{"dev VO on production", "issuer-dev-vo", prod, service(good(wlcg), good(dteam)), 1, "critical", "development VO"},
		{"dev VO on testbed is info", "issuer-dev-vo", Profile{Environment: vocab.Testbed}, service(good(wlcg)), 1, "info", ""},
		{"no dev VO", "issuer-dev-vo", prod, service(good(atlas), good(dteam)), 0, "", ""},
		{"wildcard issuer", "issuer-wildcard", prod, service(with("", func(t *inventory.Trust) { t.AnyIssuer = true; t.Name = "all" })), 1, "critical", "any issuer"},
		{"named issuers only", "issuer-wildcard", prod, service(good(atlas)), 0, "", ""},
		{"legacy CERN hostname", "issuer-legacy", prod, service(good("https://atlas-auth.web.cern.ch/")), 1, "low", "retired"},
		{"legacy hostname of a VO the recipes do not list", "issuer-legacy", prod, service(good("https://amber-auth.web.cern.ch/")), 1, "", ""},
		{"current hostname", "issuer-legacy", prod, service(good(atlas)), 0, "", ""},
		{"no trailing slash", "issuer-near-miss", prod, service(good("https://atlas-auth.cern.ch")), 1, "medium", "no trailing slash"},
		{"upper case", "issuer-near-miss", prod, service(good("https://CMS-auth.cern.ch/")), 1, "", "different letter case"},
		{"http scheme", "issuer-near-miss", prod, service(good("http://dteam-auth.cern.ch/")), 1, "", "http://"},
		{"typo", "issuer-near-miss", prod, service(good("https://atlice-auth.cern.ch/")), 1, "", "https://alice-auth.cern.ch/"},
		{"exact issuer is no near miss", "issuer-near-miss", prod, service(good(atlas)), 0, "", ""},
		{"unrelated issuer is no near miss", "issuer-near-miss", prod, service(good("https://cilogon.org/dune")), 0, "", ""},
		{"unknown issuer", "issuer-unknown", prod, service(good("https://cilogon.org/dune")), 1, "medium", ""},
		{"declared with contact", "issuer-unknown", prod, service(good("https://iam.example.org/")), 0, "", ""},
		{"near miss is not also unknown", "issuer-unknown", prod, service(good("https://atlas-auth.cern.ch")), 0, "", ""},
		{"unsupported VO", "issuer-unsupported-vo", prod, service(good("https://lhcb-auth.cern.ch/")), 1, "medium", "lhcb"},
		{"supported VO", "issuer-unsupported-vo", prod, service(good(atlas)), 0, "", ""},
		{"no VO list: nothing is unsupported", "issuer-unsupported-vo", Profile{Environment: vocab.Production}, service(good("https://lhcb-auth.cern.ch/")), 0, "", ""},
		{"dev VO on production is issuer-dev-vo's", "issuer-unsupported-vo", prod, service(good(wlcg)), 0, "", ""},
		{"DTeam missing", "issuer-dteam-missing", prod, service(good(atlas)), 1, "low", ""},
		{"DTeam trusted", "issuer-dteam-missing", prod, service(good(atlas), good(dteam)), 0, "", ""},
		{"tokens off: no DTeam needed", "issuer-dteam-missing", prod, inventory.Service{Name: "xrootd"}, 0, "", ""},
		{"any audience listed (implicit on xrootd: info)", "audience-any", prod, service(with(atlas, func(t *inventory.Trust) { t.Audiences = append(t.Audiences, "https://wlcg.cern.ch/jwt/v1/any") })), 1, "info", ""},
		{"host audience only", "audience-any", prod, service(good(atlas)), 0, "", ""},
		{"audience unchecked, one finding for one setting", "audience-unchecked", prod, service(
			with(atlas, func(t *inventory.Trust) { t.AudienceChecked, t.Audiences = false, nil }),
			with(dteam, func(t *inventory.Trust) { t.AudienceChecked, t.Audiences = false, nil })), 1, "high", dteam},
		{"issuer-wide", "mapping-issuer-wide", prod, service(with(atlas, func(t *inventory.Trust) {
			t.Strategies = []inventory.Strategy{inventory.StrategyMapping, inventory.StrategyIssuerWide}
		})), 1, "high", "account xrootd"},
		{"capabilities", "mapping-issuer-wide", prod, service(good(atlas)), 0, "", ""},
		{"root account", "mapping-privileged", prod, service(with(dteam, func(t *inventory.Trust) { t.Account = "root" })), 1, "critical", ""},
		{"uid 0", "mapping-privileged", prod, service(with(dteam, func(t *inventory.Trust) { t.Account = "0" })), 1, "", ""},
		{"pool account", "mapping-privileged", prod, service(good(dteam)), 0, "", ""},
		{"base path /", "storage-path-root", prod, service(with(dteam, func(t *inventory.Trust) { t.BasePaths = []string{"/data/dteam", "/"} })), 1, "high", ""},
		{"base path //", "storage-path-root", prod, service(with(dteam, func(t *inventory.Trust) { t.BasePaths = []string{"//"} })), 1, "", ""},
		{"VO base path", "storage-path-root", prod, service(good(dteam)), 0, "", ""},
		{"group fallback for a capability-only VO", "authz-group-fallback", prod, service(with(atlas, func(t *inventory.Trust) {
			t.Strategies = []inventory.Strategy{inventory.StrategyCapability, inventory.StrategyGroup, inventory.StrategyMapping}
		})), 1, "medium", "group and mapping"},
		{"capability only", "authz-group-fallback", prod, service(good(atlas)), 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.check+"/"+tc.name, func(t *testing.T) {
			got := evaluate(t, set, tc.svc, tc.profile, tc.check)
			if len(got) != tc.want {
				t.Fatalf("%s: %d finding(s), want %d: %+v", tc.check, len(got), tc.want, got)
			}
			if tc.want == 0 {
				return
			}
			if tc.wantSev != "" && got[0].Severity.String() != tc.wantSev {
				t.Errorf("severity = %s, want %s", got[0].Severity, tc.wantSev)
			}
			if tc.wantMsg != "" && !strings.Contains(got[0].Message, tc.wantMsg) {
				t.Errorf("message %q lacks %q", got[0].Message, tc.wantMsg)
			}
			if got[0].Title == "" || got[0].Remediation == "" || got[0].Fingerprint == "" || got[0].File == "" {
				t.Errorf("finding lacks metadata or location: %+v", got[0])
			}
		})
	}
}

func TestSettingChecks(t *testing.T) {
	set := recipeSet(t)
	setting := func(k string, v ...string) inventory.Setting {
		return inventory.Setting{Key: k, Values: v, Source: src(3)}
	}
	tests := []struct {
		name     string
		check    string
		settings []inventory.Setting
		want     int
		wantSev  string
	}{
		{"onmissing allow", "authz-onmissing-allow", []inventory.Setting{setting("scitokens.onmissing", "allow")}, 1, "critical"},
		{"onmissing passthrough", "authz-onmissing-allow", []inventory.Setting{setting("scitokens.onmissing", "passthrough")}, 0, ""},
		{"xrootd.trace all", "log-token-leak", []inventory.Setting{setting("xrootd.trace", "all")}, 1, "high"},
		{"xrootd.trace all then -all", "log-token-leak", []inventory.Setting{setting("xrootd.trace", "all", "-all")}, 0, ""},
		{"http.trace debug", "log-token-leak", []inventory.Setting{setting("http.trace", "debug")}, 1, "high"},
		{"http.trace all -debug still all", "log-token-leak", []inventory.Setting{setting("http.trace", "all", "-debug")}, 1, ""},
		{"http.trace request", "log-token-leak", []inventory.Setting{setting("http.trace", "request")}, 0, ""},
		{"http.trace off", "log-token-leak", []inventory.Setting{setting("http.trace", "debug", "off")}, 0, ""},
		{"header2cgi on a manager", "token-in-url", []inventory.Setting{setting("all.role", "manager"), setting("http.header2cgi", "Authorization", "authz")}, 1, "medium"},
		{"header2cgi on a proxy", "token-in-url", []inventory.Setting{setting("pss.origin", "=https://upstream"), setting("http.header2cgi", "Authorization", "authz")}, 1, "medium"},
		{"header2cgi on a data server", "token-in-url", []inventory.Setting{setting("all.role", "server"), setting("http.header2cgi", "Authorization", "authz")}, 1, "info"},
		{"header2cgi with strip-on-redirect", "token-in-url", []inventory.Setting{setting("all.role", "manager"), setting("http.header2cgi", "Authorization", "authz", "strip-on-redirect")}, 0, ""},
		{"other header", "token-in-url", []inventory.Setting{setting("all.role", "manager"), setting("http.header2cgi", "X-Forwarded-For", "xff")}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.check+"/"+tc.name, func(t *testing.T) {
			svc := service(good(dteam))
			svc.Settings = tc.settings
			got := evaluate(t, set, svc, Profile{Environment: vocab.Production}, tc.check)
			if len(got) != tc.want {
				t.Fatalf("%d finding(s), want %d: %+v", len(got), tc.want, got)
			}
			if tc.want > 0 && tc.wantSev != "" && got[0].Severity.String() != tc.wantSev {
				t.Errorf("severity = %s, want %s", got[0].Severity, tc.wantSev)
			}
		})
	}
}

func TestValidateRejectsIncompleteRecipes(t *testing.T) {
	set := recipeSet(t)
	delete(set.Checks, "token-in-url")
	if err := Validate(set); err == nil || !strings.Contains(err.Error(), "token-in-url") {
		t.Errorf("Validate = %v, want an error naming token-in-url", err)
	}
}

func TestActiveLevels(t *testing.T) {
	tests := []struct {
		values []string
		want   string
	}{
		{[]string{"all"}, "all debug"},
		{[]string{"debug"}, "debug"},
		{[]string{"all", "-debug"}, "all"},
		{[]string{"-all", "debug"}, "debug"},
		{[]string{"debug", "none"}, ""},
		{[]string{"request", "response"}, ""},
	}
	for _, tc := range tests {
		got := strings.Join(activeLevels(tc.values, []string{"all", "debug"}), " ")
		if got != tc.want {
			t.Errorf("activeLevels(%v) = %q, want %q", tc.values, got, tc.want)
		}
	}
}
