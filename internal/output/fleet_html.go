package output

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/fleet"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

var fleetPage = sync.OnceValue(func() *template.Template { return parsePage("fleet.html.tmpl") })

// FleetHTML writes the fleet view as one self-contained page: how many
// hosts fail, a chart of hosts by their worst finding, then one row per
// host (verdict, failing findings by severity, waived, when scanned and
// how long ago, stale and outdated-recipe markers) that can be filtered by
// verdict and staleness and sorted by any column, each host linking to
// its findings. The aggregate keeps only counts per check, so the findings
// (and the verdict at the host's own --fail-on) are read again from each
// host's result file, one at a time and redacted like every report; a
// result that is gone or changed falls back to the aggregate's counts.
func FleetHTML(w io.Writer, r *fleet.Report, _ Options) error {
	if err := fleetPage().Execute(w, newFleetView(r)); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

type fleetView struct {
	R         *fleet.Report
	Page      pageAssets
	Generated string
	Counts    fleetCounts
	Chart     chartView
	// Severities are the count columns, worst first; Verdicts the
	// verdicts present, for the filter.
	Severities, Verdicts []string
	Hosts                []*fleetHostView
	Details              []*fleetHostView
	Checks               []fleetCheck
	Issuers, Development []fleetIssuer
	Expiring             []fleet.Waiver
	Errors               []string
}

type fleetCounts struct {
	Hosts, Fail, Pass, Stale, OldRecipes int
	// Assumed counts hosts judged from the aggregate alone.
	Assumed int
}

// fleetHostView is one host's row and findings.
type fleetHostView struct {
	H     *fleet.Host
	ID    string
	Order int
	// Verdict is "fail" or "pass"; VerdictRank sorts fail first.
	Verdict, VerdictNote string
	VerdictRank          int
	Worst                string
	FailOn               string
	// Known is set when the host's result was read again: the counts by
	// severity and the findings are then known.
	Known                 bool
	Sev                   []fleetSevCount
	Waived                int
	Scanned, ScannedKey   string
	Age                   string
	AgeHours              int64
	Findings              []findingView
	Checks                []fleetCheckCount
	HasDetails            bool
	checkCount, sevFailed map[string]int
}

type fleetSevCount struct {
	Severity string
	N        int
	Known    bool
}

type fleetCheckCount struct {
	Check string
	N     int
}

// hostLink is a host name with the anchor of its findings, if the page
// has them.
type hostLink struct {
	Name, Href string
}

type fleetCheck struct {
	Check string
	N     int
	Hosts []hostLink
}

type fleetIssuer struct {
	Issuer      string
	Development bool
	Hosts       []hostLink
}

// readResult reads a host's result again, as the aggregate read it; nil
// when it is gone, unreadable or no longer the result aggregated.
func readResult(h *fleet.Host) *finding.Report {
	if h.File == "" {
		return nil
	}
	data, err := os.ReadFile(h.File)
	if err != nil {
		return nil
	}
	var r finding.Report
	if err := json.Unmarshal(data, &r); err != nil || r.Host != h.Host || (!h.ScannedAt.IsZero() && !r.ScannedAt.Equal(h.ScannedAt)) {
		return nil
	}
	r.Inventory = inventory.Inventory{}
	return sanitize(&r)
}

// age renders how long before the report a host was scanned.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future"
	case d < time.Hour:
		return "<1 h"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d d", int(d.Hours()/24))
}

func newFleetHostView(h *fleet.Host, i int, now time.Time) *fleetHostView {
	v := &fleetHostView{H: h, ID: fmt.Sprintf("h-%d", i+1), Order: i, checkCount: map[string]int{}, sevFailed: map[string]int{}}
	if h.Worst != "" && h.Worst != "none" {
		v.Worst = h.Worst
	}
	r := readResult(h)
	scanned := h.ScannedAt
	if scanned.IsZero() && r != nil {
		scanned = r.ScannedAt
	}
	v.Scanned, v.ScannedKey = scanned.UTC().Format("2006-01-02 15:04 MST"), scanned.UTC().Format(time.RFC3339)
	d := now.Sub(scanned)
	v.Age, v.AgeHours = age(d), int64(d/time.Hour)
	if r != nil {
		v.Known, v.FailOn = true, r.FailOn.String()
		s := finding.Summarize(r.Findings)
		v.Waived = s.Waived
		v.sevFailed = s.BySeverity
		v.Verdict, v.VerdictNote = "pass", "no unwaived finding at or above "+v.FailOn+" (its --fail-on)"
		if finding.AtOrAbove(r.Findings, r.FailOn) {
			v.Verdict, v.VerdictNote = "fail", "an unwaived finding at or above "+v.FailOn+" (its --fail-on)"
		}
		for j, f := range r.Findings {
			v.Findings = append(v.Findings, newFindingView(f, j, nil))
			if f.Status == vocab.StatusFail {
				v.checkCount[f.Check]++
			}
		}
	} else {
		// Judged from the aggregate: the worst failing finding against
		// scan's default --fail-on.
		v.Verdict, v.VerdictNote = "pass", "result not readable again: judged at --fail-on medium"
		if worst, err := vocab.ParseSeverity(h.Worst); err == nil && h.Failed > 0 && worst >= vocab.Medium {
			v.Verdict = "fail"
		}
		for c, n := range h.Checks {
			v.checkCount[c] = n
		}
	}
	if v.Verdict == "fail" {
		v.VerdictRank = 1
	}
	for _, sev := range severitiesDown() {
		n := v.sevFailed[sev.String()]
		v.Sev = append(v.Sev, fleetSevCount{Severity: sev.String(), N: n, Known: v.Known})
	}
	for c, n := range v.checkCount {
		if n > 0 {
			v.Checks = append(v.Checks, fleetCheckCount{Check: c, N: n})
		}
	}
	sort.Slice(v.Checks, func(a, b int) bool { return v.Checks[a].Check < v.Checks[b].Check })
	v.HasDetails = len(v.Findings) > 0 || len(v.Checks) > 0
	return v
}

