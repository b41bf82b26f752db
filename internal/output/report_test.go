package output

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// A JWT-shaped string made for the tests; not a real token.
const fakeJWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW5vdC1yZWFs"

func src(f string, l int) inventory.Source { return inventory.Source{File: f, Line: l} }

func sample() map[string]*finding.Report {
	base := func() *finding.Report {
		return &finding.Report{
			SchemaVersion: finding.SchemaVersion, Tool: "ttt-check", ToolVersion: "test",
			Recipes: finding.Recipes{Version: "2026.11.0", Digest: "sha256:" + strings.Repeat("ab", 32), Source: "embedded"},
			Host:    "se01.example.org", Root: "/", ScannedAt: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC),
			Profile:   finding.Profile{Environment: "production", Assumed: true},
			FailOn:    vocab.Medium,
			Inventory: inventory.Inventory{Host: "se01.example.org", HostnameFrom: "/etc/hostname", Root: "/"},
		}
	}
	empty := base()
	empty.Summary = finding.Summarize(nil)

	inv := base()
	inv.Profile = finding.Profile{File: "/etc/ttt-check/site.toml", Site: "EXAMPLE", Environment: "testbed"}
	inv.Inventory.Services = []inventory.Service{{
		Name: "xrootd", Kind: "storage", Instance: "standalone", TokensEnabled: true, TokensSource: src("/etc/xrootd/xrootd-standalone.cfg", 4),
		ConfigFiles: []string{"/etc/xrootd/xrootd-standalone.cfg", "/etc/xrootd/scitokens.cfg"},
		Trusts: []inventory.Trust{{
			Service: "xrootd", Instance: "standalone", Name: "ATLAS", Issuer: "https://atlas-auth.cern.ch/", AnySubject: true,
			Audiences: []string{"https://se01.example.org:1094"}, AudienceChecked: true, AudienceSource: src("/etc/xrootd/scitokens.cfg", 2),
			Strategies: []inventory.Strategy{inventory.StrategyCapability}, StrategySource: src("/etc/xrootd/scitokens.cfg", 9),
			Account: "xrootd", AccountSource: src("/etc/xrootd/scitokens.cfg", 8), BasePaths: []string{"/data/atlas"},
			PathSource: src("/etc/xrootd/scitokens.cfg", 7), Source: src("/etc/xrootd/scitokens.cfg", 6),
		}},
		Settings: []inventory.Setting{{Key: "http.trace", Values: []string{"all"}, Source: src("/etc/xrootd/xrootd-standalone.cfg", 9)}},
		Problems: []inventory.Problem{{Source: src("/etc/xrootd/config.d/x.cfg", 0), Reason: "cannot read: permission denied"}},
		Runs:     inventory.RunsEnabled, Units: []string{"xrootd@standalone.service"},
		RunsSource: src("/etc/systemd/system/multi-user.target.wants/xrootd@standalone.service", 0),
		Versions:   []inventory.Component{{Name: "xrootd", Version: "5.5.3-1", Package: "xrootd-server", Manager: "dpkg", Source: src("/var/lib/dpkg/status", 12)}},
	}}
	inv.Inventory.HostFacts = &inventory.HostFacts{
		Units: []inventory.Unit{{Name: "xrootd@standalone.service", File: "/lib/systemd/system/xrootd@.service", State: inventory.UnitEnabled, Enabled: true,
			EnabledBy: []string{"/etc/systemd/system/multi-user.target.wants/xrootd@standalone.service"}, Preset: "enable",
			Env: []inventory.EnvVar{{Name: "SECRET", Value: "hunter2-never-shown"}}}},
		Packages: []inventory.Package{{Name: "xrootd-server", Version: "5.5.3-1", Arch: "amd64", Manager: "dpkg", Source: src("/var/lib/dpkg/status", 12)}},
	}
	inv.Summary = finding.Summarize(nil)

	many := base()
	many.Inventory = inv.Inventory
	many.Findings = []finding.Finding{
		{Check: "issuer-dev-vo", Title: "Development VO issuer", Severity: vocab.Critical, Status: vocab.StatusFail, Service: "xrootd", Instance: "standalone",
			Message: "trusts the dev VO", Expected: "no dev VO", Actual: "https://wlcg.cloud.cnaf.infn.it/", File: "/etc/xrootd/scitokens.cfg", Line: 6,
			Remediation: "Remove it.\nMore detail.", References: []string{"https://example.org/ref"}, Fingerprint: "0123456789abcdef",
			Also: []finding.Place{{Service: "xrootd", Instance: "standalone", File: "/etc/xrootd/scitokens.cfg", Line: 14}, {Service: "eos", File: "/etc/xrootd/scitokens.cfg", Line: 6}}},
		{Check: "audience-any", Title: "Any audience", Severity: vocab.Low, Status: vocab.StatusWaived, Service: "xrootd", Instance: "standalone",
			Message: "any audience", File: "/etc/xrootd/scitokens.cfg", Line: 2, Remediation: "Fix it.", Fingerprint: "fedcba9876543210",
			Waiver: &finding.Waiver{Reason: "compliance testbed", Expires: "2027-01-31", Approver: "J. Admin", Source: "/etc/ttt-check/site.toml:20"}},
		{Check: "log-token-leak", Title: "Tokens in logs", Severity: vocab.High, Status: vocab.StatusFail, Service: "dcache",
			Message: "log line Authorization: Bearer " + fakeJWT + " and password=hunter2", File: "/etc/dcache/dcache.conf", Line: 3,
			Remediation: "Lower the level.", Fingerprint: "00112233445566ff"},
		// A site rule's finding: its own namespace, the site's metadata.
		{Check: "site/storage-issuers", Title: "Storage trusts an issuer other than our IAM and ATLAS", Severity: vocab.High, Status: vocab.StatusFail,
			Service: "xrootd", Instance: "standalone", Message: "xrootd (standalone) trusts https://cms-auth.cern.ch/ (CMS)",
			File: "/etc/xrootd/scitokens.cfg", Line: 13, Remediation: "Remove the [Issuer CMS] section.",
			References: []string{"https://security.example.org/policy/tokens"}, Fingerprint: "a1b2c3d4e5f60718"},
	}
	many.Summary = finding.Summarize(many.Findings)
	return map[string]*finding.Report{"empty": empty, "inventory": inv, "many": many}
}

