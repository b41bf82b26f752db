package output

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// The HTML pages are html/template documents with their stylesheet and
// script embedded inline: nothing is fetched from the network, and the
// Content-Security-Policy of each page allows exactly the style and script
// shipped here (by hash) and nothing else. Every value from a report goes
// through html/template's contextual escaping; the only values marked safe
// are the two assets below, which are part of the binary.

//go:embed html/*.tmpl
var htmlTemplates embed.FS

//go:embed html/page.css
var pageCSS string

//go:embed html/page.js
var pageJS string

// pageAssets are the stylesheet and script a page ships inline, and the
// Content-Security-Policy that allows them and nothing else.
type pageAssets struct {
	CSS template.CSS
	JS  template.JS
	CSP string
}

// assets are hashed on first use, like the pages.
var assets = sync.OnceValue(func() pageAssets { return newPageAssets(pageCSS, pageJS) })

func newPageAssets(css, js string) pageAssets {
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	csp := "default-src 'none'; style-src " + hash(css) + "; script-src " + hash(js) +
		"; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
	// The assets are constants of the binary, not report data: they are
	// the only content the templates do not escape.
	return pageAssets{CSS: template.CSS(css), JS: template.JS(js), CSP: csp}
}

var htmlFuncs = template.FuncMap{
	"strategies": func(x any) string {
		return strings.Trim(strings.ReplaceAll(fmt.Sprint(x), " ", ", "), "[]")
	},
	"join": strings.Join,
}

// parsePage parses a page's template with the shared chart.
func parsePage(file string) *template.Template {
	return template.Must(template.New(file).Funcs(htmlFuncs).ParseFS(htmlTemplates, "html/"+file, "html/chart.html.tmpl"))
}

// htmlPage is parsed on first use: only --format html needs it, and
// parsing it at init would cost every command, `version` included.
var htmlPage = sync.OnceValue(func() *template.Template { return parsePage("report.html.tmpl") })

