package htcondorce

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/condorcfg"
	"github.com/ttt-wg/ttt-check/internal/parse/condormap"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// hostConfig is a host with files and its condor_config as read, without
// the config directories.
func hostConfig(t *testing.T, files map[string]string) (readers.Host, *condorcfg.Config) {
	t.Helper()
	h := testkit.Host(t, "ce.example.org", files)
	p := condorcfg.NewParser(h.FS, condorcfg.Options{})
	p.File(MainConfig, inventory.Source{})
	return h, p.Config()
}

func settingList(ss []inventory.Setting) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key+"="+strings.Join(s.Values, ",")+"@"+s.Source.String())
	}
	return strings.Join(out, "; ")
}

func legacyList(ls []inventory.Legacy) string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Kind+":"+l.What+"@"+l.Source.String())
	}
	return strings.Join(out, "; ")
}

func at(line int) inventory.Source {
	return inventory.Source{File: DefaultMapfile, Line: line}
}

func TestAuthentication(t *testing.T) {
	const f = MainConfig
	tests := []struct {
		name, conf, settings, tokens string
	}{
		{"default methods", "SEC_DEFAULT_AUTHENTICATION_METHODS = FS, SCITOKENS\nALLOW_WRITE = *@daemon, condor\n",
			"ALLOW_WRITE=*@daemon,condor@" + f + ":2; SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS=FS,SCITOKENS@" + f + ":1", "true@" + f + ":1"},
		{"the schedd's WRITE methods win", "SEC_DEFAULT_AUTHENTICATION_METHODS = SCITOKENS\nSCHEDD.SEC_WRITE_AUTHENTICATION_METHODS = GSI\n",
			"SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS=GSI@" + f + ":2", "false@"},
		{"an empty value falls back", "SEC_WRITE_AUTHENTICATION_METHODS =\nSEC_DEFAULT_AUTHENTICATION_METHODS = scitokens\n",
			"SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS=scitokens@" + f + ":2", "true@" + f + ":2"},
		{"no SCITOKENS", "SEC_DEFAULT_AUTHENTICATION_METHODS = FS, SSL\n",
			"SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS=FS,SSL@" + f + ":1", "false@"},
		{"nothing set", "SCITOKENS_SERVER_AUDIENCE = a, b\n",
			"SCITOKENS_SERVER_AUDIENCE=a,b@" + f + ":1; SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS=@", "false@"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := hostConfig(t, map[string]string{MainConfig: tc.conf})
			svc := &inventory.Service{}
			authentication(cfg, svc)
			if got := settingList(svc.Settings); got != tc.settings {
				t.Errorf("settings =\n %s\nwant\n %s", got, tc.settings)
			}
			if got := fmt.Sprintf("%v@%s", svc.TokensEnabled, svc.TokensSource); got != tc.tokens {
				t.Errorf("tokens = %q, want %q", got, tc.tokens)
			}
		})
	}
}

