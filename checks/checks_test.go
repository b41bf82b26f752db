package checks

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// This file holds what the per-check tests (<id>_test.go) share, and the
// tests of checks.go itself.

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
// Its lines: tokens 1, audience 2, trust 6, path 7, account 8, strategy 9.
func good(iss string) inventory.Trust {
	return inventory.Trust{
		Service: "xrootd", Issuer: iss, AnySubject: true,
		Audiences: []string{"https://xrd.example.org:1094"}, AudienceChecked: true, AudienceSource: src(2),
		Strategies: []inventory.Strategy{inventory.StrategyCapability}, StrategySource: src(9),
		Account: "xrootd", AccountSource: src(8), BasePaths: []string{"/data/vo"}, PathSource: src(7), Source: src(6),
	}
}

// with is good(iss) changed by f.
func with(iss string, f func(*inventory.Trust)) inventory.Trust {
	tr := good(iss)
	f(&tr)
	return tr
}

// service is a token-enabled XRootD storage service trusting trusts.
func service(trusts ...inventory.Trust) inventory.Service {
	return inventory.Service{Name: "xrootd", Kind: vocab.KindStorage, TokensEnabled: true, TokensSource: src(1), Trusts: trusts}
}

// withSettings is svc with settings added.
func withSettings(svc inventory.Service, settings ...inventory.Setting) inventory.Service {
	svc.Settings = append(svc.Settings, settings...)
	return svc
}

// setting is a directive on line 3.
func setting(key string, values ...string) inventory.Setting {
	return inventory.Setting{Key: key, Values: values, Source: src(3)}
}

const (
	atlas = "https://atlas-auth.cern.ch/"
	dteam = "https://dteam-auth.cern.ch/"
	wlcg  = "https://wlcg.cloud.cnaf.infn.it/"
)

// prod is a production site supporting ATLAS and DTeam, with one extra
// issuer declared with a security contact.
func prod() Profile {
	return Profile{Environment: vocab.Production, VOs: []string{"atlas", "dteam"}, VOsStated: true, DeclaredIssuers: map[string]string{"https://iam.example.org/": "sec@example.org"}}
}

// evaluate runs every check on one service and keeps the findings of one,
// so that a check is tested as registered, after pattern resolution, with
// its recipe metadata.
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

// checkCase is one row of a check's table: a service as a reader would
// build it, the site profile, and the findings the check must raise
// (none: the service passes).
type checkCase struct {
	name string
	// profile defaults to prod() when its Environment is empty.
	profile Profile
	svc     inventory.Service
	want    []want
}

// want is what a case pins of one finding, in order; empty fields are not
// compared.
type want struct {
	severity string
	message  string // a fragment of the message
	source   inventory.Source
	key      string
	also     []string // other places, as "file:line"
	fix      string   // a fragment of the remediation
}