// HTML writes one self-contained page (no scripts, fonts or images from
// the network): the verdict, counts and a severity × service chart on
// top, then the findings grouped by service and severity, each foldable
// and with its full remediation and sources, then the trust inventory. A
// small inline script adds filters (severity, status, service, check,
// text), sorting and folding, and keeps them in the URL's fragment
// (#severity=high,critical&service=xrootd); without it every finding is
// shown unfolded.
func HTML(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitize(r)
	if err := htmlPage().Execute(w, newHostView(r)); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// hostView is what the single-host template renders.
type hostView struct {
	R        *finding.Report
	Page     pageAssets
	Scanned  string
	Verdict  verdictView
	Counts   countsView
	Chart    chartView
	Groups   []serviceGroup
	Filter   filterView
	Resolved []findingView
}

type verdictView struct {
	Word, Class, Reason string
}

type countsView struct {
	Total, Failed, Waived, NotRunning, New int
	// Baseline is set when the scan was compared with a previous report.
	Baseline bool
}

type filterView struct {
	Severities, Statuses, Services, Checks []string
}

// serviceGroup is one service's findings, by severity.
type serviceGroup struct {
	ID, Label string
	// Counts are the failing findings by severity, worst first, without
	// zeros; Other counts the waived and not-running ones.
	Counts     []sevCount
	Other      int
	Severities []severityGroup
	worst      vocab.Severity
	failed     int
}

type severityGroup struct {
	Severity string
	Findings []findingView
}

type sevCount struct {
	Severity string
	N        int
}

// findingView is a finding with what the page needs beside it.
type findingView struct {
	finding.Finding
	ID, Label, Where       string
	Order, Rank            int
	NotFailing, NotRunning bool
	Places                 []placeView
	Refs                   []linkView
}

type placeView struct {
	// Label names the place's service when it is not the finding's.
	Label, Where string
}

type linkView struct {
	// Href is set for references that are web addresses; html/template
	// still filters the scheme. Text is what the page shows: the address
	// without its scheme, its middle elided when long.
	Href, Text string
}

// shortURL shortens a web address for display: no scheme, and when long
// the host, the first two path segments, "…" and the last one, so that a
// reference fits a line beside the fix; the link keeps the address.
func shortURL(u string) string {
	const max = 64
	s := u[strings.Index(u, "://")+3:]
	if len([]rune(s)) <= max {
		return s
	}
	parts := strings.Split(s, "/")
	if len(parts) <= 4 {
		return s
	}
	short := strings.Join(parts[:3], "/") + "/…/" + parts[len(parts)-1]
	if len([]rune(short)) > max {
		short = parts[0] + "/…/" + parts[len(parts)-1]
	}
	return short
}

// severitiesDown lists the severities worst first.
func severitiesDown() []vocab.Severity {
	return []vocab.Severity{vocab.Critical, vocab.High, vocab.Medium, vocab.Low, vocab.Info}
}

// serviceLabel names a finding's service for people; findings of the
// site profile itself have none.
func serviceLabel(service, instance string) string {
	if service == "" {
		return "site profile"
	}
	return inventory.Service{Name: service, Instance: instance}.Label()
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// anchorSafe reports whether s can be used in an element id as it is.
func anchorSafe(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func newFindingView(f finding.Finding, order int, ids map[string]bool) findingView {
	v := findingView{
		Finding: f, Order: order, Rank: int(f.Severity),
		Label:      serviceLabel(f.Service, f.Instance),
		Where:      orNone(f.Location()),
		NotFailing: f.Status != vocab.StatusFail,
		NotRunning: f.Status == vocab.StatusNotRunning,
	}
	v.ID = fmt.Sprintf("f-%d", order+1)
	if anchorSafe(f.Fingerprint) && !ids["f-"+f.Fingerprint] {
		v.ID = "f-" + f.Fingerprint
	}
	if ids != nil {
		ids[v.ID] = true
	}
	for _, p := range f.Also {
		pv := placeView{Where: orNone(p.Location())}
		if p.Service != f.Service || p.Instance != f.Instance {
			pv.Label = serviceLabel(p.Service, p.Instance)
		}
		v.Places = append(v.Places, pv)
	}
	for _, ref := range f.References {
		l := linkView{Text: ref}
		if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
			l.Href, l.Text = ref, shortURL(ref)
		}
		v.Refs = append(v.Refs, l)
	}
	return v
}

func newHostView(r *finding.Report) hostView {
	v := hostView{R: r, Page: assets(), Scanned: r.ScannedAt.Format("2006-01-02 15:04 MST")}
	v.Verdict = hostVerdict(r)
	s := finding.Summarize(r.Findings)
	v.Counts = countsView{Total: s.Total, Failed: s.Failed, Waived: s.Waived, NotRunning: s.NotRunning, Baseline: len(r.Resolved) > 0}
	ids := map[string]bool{}
	byLabel := map[string]*serviceGroup{}
	var groups []*serviceGroup
	checks := map[string]bool{}
	sevSeen := map[vocab.Severity]bool{}
	statusSeen := map[vocab.Status]bool{}
	for i, f := range r.Findings {
		fv := newFindingView(f, i, ids)
		if f.Baseline != "" {
			v.Counts.Baseline = true
		}
		if f.Baseline == "new" {
			v.Counts.New++
		}
		checks[f.Check] = true
		sevSeen[f.Severity] = true
		statusSeen[f.Status] = true
		g := byLabel[fv.Label]
		if g == nil {
			g = &serviceGroup{Label: fv.Label, worst: vocab.Info}
			byLabel[fv.Label] = g
			groups = append(groups, g)
		}
		if f.Status == vocab.StatusFail {
			if g.failed == 0 || f.Severity > g.worst {
				g.worst = f.Severity
			}
			g.failed++
		} else {
			g.Other++
		}
		sev := f.Severity.String()
		var sg *severityGroup
		for j := range g.Severities {
			if g.Severities[j].Severity == sev {
				sg = &g.Severities[j]
			}
		}
		if sg == nil {
			g.Severities = append(g.Severities, severityGroup{Severity: sev})
			sg = &g.Severities[len(g.Severities)-1]
		}
		sg.Findings = append(sg.Findings, fv)
	}
	// Worst services first: by their worst failing finding, then by how
	// many fail; services with nothing failing last.
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if (a.failed > 0) != (b.failed > 0) {
			return a.failed > 0
		}
		if a.worst != b.worst {
			return a.worst > b.worst
		}
		if a.failed != b.failed {
			return a.failed > b.failed
		}
		return a.Label < b.Label
	})
	for i, g := range groups {
		g.ID = fmt.Sprintf("svc-%d", i+1)
		rank := func(name string) int { s, _ := vocab.ParseSeverity(name); return int(s) }
		sort.SliceStable(g.Severities, func(a, b int) bool { return rank(g.Severities[a].Severity) > rank(g.Severities[b].Severity) })
		for _, sev := range severitiesDown() {
			n := 0
			for _, sg := range g.Severities {
				if sg.Severity == sev.String() {
					for _, f := range sg.Findings {
						if f.Status == vocab.StatusFail {
							n++
						}
					}
				}
			}
			if n > 0 {
				g.Counts = append(g.Counts, sevCount{Severity: sev.String(), N: n})
			}
		}
		v.Groups = append(v.Groups, *g)
		v.Filter.Services = append(v.Filter.Services, g.Label)
	}
	for _, sev := range severitiesDown() {
		if sevSeen[sev] {
			v.Filter.Severities = append(v.Filter.Severities, sev.String())
		}
	}
	for _, st := range []vocab.Status{vocab.StatusFail, vocab.StatusWaived, vocab.StatusNotRunning} {
		if statusSeen[st] {
			v.Filter.Statuses = append(v.Filter.Statuses, string(st))
		}
	}
	for c := range checks {
		v.Filter.Checks = append(v.Filter.Checks, c)
	}
	sort.Strings(v.Filter.Checks)
	for i, f := range r.Resolved {
		v.Resolved = append(v.Resolved, newFindingView(f, i, nil))
	}
	v.Chart = hostChart(v.Groups, s)
	return v
}

