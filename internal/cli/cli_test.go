package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ttt-wg/ttt-check/checks"
	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/testkit"
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
		{"explain for one service", []string{"explain", "authz-group-fallback", "--service", "dcache"}, 0, ""},
		{"explain for an unknown service", []string{"explain", "authz-group-fallback", "--service", "dpm"}, 2, "unknown service \"dpm\" (known: arc-ce, dcache, eos, htcondor-ce, storm-webdav, xrootd)"},
		{"diff of a deviating host", []string{"scan", "--root", hosts + "demo", "--now", "2026-11-22", "--diff"}, 1, ""},
		{"diff of a clean host", []string{"scan", "--root", hosts + "xrootd-wg-recipe", "--now", "2026-11-22", "--diff"}, 0, ""},
		{"diff in another format", []string{"scan", "--root", hosts + "demo", "--diff", "--format", "json"}, 2, "--diff prints the diff on standard output"},
		{"diff into a file", []string{"scan", "--root", hosts + "demo", "--diff", "--output", "x.diff"}, 2, "--diff prints the diff on standard output"},
		{"recipe of a service", []string{"recipe", "xrootd", "--root", hosts + "xrootd-wg-recipe"}, 0, ""},
		{"recipe of an unknown service", []string{"recipe", "dpm"}, 2, "unknown service \"dpm\" (known: arc-ce, dcache, eos, htcondor-ce, storm-webdav, xrootd)"},
		{"recipe for an unknown VO", []string{"recipe", "dcache", "--vo", "belle"}, 2, "unknown VO \"belle\" (known: alice, atlas, cms, dteam, lhcb, wlcg)"},
		{"recipe without a service", []string{"recipe"}, 2, "accepts 1 arg"},
		{"recipe in an unknown format", []string{"recipe", "xrootd", "--format", "sarif"}, 2, "--format"},
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
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(output.Schema()))
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

func TestFormatsAndBaseline(t *testing.T) {
	dir := t.TempDir()
	last := filepath.Join(dir, "last.json")
	prom := filepath.Join(dir, "ttt.prom")
	code, out, stderr := run("scan", "--root", hosts+"xrootd-authz", "--now", "2026-11-22", "--format", "text", "--format", "json="+last, "--format", "prometheus="+prom)
	if code != 1 || !strings.Contains(out, "xrootd (standalone)") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, f := range []string{last, prom} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if code, _, stderr := run("scan", "--root", hosts+"demo", "--format", "text", "--format", "json"); code != 2 || !strings.Contains(stderr, "only one format") {
		t.Errorf("two formats on stdout: exit %d, %s", code, stderr)
	}
	// The same host against its own report: nothing new, so --fail-on-new passes.
	code, out, _ = run("scan", "--root", hosts+"xrootd-authz", "--now", "2026-11-22", "--baseline", last, "--fail-on-new")
	if code != 0 || strings.Contains(out, "[new]") {
		t.Errorf("unchanged host with --fail-on-new: exit %d\n%s", code, out)
	}
	// Another host against it: its findings are new, the old ones resolved.
	code, out, _ = run("scan", "--root", hosts+"xrootd-issuers", "--now", "2026-11-22", "--baseline", last, "--fail-on-new")
	if code != 1 || !strings.Contains(out, "[new]") || !strings.Contains(out, "resolved since the baseline") {
		t.Errorf("changed host with --fail-on-new: exit %d\n%s", code, out)
	}
	if code, _, _ := run("scan", "--root", hosts+"demo", "--fail-on-new"); code != 2 {
		t.Errorf("--fail-on-new without --baseline: exit %d", code)
	}
}