func TestGolden(t *testing.T) {
	for name, r := range sample() {
		for _, format := range Names(DocReport) {
			t.Run(name+"."+format, func(t *testing.T) {
				w, err := Lookup(format)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := w(&buf, r, Options{}); err != nil {
					t.Fatal(err)
				}
				testkit.Golden(t, filepath.Join("testdata", name+"."+format), buf.Bytes())
			})
		}
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONMatchesSchema(t *testing.T) {
	s := compileSchema(t)
	for name, r := range sample() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, r, Options{}); err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(doc); err != nil {
				t.Errorf("report %s does not match the schema: %v", name, err)
			}
		})
	}
	// The validation can fail: a report with a wrong severity or without
	// a required key is rejected.
	bad := []struct{ name, from, to string }{
		{"unknown severity", `"severity": "critical"`, `"severity": "severe"`},
		{"missing key", `"check": "issuer-dev-vo",`, ``},
		{"null findings", `"findings": [`, `"findings": null, "x": [`},
		{"another namespace", `"check": "site/storage-issuers"`, `"check": "local/storage-issuers"`},
		{"an empty site rule id", `"check": "site/storage-issuers"`, `"check": "site/"`},
		{"a nested namespace", `"check": "site/storage-issuers"`, `"check": "site/site/x"`},
	}
	for _, b := range bad {
		t.Run("rejects "+b.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, sample()["many"], Options{}); err != nil {
				t.Fatal(err)
			}
			mutated := strings.Replace(buf.String(), b.from, b.to, 1)
			if mutated == buf.String() {
				t.Fatalf("mutation %q not applied", b.from)
			}
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(mutated))
			if err != nil {
				t.Fatal(err)
			}
			if s.Validate(doc) == nil {
				t.Error("schema accepted a broken report")
			}
		})
	}
}

