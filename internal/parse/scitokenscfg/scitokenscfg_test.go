package scitokenscfg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestParseINI(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		section string
		key     string
		want    string
		line    int
		err     string
	}{
		{"key = value", "[Global]\naudience = a, b\n", "Global", "audience", "a, b", 2, ""},
		{"key: value", "[Global]\nonmissing: deny\n", "Global", "onmissing", "deny", 2, ""},
		{"keys are case-insensitive", "[Issuer X]\nISSUER = https://x/\n", "Issuer X", "issuer", "https://x/", 2, ""},
		{"inline ; comment dropped", "[Issuer X]\nissuer = https://x/ ; old one\n", "Issuer X", "issuer", "https://x/", 2, ""},
		{"; without a blank before it is part of the value", "[Issuer X]\nissuer = https://x/;a\n", "Issuer X", "issuer", "https://x/;a", 2, ""},
		{"# and ; comment lines", "# c\n; c\n[Issuer X]\nissuer = i\n", "Issuer X", "issuer", "i", 4, ""},
		// xrootd 5.5.3 (scitokens.trace all) configured the second issuer
		// and kept the first section's base_path: sections merge, keys
		// override.
		{"repeated section merges, repeated key overrides", "[Issuer A]\nissuer = first\nbase_path = /d\n[Issuer A]\nissuer = second\n", "Issuer A", "issuer", "second", 5, ""},
		{"repeated section keeps earlier keys", "[Issuer A]\nissuer = first\nbase_path = /d\n[Issuer A]\nissuer = second\n", "Issuer A", "base_path", "/d", 3, ""},
		{"indented line continues the value", "[Issuer A]\nbase_path = /a\n   /b\n", "Issuer A", "base_path", "/a\n/b", 2, ""},
		{"CRLF", "[Global]\r\naudience = x\r\n", "Global", "audience", "x", 2, ""},
		{"UTF-8 BOM", "\ufeff[Global]\naudience = x\n", "Global", "audience", "x", 2, ""},
		{"garbage line", "[Global]\nthis is not ini\n", "", "", "", 0, ":2: neither a section"},
		{"unterminated section", "[Global\n", "", "", "", 0, ":1: section header without ']'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseINI("/etc/xrootd/scitokens.cfg", []byte(tc.text))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseINI = %v, want error %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := f.Section(tc.section)
			if s == nil {
				t.Fatalf("no section %q", tc.section)
			}
			v := s.Keys[tc.key]
			if v.Value != tc.want || v.Source.Line != tc.line {
				t.Errorf("%s = %q at line %d, want %q at %d", tc.key, v.Value, v.Source.Line, tc.want, tc.line)
			}
		})
	}
}

