package output

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

var severityColor = map[vocab.Severity]string{
	vocab.Critical: "\x1b[1;31m",
	vocab.High:     "\x1b[31m",
	vocab.Medium:   "\x1b[33m",
	vocab.Low:      "\x1b[36m",
	vocab.Info:     "\x1b[2m",
}

const reset = "\x1b[0m"

type textWriter struct {
	w   io.Writer
	opt Options
	err error
}

func (t *textWriter) printf(format string, a ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, a...)
}

func (t *textWriter) sev(s vocab.Severity, label string) string {
	if !t.opt.Color {
		return label
	}
	return severityColor[s] + label + reset
}

// Text writes the report for people: findings grouped by service, groups
// and findings worst first, each with file:line, and one summary line.
func Text(w io.Writer, r *finding.Report, opt Options) error {
	r = sanitizeFindings(r)
	t := &textWriter{w: w, opt: opt}
	if opt.Quiet {
		t.printf("%s\n", summaryLine(r))
		return t.err
	}
	t.printf("ttt-check %s — host %s%s", r.ToolVersion, r.Host, hostAside(r.Inventory.HostnameFrom, r.Root))
	t.printf("\nscanned %s; recipes %s (%s)\n", r.ScannedAt.Format("2006-01-02 15:04 MST"), r.Recipes.Version, shortDigest(r.Recipes.Digest))
	if r.Profile.Assumed {
		t.printf("no site profile found: assumed a production host\n")
	} else {
		t.printf("site profile %s: site %s, %s host\n", r.Profile.File, orDash(r.Profile.Site), r.Profile.Environment)
	}
	t.printf("services: %s\n", serviceList(r.Inventory))
	if l := r.LogsSearched; l != nil {
		t.printf("logs: searched %d file(s), %s, in %s\n", l.Files, byteSize(l.Bytes), orDash(strings.Join(l.Paths, ", ")))
	}
	// The verdict first, for whoever reads only the top of a long report.
	t.printf("%s\n\n", summaryLine(r))

	groups := groupFindings(r.Findings)
	if len(groups) == 0 {
		if r.NothingToJudge != "" {
			t.printf("Nothing to judge: %s.\n\n", r.NothingToJudge)
		} else {
			t.printf("No deviation from the recipes.\n\n")
		}
	}
	for _, g := range groups {
		t.printf("%s\n", g.label)
		for _, f := range g.findings {
			label := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
			switch f.Status {
			case vocab.StatusWaived:
				label = fmt.Sprintf("%-8s", "WAIVED")
			case vocab.StatusNotRunning:
				label = fmt.Sprintf("%-8s", "DISABLED")
			}
			tag := ""
			if f.Baseline == "new" {
				tag = " [new]"
			}
			t.printf("  %s %s%s  %s\n", t.sev(f.Severity, label), f.Check, tag, orDash(f.Location()))
			t.printf("           %s\n", f.Message)
			if also := alsoAt(f); also != "" {
				t.printf("           also at:  %s\n", also)
			}
			if f.Expected != "" {
				t.printf("           expected: %s\n", f.Expected)
			}
			if f.Actual != "" {
				t.printf("           actual:   %s\n", f.Actual)
			}
			if f.Waiver != nil {
				t.printf("           waived:   %s (until %s", f.Waiver.Reason, f.Waiver.Expires)
				if f.Waiver.Approver != "" {
					t.printf(", approved by %s", f.Waiver.Approver)
				}
				t.printf(", %s)\n", f.Waiver.Source)
			} else if f.Remediation != "" {
				t.fix(f.Remediation)
			}
		}
		t.printf("\n")
	}
	if soon := expiringWaivers(r, 30); len(soon) > 0 {
		t.printf("waivers expiring within 30 days:\n")
		for _, line := range soon {
			t.printf("  %s\n", line)
		}
		t.printf("\n")
	}
	if len(r.Resolved) > 0 {
		t.printf("resolved since the baseline:\n")
		for _, f := range r.Resolved {
			t.printf("  %s  %s  %s\n", f.Check, orDash(f.Location()), f.Message)
		}
		t.printf("\n")
	}
	t.printf("%s\n", summaryLine(r))
	return t.err
}

