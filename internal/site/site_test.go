package site

import (
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

const profilePath = "/etc/ttt-check/site.toml"

func loadTestdata(t *testing.T) *Profile {
	t.Helper()
	data, err := os.ReadFile("testdata/site.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(profilePath, data)
	if err != nil {
		t.Fatalf("Load testdata/site.toml: %v", err)
	}
	return p
}

func TestLoadTestdata(t *testing.T) {
	p := loadTestdata(t)
	if p.Site != "EXAMPLE-T2" || p.Environment != "production" || strings.Join(p.VOs, ",") != "atlas,cms,dteam" {
		t.Errorf("site = %q %q %v", p.Site, p.Environment, p.VOs)
	}
	wantHosts := []Host{
		{Match: "*.testbed.example.org", Environment: "testbed", VOs: []string{"atlas", "dteam", "wlcg"}, Line: 11},
		{Match: "xrootd-dev?.example.org", Environment: "development", Line: 16},
	}
	if !slices.EqualFunc(p.Hosts, wantHosts, func(a, b Host) bool {
		return a.Match == b.Match && a.Environment == b.Environment && slices.Equal(a.VOs, b.VOs) && a.Line == b.Line && (a.VOs == nil) == (b.VOs == nil)
	}) {
		t.Errorf("hosts = %+v\nwant    %+v", p.Hosts, wantHosts)
	}
	wantIssuers := []Issuer{
		{Issuer: "https://iam.example.org/", Name: "local-iam", Contact: "security@example.org", Line: 20},
		{Issuer: "https://iam-test.example.org/", Name: "test-iam, no contact yet", Line: 25},
	}
	if !slices.Equal(p.Issuers, wantIssuers) {
		t.Errorf("issuers = %+v\nwant      %+v", p.Issuers, wantIssuers)
	}
	if p.Severity["issuer-dteam-missing"] != vocab.Info || p.Severity["audience-any"] != vocab.Medium || len(p.Severity) != 2 {
		t.Errorf("severity = %v", p.Severity)
	}
	wantWaivers := []Waiver{
		{Check: "audience-any", Service: "xrootd", File: "/etc/xrootd/*.cfg", Reason: "compliance testbed needs\nthe any audience",
			Approver: "J. Admin", Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), Line: 33},
		{Check: "issuer-legacy", Reason: "old CERN IAM hostname kept until the VO confirms",
			Expires: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Line: 42},
	}
	if !slices.EqualFunc(p.Waivers, wantWaivers, func(a, b Waiver) bool { return a == b && a.Expires.Equal(b.Expires) }) {
		t.Errorf("waivers = %+v\nwant      %+v", p.Waivers, wantWaivers)
	}
}

// The package doc's example is what admins copy; it must load.
func TestDocExampleLoads(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	var example []string
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		if strings.HasPrefix(line, "\t") {
			example = append(example, strings.TrimPrefix(line, "\t"))
		}
	}
	text := strings.Join(example, "\n")
	if !strings.Contains(text, "[[waivers]]") {
		t.Fatalf("no example found in the package doc:\n%s", text)
	}
	p, err := Load("site.toml", []byte(text))
	if err != nil {
		t.Fatalf("the package doc example does not load: %v\n%s", err, text)
	}
	if len(p.Hosts) != 1 || len(p.Issuers) != 1 || len(p.Waivers) != 1 || len(p.Severity) != 1 {
		t.Errorf("example loaded partly: %+v", p)
	}
}

