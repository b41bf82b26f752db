package scitokenscfg

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

const file = "/etc/xrootd/scitokens.cfg"

func TestParseINI(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		section string
		key     string
		want    string // value
		line    int    // of the value
		err     string // fragment of the parse error
		note    string // fragment of a note
	}{
		{name: "key = value", text: "[Global]\naudience = a, b\n", section: "Global", key: "audience", want: "a, b", line: 2},
		{name: "key: value", text: "[Global]\nonmissing: deny\n", section: "Global", key: "onmissing", want: "deny", line: 2},
		{name: "the first = or : separates", text: "[Issuer X]\nissuer: https://x/\n", section: "Issuer X", key: "issuer", want: "https://x/", line: 2},
		{name: "keys and sections are case-insensitive", text: "[Issuer X]\nISSUER = https://x/\n", section: "issuer x", key: "issuer", want: "https://x/", line: 2},
		{name: "inline ; comment after a blank is dropped", text: "[Issuer X]\nissuer = https://x/ ; old one\n", section: "Issuer X", key: "issuer", want: "https://x/", line: 2},
		{name: "; without a blank before it is part of the value", text: "[Issuer X]\nissuer = https://x/;a\n", section: "Issuer X", key: "issuer", want: "https://x/;a", line: 2},
		{name: "an inline # is part of the value", text: "[Issuer X]\nissuer = https://x/ # old\n", section: "Issuer X", key: "issuer", want: "https://x/ # old", line: 2},
		{name: "# and ; comment lines, indented too", text: "# c\n; c\n  # c\n[Issuer X]\nissuer = i\n", section: "Issuer X", key: "issuer", want: "i", line: 5},
		{name: "a repeated key replaces the earlier value", text: "[Issuer A]\nissuer = first\nissuer = second\n", section: "Issuer A", key: "issuer", want: "second", line: 3},
		{name: "a repeated section merges", text: "[Issuer A]\nissuer = first\nbase_path = /d\n[issuer a]\nissuer = second\n", section: "Issuer A", key: "base_path", want: "/d", line: 3},
		{name: "an indented line replaces the value it continues", text: "[Issuer A]\nbase_path = /a,\n   /b\n", section: "Issuer A", key: "base_path", want: "/b", line: 3, note: "keeps only this line"},
		{name: "an indented section header after a key is a value", text: "[Issuer A]\nissuer = i\n  [Issuer B]\n", section: "Issuer A", key: "issuer", want: "[Issuer B]", line: 3, note: "keeps only this line"},
		{name: "CRLF", text: "[Global]\r\naudience = x\r\n", section: "Global", key: "audience", want: "x", line: 2},
		{name: "UTF-8 BOM", text: "\ufeff[Global]\naudience = x\n", section: "Global", key: "audience", want: "x", line: 2},
		{name: "text after ] is ignored", text: "[Global] trailing\naudience = x\n", section: "Global", key: "audience", want: "x", line: 2},
		{name: "the section name keeps its blanks", text: "[ Global ]\naudience = x\n", section: " Global ", key: "audience", want: "x", line: 2},
		{name: "an empty value", text: "[Global]\naudience =\n", section: "Global", key: "audience", want: "", line: 2},
		{name: "keys before any section", text: "audience = x\n", section: "", key: "audience", want: "x", line: 1},
		{name: "a NUL byte ends the line", text: "[Global]\naudience = x\x00y\n", section: "Global", key: "audience", want: "x", line: 2, note: "NUL byte"},
		{name: "lines over 199 bytes are cut by XRootD before 5.6.2", text: "[Global]\naudience = " + strings.Repeat("a", 200) + "\n", section: "Global", key: "audience", want: strings.Repeat("a", 200), line: 2, note: "before 5.6.2"},
		{name: "a garbage line", text: "[Global]\nthis is not ini\n", err: ":2: neither a [section]"},
		{name: "only the first error counts", text: "[Global\nx\n", err: ":1: section header without ']'"},
		{name: "an inline comment before ] is no ]", text: "[Global ;x]\n", err: ":1: section header without ']'"},
		{name: "an inline comment before = is no =", text: "[Global]\naudience ; = x\n", err: ":2: neither"},
		{name: "an over-long line is read in pieces", text: "[Global]\naudience = " + strings.Repeat("a", 1100) + "\n", err: "Parse error on line 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseINI(file, []byte(tc.text))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseINI error = %v, want %q", err, tc.err)
				}
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Source.File != file {
					t.Errorf("error %v is not a ParseError naming the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := f.Section(tc.section)
			if s == nil {
				t.Fatalf("no section %q in %+v", tc.section, f.Sections)
			}
			v, ok := s.Get(tc.key)
			if !ok || v.Value != tc.want || v.Source.Line != tc.line {
				t.Errorf("%s = %q at line %d (set %v), want %q at %d", tc.key, v.Value, v.Source.Line, ok, tc.want, tc.line)
			}
			notes := fmt.Sprint(f.Notes)
			if tc.note == "" && len(f.Notes) > 0 || !strings.Contains(notes, tc.note) {
				t.Errorf("notes = %s, want %q", notes, tc.note)
			}
		})
	}
}