func TestNoSecretInAnyOutput(t *testing.T) {
	r := sample()["many"]
	r.Inventory.Services[0].Trusts[0].Audiences = []string{"Bearer%20" + fakeJWT}
	for _, format := range Names(DocReport) {
		w, _ := Lookup(format)
		var buf bytes.Buffer
		if err := w(&buf, r, Options{Color: true}); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{fakeJWT, "eyJzdWIiOiJ0ZXN0In0", "hunter2"} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("%s output contains %q", format, secret)
			}
		}
		// Prometheus carries counts and names only: nothing to redact.
		if format != "prometheus" && !strings.Contains(buf.String(), "[REDACTED]") {
			t.Errorf("%s output shows no redaction marker", format)
		}
	}
	if r.Findings[2].Message == Redact(r.Findings[2].Message) {
		t.Fatal("Redact changed nothing")
	}
	if !strings.Contains(r.Findings[2].Message, fakeJWT) {
		t.Error("writers mutated the caller's report")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"issuer https://atlas-auth.cern.ch/", "issuer https://atlas-auth.cern.ch/"},
		{"authz=Bearer%20" + fakeJWT + "&x=1", "authz=Bearer%20[REDACTED]&x=1"},
		{"dots encoded " + strings.ReplaceAll(fakeJWT, ".", "%2E"), "dots encoded [REDACTED]"},
		{"secretkey = abc123", "secretkey = [REDACTED]"},
		{"root://user:pass@host//f", "root://user:[REDACTED]@host//f"},
	}
	for _, tc := range tests {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	r := sample()["many"]
	var plain, colour bytes.Buffer
	Text(&plain, r, Options{})
	Text(&colour, r, Options{Color: true})
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(colour.String(), "\x1b[") {
		t.Error("colour codes where not asked for, or missing where asked")
	}
	if !strings.HasSuffix(plain.String(), "se01.example.org: 3 failed (1 critical, 2 high), 1 waived — fail-on medium: FAIL\n") {
		t.Errorf("summary line: %q", plain.String()[strings.LastIndex(strings.TrimRight(plain.String(), "\n"), "\n")+1:])
	}
}