func TestNagiosExitCodes(t *testing.T) {
	tests := []struct {
		host  string
		code  int
		state string
	}{
		{"xrootd-wg-recipe", 0, "OK"},
		{"xrootd-dev-testbed", 0, "OK"},       // info only
		{"dcache-stock-tokens", 1, "WARNING"}, // one low finding
		{"xrootd-authz", 2, "CRITICAL"},
	}
	for _, tc := range tests {
		code, out, _ := run("scan", "--root", hosts+tc.host, "--now", "2026-11-22", "--format", "nagios")
		if code != tc.code || !strings.HasPrefix(out, "TTT-CHECK "+tc.state+" - ") {
			t.Errorf("%s: exit %d, %q", tc.host, code, strings.SplitN(out, "\n", 2)[0])
		}
	}
	code, out, _ := run("scan", "--root", filepath.Join(t.TempDir(), "missing"), "--format", "nagios")
	if code != 3 || !strings.HasPrefix(out, "TTT-CHECK UNKNOWN - ") {
		t.Errorf("tool error in nagios mode: exit %d, %q", code, out)
	}
}

func TestDocs(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run("docs", "--man", filepath.Join(dir, "man"), "--completions", filepath.Join(dir, "c")); code != 0 {
		t.Fatalf("docs: exit %d %s", code, stderr)
	}
	for _, f := range []string{"man/ttt-check.1", "man/ttt-check-scan.1", "man/ttt-check-report.1", "c/ttt-check.bash", "c/_ttt-check"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(data) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "man/ttt-check-scan.1"))
	if !strings.Contains(string(data), "fail\\-on") && !strings.Contains(string(data), "fail-on") {
		t.Error("scan man page does not document --fail-on")
	}
}

func TestLogsNeverPrintTokens(t *testing.T) {
	enc := func(v string) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }
	valid := enc(`{"alg":"ES256","typ":"JWT"}`) + "." + enc(`{"iss":"https://atlas-auth.cern.ch/","sub":"pilot","aud":"https://se","scope":"storage.modify:/","exp":4102444800}`) + "." + enc("signature-bytes-that-are-secret")
	expired := enc(`{"alg":"RS256"}`) + "." + enc(`{"iss":"https://wlcg.cloud.cnaf.infn.it/","sub":"u","exp":1000}`) + "." + enc("another-signature")
	root := testkit.HostTree(t, map[string]string{
		"/etc/hostname":              "se.example.org\n",
		"/etc/xrootd/xrootd-a.cfg":   "all.export /data\n",
		"/var/log/xrootd/xrootd.log": "open /f?authz=Bearer%20" + valid + "\nAuthorization: Bearer " + expired + "\n",
	})
	for _, format := range output.Names(output.DocReport) {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := run("logs", "--root", root, "--format", format)
			if format == "nagios" {
				if code != 2 {
					t.Errorf("nagios exit %d", code)
				}
			} else if code != 1 {
				t.Errorf("exit %d, stderr %s", code, stderr)
			}
			for _, tok := range []string{valid, expired} {
				for _, part := range strings.Split(tok, ".") {
					if strings.Contains(out, part) {
						t.Fatalf("%s output contains part of a token", format)
					}
				}
			}
			if format == "text" && (!strings.Contains(out, "logs-token-leaked") || !strings.Contains(out, "/var/log/xrootd/xrootd.log:1") || !strings.Contains(out, "still usable") || !strings.Contains(out, "(ATLAS)")) {
				t.Errorf("text report lacks the leak:\n%s", out)
			}
		})
	}
	// scan --logs searches the detected services' log directories.
	code, out, _ := run("scan", "--root", root, "--logs")
	if code != 1 || strings.Count(out, "logs-token-leaked") != 2 {
		t.Errorf("scan --logs: exit %d\n%s", code, out)
	}
	if code, out, _ := run("scan", "--root", root); strings.Contains(out, "logs-token-leaked") || code != 0 {
		t.Errorf("scan without --logs looked at logs (exit %d)", code)
	}
}

