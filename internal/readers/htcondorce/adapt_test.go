package htcondorce

import (
	"fmt"
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
			"gsi:" + GSIAuthzConf + " (Argus callout)@" + GSIAuthzConf},
		{"LCMAPS callout", map[string]string{MainConfig: "", GSIAuthzConf: "globus_mapping liblcas_lcmaps_gt4_mapping.so lcmaps_callout\n"}, nil,
			"gsi:" + GSIAuthzConf + " (LCMAPS callout)@" + GSIAuthzConf},
		{"other callout", map[string]string{MainConfig: "", GSIAuthzConf: "globus_mapping x y\n"}, nil,
			"gsi:" + GSIAuthzConf + " (Globus callout)@" + GSIAuthzConf},
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
	for _, b := range scitokensBans(rules, compiled) {
		bans = append(bans, b.Identity+"@"+b.Source.String()+" shadowed by "+b.ShadowedBy.String())
	}
	if want := "https://a/,bad@" + DefaultMapfile + ":2 shadowed by " + DefaultMapfile + ":1|https://c/,bad@" + DefaultMapfile + ":6 shadowed by "; strings.Join(bans, "|") != want {
		t.Errorf("bans =\n %s\nwant\n %s", strings.Join(bans, "|"), want)
	}
}