// runCases runs a check's table. A table must hold a passing and a
// failing case, so that neither half of the check goes untested.
func runCases(t *testing.T, c Check, cases []checkCase) {
	t.Helper()
	set := recipeSet(t)
	passes, fails := 0, 0
	for _, tc := range cases {
		if len(tc.want) == 0 {
			passes++
		} else {
			fails++
		}
		t.Run(tc.name, func(t *testing.T) {
			p := tc.profile
			if p.Environment == "" {
				p = prod()
			}
			got := evaluate(t, set, tc.svc, p, c.ID)
			if len(got) != len(tc.want) {
				t.Fatalf("%s: %d finding(s), want %d: %+v", c.ID, len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				f := got[i]
				if w.severity != "" && f.Severity.String() != w.severity {
					t.Errorf("finding %d: severity = %s, want %s", i, f.Severity, w.severity)
				}
				if w.message != "" && !strings.Contains(f.Message, w.message) {
					t.Errorf("finding %d: message %q lacks %q", i, f.Message, w.message)
				}
				if !w.source.IsZero() && (f.File != w.source.File || f.Line != w.source.Line) {
					t.Errorf("finding %d: at %s:%d, want %s", i, f.File, f.Line, w.source)
				}
				if w.fix != "" && !strings.Contains(f.Remediation, w.fix) {
					t.Errorf("finding %d: fix %q lacks %q", i, f.Remediation, w.fix)
				}
				if w.key != "" && f.Key != w.key {
					t.Errorf("finding %d: key = %q, want %q", i, f.Key, w.key)
				}
				if w.also != nil {
					var also []string
					for _, p := range f.Also {
						also = append(also, p.Location())
					}
					if strings.Join(also, " ") != strings.Join(w.also, " ") {
						t.Errorf("finding %d: also at %v, want %v", i, also, w.also)
					}
				}
				if f.Title == "" || f.Remediation == "" || f.Fingerprint == "" {
					t.Errorf("finding %d lacks recipe metadata: %+v", i, f)
				}
			}
		})
	}
	if passes == 0 || fails == 0 {
		t.Errorf("%s: table has %d passing and %d failing case(s); it needs both", c.ID, passes, fails)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*recipes.Set)
		wantErr string // empty: valid
	}{
		{"embedded recipes are complete", func(*recipes.Set) {}, ""},
		{"missing check block", func(s *recipes.Set) { delete(s.Checks, "token-in-url") }, "token-in-url"},
		{"missing block of a check raised elsewhere", func(s *recipes.Set) { delete(s.Checks, vocab.CheckLogsTokenLeaked) }, vocab.CheckLogsTokenLeaked},
		{"check this version does not implement", func(s *recipes.Set) { s.Checks["issuer-unheard-of"] = s.Checks["issuer-unknown"] }, "issuer-unheard-of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := recipeSet(t)
			tc.edit(set)
			err := Validate(set)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Validate = %v, want an error naming %s", err, tc.wantErr)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	run := func(*Input, inventory.Service) []Result { return nil }
	tests := []struct {
		name      string
		checks    []Check
		wantPanic bool
	}{
		{"distinct ids", []Check{{ID: "a", Run: run}, {ID: "b", Run: run}}, false},
		{"duplicate id", []Check{{ID: "a", Run: run}, {ID: "b", Run: run}, {ID: "a", Run: run}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); (r != nil) != tc.wantPanic {
					t.Errorf("index panicked = %v, want panic %v", r, tc.wantPanic)
				}
			}()
			if m := index(tc.checks); len(m) != 2 {
				t.Errorf("index has %d id(s), want 2", len(m))
			}
		})
	}
}

// TestEvaluateSharesItsMemo: one Input evaluated from several goroutines
// (its memo of issuer classes, impostors and patterns is shared) gives
// every caller the findings one caller alone gets. Run with -race.
func TestEvaluateSharesItsMemo(t *testing.T) {
	pattern := func(iss, p string) inventory.Trust {
		return with(iss, func(t *inventory.Trust) { t.IdentityPattern, t.Subjects, t.AnySubject = p, []string{"pilot"}, false })
	}
	svc := service(good(atlas), good(wlcg), good("https://atlas-auth.cern.ch"),
		pattern(atlas, `^https://atlas-auth\.cern\.ch/,pilot$`), pattern("", `^https://(atlas|cms)-auth\.cern\.ch/,`), pattern(dteam, `dteam-auth.cern.ch/,`))
	newInput := func() *Input {
		return &Input{Inventory: &inventory.Inventory{Services: []inventory.Service{svc}}, Recipes: recipeSet(t), Profile: prod()}
	}
	alone, err := Evaluate(newInput())
	if err != nil || len(alone) == 0 {
		t.Fatalf("Evaluate = %d findings, %v", len(alone), err)
	}
	in := newInput()
	got := make([][]finding.Finding, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i], _ = Evaluate(in) })
	}
	wg.Wait()
	for i, fs := range got {
		if !reflect.DeepEqual(fs, alone) {
			t.Errorf("goroutine %d: %d findings, want the %d of a lone Evaluate", i, len(fs), len(alone))
		}
	}
}
