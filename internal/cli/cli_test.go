package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	fifo := filepath.Join(tmp, "site.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	fifoRecipes := filepath.Join(tmp, "fifo-recipes")
	if err := os.MkdirAll(fifoRecipes, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(fifoRecipes, "00.hcl"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(tmp, "empty-host")
	if err := os.MkdirAll(filepath.Join(empty, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
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
		// Nothing to judge is never a pass (3), and 1 wins over 3.
		{"no service found", []string{"scan", "--root", empty}, 3, ""},
		{"no service found, nagios", []string{"scan", "--root", empty, "--format", "nagios"}, 3, ""},
		{"required service missing", []string{"scan", "--root", hosts + "xrootd-wg-recipe", "--require", "dcache"}, 3, ""},
		{"required service missing but deviations", []string{"scan", "--root", hosts + "demo", "--now", "2026-11-22", "--require", "dcache,xrootd", "--service", "xrootd"}, 1, ""},
		{"named log path missing", []string{"logs", "--root", hosts + "demo", "/nonexistent"}, 3, ""},
		{"unknown service in a filter", []string{"scan", "--root", hosts + "demo", "--service", "xroot"}, 2, `unknown service "xroot"`},
		{"unknown check in a filter", []string{"scan", "--root", hosts + "demo", "--skip-check", "issuer-dev"}, 2, `unknown check "issuer-dev"`},
		{"filters narrow the verdict", []string{"scan", "--root", hosts + "demo", "--now", "2026-11-22", "--check", "issuer-dteam-missing"}, 0, ""},
		{"--output with every format naming its file", []string{"scan", "--root", hosts + "demo", "--format", "json=" + filepath.Join(tmp, "a.json"), "--output", filepath.Join(tmp, "b.txt")}, 2, "has no format to write"},
		{"--quiet on JSON", []string{"scan", "--root", hosts + "demo", "--format", "json", "--quiet"}, 2, "--quiet"},
		{"bad --color", []string{"scan", "--root", hosts + "demo", "--color", "sometimes"}, 2, "--color"},
		{"site profile that is a FIFO", []string{"scan", "--root", hosts + "demo", "--site", fifo}, 2, "not a regular file"},
		{"baseline that is a device", []string{"scan", "--root", hosts + "demo", "--baseline", "/dev/zero"}, 2, "not a regular file"},
		{"recipes with a FIFO", []string{"scan", "--root", hosts + "demo", "--recipes", fifoRecipes}, 2, "not a regular file"},
		{"report to a full disk", []string{"scan", "--root", hosts + "xrootd-wg-recipe", "--format", "json=/dev/full"}, 2, "write /dev/full"},
		{"explain for one service", []string{"explain", "authz-group-fallback", "--service", "dcache"}, 0, ""},
		{"explain for an unknown service", []string{"explain", "authz-group-fallback", "--service", "dpm"}, 2, "unknown service \"dpm\" (known: arc-ce, dcache, eos, htcondor-ce, storm-webdav, xrootd)"},
		{"diff of a deviating host", []string{"scan", "--root", hosts + "demo", "--now", "2026-11-22", "--diff"}, 1, ""},
		{"diff of a clean host", []string{"scan", "--root", hosts + "xrootd-wg-recipe", "--now", "2026-11-22", "--diff"}, 0, ""},
		{"diff in another format", []string{"scan", "--root", hosts + "demo", "--diff", "--format", "json"}, 2, "--diff prints the diff on standard output"},
		{"diff into a file", []string{"scan", "--root", hosts + "demo", "--diff", "--output", "x.diff"}, 2, "--diff prints the diff on standard output"},
		{"recipe of a service", []string{"recipe", "xrootd", "--root", hosts + "xrootd-wg-recipe"}, 0, ""},
		{"recipe of an unknown service", []string{"recipe", "dpm"}, 2, "unknown service \"dpm\" (known: arc-ce, dcache, eos, htcondor-ce, storm-webdav, xrootd)"},
		{"recipe for an unknown VO", []string{"recipe", "dcache", "--vo", "belle"}, 2, "unknown VO \"belle\" (known: alice, atlas, cms, dteam, dune, egi, fermilab, lhcb, wlcg)"},
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

// TestEnvironmentAndQuiet: TTT_CHECK_<FLAG> sets flags the command line
// does not, --quiet prints the verdict line alone, --severity hides
// findings without changing the verdict.
func TestEnvironmentAndQuiet(t *testing.T) {
	t.Setenv("TTT_CHECK_FAIL_ON", "critical")
	code, out, _ := run("scan", "--root", hosts+"demo", "--now", "2026-11-22", "-q")
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "fail-on critical: FAIL\n") {
		t.Errorf("env fail-on critical with -q: exit %d, output %q", code, out)
	}
	code, out, _ = run("scan", "--root", hosts+"demo", "--now", "2026-11-22", "-q", "--fail-on", "info")
	if !strings.Contains(out, "fail-on info") {
		t.Errorf("the flag does not win over the environment: exit %d, %q", code, out)
	}
	t.Setenv("TTT_CHECK_FAIL_ON", "severe")
	if code, _, stderr := run("scan", "--root", hosts+"demo"); code != 2 || !strings.Contains(stderr, "unknown severity \"severe\"") {
		t.Errorf("a bad environment value: exit %d, stderr %q", code, stderr)
	}
	t.Setenv("TTT_CHECK_FAIL_ON", "")
	os.Unsetenv("TTT_CHECK_FAIL_ON")
	code, out, _ = run("scan", "--root", hosts+"demo", "--now", "2026-11-22", "--severity", "critical", "--format", "compact")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "CRITICAL issuer-dev-vo ") {
		t.Errorf("--severity critical --format compact: exit %d, %q", code, out)
	}
}

// TestReportsAreAtomic: a report that cannot be written leaves the
// previous one in place and exits 2.
func TestReportsAreAtomic(t *testing.T) {
	dir := t.TempDir()
	last := writeFile(t, dir, "last.json", "previous report\n")
	if err := os.Chmod(last, 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("scan", "--root", hosts+"xrootd-wg-recipe", "--format", "json="+last); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, _ := os.Stat(last)
	data, _ := os.ReadFile(last)
	if !json.Valid(data) || st.Mode().Perm() != 0o640 {
		t.Errorf("report not replaced whole, or its mode changed: %v %q", st.Mode(), data[:min(len(data), 40)])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
		if code, _, _ := run("scan", "--root", hosts+"xrootd-wg-recipe", "--format", "json="+last); code != 2 {
			t.Errorf("unwritable directory: exit %d, want 2", code)
		}
		if again, _ := os.ReadFile(last); !bytes.Equal(again, data) {
			t.Error("the previous report did not survive a failed write")
		}
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
	for _, f := range []string{"man/ttt-check.1", "man/ttt-check-scan.1", "man/ttt-check-report.1", "man/ttt-check-rules.1", "man/ttt-check-rules-test.1", "c/ttt-check.bash", "c/_ttt-check"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(data) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "man/ttt-check-scan.1"))
	if !strings.Contains(string(data), "fail\\-on") && !strings.Contains(string(data), "fail-on") {
		t.Error("scan man page does not document --fail-on")
	}
	data, _ = os.ReadFile(filepath.Join(dir, "man/ttt-check-rules.1"))
	for _, want := range []string{"WHAT EXPRESSIONS SEE", "ERRORS AND BUDGETS", "site-rule-unmatched"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("rules man page lacks %q", want)
		}
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

// TestLogsRelativePaths: a relative PATH is relative to the working
// directory on the live host and to the root under --root; one that does
// not exist is reported, not taken for an empty search.
func TestLogsRelativePaths(t *testing.T) {
	enc := func(v string) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }
	tok := enc(`{"alg":"ES256","typ":"JWT"}`) + "." + enc(`{"iss":"https://atlas-auth.cern.ch/","sub":"pilot","exp":4102444800}`) + "." + enc("signature")
	cwd := testkit.HostTree(t, map[string]string{"logs128/xrootd.log": "Authorization: Bearer " + tok + "\n"})
	root := testkit.HostTree(t, map[string]string{"var/log/xrootd/xrootd.log": "Authorization: Bearer " + tok + "\n"})
	t.Chdir(cwd)
	tests := []struct {
		name string
		args []string
		want string // in the text report
	}{
		{"relative to the working directory on the live host", []string{"logs", "logs128"}, "logs-token-leaked"},
		{"dot on the live host", []string{"logs", "--root", "/", "."}, filepath.Join(cwd, "logs128", "xrootd.log") + ":1"},
		{"missing relative path on the live host", []string{"logs", "logs129"}, "nothing to judge: log path " + filepath.Join(cwd, "logs129") + " does not exist"},
		{"relative to the root under --root", []string{"logs", "--root", root, "var/log/xrootd"}, "/var/log/xrootd/xrootd.log:1"},
		{"not relative to the working directory under --root", []string{"logs", "--root", root, "logs128"}, "nothing to judge: log path /logs128 does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run(append(tc.args, "--now", "2026-11-22")...)
			want := 1 // a leaked token; a named path that is missing leaves nothing to judge
			if strings.Contains(tc.want, "does not exist") {
				want = 3
			}
			if code != want || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d and %q in the report\n%s%s", code, want, tc.want, out, stderr)
			}
			if strings.Contains(out, "logs-token-leaked") == strings.Contains(tc.want, "does not exist") {
				t.Errorf("a token was found where none is, or not found where one is:\n%s", out)
			}
		})
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

// TestManyRoots: several snapshots in one run — one result per host in
// --output-dir, the fleet report from them, and the worst host's exit
// code (2 over 1 over 3 over 0).
func TestManyRoots(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(t.TempDir(), "nothing")
	if err := os.MkdirAll(filepath.Join(empty, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run("scan", "--root", hosts+"xrootd-wg-recipe", "--root", hosts+"demo", "--root", empty, "--now", "2026-11-22",
		"--output-dir", dir, "--format", "json", "--format", "text", "--fleet", "csv="+filepath.Join(dir, "fleet.csv"))
	if code != 1 {
		t.Errorf("exit %d, want 1 (the demo host fails; 1 wins over the empty host's 3): %s", code, stderr)
	}
	for _, f := range []string{"xrd01.example.org.json", "xrd01.example.org.txt", "se01.demo-t2.example.org.json", "unknown.json", "fleet.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "fleet.csv"))
	if strings.Count(string(data), "\n") != 4 {
		t.Errorf("fleet.csv has not one row per host:\n%s", data)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"clean hosts", []string{"--root", hosts + "xrootd-wg-recipe", "--root", hosts + "htcondor-ce-wg-recipe"}, 0},
		{"nothing to judge on one", []string{"--root", hosts + "xrootd-wg-recipe", "--root", empty}, 3},
		{"a host with an invalid profile", []string{"--root", hosts + "demo", "--root", hosts + "xrootd-wg-recipe", "--site", filepath.Join(dir, "none.toml")}, 2},
		{"JSON without --output-dir", []string{"--root", hosts + "demo", "--root", hosts + "xrootd-wg-recipe", "--format", "json"}, 2},
		{"--fleet without --output-dir", []string{"--root", hosts + "demo", "--root", hosts + "xrootd-wg-recipe", "--fleet", "csv"}, 2},
		{"--output-dir for one host", []string{"--root", hosts + "demo", "--output-dir", dir}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, stderr := run(append([]string{"scan", "--now", "2026-11-22", "-q"}, tc.args...)...); code != tc.code {
				t.Errorf("exit %d, want %d: %s", code, tc.code, stderr)
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
