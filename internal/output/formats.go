package output

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// JUnit writes one testcase per check and service (CI systems show JUnit
// natively). A testcase fails — one <failure> listing every location —
// only for findings at or above --fail-on, the same verdict as the exit
// code; findings below it go to <system-out>; waived and not-running ones
// make a testcase skipped when nothing fails in it.
func JUnit(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitizeFindings(r)
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type skipped struct {
		Message string `xml:"message,attr"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure"`
		Skipped   *skipped `xml:"skipped"`
		SystemOut string   `xml:"system-out,omitempty"`
		failing   []finding.Finding
		below     []string
	}
	type suite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	counts := func(f finding.Finding) bool {
		if f.Status != vocab.StatusFail || f.Severity < r.FailOn {
			return false
		}
		return !r.FailOnNew || f.Baseline != "unchanged"
	}
	cases := map[string]*testcase{}
	var keys []string
	for _, f := range r.Findings {
		svc := f.Service
		if svc == "" {
			svc = "site-profile"
		}
		if f.Instance != "" {
			svc += "." + f.Instance
		}
		k := svc + "/" + f.Check
		c, ok := cases[k]
		if !ok {
			c = &testcase{Name: f.Check + ": " + f.Title, Classname: "ttt-check." + r.Host + "." + svc}
			cases[k] = c
			keys = append(keys, k)
		}
		switch {
		case counts(f):
			c.failing = append(c.failing, f)
		case f.Status == vocab.StatusWaived:
			if c.Skipped == nil {
				c.Skipped = &skipped{Message: "waived: " + f.Waiver.Reason}
			}
		case f.Status == vocab.StatusNotRunning:
			if c.Skipped == nil {
				c.Skipped = &skipped{Message: "not running: systemd does not start " + f.Service}
			}
		default:
			c.below = append(c.below, fmt.Sprintf("[%s, below fail-on %s] %s%s: %s", f.Severity, r.FailOn, f.Location(), alsoSuffix(f), f.Message))
		}
	}
	// Services scanned without findings still show as passing checks.
	for _, s := range r.Inventory.Services {
		svc := s.Name
		if s.Instance != "" {
			svc += "." + s.Instance
		}
		k := svc + "/ok"
		if _, ok := cases[k]; !ok {
			cases[k] = &testcase{Name: "no deviation", Classname: "ttt-check." + r.Host + "." + svc}
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	st := suite{Name: "ttt-check " + r.Host}
	for _, k := range keys {
		c := cases[k]
		if strings.HasSuffix(k, "/ok") && hasPrefix(keys, strings.TrimSuffix(k, "/ok")+"/", k) {
			continue
		}
		if len(c.failing) > 0 {
			worst := c.failing[0].Severity
			var text []string
			for _, f := range c.failing {
				worst = max(worst, f.Severity)
				text = append(text, fmt.Sprintf("[%s] %s%s\n%s\nfix: %s", f.Severity, f.Location(), alsoSuffix(f), f.Message, f.Remediation))
			}
			msg := c.failing[0].Message
			if len(c.failing) > 1 {
				msg = fmt.Sprintf("%d findings: %s", len(c.failing), msg)
			}
			c.Failure, c.Skipped = &failure{Message: msg, Type: worst.String(), Text: strings.Join(text, "\n\n")}, nil
		}
		if len(c.below) > 0 {
			c.SystemOut = strings.Join(c.below, "\n")
		}
		st.Cases = append(st.Cases, *c)
		st.Tests++
		if c.Failure != nil {
			st.Failures++
		}
		if c.Skipped != nil {
			st.Skipped++
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(st); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func hasPrefix(keys []string, prefix, except string) bool {
	for _, k := range keys {
		if k != except && strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// sarifLevel maps severities to SARIF levels.
func sarifLevel(s vocab.Severity) string {
	switch s {
	case vocab.Critical, vocab.High:
		return "error"
	case vocab.Medium, vocab.Low:
		return "warning"
	}
	return "note"
}

// SARIF writes SARIF 2.1.0 (code-scanning dashboards): one rule per check
// with help and remediation, one result per finding with its file:line.
func SARIF(w io.Writer, r *finding.Report, _ Options) error {
	s, err := buildSARIF(r)
	if err != nil {
		return err
	}
	return s.PrettyWrite(w)
}

func buildSARIF(r *finding.Report) (*sarif.Report, error) {
	r = sanitizeFindings(r)
	rep := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("ttt-check", "https://github.com/ttt-wg/ttt-check")
	run.Tool.Driver.WithVersion(r.ToolVersion)
	run.Tool.Driver.WithProperties(sarif.NewPropertyBag().Add("recipes", r.Recipes.Version).Add("recipesDigest", r.Recipes.Digest))
	for _, f := range r.Findings {
		if run.GetRuleIndex(f.Check) < 0 {
			rule := run.AddRule(f.Check).WithName(f.Check)
			rule.WithShortDescription(sarif.NewMultiformatMessageString().WithText(f.Title))
			// A rule is one check for every service: each result carries
			// the fix for its own service and host.
			help := "Each result carries the fix for its service, with the host's values (its message and its fix property)."
			rule.WithHelp(sarif.NewMultiformatMessageString().WithText(help).WithMarkdown("**How to fix**\n\n" + help + "\n\n" + refList(f.References)))
			rule.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(f.Severity)))
			rule.WithProperties(sarif.NewPropertyBag().Add("severity", f.Severity.String()))
		}
		msg := sarif.NewTextMessage(f.Message)
		if f.Remediation != "" {
			msg.WithMarkdown(f.Message + "\n\n**How to fix**\n\n```\n" + f.Remediation + "\n```")
		}
		res := run.CreateResultForRule(f.Check).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(msg).
			WithPartialFingerprints(map[string]string{"ttt-check/v1": f.Fingerprint})
		if f.File != "" {
			// SARIF: "more than one location if the condition manifests
			// in multiple places".
			locs := []*sarif.Location{sarifLocation(f.File, f.Line)}
			for _, p := range f.Also {
				locs = append(locs, sarifLocation(p.File, p.Line))
			}
			res.WithLocations(locs)
		}
		props := sarif.NewPropertyBag().Add("severity", f.Severity.String()).Add("service", f.Service)
		if f.Expected != "" {
			props.Add("expected", f.Expected)
		}
		if f.Actual != "" {
			props.Add("actual", f.Actual)
		}
		if f.Remediation != "" {
			props.Add("fix", f.Remediation)
		}
		res.WithProperties(props)
		if f.Status == vocab.StatusWaived {
			sup := sarif.NewSuppression()
			sup.WithKind("external")
			sup.WithJustification(f.Waiver.Reason)
			res.WithSuppressions([]*sarif.Suppression{sup})
		}
	}
	rep.AddRun(run)
	return rep, nil
}

func refList(refs []string) string {
	var b strings.Builder
	for _, r := range refs {
		b.WriteString("- " + r + "\n")
	}
	return b.String()
}

// Nagios writes the monitoring-plugin output: one status line, long output,
// perfdata per severity. NagiosCode gives the matching exit code. Every
// write is checked: a monitoring system must not read half a status.
func Nagios(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitizeFindings(r)
	t := &textWriter{w: w}
	s := finding.Summarize(r.Findings)
	state := []string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}[NagiosCode(r)]
	var parts []string
	for sev := vocab.Critical; sev >= vocab.Info; sev-- {
		if n := s.BySeverity[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	summary := "no token-trust deviation"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ") + " token-trust deviation(s)"
	}
	if verdictOf(r) == finding.VerdictUnknown && len(parts) == 0 {
		summary = "nothing to judge: " + r.NothingToJudge
	}
	var perf []string
	for _, n := range vocab.SeverityNames() {
		perf = append(perf, fmt.Sprintf("%s=%d;;;0", n, s.BySeverity[n]))
	}
	perf = append(perf, fmt.Sprintf("waived=%d;;;0", s.Waived))
	t.printf("TTT-CHECK %s - %s on %s | %s\n", state, oneLine(summary), oneLine(r.Host), strings.Join(perf, " "))
	for _, f := range r.Findings {
		if f.Status != vocab.StatusFail {
			continue
		}
		t.printf("[%s] %s %s %s%s: %s\n", strings.ToUpper(f.Severity.String()), f.Service, f.Check, f.Location(), alsoSuffix(f), oneLine(f.Message))
	}
	return t.err
}

// oneLine keeps a value on its line: the plugin API reads the first line
// as the status.
func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// NagiosCode maps the verdict to the monitoring-plugin codes:
// UNKNOWN (3) when there was nothing to judge; when the scan fails
// (findings at or above --fail-on) CRITICAL (2) if the worst of them is
// high or critical, else WARNING (1); when it passes, WARNING for open
// findings of low severity or above below the threshold, else OK (0).
// So --fail-on critical with only high findings is WARNING, never
// CRITICAL.
func NagiosCode(r *finding.Report) int {
	worst, any := finding.Worst(r.Findings)
	switch verdictOf(r) {
	case finding.VerdictUnknown:
		return 3
	case finding.VerdictFail:
		if worst >= vocab.High {
			return 2
		}
		return 1
	}
	if any && worst >= vocab.Low {
		return 1
	}
	return 0
}

// Prometheus writes the node_exporter textfile collector format.
func Prometheus(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitizeFindings(r)
	esc := func(s string) string {
		return strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`).Replace(s)
	}
	fmt.Fprintln(w, "# HELP ttt_check_findings Unwaived token-trust findings by severity, check and service.")
	fmt.Fprintln(w, "# TYPE ttt_check_findings gauge")
	type key struct{ sev, check, svc string }
	counts := map[key]int{}
	var keys []key
	for _, f := range r.Findings {
		if f.Status != vocab.StatusFail {
			continue
		}
		k := key{f.Severity.String(), f.Check, f.Service}
		if _, ok := counts[k]; !ok {
			keys = append(keys, k)
		}
		counts[k]++
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.sev+a.check+a.svc < b.sev+b.check+b.svc
	})
	for _, k := range keys {
		fmt.Fprintf(w, "ttt_check_findings{severity=\"%s\",check=\"%s\",service=\"%s\"} %d\n", k.sev, esc(k.check), esc(k.svc), counts[k])
	}
	s := finding.Summarize(r.Findings)
	fmt.Fprintln(w, "# HELP ttt_check_findings_by_severity Unwaived findings per severity.")
	fmt.Fprintln(w, "# TYPE ttt_check_findings_by_severity gauge")
	for _, n := range vocab.SeverityNames() {
		fmt.Fprintf(w, "ttt_check_findings_by_severity{severity=\"%s\"} %d\n", n, s.BySeverity[n])
	}
	fmt.Fprintln(w, "# HELP ttt_check_findings_waived Findings covered by an unexpired waiver.")
	fmt.Fprintln(w, "# TYPE ttt_check_findings_waived gauge")
	fmt.Fprintf(w, "ttt_check_findings_waived %d\n", s.Waived)
	fmt.Fprintln(w, "# HELP ttt_check_last_scan_timestamp_seconds When the scan ran (Unix time).")
	fmt.Fprintln(w, "# TYPE ttt_check_last_scan_timestamp_seconds gauge")
	fmt.Fprintf(w, "ttt_check_last_scan_timestamp_seconds %d\n", r.ScannedAt.Unix())
	fmt.Fprintln(w, "# HELP ttt_check_info Tool and recipe set of the scan.")
	fmt.Fprintln(w, "# TYPE ttt_check_info gauge")
	_, err := fmt.Fprintf(w, "ttt_check_info{version=\"%s\",recipes=\"%s\",recipes_digest=\"%s\",host=\"%s\"} 1\n", esc(r.ToolVersion), esc(r.Recipes.Version), esc(r.Recipes.Digest), esc(r.Host))
	return err
}

// Markdown writes a report for tickets and wikis.
func Markdown(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitizeFindings(r)
	md := strings.NewReplacer("|", `\|`, "\n", " ")
	fmt.Fprintf(w, "# ttt-check: %s\n\n", mdCell(r.Host))
	fmt.Fprintf(w, "Scanned %s with ttt-check %s, recipes %s (`%s`).", r.ScannedAt.Format("2006-01-02 15:04 MST"), r.ToolVersion, r.Recipes.Version, shortDigest(r.Recipes.Digest))
	if r.Profile.Assumed {
		fmt.Fprintf(w, " No site profile: assumed a production host.\n\n")
	} else {
		fmt.Fprintf(w, " Site %s, %s host.\n\n", r.Profile.Site, r.Profile.Environment)
	}
	fmt.Fprintf(w, "**%s**\n\n", summaryLine(r))
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "No deviation from the recipes.\n")
		return nil
	}
	fmt.Fprintln(w, "| severity | status | service | check | where | what | fix |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, f := range r.Findings {
		fmt.Fprintf(w, "| %s | %s | %s | `%s` | `%s` | %s | %s |\n", f.Severity, f.Status, md.Replace(f.Service), f.Check, f.Location()+alsoSuffix(f), md.Replace(f.Message), mdFix(f.Remediation))
	}
	return nil
}

// mdFix renders a fix whole in a Markdown table cell: its lines as
// <br>-separated, the lines it says to write as code.
func mdFix(text string) string {
	esc := strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;")
	var parts []string
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			parts = append(parts, "")
		case l[0] == ' ':
			parts = append(parts, "<code>"+esc.Replace(strings.TrimSpace(l))+"</code>")
		default:
			parts = append(parts, esc.Replace(l))
		}
	}
	return strings.Join(parts, "<br>")
}

func sarifLocation(file string, line int) *sarif.Location {
	loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewArtifactLocation().WithURI("file://" + file))
	if line > 0 {
		loc.WithRegion(sarif.NewRegion().WithStartLine(line))
	}
	return sarif.NewLocation().WithPhysicalLocation(loc)
}

// alsoSuffix is " (also at …)" for a finding shown in more places.
func alsoSuffix(f finding.Finding) string {
	if a := alsoAt(f); a != "" {
		return " (also at " + a + ")"
	}
	return ""
}