func TestInventoryText(t *testing.T) {
	r := sample()["inventory"]
	var buf bytes.Buffer
	if err := InventoryText(&buf, &r.Inventory, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"issuer https://atlas-auth.cern.ch/ [ATLAS]  /etc/xrootd/scitokens.cfg:6", "audiences:  https://se01.example.org:1094  /etc/xrootd/scitokens.cfg:2", "mapped to:  xrootd  /etc/xrootd/scitokens.cfg:8", "base paths: /data/atlas  /etc/xrootd/scitokens.cfg:7", "http.trace = all  /etc/xrootd/xrootd-standalone.cfg:9", "PROBLEM /etc/xrootd/config.d/x.cfg"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("inventory text lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestRedactKeepsPaths: key material is redacted by shape, paths and
// digests are not.
func TestRedactKeepsPaths(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/tmp/TestLogsRelativePaths3102541635/001/logs128/xrootd.log", "/tmp/TestLogsRelativePaths3102541635/001/logs128/xrootd.log"},
		{"https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdSciTokens/XrdSciTokensAccess.cc", "https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdSciTokens/XrdSciTokensAccess.cc"},
		{"sha256:8ea98708b1ed8ea98708b1ed8ea98708b1ed8ea98708b1ed8ea98708b1ed", "sha256:8ea98708b1ed8ea98708b1ed8ea98708b1ed8ea98708b1ed8ea98708b1ed"},
		// A PEM body line (random bytes); the constant DER header of a key
		// ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC…", the same in every RSA key)
		// may stay.
		{"not an assignment: sycuC05cl4NNpr/hC8iJun84M+bFrjoNWxujXj2j2mjiPOUEo8QiX9e7EUodPmH8", "not an assignment: " + Redacted},
		{"/tmp/Ct3n25LurdOU4mzWLJMhgy2Fo/LUY7Xp3d6CAKhx9Qz3Lp0", Redacted},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestScrubLeavesTheOriginal: the writers scrub a copy of the report; the
// caller's report (kept by a many-host run, compared with a baseline)
// must come out as it went in, secrets and all, through every kind of
// value the model holds (slices, pointers, nested structs).
func TestScrubLeavesTheOriginal(t *testing.T) {
	r := &finding.Report{SchemaVersion: finding.SchemaVersion, Host: "se01.example.org " + fakeJWT,
		Findings: []finding.Finding{{Check: "audience-any", Severity: vocab.High, Status: vocab.StatusFail, Message: "token " + fakeJWT,
			Waiver: &finding.Waiver{Reason: "agreed " + fakeJWT, Expires: "2027-01-01"}}},
		Inventory: inventory.Inventory{Host: "se01.example.org", Services: []inventory.Service{{Name: "xrootd",
			Settings: []inventory.Setting{{Key: "sec.protparm", Values: []string{"-password", "hunter2-hunter2"}}},
			Trusts:   []inventory.Trust{{Issuer: "https://atlas-auth.cern.ch/", Account: fakeJWT, Subjects: []string{fakeJWT}}}}}}}
	before, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	c := sanitize(r)
	after, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("sanitize changed the caller's report:\nbefore %s\nafter  %s", before, after)
	}
	scrubbed, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{fakeJWT, "hunter2-hunter2"} {
		if bytes.Contains(scrubbed, []byte(secret)) {
			t.Errorf("the scrubbed copy still holds %q: %s", secret, scrubbed)
		}
	}
	if c.Findings[0].Waiver == r.Findings[0].Waiver || &c.Findings[0] == &r.Findings[0] || &c.Inventory.Services[0].Trusts[0] == &r.Inventory.Services[0].Trusts[0] {
		t.Error("the scrubbed copy shares a pointer or slice holding strings with the original")
	}
}

// TestJSONIsEncodingJSON: the JSON writers stream through json/v2 with
// v1's options; their bytes must be encoding/json's indented output of
// the same scrubbed value, the format tools have parsed since schema 1.0
// (HTML-escaped <, > and &, empty and null lists, maps in key order).
// Scrubbing has already turned invalid UTF-8 and U+2028 into visible
// escapes, where the two encoders would differ (a raw U+FFFD against
// "\ufffd").
func TestJSONIsEncodingJSON(t *testing.T) {
	odd := "a <b> & c\u2028d\xffe \"q\" \\ \t"
	r := &finding.Report{SchemaVersion: finding.SchemaVersion, Host: odd, Findings: []finding.Finding{{Check: "x", Message: odd, References: []string{}}},
		Summary:   finding.Summary{BySeverity: map[string]int{"high": 1, "critical": 2}},
		Inventory: inventory.Inventory{Host: odd, Services: []inventory.Service{{Name: "xrootd", Settings: []inventory.Setting{{Key: odd, Values: []string{odd, ""}}}}}}}
	inv := sanitizeInventory(&r.Inventory)
	tests := []struct {
		name     string
		write    func(w *bytes.Buffer) error
		scrubbed any
	}{
		{"report", func(w *bytes.Buffer) error { return JSON(w, r, Options{}) }, sanitize(r)},
		{"inventory", func(w *bytes.Buffer) error { return InventoryJSON(w, &r.Inventory, Options{}) }, &inv},
		{"empty report", func(w *bytes.Buffer) error { return JSON(w, &finding.Report{}, Options{}) }, sanitize(&finding.Report{})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got, want bytes.Buffer
			if err := tc.write(&got); err != nil {
				t.Fatal(err)
			}
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(tc.scrubbed); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("JSON differs from encoding/json:\ngot  %s\nwant %s", got.String(), want.String())
			}
		})
	}
}
