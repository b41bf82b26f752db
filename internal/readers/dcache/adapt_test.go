package dcache

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/dcacheprops"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// propSet is the effective properties of a dcache.conf text on top of the
// file defaults Read starts from.
func propSet(conf string) *dcacheprops.Set {
	set := dcacheprops.NewSet(map[string]string{
		"dcache.paths.etc":           "/etc/dcache",
		"gplazma.configuration.file": "${dcache.paths.etc}/gplazma.conf",
		"gplazma.multimap.file":      "${dcache.paths.etc}/multi-mapfile",
		"gplazma.banfile.path":       "${dcache.paths.etc}/ban.conf",
	})
	props, _ := dcacheprops.Parse(DcacheConf, []byte(conf))
	set.Apply(props, "")
	return set
}

func at(file string, line int) inventory.Source { return inventory.Source{File: file, Line: line} }

func lineList(lines []gplazmaLine) string {
	var out []string
	for _, g := range lines {
		out = append(out, fmt.Sprintf("%s/%s/%s%v@%s", g.phase, g.control, g.plugin, g.opts, g.src))
	}
	return strings.Join(out, "; ")
}

func problemList(ps []inventory.Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Source.String()+": "+p.Reason)
	}
	return strings.Join(out, "; ")
}

func TestParseGplazmaConf(t *testing.T) {
	lines, problems := parseGplazmaConf("/etc/dcache/gplazma.conf", []byte("# comment\n\nauth optional oidc\nmap\tsufficient multimap gplazma.multimap.file=/etc/dcache/mm \"gplazma.x=a b\"\nauth optional\n"))
	if got, want := lineList(lines), "auth/optional/oidcmap[]@/etc/dcache/gplazma.conf:3; map/sufficient/multimapmap[gplazma.multimap.file:/etc/dcache/mm gplazma.x:a b]@/etc/dcache/gplazma.conf:4"; got != want {
		t.Errorf("lines =\n %s\nwant\n %s", got, want)
	}
	if got, want := problemList(problems), "/etc/dcache/gplazma.conf:5: gplazma.conf line needs phase, control flag and plugin"; got != want {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

func TestReadGplazmaConf(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		conf     string
		lines    string
		files2   string
		problems string
	}{
		{"default place", map[string]string{"/etc/dcache/gplazma.conf": "auth optional oidc\n"}, "",
			"auth/optional/oidcmap[]@/etc/dcache/gplazma.conf:1", "/etc/dcache/gplazma.conf", ""},
		{"gplazma.configuration.file", map[string]string{"/etc/dcache/gplazma.conf": "auth optional oidc\n", "/opt/g.conf": "x\n"}, "gplazma.configuration.file = /opt/g.conf\n",
			"", "/opt/g.conf", "/opt/g.conf:1: gplazma.conf line needs phase, control flag and plugin"},
		{"absent", map[string]string{"/etc/dcache/dcache.conf": ""}, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testkit.Host(t, "dc.example.org", tc.files)
			svc := &inventory.Service{}
			lines := readGplazmaConf(h, propSet(tc.conf), svc)
			if got := lineList(lines); got != tc.lines {
				t.Errorf("lines = %q, want %q", got, tc.lines)
			}
			if got := strings.Join(svc.ConfigFiles, " "); got != tc.files2 {
				t.Errorf("config files = %q, want %q", got, tc.files2)
			}
			if got := problemList(svc.Problems); got != tc.problems {
				t.Errorf("problems = %q, want %q", got, tc.problems)
			}
		})
	}
}

