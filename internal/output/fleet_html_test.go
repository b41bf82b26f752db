package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/fleet"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// fleetNow is when the test fleets are aggregated.
var fleetNow = time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

// writeResult writes a report as the JSON result scan would leave.
func writeResult(t *testing.T, file string, r *finding.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := JSON(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// writeFleetResults writes n hosts' results into dir, made from the demo
// and the sample reports: failing and passing hosts, stale results, one
// host on older recipes; and one unreadable file.
func writeFleetResults(t *testing.T, dir string, n int) []string {
	t.Helper()
	var files []string
	for i := range n {
		var r *finding.Report
		switch i % 4 {
		case 0:
			r = demoReport(t)
		case 1:
			r = demoReport(t)
			var low []finding.Finding
			for _, f := range r.Findings {
				if f.Severity <= vocab.Low {
					low = append(low, f)
				}
			}
			r.Findings = low
		case 2:
			r = sample()["many"]
		default:
			r = sample()["empty"]
		}
		r.Summary = finding.Summarize(r.Findings)
		r.Host = fmt.Sprintf("%s%02d.example.org", []string{"se", "ce", "xrd", "dcache"}[i%4], i+1)
		r.ScannedAt = fleetNow.Add(-time.Duration(i*19) * time.Hour)
		if i == 5 {
			r.Recipes.Version = "2026.10.0"
		}
		files = append(files, writeResult(t, filepath.Join(dir, r.Host+".json"), r))
	}
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	return append(files, broken)
}

// aggregate builds the fleet view of result files, stale after 7 days.
func aggregate(t *testing.T, files []string) *fleet.Report {
	t.Helper()
	const staleAfter = 7 * 24 * time.Hour
	rep := fleet.Aggregate(files, fleet.Options{
		Now: fleetNow, StaleAfter: staleAfter, RecipeVersion: "2026.11.0",
		DevelopmentIssuers: []string{"https://wlcg.cloud.cnaf.infn.it/"},
	})
	// A fleet package that does not read scanned_at (fixed on another
	// branch: "fleet: read scanned_at") dates every host zero and stale;
	// date them as a fixed one would, so that these tests judge the page.
	for _, h := range rep.Hosts {
		if !h.ScannedAt.IsZero() {
			continue
		}
		var r struct {
			ScannedAt time.Time `json:"scanned_at"`
		}
		data, err := os.ReadFile(h.File)
		if err != nil || json.Unmarshal(data, &r) != nil {
			t.Fatalf("re-read %s: %v", h.File, err)
		}
		h.ScannedAt, h.Stale = r.ScannedAt, fleetNow.Sub(r.ScannedAt) > staleAfter
	}
	return rep
}

func renderFleet(t *testing.T, r *fleet.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := FleetHTML(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var hostRow = regexp.MustCompile(`<tr id="row-(h-\d+)" class="([^"]*)" data-item data-order="\d+" data-verdict="([a-z]+)" data-stale="(yes|no)">`)

// TestFleetHTMLRows renders a fleet whose results are on disk: one row per
// host with the verdict at the host's own threshold, failing findings by
// severity read back from its result, scan date, age, stale and recipe
// markers, and a link to the host's findings; the unreadable result is
// listed.
func TestFleetHTMLRows(t *testing.T) {
	rep := aggregate(t, writeFleetResults(t, t.TempDir(), 12))
	page := renderFleet(t, rep)
	rows := hostRow.FindAllStringSubmatch(page, -1)
	if len(rows) != len(rep.Hosts) || len(rows) != 12 {
		t.Fatalf("%d host rows, want %d", len(rows), len(rep.Hosts))
	}
	verdicts := map[string]int{}
	stale := 0
	for _, m := range rows {
		verdicts[m[3]]++
		if m[4] == "yes" {
			stale++
			if !strings.Contains(m[2], "stale") {
				t.Errorf("stale row %s not marked", m[1])
			}
		}
		if !strings.Contains(page, `<a href="#`+m[1]+`">`) && !strings.Contains(m[0], "pass") {
			t.Errorf("failing host %s does not link to its findings", m[1])
		}
		if !strings.Contains(page, `<details class="svcgroup js-collapse" id="`+m[1]+`" open>`) && strings.Contains(page, `<a href="#`+m[1]+`">`) {
			t.Errorf("host %s links to findings the page lacks", m[1])
		}
	}
	// Demo and sample "many" hosts fail (6); low-only and empty ones pass.
	if verdicts["fail"] != 6 || verdicts["pass"] != 6 {
		t.Errorf("verdicts = %v, want 6 fail and 6 pass", verdicts)
	}
	// Scanned 19 h apart: hosts 10–12 are older than 7 days.
	if stale != 3 {
		t.Errorf("%d stale rows, want 3", stale)
	}
	for _, want := range []string{
		// se01: the demo's 3 critical and 13 high, read back from its result.
		`<td data-label="critical" class="n critical" data-v="3">3</td>`,
		`<td data-label="high" class="n high" data-v="13">13</td>`,
		`<time datetime="2026-11-25T06:00:00Z">2026-11-25 06:00 UTC</time>`,
		`data-v="209">8 d</td>`, // host 12: 11 × 19 h
		`not current</span>`,    // host 6 on older recipes
		"broken.json", `id="verdict"`, `id="chart"`, "<svg",
		`<span class="chip fail">development VO</span>`,
		`name="verdict" value="fail"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("fleet page lacks %q", want)
		}
	}
	if strings.Contains(page, fakeJWT) || strings.Contains(page, "hunter2") {
		t.Error("the fleet page shows a secret from a host's result")
	}
}

// TestFleetHTMLWithoutResults renders an aggregate whose result files are
// not there (as TestFleetWriters builds it): rows fall back to the
// aggregate's worst severity and checks, and say the counts are unknown.
func TestFleetHTMLWithoutResults(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	r := &fleet.Report{
		GeneratedAt: at, RecipeVersion: "2026.11.0", Checks: []string{"issuer-dev-vo"},
		Hosts: []*fleet.Host{
			{Host: "bad.example.org", File: "/nonexistent/bad.json", ScannedAt: at, RecipeVersion: "2026.11.0", Worst: "critical", Failed: 1, Checks: map[string]int{"issuer-dev-vo": 1}},
			{Host: "clean.example.org", ScannedAt: at.Add(-30 * 24 * time.Hour), Worst: "none", Checks: map[string]int{}, Stale: true},
		},
	}
	page := renderFleet(t, r)
	rows := hostRow.FindAllStringSubmatch(page, -1)
	if len(rows) != 2 || rows[0][3] != "fail" || rows[1][3] != "pass" || rows[1][4] != "yes" {
		t.Fatalf("rows = %v", rows)
	}
	for _, want := range []string{`<a href="#h-1">bad.example.org</a>`, `<code>issuer-dev-vo</code></td><td data-label="failing" class="n">1</td>`, "not known", "judged at --fail-on medium"} {
		if !strings.Contains(page, want) {
			t.Errorf("fleet page lacks %q", want)
		}
	}
}

// TestFleetHTMLEscapes feeds hostile host names, waiver reasons and errors
// through the fleet page: all of it arrives escaped.
func TestFleetHTMLEscapes(t *testing.T) {
	dir := t.TempDir()
	r := sample()["many"]
	r.Host = hostileHost
	r.Findings[0].Message = hostileMessage
	file := writeResult(t, filepath.Join(dir, "hostile.json"), r)
	rep := aggregate(t, []string{file})
	rep.Expiring = append(rep.Expiring, fleet.Waiver{Host: hostileHost, Check: `"><b>x`, Expires: "2026-12-01", Reason: hostileMessage + " password=hunter2"})
	rep.Errors = append(rep.Errors, `/r/<img src=x onerror=alert(1)>.json: bad`)
	page := renderFleet(t, rep)
	assertEscaped(t, page)
	if strings.Contains(page, "hunter2") {
		t.Error("a waiver reason's secret is shown")
	}
}