// hostVerdict is the scan's verdict as the exit code has it.
func hostVerdict(r *finding.Report) verdictView {
	counted := 0
	for _, f := range r.Findings {
		if f.Status == vocab.StatusFail && f.Severity >= r.FailOn && (!r.FailOnNew || f.Baseline == "new") {
			counted++
		}
	}
	what, flag := "unwaived", "--fail-on"
	if r.FailOnNew {
		what, flag = "new unwaived", "--fail-on-new"
	}
	if r.Fails() {
		noun := "finding"
		if counted != 1 {
			noun = "findings"
		}
		reason := fmt.Sprintf("%d %s %s at or above %s (%s %s).", counted, what, noun, r.FailOn, flag, r.FailOn)
		if worst, ok := finding.Worst(r.Findings); ok {
			reason += " Worst: " + worst.String() + "."
		}
		return verdictView{Word: "FAIL", Class: "fail", Reason: reason}
	}
	reason := fmt.Sprintf("No %s finding at or above %s (%s %s).", what, r.FailOn, flag, r.FailOn)
	if below := finding.Summarize(r.Findings).Failed - counted; below > 0 {
		reason += fmt.Sprintf(" %d unwaived below it.", below)
	}
	return verdictView{Word: "PASS", Class: "pass", Reason: reason}
}

// chartView is an inline SVG chart: a grid of rows (services or
// anything else) by columns (severities), each cell a count.
type chartView struct {
	Title, Description, Empty string
	Width, Height             int
	Heads                     []chartText
	Rows                      []chartRow
	Legend                    []legendItem
}

