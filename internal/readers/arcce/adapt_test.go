package arcce

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/arcconf"
)

// parse reads an arc.conf text as the reader does.
func parse(conf string) *arcconf.Config { return arcconf.Parse(ConfigFile, []byte(conf)) }

// legacyList lists legacy entries as what@file:line.
func legacyList(ls []inventory.Legacy) string {
	var out []string
	for _, l := range ls {
		out = append(out, l.What+"@"+l.Source.String())
	}
	return strings.Join(out, "; ")
}

// banList lists bans as identity@file:line, with the shadowing line.
func banList(bs []inventory.Ban) string {
	var out []string
	for _, b := range bs {
		s := b.Identity + "@" + b.Source.String()
		if !b.ShadowedBy.IsZero() {
			s += " shadowed by " + b.ShadowedBy.String()
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// refList lists references as name@file:line (note).
func refList(rs []inventory.Reference) string {
	var out []string
	for _, r := range rs {
		s := r.Name + "@" + r.Source.String()
		if r.Note != "" {
			s += " (" + r.Note + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// settingList lists settings as key=values@file:line.
func settingList(ss []inventory.Setting) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key+"="+strings.Join(s.Values, ",")+"@"+s.Source.String())
	}
	return strings.Join(out, "; ")
}

func TestSplitSign(t *testing.T) {
	tests := []struct {
		key      string
		wantSign byte
		wantKey  string
	}{
		{"authtokens", '+', "authtokens"},
		{"-authtokens", '-', "authtokens"},
		{"! authtokensgen", '!', "authtokensgen"},
		{"+all", '+', "all"},
		{"", '+', ""},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			sign, key := splitSign(tc.key)
			if sign != tc.wantSign || key != tc.wantKey {
				t.Errorf("splitSign(%q) = %q %q, want %q %q", tc.key, sign, key, tc.wantSign, tc.wantKey)
			}
		})
	}
}

func TestParseRule(t *testing.T) {
	src := inventory.Source{File: ConfigFile, Line: 7}
	tests := []struct {
		name, key, value string
		want             string // sign key matchAll tokens, or the problem
	}{
		{"authtokens", "authtokens", "7dee https://atlas-auth.cern.ch/ * compute.create *", "+ authtokens false [sub=7dee iss=https://atlas-auth.cern.ch/ aud= scope=compute.create]"},
		{"ban", "-authtokens", "bad https://atlas-auth.cern.ch/ * * *", "- authtokens false [sub=bad iss=https://atlas-auth.cern.ch/ aud= scope=]"},
		{"authtokensgen alternatives", "authtokensgen", `(iss="https://a/" & aud="x") | iss~"https://b/.*"`, "+ authtokensgen false [sub= iss=https://a/ aud=x scope=] [sub= iss=https://b/.* aud= scope=]"},
		{"all", "all", "", "+ all true"},
		{"all yes", "all", "YES", "+ all true"},
		{"all no", "all", "no", "+ all false"},
		{"authtokens too short", "authtokens", "a b", "problem /etc/arc.conf:7: authtokens needs 5 fields (subject issuer audience scope group), has 2"},
		{"authtokensgen broken", "authtokensgen", `(iss="x"`, "problem /etc/arc.conf:7: authtokensgen: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, problem := parseRule("g", arcconf.Option{Key: tc.key, Value: tc.value, Source: src})
			var got string
			if problem != nil {
				got = "problem " + problem.Source.String() + ": " + problem.Reason
			} else {
				if r.group != "g" || r.src != src || r.value != tc.value {
					t.Errorf("rule = %+v", r)
				}
				got = fmt.Sprintf("%c %s %v", r.sign, r.key, r.matchAll)
				for _, tr := range r.tokens {
					got += fmt.Sprintf(" [sub=%s iss=%s aud=%s scope=%s]", tr.Subject, tr.Issuer, tr.Audience, tr.Scope)
				}
			}
			if !strings.HasPrefix(got, tc.want) || (problem == nil && got != tc.want) {
				t.Errorf("parseRule = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadAuthgroups(t *testing.T) {
	cfg := parse(`[authgroup: a]
authtokens = * https://a/ * * *
authtokens = broken
[authgroup: empty]
[authgroup: b]
-authtokens = x https://b/ * * *
all = yes
`)
	svc := &inventory.Service{}
	groups, order := readAuthgroups(cfg, svc)
	if strings.Join(order, " ") != "a empty b" {
		t.Errorf("order = %v", order)
	}
	var got []string
	for _, g := range order {
		for _, r := range groups[g] {
			got = append(got, fmt.Sprintf("%s:%c%s@%d", g, r.sign, r.key, r.src.Line))
		}
	}
	if strings.Join(got, " ") != "a:+authtokens@2 b:-authtokens@6 b:+all@7" {
		t.Errorf("rules = %v", got)
	}
	if _, ok := groups["empty"]; ok {
		t.Error("a group without rules has an entry")
	}
	if len(svc.Problems) != 1 || svc.Problems[0].Source.String() != "/etc/arc.conf:3" {
		t.Errorf("problems = %+v", svc.Problems)
	}
}

func TestLegacy(t *testing.T) {
	tests := []struct {
		name, conf, version, want string
	}{
		{"[authtokens] on ARC 7", "[authtokens]\n", "7", "config:[authtokens] block, removed in ARC 7: its validator (arcctl config verify, Validator.py) reports \"Unknown block [authtokens]\" and A-REX's start script refuses to start@/etc/arc.conf:1"},
		{"[authtokens] on ARC 6", "[authtokens]\n", "6", ""},
		{"LCAS and LCMAPS plugins, signed or not", "[authgroup:a]\nplugin = 10 /usr/libexec/arc/arc-lcas\n-plugin = 10 /usr/libexec/arc/arc-lcmaps\nplugin = 10 /usr/libexec/other\n",
			"7", "gsi:LCAS/LCMAPS plugin in [authgroup:a]@/etc/arc.conf:2; gsi:LCAS/LCMAPS plugin in [authgroup:a]@/etc/arc.conf:3"},
		// ARC 6 still runs them (GSI remnants); ARC 7's validator refuses
		// the blocks it no longer knows (Validator.py _check_config_blocks).
		{"X.509-era blocks in a fixed order, ARC 6 or unknown", "[gridftpd/jobs]\n[gridftpd]\n[arex/ws/argus]\n[gridftpd/filedir]\n", "",
			"gsi:[arex/ws/argus] block (X.509 only; removed in ARC 7)@/etc/arc.conf:3; gsi:[gridftpd] block (X.509 only; removed in ARC 7)@/etc/arc.conf:2; gsi:[gridftpd/jobs] block (X.509 only; removed in ARC 7)@/etc/arc.conf:1; gsi:[gridftpd/filedir] block (X.509 only; removed in ARC 7)@/etc/arc.conf:4"},
		{"X.509-era blocks on ARC 7", "[gridftpd]\n", "7",
			"config:[gridftpd] block, removed in ARC 7: its validator (arcctl config verify, Validator.py) reports \"Unknown block [gridftpd]\" and A-REX's start script refuses to start@/etc/arc.conf:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &inventory.Service{}
			legacy(parse(tc.conf), tc.version, svc)
			var kinds []string
			for _, l := range svc.Legacy {
				kinds = append(kinds, l.Kind+":"+l.What+"@"+l.Source.String())
			}
			if got := strings.Join(kinds, "; "); got != tc.want {
				t.Errorf("legacy = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMappingAccounts(t *testing.T) {
	cfg := parse(`[mapping]
map_to_user = a
policy_on_nomap = continue
map_to_user = a atlasprd:atlas
map_to_pool = a /pool/a
map_to_pool = b /pool/b
map_with_file = c /etc/grid-security/c-mapfile
map_with_plugin = d 30 /usr/libexec/arc/arc-lcmaps x y
map_with_plugin = e 30 /usr/libexec/other
map_to_user = e later
`)
	got := mappingAccounts(cfg.Block("mapping"))
	want := map[string]string{
		"a": "atlasprd||/etc/arc.conf:4|false",
		"b": "pool /pool/b||/etc/arc.conf:6|false",
		"c": "|/etc/grid-security/c-mapfile|/etc/arc.conf:7|false",
		"d": "plugin||/etc/arc.conf:8|true",
		"e": "plugin||/etc/arc.conf:9|false",
	}
	if len(got) != len(want) {
		t.Errorf("accounts = %+v", got)
	}
	for g, w := range want {
		t.Run(g, func(t *testing.T) {
			a := got[g]
			if s := fmt.Sprintf("%s|%s|%s|%v", a.user, a.mapfile, a.src, a.lcmaps); s != w {
				t.Errorf("account of %s = %q, want %q", g, s, w)
			}
		})
	}
	if n := len(mappingAccounts(nil)); n != 0 {
		t.Errorf("no [mapping]: %d accounts", n)
	}
}

func TestTokenTrusts(t *testing.T) {
	tests := []struct {
		name, conf, version string
		tokens              string // TokensEnabled@source
		trusts, bans, leg   string
	}{
		{"ARC 6 without [authtokens] has tokens off", "[authgroup:a]\nauthtokens = * https://a/ * * *\n", "6",
			"false@", "authgroup:a https://a/@/etc/arc.conf:2 ->", "", ""},
		{"ARC 7: the first token rule turns tokens on", "[authgroup:a]\nall = yes\n!authtokens = * https://x/ * * *\nauthtokens = * https://a/ * * *\n", "7",
			"true@/etc/arc.conf:3", "authgroup:a https://a/@/etc/arc.conf:4 ->", "", ""},
		{"[authtokens] is the source", "[authgroup:a]\nauthtokens = * https://a/ * * *\n[authtokens]\n", "6",
			"true@/etc/arc.conf:3", "authgroup:a https://a/@/etc/arc.conf:2 ->", "", ""},
		{"bans before and after the rule they meet", "[authgroup:a]\n-authtokens = bad https://a/ * * *\nauthtokens = * https://a/ * * *\n-authtokens = late https://a/ * * *\n[mapping]\nmap_to_user = a alice\n", "7",
			"true@/etc/arc.conf:2", "authgroup:a https://a/@/etc/arc.conf:3 ->alice@/etc/arc.conf:6",
			"sub bad iss https://a/@/etc/arc.conf:2; sub late iss https://a/@/etc/arc.conf:4 shadowed by /etc/arc.conf:3", ""},
		{"LCMAPS mapping recorded per rule it maps", "[authgroup:a]\nauthtokens = * https://a/ * * *\nauthtokensgen = iss=\"https://b/\" | iss=\"https://c/\"\n[mapping]\nmap_with_plugin = a 30 /usr/libexec/arc/arc-lcmaps\n", "7",
			"true@/etc/arc.conf:2", "authgroup:a https://a/@/etc/arc.conf:2 ->plugin@/etc/arc.conf:5; authgroup:a https://b/@/etc/arc.conf:3 ->plugin@/etc/arc.conf:5; authgroup:a https://c/@/etc/arc.conf:3 ->plugin@/etc/arc.conf:5", "",
			"LCMAPS mapping plugin@/etc/arc.conf:5; LCMAPS mapping plugin@/etc/arc.conf:5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(tc.conf)
			svc := &inventory.Service{}
			groups, order := readAuthgroups(cfg, svc)
			tokenTrusts(cfg, tc.version, groups, order, mappingAccounts(cfg.Block("mapping")), newShadows(), svc)
			if got := fmt.Sprintf("%v@%s", svc.TokensEnabled, svc.TokensSource); got != tc.tokens {
				t.Errorf("tokens = %q, want %q", got, tc.tokens)
			}
			var trusts []string
			for _, tr := range svc.Trusts {
				acct := ""
				if tr.Account != "" {
					acct = tr.Account + "@" + tr.AccountSource.String()
				}
				trusts = append(trusts, tr.Name+" "+tr.Issuer+"@"+tr.Source.String()+" ->"+acct)
			}
			if got := strings.Join(trusts, "; "); got != tc.trusts {
				t.Errorf("trusts = %q, want %q", got, tc.trusts)
			}
			if got := banList(svc.Bans); got != tc.bans {
				t.Errorf("bans = %q, want %q", got, tc.bans)
			}
			if got := legacyList(svc.Legacy); got != tc.leg {
				t.Errorf("legacy = %q, want %q", got, tc.leg)
			}
		})
	}
}

func TestRuleBans(t *testing.T) {
	tok := func(v string) []arcconf.TokenRule {
		r, err := arcconf.ParseAuthtokens(v)
		if err != nil {
			t.Fatal(err)
		}
		return []arcconf.TokenRule{r}
	}
	at := func(line int) inventory.Source { return inventory.Source{File: ConfigFile, Line: line} }
	ban := rule{sign: '-', tokens: tok("bad https://a/ * * *"), src: at(9)}
	tests := []struct {
		name    string
		earlier []rule
		want    string
	}{
		{"nothing before", nil, "sub bad iss https://a/@/etc/arc.conf:9"},
		{"an earlier ban does not shadow", []rule{{sign: '-', tokens: tok("* https://a/ * * *"), src: at(1)}}, "sub bad iss https://a/@/etc/arc.conf:9"},
		{"a narrower rule does not shadow", []rule{{sign: '+', tokens: tok("good https://a/ * * *"), src: at(1)}}, "sub bad iss https://a/@/etc/arc.conf:9"},
		{"issuer-wide rule shadows", []rule{{sign: '+', tokens: tok("* https://a/ * * *"), src: at(2)}}, "sub bad iss https://a/@/etc/arc.conf:9 shadowed by /etc/arc.conf:2"},
		{"all shadows, first one named", []rule{{sign: '+', matchAll: true, src: at(3)}, {sign: '+', tokens: tok("* https://a/ * * *"), src: at(4)}}, "sub bad iss https://a/@/etc/arc.conf:9 shadowed by /etc/arc.conf:3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := banList(ruleBans(tc.earlier, ban)); got != tc.want {
				t.Errorf("ruleBans = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRuleTrust(t *testing.T) {
	src := inventory.Source{File: ConfigFile, Line: 5}
	acct := groupAccount{user: "atlasprd", src: inventory.Source{File: ConfigFile, Line: 9}}
	tests := []struct {
		name, key, value string
		want             string
	}{
		{"pinned subject, audience and scope", "authtokens", "7dee https://atlas-auth.cern.ch/ https://arc.example.org compute.create *",
			"iss=https://atlas-auth.cern.ch/ anyIss=false pattern= subs=[7dee] anySub=false aud=[https://arc.example.org] checked=true strategies=[mapping capability]"},
		{"issuer only is issuer-wide", "authtokens", "* https://a/ * * *",
			"iss=https://a/ anyIss=false pattern= subs=[] anySub=true aud=[] checked=false strategies=[mapping issuer-wide]"},
		{"group", "authtokens", "* https://a/ * * /atlas/pilots",
			"iss=https://a/ anyIss=false pattern= subs=[] anySub=true aud=[] checked=false strategies=[mapping group]"},
		{"issuer pattern", "authtokensgen", `iss~"https://(a|b)/" & sub~"x.*"`,
			"iss= anyIss=false pattern=^(?:https://(a|b)/), subs=[] anySub=true aud=[] checked=false strategies=[mapping]"},
		{"no issuer", "authtokensgen", `sub="x"`,
			"iss= anyIss=true pattern= subs=[x] anySub=false aud=[] checked=false strategies=[mapping]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, problem := parseRule("g", arcconf.Option{Key: tc.key, Value: tc.value, Source: src})
			if problem != nil || len(r.tokens) != 1 {
				t.Fatalf("parseRule = %+v %v", r, problem)
			}
			tr := ruleTrust("g", r, r.tokens[0], acct)
			got := fmt.Sprintf("iss=%s anyIss=%v pattern=%s subs=%v anySub=%v aud=%v checked=%v strategies=%v",
				tr.Issuer, tr.AnyIssuer, tr.IdentityPattern, tr.Subjects, tr.AnySubject, tr.Audiences, tr.AudienceChecked, tr.Strategies)
			if got != tc.want {
				t.Errorf("ruleTrust =\n %s\nwant\n %s", got, tc.want)
			}
			if tr.Name != "authgroup:g" || tr.Service != name || tr.Source != src || tr.AudienceSource != src || tr.StrategySource != src ||
				tr.Account != "atlasprd" || tr.AccountSource.String() != "/etc/arc.conf:9" {
				t.Errorf("trust = %+v", tr)
			}
		})
	}
}

func TestAccess(t *testing.T) {
	cfg := parse(`[authgroup: a]
authtokens = * https://a/ * * *
[authgroup: b]
all = yes
[authgroup: c]
all
#[authgroup: gone]
[arex/ws/jobs]
allowaccess = b a
denyaccess = a gone nowhere
[queue: q]
[queue: r]
denyaccess = c
`)
	svc := &inventory.Service{}
	groups, order := readAuthgroups(cfg, svc)
	access(cfg, groups, order, newShadows(), svc)
	if got, want := settingList(svc.Settings), "authgroup.all=b,c@/etc/arc.conf:3; arex/ws/jobs.access=allowaccess:b,allowaccess:a,denyaccess:a,denyaccess:gone,denyaccess:nowhere@/etc/arc.conf:10; queue:q.access=@/etc/arc.conf:11; queue:r.access=denyaccess:c@/etc/arc.conf:13"; got != want {
		t.Errorf("settings =\n %s\nwant\n %s", got, want)
	}
	if got, want := refList(svc.Dangling), "authgroup gone@/etc/arc.conf:10 (its [authgroup:gone] block is commented out at line 7); authgroup nowhere@/etc/arc.conf:10"; got != want {
		t.Errorf("dangling =\n %s\nwant\n %s", got, want)
	}
	if got, want := banList(svc.Bans), "denyaccess a: sub * iss https://a/@/etc/arc.conf:10 shadowed by /etc/arc.conf:9"; got != want {
		t.Errorf("bans =\n %s\nwant\n %s", got, want)
	}
}

func TestAllGroups(t *testing.T) {
	groups := map[string][]rule{
		"a": {{sign: '+', matchAll: true}, {sign: '+', matchAll: true}},
		"b": {{sign: '-', matchAll: true}},
		"c": {{sign: '+'}},
		"d": {{sign: '+', matchAll: true}},
	}
	if got := strings.Join(allGroups(groups, []string{"d", "c", "b", "a"}), " "); got != "d a a" {
		t.Errorf("allGroups = %q", got)
	}
}

func TestDanglingGroup(t *testing.T) {
	cfg := parse("#[authgroup: old]\n[common]\n")
	src := inventory.Source{File: ConfigFile, Line: 12}
	tests := []struct{ group, want string }{
		{"old", "authgroup old@/etc/arc.conf:12 (its [authgroup:old] block is commented out at line 1)"},
		{"never", "authgroup never@/etc/arc.conf:12"},
	}
	for _, tc := range tests {
		t.Run(tc.group, func(t *testing.T) {
			if got := refList([]inventory.Reference{danglingGroup(cfg, tc.group, src)}); got != tc.want {
				t.Errorf("danglingGroup = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDanglingMappings(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"no [mapping]", "[authgroup:a]\n", ""},
		{"defined, undefined and commented out", "[authgroup:a]\n#[authgroup:old]\n[mapping]\nmap_to_user = a alice\nmap_to_user = old bob\nmap_to_pool = ghost /pool\npolicy_on_nomap = ghost\nmap_to_user =\n",
			"authgroup old@/etc/arc.conf:5 (its [authgroup:old] block is commented out at line 2); authgroup ghost@/etc/arc.conf:6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &inventory.Service{}
			danglingMappings(parse(tc.conf), svc)
			if got := refList(svc.Dangling); got != tc.want {
				t.Errorf("dangling = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLogging(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"no [arex]", "[common]\nloglevel = 5\n", ""},
		{"every value, the last one's line", "[arex]\nloglevel = 3\ntokenscopes = x\nloglevel = 5\n", "arex.loglevel=3,5@/etc/arc.conf:4; arex.tokenscopes=x@/etc/arc.conf:3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &inventory.Service{}
			logging(parse(tc.conf), svc)
			if got := settingList(svc.Settings); got != tc.want {
				t.Errorf("settings = %q, want %q", got, tc.want)
			}
		})
	}
}
