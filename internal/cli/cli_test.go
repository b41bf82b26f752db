package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ttt-wg/ttt-check/checks"
	"github.com/ttt-wg/ttt-check/internal/report"
)

const hosts = "../../fixtures/hosts/"

func run(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Execute(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodes(t *testing.T) {
	tmp := t.TempDir()
	badProfile := writeFile(t, tmp, "bad-site.toml", "site = \"X\"\nenviroment = \"production\"\n")
	badVO := writeFile(t, tmp, "vo-site.toml", "site = \"X\"\nvos = [\"atlass\"]\n")
	recipesDir := filepath.Join(tmp, "recipes")
	if err := os.MkdirAll(recipesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, recipesDir, "broken.hcl", "recipe_set {\n  version = \n}\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		stderrIn string // fragment expected on stderr
	}{
		{"recipe host is clean", []string{"scan", "--root", hosts + "xrootd-wg-recipe", "--now", "2026-11-22"}, 0, ""},
		{"deviations", []string{"scan", "--root", hosts + "demo", "--now", "2026-11-22"}, 1, ""},
		{"only info and low below --fail-on high", []string{"scan", "--root", hosts + "xrootd-dev-testbed", "--fail-on", "high", "--now", "2026-11-22"}, 0, ""},
		{"--fail-on info fails on an info finding", []string{"scan", "--root", hosts + "xrootd-dev-testbed", "--fail-on", "info", "--now", "2026-11-22"}, 1, ""},
		{"unknown flag", []string{"scan", "--bogus"}, 2, "unknown flag"},
		{"bad --fail-on", []string{"scan", "--root", hosts + "demo", "--fail-on", "severe"}, 2, "--fail-on"},
		{"bad --format", []string{"scan", "--root", hosts + "demo", "--format", "yaml"}, 2, "--format"},
		{"missing root", []string{"scan", "--root", filepath.Join(tmp, "nope")}, 2, "nope"},
		{"unknown key in the site profile", []string{"scan", "--root", hosts + "demo", "--site", badProfile}, 2, "bad-site.toml:2"},
		{"unknown VO in the site profile", []string{"scan", "--root", hosts + "demo", "--site", badVO}, 2, "vo-site.toml:2"},
		{"missing site profile", []string{"scan", "--root", hosts + "demo", "--site", filepath.Join(tmp, "none.toml")}, 2, "none.toml"},
		{"malformed recipe", []string{"scan", "--root", hosts + "demo", "--recipes", recipesDir}, 2, "broken.hcl:2:"},
		{"explain unknown check", []string{"explain", "audience-anyy"}, 2, "did you mean audience-any"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if tc.stderrIn != "" && !strings.Contains(stderr, tc.stderrIn) {
				t.Errorf("stderr %q lacks %q", stderr, tc.stderrIn)
			}
		})
	}
}

func TestScanJSONMatchesSchema(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.json")
	code, stdout, stderr := run("scan", "--root", hosts+"demo", "--format", "json", "--output", out, "--now", "2026-11-22")
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s; want 1 and the report in the file only", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("scan JSON does not match the schema: %v", err)
	}
	var rep struct {
		Findings []map[string]any `json:"findings"`
		Recipes  struct{ Version, Digest string }
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 || rep.Recipes.Version == "" || !strings.HasPrefix(rep.Recipes.Digest, "sha256:") {
		t.Fatalf("report lacks findings or recipe identity: %+v", rep.Recipes)
	}
	for _, key := range []string{"check", "severity", "status", "service", "title", "message", "file", "line", "remediation", "fingerprint"} {
		if _, ok := rep.Findings[0][key]; !ok {
			t.Errorf("finding lacks key %q", key)
		}
	}
}

func TestChecksAndExplain(t *testing.T) {
	code, out, _ := run("checks")
	if code != 0 {
		t.Fatalf("checks exit %d", code)
	}
	for _, id := range checks.AllIDs() {
		if !strings.Contains(out, id) {
			t.Errorf("checks output lacks %s", id)
		}
	}
	code, out, _ = run("explain", "issuer-dev-vo")
	if code != 0 {
		t.Fatalf("explain exit %d", code)
	}
	for _, want := range []string{"issuer-dev-vo", "severity: critical", "Why it matters", "How to fix it", "References", "wlcg.cloud.cnaf.infn.it"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
}

func TestInventoryAndVersion(t *testing.T) {
	code, out, stderr := run("inventory", "--root", hosts+"xrootd-wg-recipe")
	if code != 0 {
		t.Fatalf("inventory exit %d: %s", code, stderr)
	}
	for _, want := range []string{"https://atlas-auth.cern.ch/", "/etc/xrootd/scitokens.cfg:", "/data/atlas"} {
		if !strings.Contains(out, want) {
			t.Errorf("inventory lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run("inventory", "--root", hosts+"xrootd-wg-recipe", "--format", "json")
	var inv struct {
		Host     string
		Services []struct{ Name string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &inv) != nil || inv.Host != "xrd01.example.org" || len(inv.Services) != 1 || inv.Services[0].Name != "xrootd" {
		t.Errorf("inventory json: exit %d, %+v", code, inv)
	}
	code, out, _ = run("version")
	if code != 0 || !strings.Contains(out, "recipes ") || !strings.Contains(out, "sha256:") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}