func TestLoadErrors(t *testing.T) {
	const w = "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = 2027-01-01\n"
	tests := []struct {
		name, text string
		want       []string // every line of the error, exactly
	}{
		{"syntax error", "site = \"x\"\nvos = [\"atlas\"\n", []string{"site.toml:2: expected a comma (',') or array terminator (']'), but got end of file"}},
		{"wrong type for a table", "site = \"x\"\nwaivers = \"all\"\n", []string{`site.toml:2: waivers: incompatible types: TOML value has type string; destination has type slice`}},
		{"unknown top-level key", "site = \"x\"\nenviroment = \"production\"\n", []string{`site.toml:2: unknown key "enviroment"`}},
		{"unknown key in the second waiver", w + "\n" + strings.Replace(w, "check = \"a\"", "check = \"b\"\nreson = \"x\"", 1),
			[]string{`site.toml:8: unknown key "waivers.reson"`}},
		{"unknown key in every waiver", w + "color = 1\n" + strings.Replace(w, "\"a\"", "\"b\"", 1) + "color = 2\n",
			[]string{`site.toml:5: unknown key "waivers.color"`, `site.toml:10: unknown key "waivers.color"`}},
		{"unknown key in hosts", "[[hosts]]\nmatch = \"*\"\nenv = \"testbed\"\n", []string{`site.toml:3: unknown key "hosts.env"`}},
		{"unknown key in an inline waiver", "waivers = [\n  {check = \"a\", reason = \"r\", expires = 2027-01-01},\n  {check = \"b\", reason = \"r\",\n   expiry = 2027-01-01},\n]\n",
			[]string{`site.toml:3: waiver 2: expires is required (a date: expires = 2027-01-31)`, `site.toml:4: unknown key "waivers.expiry"`}},
		{"unknown table is one error", "[issuer]\nissuer = \"x\"\ncontact = \"y\"\n", []string{`site.toml:1: unknown key "issuer"`}},
		{"unknown sub-table of a waiver", w + "[waivers.scope]\nservice = \"xrootd\"\n", []string{`site.toml:5: unknown key "waivers.scope"`}},
		{"dotted unknown key", "site.name = \"x\"\n", []string{`site.toml:1: unknown key "site.name"`, `site.toml:1: site must be a string, not a table`}},
		{"bad environment", "environment = \"prod\"\n", []string{`site.toml:1: environment "prod" is not one of production, testbed, development`}},
		{"bad host environment", "[[hosts]]\nmatch = \"a\"\nenvironment = \"Testbed\"\n", []string{`site.toml:3: hosts 1: environment "Testbed" is not one of production, testbed, development`}},
		{"environment not a string", "environment = 1\n", []string{`site.toml:1: environment must be a string, not a number`}},
		{"vos not a list", "vos = \"atlas\"\n", []string{`site.toml:1: vos must be a list of VO names, not a string`}},
		{"vo entry not a string", "vos = [\n\"atlas\",\n2,\n]\n", []string{`site.toml:3: vos: entry 2 must be a VO name, not a number`}},
		{"bad severity", "[severity]\n\"audience-any\" = \"severe\"\n", []string{`site.toml:2: severity of audience-any: unknown severity "severe" (want one of info, low, medium, high, critical)`}},
		{"severity not a string", "[severity]\naudience-any = 3\n", []string{`site.toml:2: severity of audience-any must be one of info, low, medium, high, critical, not a number`}},
		{"waiver without check", "[[waivers]]\nreason = \"r\"\nexpires = 2027-01-01\n", []string{`site.toml:1: waiver 1: check is required`}},
		{"waiver with a blank check", "[[waivers]]\ncheck = \" \"\nreason = \"r\"\nexpires = 2027-01-01\n", []string{`site.toml:2: waiver 1: check is required`}},
		{"waiver without reason", w + "\n[[waivers]]\ncheck = \"b\"\nexpires = 2027-01-01\n", []string{`site.toml:6: waiver 2: reason is required`}},
		{"waiver without expiry", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\n", []string{`site.toml:1: waiver 1: expires is required (a date: expires = 2027-01-31)`}},
		{"waiver with a bad date string", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = \"31.01.2027\"\n", []string{`site.toml:4: waiver 1: expires "31.01.2027" is not a date (YYYY-MM-DD)`}},
		{"waiver with a date-time", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = 2027-01-31T12:00:00Z\n", []string{`site.toml:4: waiver 1: expires must be a date without a time (expires = 2027-01-31)`}},
		{"waiver with a number", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = 20270131\n", []string{`site.toml:4: waiver 1: expires must be a date (YYYY-MM-DD), not a number`}},
		{"waiver with a bad file glob", "[[waivers]]\ncheck = \"a\"\nfile = \"/etc/[xrootd\"\nreason = \"r\"\nexpires = 2027-01-01\n", []string{`site.toml:3: waiver 1: file "/etc/[xrootd" is not a valid glob`}},
		{"duplicate waiver", w + w, []string{`site.toml:5: waiver 2: same check, service and file as waiver 1`}},
		{"host without match", "[[hosts]]\nenvironment = \"testbed\"\n", []string{`site.toml:1: hosts 1: match is required`}},
		{"bad host glob", "[[hosts]]\nmatch = \"[\"\n", []string{`site.toml:2: hosts 1: match "[" is not a valid glob`}},
		{"duplicate host match", "[[hosts]]\nmatch = \"a*\"\n[[hosts]]\nmatch = \"A*\"\n", []string{`site.toml:3: hosts 2: match "A*" is already given by hosts 1; only the first would ever apply`}},
		{"issuer without issuer", "[[issuers]]\ncontact = \"x\"\n", []string{`site.toml:1: issuers 1: issuer is required`}},
		{"issuer not https", "[[issuers]]\nissuer = \"http://iam.example.org/\"\n", []string{`site.toml:2: issuers 1: issuer "http://iam.example.org/" is not an https URL`}},
		{"duplicate issuer", "[[issuers]]\nissuer = \"https://a/\"\n[[issuers]]\nissuer = \"https://a/\"\n", []string{`site.toml:3: issuers 2: issuer "https://a/" is already declared by issuers 1`}},
		{"errors sorted by line", "[[waivers]]\ncheck = \"a\"\nexpires = 2027-01-01\n\nenviroment = 1\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Load("site.toml", []byte(tc.text))
			if err == nil {
				t.Fatalf("Load accepted it: %+v", p)
			}
			got := strings.Split(err.Error(), "\n")
			if tc.want == nil { // only the order is under test
				if !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(a, b) }) || len(got) < 2 {
					t.Errorf("errors not in line order:\n%s", err)
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Load error:\n%s\nwant:\n%s", err, strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name, text string
		check      func(*Profile) bool
	}{
		{"empty profile is production, VOs not stated", "", func(p *Profile) bool { return p.Environment == "production" && p.VOs == nil }},
		{"empty VO list is stated", "vos = []\n", func(p *Profile) bool { return p.VOs != nil && len(p.VOs) == 0 }},
		{"expires as a string", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = \"2027-01-31\"\n",
			func(p *Profile) bool { return p.Waivers[0].Expires.Equal(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)) }},
		{"inline waivers", "waivers = [{check = \"a\", reason = \"r\", expires = 2027-01-31}]\n",
			func(p *Profile) bool { return len(p.Waivers) == 1 && p.Waivers[0].Line == 1 }},
		{"same check for two services", "[[waivers]]\ncheck = \"a\"\nservice = \"xrootd\"\nreason = \"r\"\nexpires = 2027-01-31\n[[waivers]]\ncheck = \"a\"\nservice = \"dcache\"\nreason = \"r\"\nexpires = 2027-01-31\n",
			func(p *Profile) bool { return len(p.Waivers) == 2 && p.Waivers[1].Line == 6 }},
		{"contact is trimmed", "[[issuers]]\nissuer = \"https://a/\"\ncontact = \"  \"\n", func(p *Profile) bool { return p.Issuers[0].Contact == "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Load("site.toml", []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(p) {
				t.Errorf("unexpected profile: %+v", p)
			}
		})
	}
}

func TestReferences(t *testing.T) {
	p := loadTestdata(t)
	var got []string
	for _, r := range p.References() {
		got = append(got, r.Kind+" "+r.Name+" "+strconv.Itoa(r.Line))
	}
	want := []string{
		"vo atlas 6", "vo cms 7", "vo dteam 8",
		"vo atlas 14", "vo dteam 14", "vo wlcg 14",
		"check issuer-dteam-missing 30", "check audience-any 31",
		"check audience-any 34", "check issuer-legacy 43",
	}
	if !slices.Equal(got, want) {
		t.Errorf("References:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestForHost(t *testing.T) {
	p := loadTestdata(t)
	tests := []struct {
		host, env string
		vos       []string
	}{
		{"se01.example.org", "production", []string{"atlas", "cms", "dteam"}},
		{"xrd1.testbed.example.org", "testbed", []string{"atlas", "dteam", "wlcg"}},
		{"XRD1.Testbed.Example.ORG.", "testbed", []string{"atlas", "dteam", "wlcg"}},
		{"a.b.testbed.example.org", "testbed", []string{"atlas", "dteam", "wlcg"}},
		{"xrootd-dev1.example.org", "development", []string{"atlas", "cms", "dteam"}}, // no vos: keeps the site list
		{"xrootd-dev10.example.org", "production", []string{"atlas", "cms", "dteam"}},
		{"", "production", []string{"atlas", "cms", "dteam"}},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			e := p.ForHost(tc.host)
			if e.Environment != tc.env || !slices.Equal(e.VOs, tc.vos) || e.Assumed || e.File != profilePath || e.Site != "EXAMPLE-T2" {
				t.Errorf("ForHost(%q) = %+v, want environment %s, VOs %v", tc.host, e, tc.env, tc.vos)
			}
		})
	}
	t.Run("first match wins", func(t *testing.T) {
		p, err := Load("s.toml", []byte("[[hosts]]\nmatch = \"se*\"\nenvironment = \"testbed\"\n[[hosts]]\nmatch = \"*\"\nenvironment = \"development\"\nvos = [\"cms\"]\n"))
		if err != nil {
			t.Fatal(err)
		}
		if e := p.ForHost("se1"); e.Environment != "testbed" || e.VOs != nil {
			t.Errorf("se1 = %+v", e)
		}
		if e := p.ForHost("ce1"); e.Environment != "development" || !slices.Equal(e.VOs, []string{"cms"}) {
			t.Errorf("ce1 = %+v", e)
		}
	})
	t.Run("effective profile is a copy", func(t *testing.T) {
		e := p.ForHost("se01.example.org")
		e.VOs[0], e.Severity["x"] = "changed", vocab.High
		if p.VOs[0] != "atlas" || len(p.Severity) != 2 {
			t.Error("changing an Effective changed the Profile")
		}
	})
}

func TestSupportsVO(t *testing.T) {
	p := loadTestdata(t)
	none, err := Load("s.toml", []byte("vos = []\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		e               Effective
		vo              string
		supported, said bool
	}{
		{"listed", p.ForHost("se1"), "cms", true, true},
		{"not listed", p.ForHost("se1"), "lhcb", false, true},
		{"host list replaces site list", p.ForHost("x.testbed.example.org"), "cms", false, true},
		{"empty list states none", none.ForHost("se1"), "atlas", false, true},
		{"no profile says nothing", Default(), "atlas", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, said := tc.e.SupportsVO(tc.vo)
			if s != tc.supported || said != tc.said {
				t.Errorf("SupportsVO(%s) = %v, %v; want %v, %v", tc.vo, s, said, tc.supported, tc.said)
			}
		})
	}
}

func TestExtraIssuer(t *testing.T) {
	e := loadTestdata(t).ForHost("se1")
	tests := []struct {
		iss  string
		want bool
	}{
		{"https://iam.example.org/", true},
		{"https://iam.example.org", false}, // exact compare: the slash matters to services
		{"https://IAM.example.org/", false},
		{"https://iam-test.example.org/", false}, // declared without contact
		{"https://other.example.org/", false},
	}
	for _, tc := range tests {
		t.Run(tc.iss, func(t *testing.T) {
			is, ok := e.ExtraIssuer(tc.iss)
			if ok != tc.want || (ok && (is.Contact != "security@example.org" || is.Name != "local-iam" || is.Line != 20)) {
				t.Errorf("ExtraIssuer = %+v, %v; want %v", is, ok, tc.want)
			}
		})
	}
	if _, ok := Default().ExtraIssuer("https://iam.example.org/"); ok {
		t.Error("Default declares issuers")
	}
}

func TestDefault(t *testing.T) {
	d := Default()
	if d.Environment != "production" || !d.Assumed || d.VOs != nil || d.Severity == nil || len(d.Waivers) != 0 {
		t.Errorf("Default() = %+v", d)
	}
}

func FuzzLoad(f *testing.F) {
	if data, err := os.ReadFile("testdata/site.toml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("waivers = [{check = \"a\", reason = \"r\", expires = 2027-01-31}, {x = {y = [1, {z = 2}]}}]\n"))
	f.Add([]byte("[[waivers]]\nexpires = 1979-05-27T07:32:00Z\n[waivers.sub]\nq = '''a'''''\n"))
	f.Add([]byte("a.\"b.c\".'d' = \"\"\"x\n\"\"\"\n[[hosts]]\nmatch = \"[\"\n"))
	f.Add([]byte("x = " + strings.Repeat("[", maxNesting+1) + "\n")) // nesting past the guard
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load("f.toml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.toml:") && !strings.HasPrefix(err.Error(), "read f.toml:") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		e := p.ForHost("se1.example.org")
		e.SupportsVO("atlas")
		p.References()
		Apply(e, []finding.Finding{{Check: "audience-any", Service: "xrootd", File: "/etc/xrootd/x.cfg"}}, time.Now())
	})
}

// TestNesting: a profile nesting deeper than maxNesting is refused with
// its line before the decoder recurses into it; brackets in strings and
// comments and table headers do not count.
func TestNesting(t *testing.T) {
	deep := strings.Repeat("[", maxNesting+1)
	tests := []struct {
		name, src string
		line      int
	}{
		{"arrays", "site = \"x\"\nvos = " + deep, 2},
		{"inline tables", "x = " + strings.Repeat("{a=", maxNesting+1), 1},
		{"at the limit", "x = " + strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting), 0},
		{"in strings", "a = \"" + deep + "\"\nb = '" + deep + "'\nc = \"\"\"\n" + deep + "\n\"\"\"\nd = '''" + deep + "'''\n", 0},
		{"escaped quote", `a = "\"` + deep + `"`, 0},
		{"in a comment", "# " + deep + "\n", 0},
		{"table headers", strings.Repeat("[[waivers]]\ncheck = \"x\"\n", maxNesting+1), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line, deep := nestingTooDeep(tc.src)
			if deep != (tc.line > 0) || line != tc.line {
				t.Fatalf("nestingTooDeep = %d %v, want line %d", line, deep, tc.line)
			}
		})
	}
	if _, err := Load("/etc/ttt-check/site.toml", []byte("x = "+strings.Repeat("[", 100000))); err == nil || !strings.Contains(err.Error(), "site.toml:1: arrays and inline tables nested") {
		t.Errorf("Load = %v", err)
	}
}