func TestServerAudience(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"unset", "X = 1\n", "[]@"},
		{"list", "COLLECTOR_HOST = ce.example.org:9619\nSCITOKENS_SERVER_AUDIENCE = $(COLLECTOR_HOST), condor://$(COLLECTOR_HOST)\n", "[ce.example.org:9619 condor://ce.example.org:9619]@" + MainConfig + ":2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := hostConfig(t, map[string]string{MainConfig: tc.conf})
			aud, src := serverAudience(cfg)
			if got := fmt.Sprintf("%v@%s", aud, src); got != tc.want {
				t.Errorf("serverAudience = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadMapfile(t *testing.T) {
	tests := []struct {
		name, conf string
		files      map[string]string
		rules      string
		problems   int
	}{
		{"default", "", map[string]string{DefaultMapfile: "SCITOKENS /^https:\\/\\/a\\/,/ a\n"}, "SCITOKENS@" + DefaultMapfile + ":1", 0},
		{"CERTIFICATE_MAPFILE", "CERTIFICATE_MAPFILE = /etc/condor-ce/mine \n", map[string]string{DefaultMapfile: "GSI (.*) x\n", "/etc/condor-ce/mine": "\nGSI (.*) y\n"}, "GSI@/etc/condor-ce/mine:2", 0},
		{"missing", "CERTIFICATE_MAPFILE = /etc/condor-ce/none\n", nil, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{MainConfig: tc.conf}
			for k, v := range tc.files {
				files[k] = v
			}
			h, cfg := hostConfig(t, files)
			svc := &inventory.Service{}
			m := readMapfile(h, cfg, svc)
			var rules []string
			for _, r := range m.Rules {
				rules = append(rules, r.Method+"@"+r.Source.String())
			}
			if got := strings.Join(rules, " "); got != tc.rules {
				t.Errorf("rules = %q, want %q", got, tc.rules)
			}
			if strings.Join(svc.ConfigFiles, " ") != strings.Join(m.Files, " ") || len(svc.Problems) != tc.problems {
				t.Errorf("config files %v (map %v), problems %+v", svc.ConfigFiles, m.Files, svc.Problems)
			}
		})
	}
}

func TestCompileRules(t *testing.T) {
	rules := []condormap.Rule{
		{Method: "SCITOKENS", Principal: `^https://a/,`, Regex: true, Source: at(1)},
		{Method: "SCITOKENS", Principal: "https://a/,sub", Source: at(2)},
		{Method: "SCITOKENS", Principal: `^https://a/,(?!bad).*$`, Regex: true, Source: at(3)},
	}
	svc := &inventory.Service{}
	compiled := compileRules(rules, svc)
	if len(compiled) != 3 || compiled[0] == nil || compiled[1] != nil || compiled[2] != nil {
		t.Errorf("compiled = %v", compiled)
	}
	if len(svc.Problems) != 1 || svc.Problems[0].Source.String() != DefaultMapfile+":3" || !strings.HasPrefix(svc.Problems[0].Reason, "the PCRE pattern /^https://a/,(?!bad).*$/ cannot be evaluated here (") {
		t.Errorf("problems = %+v", svc.Problems)
	}
}

// TestAnonymousIdentities: the first CLAIMTOBE/ANONYMOUS rule decides,
// and only a rule mapping every client to one identity names it.
func TestAnonymousIdentities(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rules []condormap.Rule
		want  string
	}{
		{"HTCondor-CE's default", []condormap.Rule{{Method: "CLAIMTOBE", Principal: ".*", Regex: true, Canonical: "anonymous@claimtobe", Source: at(11)}}, "CLAIMTOBE=anonymous@claimtobe@" + DefaultMapfile + ":11"},
		{"a rule passing the claim on", []condormap.Rule{{Method: "CLAIMTOBE", Principal: "(.*)", Regex: true, Canonical: `\1`, Source: at(2)}}, ""},
		{"an earlier narrower rule decides first", []condormap.Rule{
			{Method: "CLAIMTOBE", Principal: "^alice$", Regex: true, Canonical: "alice", Source: at(1)},
			{Method: "CLAIMTOBE", Principal: ".*", Regex: true, Canonical: "anonymous@claimtobe", Source: at(2)},
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := &inventory.Service{}
			anonymousIdentities(tc.rules, compileRules(tc.rules, svc), svc)
			var got []string
			for _, s := range svc.Settings {
				got = append(got, strings.TrimPrefix(s.Key, "mapped-identity:")+"="+strings.Join(s.Values, ",")+"@"+s.Source.String())
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("identities = %v, want %q", got, tc.want)
			}
		})
	}
}

func TestGSILegacy(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		rules []condormap.Rule
		want  string
	}{
		{"none", map[string]string{MainConfig: "SEC_DEFAULT_AUTHENTICATION_METHODS = SCITOKENS\n"}, nil, ""},
		{"GSI in methods", map[string]string{MainConfig: "SEC_CLIENT_AUTHENTICATION_METHODS = FS\nSEC_READ_AUTHENTICATION_METHODS = FS, gsi\n"}, nil,
			"gsi:GSI in SEC_READ_AUTHENTICATION_METHODS@" + MainConfig + ":2"},
		{"Argus callout", map[string]string{MainConfig: "", GSIAuthzConf: "globus_mapping libargus_gsi_pep_callout.so argus_pep_callout\n"}, nil,
			"gsi:" + GSIAuthzConf + " (Argus callout)@" + GSIAuthzConf + ":1"},
		{"LCMAPS callout", map[string]string{MainConfig: "", GSIAuthzConf: "globus_mapping liblcas_lcmaps_gt4_mapping.so lcmaps_callout\n"}, nil,
			"gsi:" + GSIAuthzConf + " (LCMAPS callout)@" + GSIAuthzConf + ":1"},
		// At the callout line, past comments.
		{"other callout", map[string]string{MainConfig: "", GSIAuthzConf: "# callout\n\nglobus_mapping x y\n"}, nil,
			"gsi:" + GSIAuthzConf + " (Globus callout)@" + GSIAuthzConf + ":3"},
		{"mapfile rules", map[string]string{MainConfig: ""}, []condormap.Rule{
			{Method: "GSI", Principal: "(.*)", Regex: true, Canonical: "GSS_ASSIST_GRIDMAP", Source: at(1)},
			{Method: "SCITOKENS", Principal: "x,y", Canonical: "u", Source: at(2)},
			{Method: "SSL", Principal: "(.*)", Regex: true, Canonical: "GSS_ASSIST_GRIDMAP", Source: at(3)},
		}, "gsi:GSI mapfile rule GSS_ASSIST_GRIDMAP@" + DefaultMapfile + ":1; gsi:GSI mapfile rule GSS_ASSIST_GRIDMAP@" + DefaultMapfile + ":3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, cfg := hostConfig(t, tc.files)
			svc := &inventory.Service{}
			gsiLegacy(h, cfg, tc.rules, svc)
			if got := legacyList(svc.Legacy); got != tc.want {
				t.Errorf("legacy =\n %s\nwant\n %s", got, tc.want)
			}
		})
	}
}