type chartText struct {
	X    int
	Text string
}

type chartRow struct {
	Label, Short  string
	TextY, TotalX int
	Total         int
	Cells         []chartCell
}

type chartCell struct {
	Class, TextClass, Title string
	X, Y, W, H, TX, TY, N   int
}

type legendItem struct {
	Class, Text string
	N           int
}

// Geometry of the grid chart, in SVG user units: a label column, then one
// column per severity and one for the rest, then the row total.
const (
	chartColX   = 128
	chartColW   = 40
	chartCellW  = 36
	chartCellH  = 20
	chartRowH   = 26
	chartTop    = 20
	chartLabelN = 18
)

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// gridChart lays out a chart of rows × columns; counts[i][j] is the count
// of row i in column j; classes name the columns' colours.
func gridChart(labels []string, cols []string, classes []string, counts [][]int, cellTitle func(row, col string, n int) string) (heads []chartText, rows []chartRow, width, height int) {
	for j, c := range cols {
		heads = append(heads, chartText{X: chartColX + j*chartColW + chartCellW/2, Text: c})
	}
	totalX := chartColX + len(cols)*chartColW + 30
	heads = append(heads, chartText{X: totalX - 12, Text: "total"})
	for i, label := range labels {
		y := chartTop + i*chartRowH
		row := chartRow{Label: label, Short: shorten(label, chartLabelN), TextY: y + 14, TotalX: totalX}
		for j := range cols {
			n := counts[i][j]
			row.Total += n
			cell := chartCell{
				Class: "zero", X: chartColX + j*chartColW, Y: y, W: chartCellW, H: chartCellH,
				TX: chartColX + j*chartColW + chartCellW/2, TY: y + 14, N: n,
				Title: cellTitle(label, cols[j], n),
			}
			if n > 0 {
				cell.Class, cell.TextClass = "c-"+classes[j], "t-"+classes[j]
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	return heads, rows, totalX + 4, chartTop + len(labels)*chartRowH
}

// hostChart is the severity × service chart of the failing findings, with
// a column for the waived and not-running ones.
func hostChart(groups []serviceGroup, s finding.Summary) chartView {
	c := chartView{Title: "Findings by service and severity", Empty: "Nothing to chart: no finding."}
	if len(groups) == 0 {
		return c
	}
	var cols, classes []string
	for _, sev := range severitiesDown() {
		cols = append(cols, sev.String())
		classes = append(classes, sev.String())
	}
	cols, classes = append(cols, "other"), append(classes, "other")
	var labels []string
	var counts [][]int
	for _, g := range groups {
		row := make([]int, len(cols))
		for _, sc := range g.Counts {
			sev, _ := vocab.ParseSeverity(sc.Severity)
			row[int(vocab.Critical-sev)] = sc.N
		}
		row[len(cols)-1] = g.Other
		labels = append(labels, g.Label)
		counts = append(counts, row)
	}
	c.Heads, c.Rows, c.Width, c.Height = gridChart(labels, cols, classes, counts, func(row, col string, n int) string {
		if col == "other" {
			return fmt.Sprintf("%s: %d waived or not running", row, n)
		}
		return fmt.Sprintf("%s: %d failing %s", row, n, col)
	})
	var parts []string
	for _, sev := range severitiesDown() {
		n := s.BySeverity[sev.String()]
		c.Legend = append(c.Legend, legendItem{Class: sev.String(), Text: sev.String(), N: n})
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	c.Legend = append(c.Legend, legendItem{Class: "other", Text: "waived or not running", N: s.Waived + s.NotRunning})
	c.Description = fmt.Sprintf("Failing findings by service and severity: %d services; %d failing", len(groups), s.Failed)
	if len(parts) > 0 {
		c.Description += " (" + strings.Join(parts, ", ") + ")"
	}
	c.Description += fmt.Sprintf(", %d waived or not running.", s.Waived+s.NotRunning)
	return c
}