func newFleetView(r *fleet.Report) fleetView {
	v := fleetView{R: r, Page: assets(), Generated: r.GeneratedAt.UTC().Format("2006-01-02 15:04 MST")}
	for _, sev := range severitiesDown() {
		v.Severities = append(v.Severities, sev.String())
	}
	byName := map[string]*fleetHostView{}
	worst := map[string]int{}
	checkHosts := map[string][]*fleetHostView{}
	for i, h := range r.Hosts {
		hv := newFleetHostView(h, i, r.GeneratedAt)
		v.Hosts = append(v.Hosts, hv)
		if _, dup := byName[h.Host]; !dup {
			byName[h.Host] = hv
		}
		if hv.HasDetails {
			v.Details = append(v.Details, hv)
		}
		v.Counts.Hosts++
		if hv.Verdict == "fail" {
			v.Counts.Fail++
		} else {
			v.Counts.Pass++
		}
		if !hv.Known {
			v.Counts.Assumed++
		}
		if h.Stale {
			v.Counts.Stale++
		}
		if h.OldRecipes {
			v.Counts.OldRecipes++
		}
		w := hv.Worst
		if w == "" {
			w = "none"
		}
		worst[w]++
		for c := range hv.checkCount {
			checkHosts[c] = append(checkHosts[c], hv)
		}
	}
	for _, verdict := range []string{"fail", "pass"} {
		if (verdict == "fail" && v.Counts.Fail > 0) || (verdict == "pass" && v.Counts.Pass > 0) {
			v.Verdicts = append(v.Verdicts, verdict)
		}
	}
	link := func(name string) hostLink {
		l := hostLink{Name: name}
		if hv := byName[name]; hv != nil && hv.HasDetails {
			l.Href = "#" + hv.ID
		}
		return l
	}
	for c, hosts := range checkHosts {
		fc := fleetCheck{Check: c}
		for _, hv := range hosts {
			fc.N += hv.checkCount[c]
			fc.Hosts = append(fc.Hosts, hostLink{Name: hv.H.Host, Href: "#" + hv.ID})
		}
		v.Checks = append(v.Checks, fc)
	}
	sort.Slice(v.Checks, func(i, j int) bool {
		a, b := v.Checks[i], v.Checks[j]
		if len(a.Hosts) != len(b.Hosts) {
			return len(a.Hosts) > len(b.Hosts)
		}
		return a.Check < b.Check
	})
	dev := map[string]bool{}
	for _, iss := range sortedHostKeys(r.Development) {
		dev[iss] = true
		fi := fleetIssuer{Issuer: Redact(iss), Development: true}
		for _, h := range r.Development[iss] {
			fi.Hosts = append(fi.Hosts, link(h))
		}
		v.Development = append(v.Development, fi)
	}
	for _, iss := range sortedHostKeys(r.Issuers) {
		fi := fleetIssuer{Issuer: Redact(iss), Development: dev[iss]}
		for _, h := range r.Issuers[iss] {
			fi.Hosts = append(fi.Hosts, link(h))
		}
		v.Issuers = append(v.Issuers, fi)
	}
	sort.SliceStable(v.Issuers, func(i, j int) bool { return len(v.Issuers[i].Hosts) > len(v.Issuers[j].Hosts) })
	for _, x := range r.Expiring {
		x.Reason = Redact(x.Reason)
		v.Expiring = append(v.Expiring, x)
	}
	for _, e := range r.Errors {
		v.Errors = append(v.Errors, Redact(e))
	}
	v.Chart = fleetChart(worst, v.Counts.Hosts)
	return v
}

// fleetChart is a bar chart of the hosts by their worst failing finding.
func fleetChart(worst map[string]int, hosts int) chartView {
	c := chartView{Title: "Hosts by their worst finding", Empty: "Nothing to chart: no host."}
	if hosts == 0 {
		return c
	}
	rows := append(vocab.SeverityNames(), "none")
	// worst first, "none" last
	for i, j := 0, len(rows)-2; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	max := 0
	for _, n := range worst {
		if n > max {
			max = n
		}
	}
	const barX, barMax = 70, 290
	c.Width, c.Height = barX+barMax+40, 4+len(rows)*chartRowH
	for i, name := range rows {
		n := worst[name]
		y := 4 + i*chartRowH
		wd := 0
		if max > 0 {
			wd = n * barMax / max
		}
		if n > 0 && wd < 4 {
			wd = 4
		}
		label := "worst: " + name
		if name == "none" {
			label = "no failing finding"
		}
		cell := chartCell{Class: "c-" + name, X: barX, Y: y, W: wd, H: chartCellH, TX: barX + wd + 14, TY: y + 14, N: n,
			Title: fmt.Sprintf("%d hosts: %s", n, label)}
		if n == 0 {
			cell.Class, cell.W = "zero", barMax
		}
		c.Rows = append(c.Rows, chartRow{Label: label, Short: name, TextY: y + 14, Cells: []chartCell{cell}})
	}
	c.Description = fmt.Sprintf("%d hosts by their worst failing finding", hosts)
	return c
}
