package recipes

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func TestEmbeddedSet(t *testing.T) {
	set, err := Embedded()
	if err != nil {
		t.Fatalf("embedded recipes: %v", err)
	}
	if set.Version == "" || !strings.HasPrefix(set.Digest, "sha256:") || set.Source != "embedded" {
		t.Errorf("set identity = %q %q %q", set.Version, set.Digest, set.Source)
	}
	// The ids and severities are fixed by the spec; everything depends on them.
	want := map[string]string{
		"issuer-dev-vo": "critical", "issuer-wildcard": "critical", "issuer-legacy": "low",
		"issuer-near-miss": "medium", "issuer-unknown": "medium", "issuer-unsupported-vo": "medium",
		"issuer-dteam-missing": "low", "audience-any": "low", "audience-unchecked": "high",
		"mapping-issuer-wide": "high", "mapping-privileged": "critical", "storage-path-root": "high", "mapping-carried-over": "high",
		"authz-onmissing-allow": "critical", "authz-group-fallback": "medium", "log-token-leak": "high",
		"token-in-url": "medium", "upgrade-pending": "low", "scan-incomplete": "high",
		"waiver-expired": "low", "waiver-unused": "low", "site-rule-unmatched": "info",
		"ban-shadowed": "high", "legacy-gsi": "low", "authn-anonymous": "high",
		"scope-unchecked": "medium", "config-dangling-reference": "medium", "legacy-config": "low", "access-open": "high",
		"config-unknown-key": "medium", "token-lifetime-long": "medium", "logs-token-leaked": "high",
	}
	for id, sev := range want {
		t.Run(id, func(t *testing.T) {
			c, ok := set.Checks[id]
			if !ok {
				t.Fatalf("no check block")
			}
			if c.SeverityRaw != sev {
				t.Errorf("severity %s, want %s", c.SeverityRaw, sev)
			}
			if c.Title == "" || strings.TrimSpace(c.Rationale) == "" || strings.TrimSpace(c.Remediation) == "" || len(c.References) == 0 {
				t.Errorf("incomplete metadata: %+v", c)
			}
		})
	}
	if len(set.Checks) != len(want) {
		t.Errorf("%d checks, want %d", len(set.Checks), len(want))
	}
	purposes := map[string]string{"atlas": vocab.PurposeProduction, "cms": vocab.PurposeProduction, "lhcb": vocab.PurposeProduction, "alice": vocab.PurposeProduction, "dteam": vocab.PurposeOperations, "wlcg": vocab.PurposeDevelopment}
	for name, purpose := range purposes {
		vo, ok := set.VOs[name]
		if !ok {
			t.Errorf("no vo %s", name)
			continue
		}
		if vo.Purpose != purpose || !strings.HasPrefix(vo.Issuer, "https://") || !strings.HasSuffix(vo.Issuer, "/") {
			t.Errorf("vo %s = %s %s", name, vo.Purpose, vo.Issuer)
		}
	}
	if !set.VOs["atlas"].CapabilityOnly || len(set.VOs["atlas"].RobotSubjects) != 3 || len(set.VOs["cms"].RobotSubjects) != 7 {
		t.Errorf("atlas/cms registry incomplete")
	}
	for iss, want := range map[string]bool{
		"https://atlas-auth.web.cern.ch/": true, "https://amber-auth.web.cern.ch": true,
		"https://atlas-auth.cern.ch/": false, "https://evil.example/atlas-auth.web.cern.ch/": false,
	} {
		if got := set.LegacyIssuerPattern.MatchString(iss); got != want {
			t.Errorf("legacy pattern on %s = %v, want %v", iss, got, want)
		}
	}
	if !set.IsAnyAudience("https://wlcg.cern.ch/jwt/v1/any") || set.IsAnyAudience("https://xrd.example.org") {
		t.Error("IsAnyAudience")
	}
}