func TestInterpret(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		check func(t *testing.T, c *Config)
	}{
		{"defaults", "[Issuer A]\nissuer = https://a/\nbase_path = /a\n", func(t *testing.T, c *Config) {
			if c.OnMissing != "passthrough" || c.OnMissingSource.Line != 0 || len(c.Audiences) != 0 {
				t.Errorf("defaults: onmissing %q@%d audiences %v", c.OnMissing, c.OnMissingSource.Line, c.Audiences)
			}
			is := c.Issuers[0]
			if strings.Join(is.Strategies, " ") != "capability group mapping" || is.MapSubject || is.Source.Line != 2 {
				t.Errorf("issuer defaults: %+v", is)
			}
		}},
		{"audience list split on commas and blanks", "[Global]\naudience = a, b c,d\n", func(t *testing.T, c *Config) {
			if strings.Join(c.Audiences, "|") != "a|b|c|d" || c.AudienceSource.Line != 2 {
				t.Errorf("audiences %v @%d", c.Audiences, c.AudienceSource.Line)
			}
		}},
		{"audience_json wins over audience", "[Global]\naudience = a\naudience_json = [\"x\", \"y\"]\n", func(t *testing.T, c *Config) {
			if strings.Join(c.Audiences, "|") != "x|y" || c.AudienceSource.Line != 3 {
				t.Errorf("audiences %v @%d", c.Audiences, c.AudienceSource.Line)
			}
		}},
		{"audience_json string", "[Global]\naudience_json = \"x\"\n", func(t *testing.T, c *Config) {
			if strings.Join(c.Audiences, "|") != "x" {
				t.Errorf("audiences %v", c.Audiences)
			}
		}},
		{"bad audience_json", "[Global]\naudience_json = [x\n", func(t *testing.T, c *Config) {
			if !c.Fatal || len(c.Problems) != 1 {
				t.Errorf("bad audience_json not reported: %+v", c.Problems)
			}
		}},
		{"onmissing allow", "[Global]\nonmissing = ALLOW\n", func(t *testing.T, c *Config) {
			if c.OnMissing != "allow" || c.OnMissingSource.Line != 2 {
				t.Errorf("onmissing %q", c.OnMissing)
			}
		}},
		{"unknown onmissing is fatal", "[Global]\nonmissing = bogus\n", func(t *testing.T, c *Config) {
			if !c.Fatal || !strings.Contains(c.Problems[0].Reason, "refuses to start") {
				t.Errorf("problems %+v", c.Problems)
			}
		}},
		{"sections without issuer or base_path are ignored", "[Issuer A]\nbase_path = /a\n[Issuer B]\nissuer = https://b/\n[Other]\nissuer = https://c/\nbase_path = /c\n", func(t *testing.T, c *Config) {
			if len(c.Issuers) != 0 || len(c.Problems) != 2 || !strings.Contains(c.Problems[1].Reason, "no base_path") {
				t.Errorf("issuers %+v problems %+v", c.Issuers, c.Problems)
			}
		}},
		{"lower-case issuer prefix is accepted", "[issuer lower]\nissuer = https://l/\nbase_path = /l\n", func(t *testing.T, c *Config) {
			if len(c.Issuers) != 1 || c.Issuers[0].Name != "lower" {
				t.Errorf("issuers %+v", c.Issuers)
			}
		}},
		{"everything set", "[Issuer A]\nissuer = https://a/\nbase_path = /a, /b\nrestricted_path = /a/x\nmap_subject = True\ndefault_user = u\nname_mapfile = /m.json\nauthorization_strategy = capability\n", func(t *testing.T, c *Config) {
			is := c.Issuers[0]
			if strings.Join(is.BasePaths, "|") != "/a|/b" || strings.Join(is.RestrictedPaths, "|") != "/a/x" || !is.MapSubject ||
				is.DefaultUser.Value != "u" || is.NameMapfile.Value != "/m.json" || strings.Join(is.Strategies, " ") != "capability" || is.StrategySource.Line != 8 {
				t.Errorf("issuer %+v", is)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseINI("/s.cfg", []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, Interpret(f))
		})
	}
}

// TestCorpus reads every real scitokens.cfg of the corpus.
func TestCorpus(t *testing.T) {
	files := append(testkit.Corpus(t, "xrootd", "*scitokens*.c*"), testkit.Corpus(t, "eos", "doc-scitokens.cfg")...)
	read := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		if !strings.Contains(string(data), "[") {
			continue // an xrootd config that loads the plugin, not its config
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := ParseINI(file, data)
			if err != nil {
				t.Fatalf("ParseINI: %v", err)
			}
			Interpret(f)
			read++
		})
	}
	if read < 4 {
		t.Skipf("only %d corpus files read; is ../shared beside the repository?", read)
	}
	data, err := os.ReadFile(testkit.Corpus(t, "eos", "doc-scitokens.cfg")[0])
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseINI("doc-scitokens.cfg", data)
	if err != nil {
		t.Fatal(err)
	}
	c := Interpret(f)
	if len(c.Issuers) != 1 || c.Issuers[0].Issuer.Value != "https://wlcg.cloud.cnaf.infn.it/" || strings.Join(c.Issuers[0].BasePaths, ",") != "/" || c.Issuers[0].DefaultUser.Value != "dteam001" {
		t.Errorf("EOS doc scitokens.cfg read as %+v", c.Issuers)
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range testkit.CorpusFiles("xrootd", "*scitokens*.cfg") {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[Global]\naudience_json = [1, {\"a\": null}]\nonmissing = allow\n[Issuer \n  cont\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseINI("/f.cfg", data)
		if err != nil {
			return
		}
		c := Interpret(file)
		for _, is := range c.Issuers {
			if is.Issuer.Value == "" || len(is.BasePaths) == 0 {
				t.Fatalf("issuer kept without issuer or base path: %+v", is)
			}
		}
	})
}