func TestBanned(t *testing.T) {
	tests := []struct {
		rule condormap.Rule
		want bool
	}{
		{condormap.Rule{Method: "SCITOKENS", Canonical: "x@BANNED.htcondor.org"}, true},
		{condormap.Rule{Method: "SCITOKENS", Canonical: "atlas001"}, false},
		{condormap.Rule{Method: "GSI", Canonical: "x@banned.htcondor.org"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.rule.Method+" "+tc.rule.Canonical, func(t *testing.T) {
			if got := banned(tc.rule); got != tc.want {
				t.Errorf("banned = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSCITokensTrust(t *testing.T) {
	audSrc := inventory.Source{File: MainConfig, Line: 4}
	tests := []struct {
		name string
		rule condormap.Rule
		aud  []string
		want string
	}{
		{"literal", condormap.Rule{Method: "SCITOKENS", Principal: "https://a/,sub1", Canonical: "u1", Source: at(1)}, []string{"ce:9619"},
			"ok iss=https://a/ anyIss=false subs=[sub1] anySub=false pattern= aud=[ce:9619] checked=true"},
		{"pattern for one issuer", condormap.Rule{Method: "SCITOKENS", Principal: `^https:\/\/a\/,`, Regex: true, Canonical: "u1", Source: at(1)}, nil,
			"ok iss=https://a/ anyIss=false subs=[] anySub=true pattern=^https:\\/\\/a\\/, aud=[] checked=false"},
		{"pinned subject", condormap.Rule{Method: "SCITOKENS", Principal: `^https:\/\/a\/,s1$`, Regex: true, Canonical: "u1", Source: at(1)}, nil,
			"ok iss=https://a/ anyIss=false subs=[s1] anySub=false pattern=^https:\\/\\/a\\/,s1$ aud=[] checked=false"},
		{"any issuer", condormap.Rule{Method: "SCITOKENS", Principal: `.*`, Regex: true, Canonical: "u1", Source: at(1)}, nil,
			"ok iss= anyIss=true subs=[] anySub=true pattern=.* aud=[] checked=false"},
		{"not compiled", condormap.Rule{Method: "SCITOKENS", Principal: `(?!x)`, Regex: true, Canonical: "u1", Source: at(1)}, nil, "not ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			re, _ := inventory.CompilePattern(tc.rule.Principal)
			if !tc.rule.Regex {
				re = nil
			}
			tr, ok := scitokensTrust(tc.rule, re, tc.aud, audSrc)
			if ok && tr.Pattern != re {
				t.Errorf("trust carries pattern %v, want the rule's compiled %v", tr.Pattern, re)
			}
			got := "not ok"
			if ok {
				got = fmt.Sprintf("ok iss=%s anyIss=%v subs=%v anySub=%v pattern=%s aud=%v checked=%v",
					tr.Issuer, tr.AnyIssuer, tr.Subjects, tr.AnySubject, tr.IdentityPattern, tr.Audiences, tr.AudienceChecked)
				if tr.Name != "SCITOKENS /"+tc.rule.Principal+"/" || tr.Account != "u1" || tr.AccountSource != at(1) || tr.Source != at(1) ||
					tr.StrategySource != at(1) || tr.AudienceSource != audSrc || fmt.Sprint(tr.Strategies) != "[mapping]" {
					t.Errorf("trust = %+v", tr)
				}
			}
			if got != tc.want {
				t.Errorf("scitokensTrust =\n %s\nwant\n %s", got, tc.want)
			}
		})
	}
}

func TestSCITokensTrustsAndBans(t *testing.T) {
	rules := []condormap.Rule{
		{Method: "SCITOKENS", Principal: `^https:\/\/a\/,`, Regex: true, Canonical: "a001", Source: at(1)},
		{Method: "SCITOKENS", Principal: `^https:\/\/a\/,bad$`, Regex: true, Canonical: "x@banned.htcondor.org", Source: at(2)},
		{Method: "GSI", Principal: `(.*)`, Regex: true, Canonical: "g", Source: at(3)},
		{Method: "SCITOKENS", Principal: `(?!x)`, Regex: true, Canonical: "lost", Source: at(4)},
		{Method: "SCITOKENS", Principal: "https://b/,s", Canonical: "b001", Source: at(5)},
		{Method: "SCITOKENS", Principal: "https://c/,bad", Canonical: "y@banned.htcondor.org", Source: at(6)},
	}
	compiled := compileRules(rules, &inventory.Service{})
	var trusts []string
	for _, tr := range scitokensTrusts(rules, compiled, []string{"ce"}, inventory.Source{}) {
		trusts = append(trusts, tr.Account+"@"+tr.Source.String())
	}
	if want := "a001@" + DefaultMapfile + ":1 b001@" + DefaultMapfile + ":5"; strings.Join(trusts, " ") != want {
		t.Errorf("trusts = %v, want %s", trusts, want)
	}
	var bans []string
	for _, b := range scitokensBans(rules, compiled, &inventory.Service{}) {
		bans = append(bans, b.Identity+"@"+b.Source.String()+" shadowed by "+b.ShadowedBy.String())
	}
	if want := "https://a/,bad@" + DefaultMapfile + ":2 shadowed by " + DefaultMapfile + ":1|https://c/,bad@" + DefaultMapfile + ":6 shadowed by "; strings.Join(bans, "|") != want {
		t.Errorf("bans =\n %s\nwant\n %s", strings.Join(bans, "|"), want)
	}
}

// naiveFirst is how bans found their shadowing rule before the index:
// every earlier rule of the method tested in order.
func naiveFirst(rules []condormap.Rule, compiled []*inventory.Pattern, method, identity string, i int) int {
	for j := 0; j < i; j++ {
		e := rules[j]
		if e.Method != method {
			continue
		}
		if (e.Regex && compiled[j] != nil && compiled[j].MatchString(identity)) || (!e.Regex && e.Principal == identity) {
			return j
		}
	}
	return -1
}

// TestShadowIndexAgrees holds the ban index to the test of every earlier
// rule, over rule sets mixing literals, anchored and unanchored patterns,
// case-folded ones, uncompilable ones and other methods.
func TestShadowIndexAgrees(t *testing.T) {
	patterns := []string{
		`^https\:\/\/a\.example\/,alice$`, `^https://a\.example/,`, `^https://a\.example/`, `^https://b\.example/,.*`,
		`https://a\.example/,alice`, `(?i)^HTTPS://A\.EXAMPLE/,`, `.*`, `^(https://a\.example/),bob$`, `^https://a\.example/,(alice|bob)$`,
		`(?!x)`, `^https://a\.examplex/,`, `^$`, `^https://b\.example/,bob$`, `^https://a\.example/,al`, `\Ahttps://a`,
	}
	literals := []string{"https://a.example/,alice", "https://b.example/,bob", "https://a.example/,carol"}
	identities := append([]string{"https://a.example/," + probeSubject, "https://b.example/,x", "https://c.example/,alice"}, literals...)
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 3000; n++ {
		var rules []condormap.Rule
		for k := rng.IntN(12) + 1; k > 0; k-- {
			r := condormap.Rule{Method: []string{"SCITOKENS", "SCITOKENS", "SCITOKENS", "GSI"}[rng.IntN(4)], Canonical: "u", Source: at(len(rules) + 1)}
			if rng.IntN(3) == 0 {
				r.Principal = literals[rng.IntN(len(literals))]
			} else {
				r.Principal, r.Regex = patterns[rng.IntN(len(patterns))], true
			}
			rules = append(rules, r)
		}
		compiled := compileRules(rules, &inventory.Service{})
		idx := newShadowIndex(rules, compiled)
		tests := 0
		for i := range rules {
			for _, id := range identities {
				for _, method := range []string{"SCITOKENS", "GSI"} {
					if got, want := idx.first(method, id, i, &tests), naiveFirst(rules, compiled, method, id, i); got != want {
						t.Fatalf("rules %+v: first %s rule before %d matching %q = %d, want %d", rules, method, i, id, got, want)
					}
				}
			}
		}
	}
}

// TestBanBudget: past budget.Matches pattern tests the bans left are a
// problem, not silently taken as working.
func TestBanBudget(t *testing.T) {
	var rules []condormap.Rule
	for i := 0; i < 600; i++ {
		rules = append(rules, condormap.Rule{Method: "SCITOKENS", Principal: fmt.Sprintf(`x%d$`, i), Regex: true, Canonical: "u", Source: at(i + 1)})
	}
	for i := 0; i < 400; i++ {
		rules = append(rules, condormap.Rule{Method: "SCITOKENS", Principal: fmt.Sprintf("https://b/,s%d", i), Canonical: "x@banned.htcondor.org", Source: at(600 + i + 1)})
	}
	svc := &inventory.Service{}
	bans := scitokensBans(rules, compileRules(rules, svc), svc)
	if len(bans) == 0 || len(bans) == 400 || len(svc.Problems) != 1 || !strings.Contains(svc.Problems[0].Reason, "budget of 100000 pattern tests") {
		t.Errorf("%d bans, problems %+v", len(bans), svc.Problems)
	}
}