const minimal = `recipe_set {
  version = "1"
  any_audiences = []
}
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"syntax error", map[string]string{"a.hcl": "recipe_set {\n  version = \n}\n"}, "dir/a.hcl:2:"},
		{"unknown attribute", map[string]string{"a.hcl": minimal + "check \"x\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  references = [\"u\"]\n  colour = \"red\"\n}\n"}, "dir/a.hcl:11:"},
		{"invalid severity", map[string]string{"a.hcl": minimal + "check \"x\" {\n  title = \"t\"\n  severity = \"severe\"\n  rationale = \"r\"\n  remediation = \"m\"\n  references = [\"u\"]\n}\n"}, "dir/a.hcl:5:"},
		{"duplicate check", map[string]string{"a.hcl": minimal + "check \"x\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  references = [\"u\"]\n}\n", "b.hcl": "check \"x\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  references = [\"u\"]\n}\n"}, "dir/b.hcl:1:"},
		{"no references", map[string]string{"a.hcl": minimal + "check \"x\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  references = []\n}\n"}, "no references"},
		{"unknown purpose", map[string]string{"a.hcl": minimal + "vo \"x\" {\n  title = \"X\"\n  issuer = \"https://x/\"\n  purpose = \"fun\"\n}\n"}, "dir/a.hcl:5:"},
		{"issuer claimed twice", map[string]string{"a.hcl": minimal + "vo \"x\" {\n  title = \"X\"\n  issuer = \"https://x/\"\n  purpose = \"production\"\n}\nvo \"y\" {\n  title = \"Y\"\n  issuer = \"https://x/\"\n  purpose = \"production\"\n}\n"}, "one VO per issuer"},
		{"missing recipe_set", map[string]string{"a.hcl": "vo \"x\" {\n  title = \"X\"\n  issuer = \"https://x/\"\n  purpose = \"production\"\n}\n"}, "missing recipe_set"},
		{"no files", map[string]string{"README": "x"}, "no *.hcl files"},
		{"reference for an unknown service", map[string]string{"a.hcl": minimal + "reference \"dpm\" {\n  title = \"t\"\n  sources = [\"u\"]\n}\n"}, "dir/a.hcl:5:1: reference for unknown service dpm"},
		{"reference without sources", map[string]string{"a.hcl": minimal + "service \"x\" {}\nreference \"x\" {\n  title = \"t\"\n  sources = []\n}\n"}, "reference x has no sources"},
		{"unknown variable in a reference value", map[string]string{"a.hcl": minimal + "service \"x\" {}\nreference \"x\" {\n  title = \"t\"\n  area = \"/data/${vos}\"\n  sources = [\"u\"]\n}\n"}, "dir/a.hcl:8:"},
		{"unknown variable in a reference file", map[string]string{"a.hcl": minimal + "service \"x\" {}\nreference \"x\" {\n  title = \"t\"\n  sources = [\"u\"]\n  file {\n    path = \"/etc/x\"\n    about = \"a\"\n    content = \"${hots}\"\n  }\n}\n"}, "unknown variable hots"},
		{"invalid file mode", map[string]string{"a.hcl": minimal + "service \"x\" {}\nreference \"x\" {\n  title = \"t\"\n  sources = [\"u\"]\n  file {\n    path = \"/etc/x\"\n    mode = \"merge\"\n    about = \"a\"\n    content = \"x\"\n  }\n}\n"}, "invalid mode merge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, c := range tc.files {
				fsys[n] = &fstest.MapFile{Data: []byte(c)}
			}
			_, err := Load(fsys, "dir", "dir")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	var re *Error
	_, err := Load(fstest.MapFS{"a.hcl": {Data: []byte("x {")}}, "", "t")
	if !errors.As(err, &re) || len(re.Diags) == 0 {
		t.Errorf("syntax error is not a *recipes.Error with diagnostics: %v", err)
	}
}

func TestDigest(t *testing.T) {
	a := fstest.MapFS{"a.hcl": {Data: []byte(minimal)}}
	b := fstest.MapFS{"a.hcl": {Data: []byte(minimal + "# comment\n")}}
	s1, err1 := Load(a, "", "a")
	s2, err2 := Load(a, "", "a")
	s3, err3 := Load(b, "", "b")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if s1.Digest != s2.Digest {
		t.Error("digest not stable across loads")
	}
	if s1.Digest == s3.Digest {
		t.Error("digest did not change with the content")
	}
}

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"00-recipe-set.hcl", "10-vos.hcl", "30-checks.hcl"} {
		data, err := embedded.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte("x = " + strings.Repeat("[", maxNesting+1) + "\ny = \"${" + strings.Repeat("(", 10) + "\"\n")) // nesting past the guard
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Load(fstest.MapFS{"f.hcl": {Data: data}}, "", "fuzz")
		if err == nil && set == nil {
			t.Fatal("nil set without error")
		}
	})
}

// TestNesting: a file nesting deeper than maxNesting is refused with its
// position before HCL's recursive parser sees it; brackets in strings,
// comments and heredocs do not count, interpolations do.
func TestNesting(t *testing.T) {
	deep := strings.Repeat("[", maxNesting+1)
	tests := []struct {
		name, src string
		refused   bool
	}{
		{"lists", "x = " + deep, true},
		{"100,000 brackets", "x = " + strings.Repeat("[", 100000), true},
		{"interpolations", "x = " + strings.Repeat(`"${`, maxNesting/2+1), true},
		{"at the limit", "x = " + strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting), false},
		{"in a string", `x = "` + deep + `"`, false},
		{"in comments", "# " + deep + "\n// " + deep + "\n/* " + deep + " */\n", false},
		{"in a heredoc", "x = <<EOT\n" + deep + "\nEOT\ny = [1]\n", false},
		{"escaped interpolation", `x = "` + strings.Repeat("$${", maxNesting+1) + `"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line, _, refused := nestingTooDeep([]byte(tc.src))
			if refused != tc.refused {
				t.Fatalf("refused = %v, want %v", refused, tc.refused)
			}
			if refused && line != 1 {
				t.Errorf("line %d, want 1", line)
			}
		})
	}
	_, err := Load(fstest.MapFS{"f.hcl": {Data: []byte("x = " + strings.Repeat("[", 100000))}}, "dir", "dir")
	if err == nil || !strings.HasPrefix(err.Error(), "dir/f.hcl:1:") || !strings.Contains(err.Error(), "nested too deep") {
		t.Errorf("Load = %v", err)
	}
}