func TestSectionsInPluginOrder(t *testing.T) {
	f, err := ParseINI(file, []byte("[Issuer b]\nx=1\n[Issuer B]\ny=2\n[Issuer a]\nz=3\n[Issuer c]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sp := range spellings(f) {
		got = append(got, sp.name)
	}
	// Byte order, one visit per spelling that got a key; [Issuer c] has
	// none and is never visited.
	if strings.Join(got, "|") != "Issuer B|Issuer a|Issuer b" {
		t.Errorf("visit order = %q", got)
	}
}

// files is a fake filesystem for name_mapfile.
func files(m map[string]string) ReadFile {
	return func(p string) ([]byte, error) {
		if c, ok := m[p]; ok {
			return []byte(c), nil
		}
		return nil, fs.ErrNotExist
	}
}

func issuers(c *Config) string {
	var s []string
	for _, is := range c.Issuers {
		s = append(s, fmt.Sprintf("%s=%s%v", is.Name, is.Issuer.Value, is.BasePaths))
	}
	return strings.Join(s, " ")
}

func TestInterpret(t *testing.T) {
	maps := files(map[string]string{
		"/m/all.json":   `[{"result": "atlas001"}]`,
		"/m/group.json": `[{"group": "/wlcg", "path": "/", "result": "dteam"}, {"comment": "x", "ignore": true}]`,
		"/m/bad.json":   `[{"group": "/wlcg"}]`,
		"/m/notjson":    `not json`,
	})
	tests := []struct {
		name  string
		text  string
		check func(t *testing.T, c *Config)
		probs []string // fragments, in order
		fatal bool
	}{
		{name: "defaults", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\n", check: func(t *testing.T, c *Config) {
			if c.OnMissing != "passthrough" || c.OnMissingSource.Line != 0 || c.OnMissingSource.File != file || len(c.Audiences) != 0 || !c.AudienceSource.IsZero() {
				t.Errorf("defaults: onmissing %q@%v audiences %v", c.OnMissing, c.OnMissingSource, c.Audiences)
			}
			is := c.Issuers[0]
			if strings.Join(is.Strategies, " ") != "capability group mapping" || !is.StrategiesWereDefault || is.StrategySource.Line != 1 ||
				is.MapSubject || is.GroupsClaim != "wlcg.groups" || is.Source.Line != 1 || is.Issuer.Source.Line != 2 || is.Name != "A" {
				t.Errorf("issuer defaults: %+v", is)
			}
		}},
		{name: "audience split at commas and blanks, not tabs; audience_json adds to it", text: "[Global]\naudience = a, b c,,d\te\naudience_json = [\"x,y\", \"a\"] trailing\n", check: func(t *testing.T, c *Config) {
			if strings.Join(c.Audiences, "|") != "a|b|c|d\te|x,y" || c.AudienceSource.Line != 2 {
				t.Errorf("audiences %q @%d", c.Audiences, c.AudienceSource.Line)
			}
		}},
		{name: "audience_json alone", text: "[Global]\naudience_json = [\"x\"]\n", check: func(t *testing.T, c *Config) {
			if strings.Join(c.Audiences, "|") != "x" || c.AudienceSource.Line != 2 {
				t.Errorf("audiences %q @%d", c.Audiences, c.AudienceSource.Line)
			}
		}},
		{name: "audience_json must be a list", text: "[Global]\naudience_json = \"single\"\n", fatal: true, probs: []string{":2: audience_json is not a JSON list"}},
		{name: "audience_json must be JSON", text: "[Global]\naudience_json = [x\n", fatal: true, probs: []string{":2: audience_json is not JSON"}},
		{name: "audience_json must hold strings", text: "[Global]\naudience_json = [1]\n", fatal: true, probs: []string{"not a string"}},
		{name: "onmissing is case-sensitive", text: "[Global]\nonmissing = Deny\n", fatal: true, probs: []string{":2: unknown onmissing value \"Deny\""}},
		{name: "onmissing", text: "[Global]\nonmissing = allow\n", check: func(t *testing.T, c *Config) {
			if c.OnMissing != "allow" || c.OnMissingSource.Line != 2 {
				t.Errorf("onmissing %q@%d", c.OnMissing, c.OnMissingSource.Line)
			}
		}},
		{name: "any section starting with global is global", text: "[GLOBAL-extra]\naudience = a\n", check: func(t *testing.T, c *Config) {
			if strings.Join(c.Audiences, "|") != "a" {
				t.Errorf("audiences %q", c.Audiences)
			}
		}},
		{name: "sections the plugin ignores", text: "[Issuer]\nissuer = https://a/\nbase_path = /\n[Isuer B]\nissuer = https://b/\n[Issuer C]\nbase_path = /c\n[Issuer D]\nissuer = https://d/\n[Issuer  ]\nissuer = https://e/\nbase_path = /e\n",
			probs: []string{":1: section [Issuer] is neither", ":4: section [Isuer B] is neither", ":10: section [Issuer  ] names no issuer", ":6: section [Issuer C] has no issuer; xrootd ignores it", ":8: section [Issuer D] has no base_path; xrootd ignores it"},
			check: func(t *testing.T, c *Config) {
				if len(c.Issuers) != 0 {
					t.Errorf("issuers %s", issuers(c))
				}
			}},
		{name: "the same issuer twice: the first section in byte order wins", text: "[Issuer WLCG IAM]\nissuer = https://wlcg/\nbase_path = /b\n[Issuer WLCG]\nissuer = https://wlcg/\nbase_path = /a\n",
			probs: []string{":1: section [Issuer WLCG IAM] names the issuer https://wlcg/ of section [Issuer WLCG]"},
			check: func(t *testing.T, c *Config) {
				if issuers(c) != "WLCG=https://wlcg/[/a]" {
					t.Errorf("issuers %s", issuers(c))
				}
			}},
		{name: "paths: lists, cleaned, relative ones dropped", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a//b/, data,/c/../d\nrestricted_path = /a/b/x /a/b/y\n",
			probs: []string{":3: base_path entry \"data\" of [Issuer A] is not an absolute path"},
			check: func(t *testing.T, c *Config) {
				is := c.Issuers[0]
				if strings.Join(is.BasePaths, ",") != "/a/b,/d" || strings.Join(is.RestrictedPaths, ",") != "/a/b/x,/a/b/y" || is.BasePathSource.Line != 3 || is.RestrictedPathSource.Line != 4 {
					t.Errorf("paths %v %v", is.BasePaths, is.RestrictedPaths)
				}
			}},
		{name: "no absolute base path", text: "[Issuer A]\nissuer = https://a/\nbase_path = data\n",
			probs: []string{"not an absolute path", "has no absolute path: the plugin maps no scope"}},
		{name: "mapping keys", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nmap_subject = Yes\ndefault_user = xrootd\nusername_claim = preferred_username\ngroups_claim = groups\n", check: func(t *testing.T, c *Config) {
			is := c.Issuers[0]
			if !is.MapSubject || is.MapSubjectSource.Line != 4 || is.DefaultUser.Value != "xrootd" || is.DefaultUser.Source.Line != 5 ||
				is.UsernameClaim.Value != "preferred_username" || is.GroupsClaim != "groups" {
				t.Errorf("issuer %+v", is)
			}
		}},
		{name: "map_subject that is no boolean is false", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nmap_subject = Ture\n",
			probs: []string{":4: map_subject = \"Ture\" is not a boolean"},
			check: func(t *testing.T, c *Config) {
				if c.Issuers[0].MapSubject {
					t.Error("map_subject true")
				}
			}},
		{name: "authorization_strategy is a set in any case and order", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nauthorization_strategy = Mapping  capability\n", check: func(t *testing.T, c *Config) {
			is := c.Issuers[0]
			if strings.Join(is.Strategies, " ") != "capability mapping" || is.StrategySource.Line != 4 || is.StrategiesWereDefault {
				t.Errorf("strategies %v @%d", is.Strategies, is.StrategySource.Line)
			}
		}},
		{name: "authorization_strategy with commas names nothing", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nauthorization_strategy = capability,group\n",
			probs: []string{"unknown authorization_strategy \"capability,group\"", "names no known strategy"},
			check: func(t *testing.T, c *Config) {
				if len(c.Issuers[0].Strategies) != 0 {
					t.Errorf("strategies %v", c.Issuers[0].Strategies)
				}
			}},
		{name: "name_mapfile rules", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nname_mapfile = /m/group.json\n[Issuer B]\nissuer = https://b/\nbase_path = /b\nname_mapfile = /m/all.json\n", check: func(t *testing.T, c *Config) {
			a, b := c.Issuers[0], c.Issuers[1]
			if len(a.MapRules) != 1 || a.MapRules[0].Group != "/wlcg" || a.MapRules[0].MatchesAll("") || a.NameMapfile.Source.Line != 4 {
				t.Errorf("A rules %+v", a.MapRules)
			}
			if len(b.MapRules) != 1 || !b.MapRules[0].MatchesAll("xrootd") || b.MapRules[0].Result != "atlas001" {
				t.Errorf("B rules %+v", b.MapRules)
			}
		}},
		{name: "a missing name_mapfile stops xrootd", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nname_mapfile = /m/nope.json\n", fatal: true, probs: []string{":4: name_mapfile /m/nope.json: cannot be read"}},
		{name: "a name_mapfile rule without result", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nname_mapfile = /m/bad.json\n", fatal: true, probs: []string{"without a result"}},
		{name: "a name_mapfile that is no JSON", text: "[Issuer A]\nissuer = https://a/\nbase_path = /a\nname_mapfile = /m/notjson\n", fatal: true, probs: []string{"is not JSON"}},
		{name: "the mapfile is read before base_path is checked", text: "[Issuer A]\nissuer = https://a/\nname_mapfile = /m/nope.json\n", fatal: true, probs: []string{"cannot be read", "has no base_path"}},
		{name: "unknown keys", text: "[Global]\naudiance = x\n[Issuer A]\nissuer = https://a/\nbase_path = /a\naudience = y\n", check: func(t *testing.T, c *Config) {
			var got []string
			for _, u := range c.Unknown {
				got = append(got, fmt.Sprintf("%s@%d", u.Key, u.Source.Line))
			}
			if strings.Join(got, " ") != "audiance@2 audience@6" || len(c.Audiences) != 0 {
				t.Errorf("unknown %v, audiences %v", got, c.Audiences)
			}
		}},
		{name: "keys outside any section", text: "issuer = https://x/\n", probs: []string{":1: key issuer is outside any section"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseINI(file, []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			c := Interpret(f, maps)
			if c.Fatal != tc.fatal {
				t.Errorf("fatal = %v, want %v", c.Fatal, tc.fatal)
			}
			if len(c.Problems) != len(tc.probs) {
				t.Fatalf("problems %v, want %q", c.Problems, tc.probs)
			}
			for i, want := range tc.probs {
				if got := c.Problems[i].Source.String() + ": " + c.Problems[i].Reason; !strings.Contains(got, want) {
					t.Errorf("problem %d = %q, want %q", i, got, want)
				}
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// TestCorpus reads the scitokens.cfg files of the corpus.
func TestCorpus(t *testing.T) {
	cases := []struct {
		file    string
		issuers string
	}{
		{"eos/doc-scitokens.cfg", "OSG-Connect=https://wlcg.cloud.cnaf.infn.it/[/]"},
		{"xrootd/official-scitokens.cfg", "OSG-Connect=https://scitokens.org/osg-connect[/stash] CMS=https://scitokens.org/cms[/user/cms]"},
		// Two sections name the WLCG issuer: [Issuer WLCG] comes first
		// in byte order and wins.
		{"xrootd/bristol-scitokens.cfg", "CMS=https://cms-auth.cern.ch/[/xrootd/cms /store] CMS_IAM=https://cms-auth.web.cern.ch/[/xrootd/cms /store] DTEAM=https://dteam-auth.cern.ch/[/xrootd/dteam] WLCG=https://wlcg.cloud.cnaf.infn.it/[/xrootd/dteam]"},
		{"xrootd/wlcgdocs-scitokens.cfg", ""},
		{"xrootd/test-XRootD-scitokens-module.cfg", "test=https://localhost:7095/issuer/one[/protected]"},
		{"xrootd/scitokens-docker-scitokens.cfg", ""},
		{"xrootd/osg-xcache-stash-origin-scitokens.conf", ""},
		{"xrootd/test-scitokens-no-aud.cfg", ""},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(testkit.SharedPath(t, "corpus", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseINI("/etc/xrootd/scitokens.cfg", data)
			if err != nil {
				t.Fatal(err)
			}
			c := Interpret(f, nil)
			if tc.issuers != "" && issuers(c) != tc.issuers {
				t.Errorf("issuers = %s\nwant      %s", issuers(c), tc.issuers)
			}
			if tc.issuers == "" && len(c.Issuers) == 0 {
				t.Errorf("no issuer read; problems %v", c.Problems)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range append(testkit.CorpusFiles("xrootd", "*scitokens*"), testkit.CorpusFiles("eos", "*scitokens*")...) {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[Global]\naudience_json = [\"a\", 1]\nonmissing = x\n[Issuer A]\nissuer = i\nbase_path = , ,\n  cont\nname_mapfile = /m\n"))
	f.Add([]byte("\xef\xbb\xbf[Issuer \x00]\r\n ; x\n[x;]\n"))
	// Many spellings of one section and many keys, as the hostile-input
	// suite has them.
	f.Add([]byte("[Issuer a]\nissuer = i\n[ISSUER a]\nbase_path = /\n[issuer A]\nx = 1\n" + strings.Repeat("k = v\n", 200)))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseINI(file, data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Source.Line < 1 || pe.INILine < pe.Source.Line {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		c := Interpret(file, files(map[string]string{"/m": string(data)}))
		for _, is := range c.Issuers {
			if is.Issuer.Value == "" || is.Issuer.Source.Line < 1 || len(is.BasePaths) == 0 && is.BasePathSource.Line < 1 {
				t.Fatalf("issuer without issuer or lines: %+v", is)
			}
		}
	})
}