func TestPluginTokens(t *testing.T) {
	const f = "/etc/dcache/gplazma.conf"
	tests := []struct {
		name  string
		conf  string
		want  string
		exist bool
	}{
		{"no token plugin", "map sufficient multimap\n", "false@", false},
		{"oidc outside auth", "map optional oidc\n", "false@", false},
		{"first auth oidc", "auth optional oidc\nauth sufficient oidc\n", "true@" + f + ":1", true},
		{"scitoken after oidc wins", "auth optional oidc\nauth optional scitoken\nauth optional scitoken\n", "true@" + f + ":3", true},
		{"oidc after scitoken does not", "auth optional scitoken\nauth optional oidc\n", "true@" + f + ":1", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, _ := parseGplazmaConf(f, []byte(tc.conf))
			svc := &inventory.Service{}
			pluginTokens(lines, svc)
			if got := fmt.Sprintf("%v@%s", svc.TokensEnabled, svc.TokensSource); got != tc.want {
				t.Errorf("tokens = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLegacy(t *testing.T) {
	lines, _ := parseGplazmaConf("/etc/dcache/gplazma.conf", []byte("auth optional scitoken\nauth optional oidc\nauth sufficient argus\n"))
	svc := &inventory.Service{}
	legacy(lines, propSet("gplazma.oidc.hostnames = a.example.org\n"), svc)
	var got []string
	for _, l := range svc.Legacy {
		got = append(got, l.What+"@"+l.Source.String())
	}
	want := "the scitoken plugin, which maps every token of an issuer to the same user (gplazma.properties: \"all users that present a SciToken from the same issuer are mapped to the same user\"); the oidc plugin with -profile=wlcg authorizes by the token's scopes@/etc/dcache/gplazma.conf:1; " +
		"the argus plugin (X.509 only; Argus cannot see tokens), removed in dCache 10.2: with it in gplazma.conf every login fails there@/etc/dcache/gplazma.conf:3; " +
		"gplazma.oidc.hostnames, deprecated up to 8.1 and forbidden from dCache 8.2.0 (gplazma.properties marks it (forbidden)): dCache 8.2 and later refuse the configuration; use gplazma.oidc.provider!ALIAS@/etc/dcache/dcache.conf:1"
	if strings.Join(got, "; ") != want {
		t.Errorf("legacy =\n %s\nwant\n %s", strings.Join(got, "; "), want)
	}
}

func TestLogLevels(t *testing.T) {
	svc := &inventory.Service{}
	logLevels(propSet("dcache.log.level.file = DEBUG\nother = 1\ndcache.log.level.remote = off\n"), svc)
	var got []string
	for _, s := range svc.Settings {
		got = append(got, s.Key+"="+strings.Join(s.Values, ",")+"@"+s.Source.String())
	}
	if want := "dcache.log.level.file=debug@/etc/dcache/dcache.conf:1 dcache.log.level.remote=off@/etc/dcache/dcache.conf:3"; strings.Join(got, " ") != want {
		t.Errorf("settings = %v, want %s", got, want)
	}
}

func TestAudienceTargets(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"unset", "", "[]@"},
		{"quoted and not", "a = 1\ngplazma.oidc.audience-targets = \"https://dc.example.org\" dc.example.org\t\"x y\"\n", "[https://dc.example.org dc.example.org x y]@/etc/dcache/dcache.conf:2"},
		{"empty", "gplazma.oidc.audience-targets =\n", "[]@/etc/dcache/dcache.conf:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			targets, src := audienceTargets(propSet(tc.conf))
			if got := fmt.Sprintf("%v@%s", targets, src); got != tc.want {
				t.Errorf("audienceTargets = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadProviders(t *testing.T) {
	providers, order := readProviders(propSet("gplazma.oidc.provider!b = https://b/ -profile=wlcg\ngplazma.oidc.provider!a = https://a/\ngplazma.oidc.provider!b = https://b2/\n"))
	if strings.Join(order, " ") != "b a" {
		t.Errorf("order = %v", order)
	}
	if p := providers["b"]; p.alias != "b" || p.url != "https://b2/" || p.profile != "oidc" || p.src.Line != 3 {
		t.Errorf("provider b = %+v (the last assignment wins)", p)
	}
	if p := providers["a"]; p.url != "https://a/" || p.src.Line != 2 {
		t.Errorf("provider a = %+v", p)
	}
}

func TestSuppressesAudience(t *testing.T) {
	tests := []struct {
		suppress []string
		want     bool
	}{
		{nil, false},
		{[]string{"offline"}, false},
		{[]string{"offline", "audience"}, true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.suppress, ","), func(t *testing.T) {
			if got := (provider{suppress: tc.suppress}).suppressesAudience(); got != tc.want {
				t.Errorf("suppressesAudience = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestProviderTrust(t *testing.T) {
	src := at(DcacheConf, 4)
	audSrc := at(DcacheConf, 9)
	tests := []struct {
		name, value string
		targets     []string
		audSrc      inventory.Source
		want        string
	}{
		{"wlcg profile with audience", "https://atlas-auth.cern.ch/ -profile=wlcg -prefix=/atlas -authz-id=\"uid:1 username:atlas\"", []string{"dc.example.org"}, audSrc,
			"iss=https://atlas-auth.cern.ch/ aud=[dc.example.org] checked=true audSrc=/etc/dcache/dcache.conf:9 paths=[/atlas] strategies=[capability] account=atlas"},
		{"audience suppressed", "https://a/ -suppress=audience,offline", []string{"dc.example.org"}, audSrc,
			"iss=https://a/ aud=[] checked=false audSrc=/etc/dcache/dcache.conf:4 paths=[] strategies=[] account="},
		{"no targets set", "https://a/ -profile=scitokens", nil, inventory.Source{},
			"iss=https://a/ aud=[] checked=false audSrc=/etc/dcache/dcache.conf:4 paths=[] strategies=[capability] account= aud-if-present"},
		{"-non-authz-id maps every token", "https://a/ -non-authz-id=\"uid:7\"", nil, inventory.Source{},
			"iss=https://a/ aud=[] checked=false audSrc=/etc/dcache/dcache.conf:4 paths=[] strategies=[mapping issuer-wide] account=uid:7 aud-if-present"},
		// Scope-less tokens get the -non-authz-id identity (the WG's
		// scope-and-group recipe, dcache.md L140).
		{"-non-authz-id names the account of scope-less tokens", "https://a/ -authz-id=username:x -non-authz-id=\"uid:7\"", nil, inventory.Source{},
			"iss=https://a/ aud=[] checked=false audSrc=/etc/dcache/dcache.conf:4 paths=[] strategies=[mapping issuer-wide] account=uid:7 aud-if-present"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := providerTrust(parseProvider("p", tc.value, src), tc.targets, tc.audSrc)
			got := fmt.Sprintf("iss=%s aud=%v checked=%v audSrc=%s paths=%v strategies=%v account=%s",
				tr.Issuer, tr.Audiences, tr.AudienceChecked, tr.AudienceSource, tr.BasePaths, tr.Strategies, tr.Account)
			if tr.AudienceIfPresent {
				got += " aud-if-present"
			}
			if got != tc.want {
				t.Errorf("providerTrust =\n %s\nwant\n %s", got, tc.want)
			}
			if tr.Name != "provider p" || tr.Service != name || !tr.AnySubject || tr.Source != src || tr.StrategySource != src || tr.PathSource != src || tr.AccountSource != src {
				t.Errorf("trust = %+v", tr)
			}
		})
	}
}

func TestParseMultimap(t *testing.T) {
	const f = "/etc/dcache/multi-mapfile"
	got, problems := parseMultimap(f, []byte("# comment\n\"op:atlas\" username:atlas uid:1\n\noidcgrp:/cms/pilots\t\"username:cms x\"\n"+
		"op:x -opt=1 username:x -- gid:2,true\n"+
		"garbage with a s3cr3t-value-here\nop:y\nop:y user:y\nop:y uid:one\ngid:x,true uid:1\nop:y oidc:sub\n"))
	var s []string
	for _, m := range got {
		s = append(s, fmt.Sprintf("%s|%s|%s@%s", m.kind, m.value, m.target, m.src))
	}
	if want := "op|atlas|username:atlas uid:1@/etc/dcache/multi-mapfile:2; oidcgrp|/cms/pilots|\"username:cms x\"@/etc/dcache/multi-mapfile:4; op|x|username:x gid:2,true@/etc/dcache/multi-mapfile:5"; strings.Join(s, "; ") != want {
		t.Errorf("parseMultimap =\n %s\nwant\n %s", strings.Join(s, "; "), want)
	}
	var ps []string
	for _, p := range problems {
		if strings.Contains(p.Reason, "s3cr3t") {
			t.Errorf("the problem repeats a secret: %s", p.Reason)
		}
		ps = append(ps, fmt.Sprintf("%d: %s", p.Source.Line, p.Reason[strings.Index(p.Reason, "read: ")+6:strings.Index(p.Reason, ";")]))
	}
	want := "6: the predicate has no ':'|7: no mapped principals|8: the principal type is not one dCache knows|9: the principal's uid is not a number|10: the predicate's gid is not a number|11: the oidc principal has no '@'"
	if strings.Join(ps, "|") != want {
		t.Errorf("problems =\n %s\nwant\n %s", strings.Join(ps, "|"), want)
	}
}

func TestReadMultimaps(t *testing.T) {
	h := testkit.Host(t, "dc.example.org", map[string]string{
		"/etc/dcache/multi-mapfile": "op:a uid:1\n",
		"/etc/dcache/other":         "\n\nop:b uid:2\n",
	})
	lines, _ := parseGplazmaConf("/etc/dcache/gplazma.conf", []byte("auth optional oidc\nmap sufficient multimap\nmap sufficient multimap gplazma.multimap.file=/etc/dcache/other\nmap sufficient multimap gplazma.multimap.file=/etc/dcache/none\n"))
	svc := &inventory.Service{}
	maps := readMultimaps(h, propSet(""), lines, svc)
	var got []string
	for _, m := range maps {
		got = append(got, m.value+"@"+m.src.String())
	}
	if want := "a@/etc/dcache/multi-mapfile:1 b@/etc/dcache/other:3"; strings.Join(got, " ") != want {
		t.Errorf("maps = %v, want %s", got, want)
	}
	if want := "/etc/dcache/multi-mapfile /etc/dcache/other"; strings.Join(svc.ConfigFiles, " ") != want {
		t.Errorf("config files = %v", svc.ConfigFiles)
	}
	if len(svc.Problems) != 1 || svc.Problems[0].Source.String() != "/etc/dcache/gplazma.conf:4" || !strings.HasPrefix(svc.Problems[0].Reason, "cannot read multimap file /etc/dcache/none: ") {
		t.Errorf("problems = %+v", svc.Problems)
	}
}

func TestDanglingOPs(t *testing.T) {
	maps, _ := parseMultimap("/m", []byte("op:atlas uid:1\nop:ghost:x uid:2\noidcgrp:/ghost uid:3\nop:wlcg uid:4\n"))
	tests := []struct {
		name               string
		providers, issuers map[string]provider
		want               string
	}{
		{"oidc providers only", map[string]provider{"atlas": {}}, nil,
			"OP alias ghost@/m:2 (no gplazma.oidc.provider!ghost defines it); OP alias wlcg@/m:4 (no gplazma.oidc.provider!wlcg defines it)"},
		// The scitoken plugin gives its tokens op:NAME too (Issuer.java).
		{"a scitoken issuer defines an alias", map[string]provider{"atlas": {}}, map[string]provider{"wlcg": {}},
			"OP alias ghost@/m:2 (no gplazma.oidc.provider!ghost or gplazma.scitoken.issuer!ghost defines it)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range danglingOPs(maps, tc.providers, tc.issuers) {
				got = append(got, fmt.Sprintf("%s@%s (%s)", r.Name, r.Source, r.Note))
			}
			if strings.Join(got, "; ") != tc.want {
				t.Errorf("danglingOPs =\n %s\nwant\n %s", strings.Join(got, "; "), tc.want)
			}
		})
	}
}

// TestSciTokenIssuers: the WG's dCache 7.2 recipe runs the scitoken
// plugin; its issuers are trusts, their names OP aliases, and an op:
// line maps every scope-less token of the issuer to one account.
func TestSciTokenIssuers(t *testing.T) {
	layout := "[centralDomain/gplazma]\ngplazma.scitoken.issuer!wlcg = https://wlcg.cloud.cnaf.infn.it/ /wlcg\ngplazma.scitoken.issuer!cms = https://cms-auth.cern.ch/ /cms username:cms_sci\ngplazma.scitoken.audience-targets = https://wlcg.cern.ch/jwt/v1/any https://dcache.example.com\n"
	tests := []struct {
		name, gplazma string
		want          string
	}{
		{"scitoken plugin", "auth optional scitoken\nmap sufficient multimap gplazma.multimap.file=/etc/dcache/mm\n",
			"scitoken issuer cms https://cms-auth.cern.ch/ paths=[/cms] aud=[https://wlcg.cern.ch/jwt/v1/any https://dcache.example.com] account=cms_sci strategies=[capability]; " +
				"scitoken issuer wlcg https://wlcg.cloud.cnaf.infn.it/ paths=[/wlcg] aud=[https://wlcg.cern.ch/jwt/v1/any https://dcache.example.com] account=wlcg_oidc strategies=[capability issuer-wide]"},
		{"oidc plugin only: scitoken issuers are not read", "auth optional oidc\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testkit.Host(t, "dcache.example.com", map[string]string{
				"/etc/dcache/gplazma.conf":        tc.gplazma,
				"/etc/dcache/layouts/dcache.conf": layout,
				"/etc/dcache/mm":                  "op:wlcg uid:1999 gid:1999,true username:wlcg_oidc\n",
			})
			svcs, err := Read(h)
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %v, %v", svcs, err)
			}
			var got []string
			for _, tr := range svcs[0].Trusts {
				got = append(got, fmt.Sprintf("%s %s paths=%v aud=%v account=%s strategies=%v", tr.Name, tr.Issuer, tr.BasePaths, tr.Audiences, tr.Account, tr.Strategies))
			}
			sort.Strings(got)
			if strings.Join(got, "; ") != tc.want {
				t.Errorf("trusts =\n %s\nwant\n %s", strings.Join(got, "; "), tc.want)
			}
			if len(svcs[0].Dangling) != 0 {
				t.Errorf("dangling = %+v", svcs[0].Dangling)
			}
		})
	}
}

// TestUnresolvedProvider: a provider whose issuer is a ${…} reference
// dCache cannot resolve (an envsubst template copied as is) is a problem,
// not the trust of an issuer named "${OIDC_ISSUER}".
func TestUnresolvedProvider(t *testing.T) {
	h := testkit.Host(t, "dcache.example.org", map[string]string{
		"/etc/dcache/gplazma.conf":        "auth sufficient oidc\n",
		"/etc/dcache/layouts/dcache.conf": "[d/gplazma]\ngplazma.oidc.provider!AS = ${OIDC_ISSUER}\ngplazma.oidc.provider!atlas = https://atlas-auth.cern.ch/ -profile=wlcg\n",
	})
	svcs, err := Read(h)
	if err != nil || len(svcs) != 1 {
		t.Fatalf("Read = %v, %v", svcs, err)
	}
	if len(svcs[0].Trusts) != 1 || svcs[0].Trusts[0].Issuer != "https://atlas-auth.cern.ch/" {
		t.Errorf("trusts = %+v", svcs[0].Trusts)
	}
	if got := problemList(svcs[0].Problems); !strings.Contains(got, "/etc/dcache/layouts/dcache.conf:2: gplazma.oidc.provider!AS names its issuer \"${OIDC_ISSUER}\"") {
		t.Errorf("problems = %s", got)
	}
}

func TestMapStrategies(t *testing.T) {
	maps, _ := parseMultimap("/m", []byte("op:atlas username:first\nop:atlas \"username:second\"\noidcgrp:/cms/pilots uid:3\noidcgrp:/atlas uid:4\noidcgrp:/atlas/x uid:5\n"))
	src := at(DcacheConf, 1)
	tests := []struct {
		name, alias, url string
		want             string
	}{
		{"op: maps every token, the last line wins", "atlas", "https://atlas-auth.cern.ch/",
			"strategies=[issuer-wide issuer-wide group] strategy=/m:4 account=second@/m:2"},
		// A gid alone gives a scope-less token no uid: gPlazma refuses it.
		{"oidcgrp: alone grants nothing", "c", "https://cms-auth.cern.ch/",
			"strategies=[] strategy=/etc/dcache/dcache.conf:1 account=@/etc/dcache/dcache.conf:1"},
		{"unrelated", "wlcg", "https://wlcg.cloud.cnaf.infn.it/",
			"strategies=[] strategy=/etc/dcache/dcache.conf:1 account=@/etc/dcache/dcache.conf:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parseProvider(tc.alias, tc.url, src)
			tr := inventory.Trust{StrategySource: src, AccountSource: src}
			mapStrategies(&tr, p, maps)
			got := fmt.Sprintf("strategies=%v strategy=%s account=%s@%s", tr.Strategies, tr.StrategySource, tr.Account, tr.AccountSource)
			if got != tc.want {
				t.Errorf("mapStrategies =\n %s\nwant\n %s", got, tc.want)
			}
		})
	}
}

func TestParseBanfile(t *testing.T) {
	bans, _ := parseBanfile("/etc/dcache/ban.conf", []byte("# ban x\nban  uid:0 \n  ban dn:\"/CN=x y\"\nbanned z\nalias a=b\n"))
	var got []string
	for _, b := range bans {
		got = append(got, b.Identity+"@"+b.Source.String())
	}
	if want := `uid:0@/etc/dcache/ban.conf:2|dn:"/CN=x y"@/etc/dcache/ban.conf:3`; strings.Join(got, "|") != want {
		t.Errorf("bans = %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestReadBans(t *testing.T) {
	h := testkit.Host(t, "dc.example.org", map[string]string{
		"/etc/dcache/ban.conf": "ban uid:0\n",
		"/etc/dcache/other":    "\nban uid:1\n",
	})
	lines, _ := parseGplazmaConf("/etc/dcache/gplazma.conf", []byte("account requisite banfile\naccount requisite banfile gplazma.banfile.path=/etc/dcache/none\naccount requisite banfile gplazma.banfile.path=/etc/dcache/other\n"))
	svc := &inventory.Service{}
	readBans(h, propSet(""), lines, svc)
	var got []string
	for _, b := range svc.Bans {
		got = append(got, b.Identity+"@"+b.Source.String())
	}
	if want := "uid:0@/etc/dcache/ban.conf:1 uid:1@/etc/dcache/other:2"; strings.Join(got, " ") != want {
		t.Errorf("bans = %v, want %s", got, want)
	}
	if want := "/etc/dcache/ban.conf /etc/dcache/other"; strings.Join(svc.ConfigFiles, " ") != want || len(svc.Problems) != 0 {
		t.Errorf("config files = %v, problems = %+v (a missing banfile is an empty one)", svc.ConfigFiles, svc.Problems)
	}
}

// TestWebdavMacaroons: every WebDAV door with macaroons on records the
// longest macaroon it mints, 7 days by dCache's default.
func TestWebdavMacaroons(t *testing.T) {
	tests := []struct {
		name, conf, layout string
		want               string
	}{
		{"no webdav door", "", "[d]\n[d/gplazma]\n", ""},
		{"default: 7 days at the door", "", "[d]\n[d/webdav]\nwebdav.net.port = 2880\n", "604800 webdav.macaroons.max-lifetime@/etc/dcache/layouts/dc.conf:2"},
		{"dcache.conf sets hours", "dcache.macaroons.max-lifetime = 4\ndcache.macaroons.max-lifetime.unit = HOURS\n", "[d/webdav]\n", "14400@/etc/dcache/dcache.conf:1"},
		{"the door's own value", "", "[d/webdav]\nwebdav.macaroons.max-lifetime = 30\nwebdav.macaroons.max-lifetime.unit = MINUTES\n", "1800@/etc/dcache/layouts/dc.conf:2"},
		{"macaroons off", "dcache.enable.macaroons = false\n", "[d/webdav]\n", ""},
		{"two doors", "", "[a/webdav]\n[b/webdav]\nwebdav.macaroons.max-lifetime = 1\n", "604800 webdav.macaroons.max-lifetime@/etc/dcache/layouts/dc.conf:1; 86400@/etc/dcache/layouts/dc.conf:3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testkit.Host(t, "dc.example.org", map[string]string{DcacheConf: tc.conf, "/etc/dcache/layouts/dc.conf": tc.layout})
			svcs, err := Read(h)
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %v, %v", svcs, err)
			}
			var got []string
			for _, s := range svcs[0].Settings {
				if s.Key == "macaroon.max-lifetime-seconds" {
					got = append(got, strings.Join(s.Values, " ")+"@"+s.Source.String())
				}
			}
			if strings.Join(got, "; ") != tc.want {
				t.Errorf("macaroon lifetimes = %q, want %q", strings.Join(got, "; "), tc.want)
			}
		})
	}
}
