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
			found = found || strings.HasPrefix(f.Text, "/etc/xrootd/scitokens.cfg:6")
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

func TestNagios(t *testing.T) {
	tests := []struct {
		name  string
		sev   vocab.Severity
		code  int
		state string
	}{
		{"critical finding", vocab.Critical, 2, "CRITICAL"},
		{"high finding", vocab.High, 2, "CRITICAL"},
		{"medium finding", vocab.Medium, 1, "WARNING"},
		{"info only", vocab.Info, 0, "OK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sample()["empty"]
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
