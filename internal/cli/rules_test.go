package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

const examples = "../../examples/rules"

// brokenRule has a mistyped attribute on line 7, column 17.
const brokenRule = "rule \"x\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = trusts\n  assert = trust.isuer != \"\"\n  message = \"m\"\n}\n"

// TestRulesExitCodes: rules test passes on the examples (0), fails on a
// broken case (1), and refuses invalid rules (2, file:line:col); scan
// refuses invalid rules and rules that fail on an item (2).
func TestRulesExitCodes(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(examples, "20-pool-accounts.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	fixtures := filepath.Join(testkit.RepoRoot(), "fixtures/hosts") + "/"
	abs := strings.ReplaceAll(string(src), "../../fixtures/hosts/", fixtures)
	failing := testkit.HostTree(t, map[string]string{"/20-pool.hcl": strings.Replace(abs, `"/etc/arc.conf:16"`, `"/etc/arc.conf:12"`, 1)})
	invalid := testkit.HostTree(t, map[string]string{"/10-bad.hcl": brokenRule})
	failsOnItem := testkit.HostTree(t, map[string]string{"/10-host.hcl": strings.Replace(brokenRule, `trust.isuer != ""`, `regex("^https://([a-z]+)-auth", trust.issuer)[0] != ""`, 1)})
	tests := []struct {
		name     string
		args     []string
		code     int
		stdoutIn string
		stderrIn string
	}{
		{"the examples pass their tests", []string{"rules", "test", examples}, 0, "0 failed", ""},
		{"a broken case fails", []string{"rules", "test", failing}, 1, "FAIL  site/tokens-map-to-pool-accounts  an ARC CE mapping admins to root", ""},
		{"invalid rules", []string{"rules", "test", invalid}, 2, "", filepath.Join(invalid, "10-bad.hcl") + ":7:17: Unsupported attribute"},
		{"a scan with invalid rules", []string{"scan", "--root", hosts + "xrootd-wg-recipe", "--rules", invalid}, 2, "", "10-bad.hcl:7:17: Unsupported attribute"},
		{"a scan whose rule fails on an item", []string{"scan", "--root", hosts + "xrootd-issuers", "--rules", failsOnItem, "--now", "2026-11-22"}, 2, "",
			`10-host.hcl:7:12: Error in function call; Call to function "regex" failed: pattern did not match any part of the given string. (on trust "WLCG" (https://wlcg.cloud.cnaf.infn.it/) of xrootd (standalone) at /etc/xrootd/scitokens.cfg:18)`},
		{"a scan with the example rules", []string{"scan", "--root", hosts + "htcondor-ce-wg-recipe", "--rules", examples, "--now", "2026-11-22"}, 0, "", ""},
		{"the host's own rules", []string{"scan", "--root", hosts + "xrootd-site-rules", "--now", "2026-11-22"}, 1, "MEDIUM   site/storage-issuers", ""},
		{"rules test without a directory", []string{"rules", "test"}, 2, "", "accepts 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdoutIn) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdoutIn, stdout)
			}
			if !strings.Contains(stderr, tc.stderrIn) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderrIn, stderr)
			}
		})
	}
}

func TestChecksAndExplainSiteRules(t *testing.T) {
	code, out, stderr := run("checks", "--rules", examples)
	if code != 0 {
		t.Fatalf("checks exit %d: %s", code, stderr)
	}
	for _, want := range []string{"SOURCE", "issuer-dev-vo", "recipes", "site/ce-pins-pilot-subjects", "../../examples/rules/30-ce-pilot-subjects.hcl:7"} {
		if !strings.Contains(out, want) {
			t.Errorf("checks output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run("explain", "site/xrootd-lists-dns-alias", "--rules", examples)
	for _, want := range []string{"site/xrootd-lists-dns-alias — Production XRootD", "severity: medium", "site rule: ../../examples/rules/40-xrootd-alias-audience.hcl:15",
		`judges: on hosts where site.environment == "production"`, "Why it matters", "How to fix it"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("explain: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	if code, _, stderr := run("explain", "site/xrootd-lists-dns-alias"); code != 2 || !strings.Contains(stderr, "unknown check") {
		t.Errorf("explain without the rules: exit %d, %s", code, stderr)
	}
}

// TestSiteRulesInReportsAndFleet: site rule findings are in the JSON
// report (which the schema accepts) and in the fleet report.
func TestSiteRulesInReportsAndFleet(t *testing.T) {
	dir := t.TempDir()
	for _, host := range []string{"htcondor-ce-deviating", "xrootd-wg-recipe"} {
		out := filepath.Join(dir, host+".json")
		if code, _, stderr := run("scan", "--root", hosts+host, "--rules", examples, "--now", "2026-11-22", "--format", "json", "--output", out); code != 1 {
			t.Fatalf("%s: exit %d, %s", host, code, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(`"check": "site/`)) {
			t.Errorf("%s: no site rule finding in the JSON report", host)
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
			t.Errorf("%s: the report does not match the schema: %v", host, err)
		}
	}
	// The same host against its own report: the site rule findings keep
	// their fingerprints, so nothing is new.
	last := filepath.Join(dir, "htcondor-ce-deviating.json")
	if code, out, stderr := run("scan", "--root", hosts+"htcondor-ce-deviating", "--rules", examples, "--now", "2026-11-22", "--baseline", last, "--fail-on-new"); code != 0 || strings.Contains(out, "[new]") {
		t.Errorf("baseline with site rules: exit %d, %s\n%s", code, stderr, out)
	}
	code, out, stderr := run("report", dir, "--format", "csv")
	if code != 0 && code != 1 {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	for _, want := range []string{"site/ce-pins-pilot-subjects", "site/tokens-map-to-pool-accounts", "site/xrootd-lists-dns-alias"} {
		if !strings.Contains(strings.SplitN(out, "\n", 2)[0], want) {
			t.Errorf("the fleet matrix has no column %s:\n%s", want, out)
		}
	}
}