// summaryLine is the one line a post-deploy log or a mail subject needs.
func summaryLine(r *finding.Report) string {
	// The summary of every finding, also when --severity shows fewer.
	s := r.Summary
	if s.BySeverity == nil || s.Total < len(r.Findings) {
		s = finding.Summarize(r.Findings)
	}
	var parts []string
	for sev := vocab.Critical; sev >= vocab.Info; sev-- {
		if n := s.BySeverity[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	line := fmt.Sprintf("%s: %d failed", r.Host, s.Failed)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(", %d waived", s.Waived)
	if hidden := s.Total - len(r.Findings); hidden > 0 {
		line += fmt.Sprintf(", %d below --severity not shown", hidden)
	}
	if s.NotRunning > 0 {
		line += fmt.Sprintf(", %d on services systemd does not start", s.NotRunning)
	}
	line += fmt.Sprintf(" — fail-on %s: ", r.FailOn)
	switch verdictOf(r) {
	case finding.VerdictFail:
		return line + "FAIL"
	case finding.VerdictUnknown:
		return line + "UNKNOWN (nothing to judge: " + r.NothingToJudge + ")"
	}
	return line + "PASS"
}

// expiringWaivers lists the waivers of the report's findings that expire
// within days of the scan, soonest first: the admin renews or fixes them
// before the host fails again.
func expiringWaivers(r *finding.Report, days int) []string {
	type w struct {
		at   time.Time
		line string
	}
	seen := map[string]bool{}
	var out []w
	for _, f := range r.Findings {
		if f.Waiver == nil || seen[f.Waiver.Source] {
			continue
		}
		at, err := time.Parse(time.DateOnly, f.Waiver.Expires)
		if err != nil {
			continue
		}
		left := int(at.Sub(r.ScannedAt.UTC().Truncate(24*time.Hour)).Hours() / 24)
		if left < 0 || left > days {
			continue
		}
		seen[f.Waiver.Source] = true
		out = append(out, w{at, fmt.Sprintf("%s (%s) expires %s, in %d day(s): %s", f.Check, f.Waiver.Source, f.Waiver.Expires, left, f.Waiver.Reason)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	lines := make([]string, len(out))
	for i, x := range out {
		lines[i] = x.line
	}
	return lines
}

// verdictOf is the report's verdict, computed when the report carries
// none (a report read back from an older JSON file).
func verdictOf(r *finding.Report) string {
	if r.Verdict != "" {
		return r.Verdict
	}
	return r.Judge()
}

// byteSize renders a byte count for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Compact writes one line per finding — severity, check, service,
// file:line, message — for grep, awk and chat messages.
func Compact(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitizeFindings(r)
	t := &textWriter{w: w}
	for _, f := range r.Findings {
		label := strings.ToUpper(f.Severity.String())
		switch f.Status {
		case vocab.StatusWaived:
			label = "WAIVED"
		case vocab.StatusNotRunning:
			label = "DISABLED"
		}
		svc := f.Service
		if svc == "" {
			svc = "-"
		}
		if f.Instance != "" {
			svc += "(" + f.Instance + ")"
		}
		t.printf("%s %s %s %s %s\n", label, f.Check, svc, orDash(f.Location()), f.Message)
	}
	return t.err
}

type group struct {
	label    string
	worst    vocab.Severity
	findings []finding.Finding
}

func groupFindings(fs []finding.Finding) []group {
	index := map[string]int{}
	var groups []group
	for _, f := range fs {
		label := f.Service
		switch {
		case label != "":
		case f.Check == vocab.CheckLogsTokenLeaked || strings.HasPrefix(f.Key, "log:"):
			label = "logs"
		default:
			label = "site profile and rules"
		}
		if f.Instance != "" {
			label += " (" + f.Instance + ")"
		}
		i, ok := index[label]
		if !ok {
			i = len(groups)
			index[label] = i
			groups = append(groups, group{label: label, worst: f.Severity})
		}
		groups[i].findings = append(groups[i].findings, f)
	}
	for i := range groups {
		g := &groups[i]
		sort.SliceStable(g.findings, func(a, b int) bool {
			fa, fb := g.findings[a], g.findings[b]
			// Open findings before waived ones, then worst first.
			if (fa.Status == vocab.StatusWaived) != (fb.Status == vocab.StatusWaived) {
				return fb.Status == vocab.StatusWaived
			}
			return fa.Severity > fb.Severity
		})
		g.worst = vocab.Info
		for _, f := range g.findings {
			if f.Status == vocab.StatusFail && f.Severity > g.worst {
				g.worst = f.Severity
			}
		}
	}
	sort.SliceStable(groups, func(a, b int) bool {
		if groups[a].worst != groups[b].worst {
			return groups[a].worst > groups[b].worst
		}
		return groups[a].label < groups[b].label
	})
	return groups
}

func serviceList(inv inventory.Inventory) string {
	if len(inv.Services) == 0 {
		return "none of the supported services found"
	}
	// Services that share what systemd does and which release they run are
	// listed together, so the usual host (all judged alike) stays one line.
	var groups []string
	byAside := map[string][]string{}
	for _, s := range inv.Services {
		a := serviceAside(s)
		if _, ok := byAside[a]; !ok {
			groups = append(groups, a)
		}
		byAside[a] = append(byAside[a], s.Label())
	}
	parts := make([]string, 0, len(groups))
	for _, a := range groups {
		parts = append(parts, strings.Join(byAside[a], ", ")+a)
	}
	return strings.Join(parts, "; ")
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

// fixIndent is where a finding's fields start in the text report.
const fixIndent = "           fix:      "

// fix writes a finding's fix in full, wrapped at 80 columns with a
// hanging indent under its label; the lines it says to write are kept
// as they are.
func (t *textWriter) fix(text string) {
	hang := strings.Repeat(" ", len(fixIndent))
	for i, l := range fixLines(text, 80-len(fixIndent)) {
		switch {
		case i == 0:
			t.printf("%s%s\n", fixIndent, l)
		case l == "":
			t.printf("\n")
		default:
			t.printf("%s%s\n", hang, l)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// InventoryText writes the trust inventory for people.
func InventoryText(w io.Writer, inv *inventory.Inventory, opt Options) error {
	c := sanitizeInventory(inv)
	t := &textWriter{w: w, opt: opt}
	t.printf("host %s%s", c.Host, hostAside(c.HostnameFrom, c.Root))
	t.printf("\n")
	if len(c.Services) == 0 {
		t.printf("\nnone of the supported services found\n")
	}
	for _, s := range c.Services {
		t.printf("\n%s\n", s.Label())
		if s.TokensEnabled {
			t.printf("  tokens: enabled  %s\n", s.TokensSource)
		} else {
			t.printf("  tokens: not enabled\n")
		}
		if len(s.ConfigFiles) > 0 {
			t.printf("  files:  %s\n", strings.Join(s.ConfigFiles, ", "))
		}
		for _, tr := range s.Trusts {
			iss := tr.Issuer
			if tr.AnyIssuer {
				iss = "ANY ISSUER"
			}
			t.printf("  issuer %s", iss)
			if tr.Name != "" {
				t.printf(" [%s]", tr.Name)
			}
			t.printf("  %s\n", tr.Source)
			if tr.AnySubject {
				t.printf("    subjects:   any subject\n")
			} else {
				t.printf("    subjects:   %s\n", strings.Join(tr.Subjects, ", "))
			}
			if tr.AudienceChecked {
				t.printf("    audiences:  %s  %s\n", strings.Join(tr.Audiences, ", "), tr.AudienceSource)
			} else {
				t.printf("    audiences:  NOT CHECKED  %s\n", tr.AudienceSource)
			}
			var st []string
			for _, x := range tr.Strategies {
				st = append(st, string(x))
			}
			t.printf("    authz:      %s  %s\n", strings.Join(st, " "), tr.StrategySource)
			switch {
			case tr.MapFile != "":
				t.printf("    mapped by:  %s (default account %s)  %s\n", tr.MapFile, orDash(tr.Account), tr.AccountSource)
			case tr.SubjectMapped:
				t.printf("    mapped to:  the token's subject  %s\n", tr.AccountSource)
			case tr.Account != "":
				t.printf("    mapped to:  %s  %s\n", tr.Account, tr.AccountSource)
			}
			if len(tr.BasePaths) > 0 {
				t.printf("    base paths: %s  %s\n", strings.Join(tr.BasePaths, ", "), tr.PathSource)
			}
			if len(tr.RestrictedPaths) > 0 {
				t.printf("    restricted: %s\n", strings.Join(tr.RestrictedPaths, ", "))
			}
		}
		if len(s.Trusts) == 0 {
			t.printf("  no trusted issuer\n")
		}
		if len(s.Settings) > 0 {
			t.printf("  settings:\n")
			for _, st := range s.Settings {
				t.printf("    %s = %s  %s\n", st.Key, strings.Join(st.Values, " "), st.Source)
			}
		}
		for _, p := range s.Problems {
			t.printf("  PROBLEM %s: %s\n", orDash(p.Source.String()), p.Reason)
		}
		for _, p := range s.PendingUpgrades {
			t.printf("  leftover %s\n", p.File)
		}
	}
	return t.err
}

// hostAside says where the host name came from and, for a snapshot, its
// root: " (name from /etc/hostname; root /srv/snap)".
func hostAside(from, root string) string {
	var parts []string
	if from != "" {
		parts = append(parts, "name from "+from)
	}
	if root != "" && root != "/" {
		parts = append(parts, "root "+root)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// alsoAt lists a finding's other places, naming the service where it is
// not the finding's own: "/etc/arc.conf:12; eos /etc/xrootd/scitokens.cfg:6".
func alsoAt(f finding.Finding) string {
	var parts []string
	for _, p := range f.Also {
		loc := orDash(p.Location())
		if p.Service != f.Service || p.Instance != f.Instance {
			loc = p.Label() + " " + loc
		}
		parts = append(parts, loc)
	}
	return strings.Join(parts, "; ")
}

// serviceAside says what systemd does with a service and which release it
// runs, where the host records them: " [disabled; xrootd 5.5.3-1]".
func serviceAside(s inventory.Service) string {
	var parts []string
	switch s.Runs {
	case inventory.RunsDisabled, inventory.RunsMasked:
		parts = append(parts, "not started by systemd: "+s.Runs)
	case inventory.RunsUnknown:
		// A snapshot of /etc alone holds no units: the service is judged
		// as if it ran, and the admin is told so.
		parts = append(parts, "no systemd unit found: judged as running")
	}
	for _, v := range s.Versions {
		parts = append(parts, v.Name+" "+v.Version)
	}
	if len(s.Versions) == 0 {
		parts = append(parts, "version unknown")
	}
	return " [" + strings.Join(parts, "; ") + "]"
}