// TestRecipeCommand renders every service's reference configuration, in
// text and JSON, and checks what an admin pastes: every file under its
// host path, with this host's name.
func TestRecipeCommand(t *testing.T) {
	tests := []struct {
		service, host string
		paths         []string
	}{
		{"xrootd", "xrootd-wg-recipe", []string{"/etc/xrootd/scitokens.cfg", "/etc/xrootd/config.d/50-tokens.cfg"}},
		{"eos", "eos-wg-recipe", []string{"/etc/xrootd/scitokens.cfg", "/etc/xrd.cf.mgm"}},
		{"htcondor-ce", "htcondor-ce-wg-recipe", []string{"/etc/condor-ce/config.d/99-local.conf", "/etc/condor-ce/mapfiles.d/10-scitokens.conf"}},
		{"arc-ce", "arc7-wg-recipe", []string{"/etc/arc.conf"}},
		{"dcache", "dcache-wg-recipe", []string{"/etc/dcache/layouts/dcache.conf", "/etc/dcache/gplazma.conf"}},
		{"storm-webdav", "storm-wg-recipe", []string{"/etc/storm/webdav/config/application.yml", "/etc/storm/webdav/sa.d/atlas.properties", "/etc/storm/webdav/sa.d/dteam.properties"}},
	}
	for _, tc := range tests {
		t.Run(tc.service, func(t *testing.T) {
			code, text, stderr := run("recipe", tc.service, "--root", hosts+tc.host)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, p := range tc.paths {
				if !strings.Contains(text, "\n==> "+p) {
					t.Errorf("no file %s in:\n%s", p, text)
				}
			}
			code, js, stderr := run("recipe", tc.service, "--root", hosts+tc.host, "--format", "json", "--hostname", "h.example.org")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var ref struct {
				Service, Host string
				Files         []struct{ Path, Mode, Content string }
			}
			if err := json.Unmarshal([]byte(js), &ref); err != nil {
				t.Fatal(err)
			}
			if ref.Service != tc.service || ref.Host != "h.example.org" || len(ref.Files) < len(tc.paths) {
				t.Errorf("json reference %+v", ref)
			}
			for _, f := range ref.Files {
				if f.Content == "" || (f.Mode != "file" && f.Mode != "append") {
					t.Errorf("file %s: mode %q, %d bytes", f.Path, f.Mode, len(f.Content))
				}
			}
		})
	}
}

// TestExplainPerService shows each service's own advice: the dCache fix
// of authz-group-fallback names the provider and op: lines, and with
// --service only that service's advice (and the one for every service)
// is shown.
func TestExplainPerService(t *testing.T) {
	tests := []struct {
		args         []string
		want, absent []string
	}{
		{[]string{"explain", "authz-group-fallback"}, []string{"XRootD (xrootd)", "dCache (dcache)", "-non-authz-id", "authorization_strategy = capability"}, nil},
		{[]string{"explain", "authz-group-fallback", "--service", "dcache"}, []string{"dCache (dcache)", "gplazma.oidc.provider!<name>"}, []string{"XRootD (xrootd)", "scitokens.cfg"}},
		{[]string{"explain", "audience-unchecked", "--service", "storm-webdav"}, []string{"enforce-audience-checks: true"}, []string{"XRootD (xrootd)", "dCache (dcache)"}},
		{[]string{"explain", "waiver-unused", "--service", "xrootd"}, []string{"Every service"}, nil},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := run(tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(out, a) {
					t.Errorf("shows %q:\n%s", a, out)
				}
			}
		})
	}
}

// TestScanDiff checks what scan --diff prints: a header naming the root
// to apply it under, the unified diff with host paths relative to it,
// then the findings it leaves with their advice as comments.
func TestScanDiff(t *testing.T) {
	tests := []struct {
		host         string
		want, absent []string
	}{
		{"demo", []string{
			"# ttt-check scan --diff for se01.demo-t2.example.org:",
			"-p0 < THIS-FILE",
			"--- etc/xrootd/scitokens.cfg\n+++ etc/xrootd/scitokens.cfg\n",
			"-[Issuer OSG-Connect]\n",
			"--- /dev/null\n+++ etc/condor-ce/mapfiles.d/00-ban.conf\n",
			"# Left for you",
			"# LOW issuer-dteam-missing /etc/xrootd/xrootd-clustered.cfg:19 (xrootd): overlaps the fix of issuer-dteam-missing",
		}, []string{"--- /etc/", "eyJ"}},
		{"xrootd-wg-recipe", []string{"# Nothing to change mechanically."}, []string{"---"}},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			_, out, stderr := run("scan", "--root", hosts+tc.host, "--now", "2026-11-22", "--diff")
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(out, a) {
					t.Errorf("has %q:\n%s", a, out)
				}
			}
		})
	}
}
