package output

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// TestSARIFValidatesAgainstTheOfficialSchema uses go-sarif's embedded copy
// of the OASIS SARIF 2.1.0 schema.
func TestSARIFValidatesAgainstTheOfficialSchema(t *testing.T) {
	for name, r := range sample() {
		t.Run(name, func(t *testing.T) {
			s, err := buildSARIF(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
		})
	}
	var buf bytes.Buffer
	if err := SARIF(&buf, sample()["many"], Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ruleId": "issuer-dev-vo"`, `"uri": "file:///etc/xrootd/scitokens.cfg"`, `"startLine": 6`, `"justification": "compliance testbed"`, `How to fix`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, sample()["many"], Options{}); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Name     string `xml:"name,attr"`
			Failures []struct {
				Text string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &suite); err != nil {
		t.Fatalf("JUnit is not XML: %v", err)
	}
	if suite.Tests != 4 || suite.Failures != 3 || suite.Skipped != 1 {
		t.Errorf("suite = %+v", suite)
	}
	found := false
	for _, c := range suite.Cases {
		for _, f := range c.Failures {
			found = found || strings.HasPrefix(f.Text, "[critical] /etc/xrootd/scitokens.cfg:6 (also at /etc/xrootd/scitokens.cfg:14")
		}
	}
	if !found {
		t.Error("no failure carries file:line")
	}
	if !slices.ContainsFunc(suite.Cases, func(c struct {
		Name     string `xml:"name,attr"`
		Failures []struct {
			Text string `xml:",chardata"`
		} `xml:"failure"`
	}) bool {
		return strings.HasPrefix(c.Name, "site/storage-issuers: ")
	}) {
		t.Error("no testcase for the site rule")
	}
}

// TestJUnitFollowsFailOn: a testcase fails only for findings at or
// above --fail-on, with one <failure> for all its places; the rest goes
// to system-out, so JUnit and the exit code agree.
func TestJUnitFollowsFailOn(t *testing.T) {
	r := sample()["many"]
	r.FailOn = vocab.Critical
	var buf bytes.Buffer
	if err := JUnit(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "<failure ") != 1 || !strings.Contains(out, `type="critical"`) {
		t.Errorf("want one critical failure with fail-on critical:\n%s", out)
	}
	if !strings.Contains(out, "<system-out>[high, below fail-on critical]") {
		t.Errorf("the high finding is not in system-out:\n%s", out)
	}
}

func TestNagios(t *testing.T) {
	tests := []struct {
		name    string
		sev     vocab.Severity
		failOn  vocab.Severity
		nothing string
		code    int
		state   string
	}{
		{"critical finding", vocab.Critical, vocab.Medium, "", 2, "CRITICAL"},
		{"high finding", vocab.High, vocab.Medium, "", 2, "CRITICAL"},
		{"medium finding", vocab.Medium, vocab.Medium, "", 1, "WARNING"},
		{"info only", vocab.Info, vocab.Medium, "", 0, "OK"},
		// --fail-on critical with only high findings: WARNING at most.
		{"high below fail-on critical", vocab.High, vocab.Critical, "", 1, "WARNING"},
		{"low below fail-on medium", vocab.Low, vocab.Medium, "", 1, "WARNING"},
		{"nothing to judge", vocab.Info, vocab.Medium, "no supported service found", 3, "UNKNOWN"},
		// A failing finding outranks a missing service.
		{"failing and nothing else to judge", vocab.High, vocab.Medium, "required service dcache not found", 2, "CRITICAL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sample()["empty"]
			r.FailOn, r.NothingToJudge, r.Verdict = tc.failOn, tc.nothing, ""
			r.Findings = []finding.Finding{{Check: "x", Severity: tc.sev, Status: vocab.StatusFail, Service: "xrootd", File: "/f", Line: 1, Message: "m", Fingerprint: "0000000000000000"}}
			var buf bytes.Buffer
			if err := Nagios(&buf, r, Options{}); err != nil {
				t.Fatal(err)
			}
			first := strings.SplitN(buf.String(), "\n", 2)[0]
			if !regexp.MustCompile(`^TTT-CHECK ` + tc.state + ` - .* \| info=\d+;;;0 low=\d+;;;0 medium=\d+;;;0 high=\d+;;;0 critical=\d+;;;0 waived=\d+;;;0$`).MatchString(first) {
				t.Errorf("status line %q", first)
			}
			if NagiosCode(r) != tc.code {
				t.Errorf("code %d, want %d", NagiosCode(r), tc.code)
			}
		})
	}
}

// TestPrometheusWithPromtool has Prometheus's own linter judge the
// textfile output.
func TestPrometheusWithPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed: apt-get install prometheus (.ci/run does)")
	}
	for name, r := range sample() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Prometheus(&buf, r, Options{}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(promtool, "check", "metrics")
			cmd.Stdin = &buf
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("promtool check metrics: %v\n%s", err, out)
			}
		})
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader("ttt_check_findings{severity=\"high\" 1\n")
	if cmd.Run() == nil {
		t.Error("promtool accepted broken input; the test cannot fail")
	}
}

func TestBaselineInText(t *testing.T) {
	r := sample()["many"]
	prev := []finding.Finding{r.Findings[0], {Check: "gone", Status: vocab.StatusFail, Fingerprint: "ffffffffffffffff", File: "/etc/old.cfg", Line: 3, Message: "was here"}}
	r.Findings, r.Resolved = finding.CompareBaseline(r.Findings, prev)
	var buf bytes.Buffer
	if err := Text(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "issuer-dev-vo  /etc") || !strings.Contains(out, "log-token-leak [new]") || !strings.Contains(out, "resolved since the baseline:\n  gone  /etc/old.cfg:3") {
		t.Errorf("baseline not shown:\n%s", out)
	}
}

// TestExpiringWaivers: the single-host report names waivers that expire
// within 30 days of the scan, so they are renewed or fixed in time.
func TestExpiringWaivers(t *testing.T) {
	for _, tc := range []struct {
		expires string
		want    bool
	}{{"2026-12-20", true}, {"2026-12-23", false}, {"2026-11-21", false}} {
		t.Run(tc.expires, func(t *testing.T) {
			r := sample()["many"] // scanned 2026-11-22
			for i := range r.Findings {
				if r.Findings[i].Waiver != nil {
					w := *r.Findings[i].Waiver
					w.Expires = tc.expires
					r.Findings[i].Waiver = &w
				}
			}
			var buf bytes.Buffer
			if err := Text(&buf, r, Options{}); err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(buf.String(), "waivers expiring within 30 days:\n  audience-any (/etc/ttt-check/site.toml:20) expires "+tc.expires)
			if got != tc.want {
				t.Errorf("listed = %v, want %v:\n%s", got, tc.want, buf.String())
			}
		})
	}
}
