package output

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// demoReport is a demo-sized report: the demo host's 22 findings and 11
// of a deviating dCache (33 in all, over 8 services, every severity and
// status), as scan wrote them.
func demoReport(t testing.TB) *finding.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "html", "demo33.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r finding.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 33 {
		t.Fatalf("demo report has %d findings, want 33", len(r.Findings))
	}
	return &r
}

func renderHost(t testing.TB, r *finding.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Hostile input: what a host name, a path or a message may carry.
const (
	hostileHost    = `<script>alert("host")</script>.example.org`
	hostileMessage = `it said "yes" and 'no' </pre></details><img src=x onerror=alert(1)> & more`
	hostileService = `x" onmouseover="alert(1)`
)

// assertEscaped checks that a page shows the hostile input as text only:
// the one script is the page's own, no injected element or attribute.
func assertEscaped(t *testing.T, page string) {
	t.Helper()
	if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
		t.Errorf("page has %d <script> elements, want only its own", n)
	}
	for _, bad := range []string{`<script>alert(`, `<img`, `</pre></details><img`, `" onmouseover="`, `href="javascript:`, `<b>x`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	if !strings.Contains(page, `&lt;script&gt;alert(&#34;host&#34;)&lt;/script&gt;.example.org`) {
		t.Error("the hostile host name is not shown escaped")
	}
	if !strings.Contains(page, `it said &#34;yes&#34; and &#39;no&#39; &lt;/pre&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; &amp; more`) {
		t.Error("the hostile message is not shown escaped")
	}
}

// TestHTMLEscapesHostileInput renders a report whose host name, message,
// service, file and references carry markup and quotes: everything is
// escaped, nothing becomes an element, an attribute or a link to script,
// and secrets stay redacted.
func TestHTMLEscapesHostileInput(t *testing.T) {
	r := sample()["many"]
	r.Host = hostileHost
	r.Findings[0].Message = hostileMessage
	r.Findings[0].Service = hostileService
	r.Findings[0].Expected = `"quoted" <expected>`
	r.Findings[0].File = `/etc/"><svg onload=alert(1)>.cfg`
	r.Findings[0].References = []string{"javascript:alert(1)", `https://example.org/"><b>x`}
	r.Findings[0].Fingerprint = `"><b>x`
	r.Inventory.Services[0].Trusts[0].Issuer = `https://evil.example/"><b>x`
	page := renderHost(t, r)
	assertEscaped(t, page)
	if strings.Contains(page, `<svg onload`) {
		t.Error("a hostile path became an element")
	}
	for _, secret := range []string{fakeJWT, "hunter2"} {
		if strings.Contains(page, secret) {
			t.Errorf("page shows the secret %q", secret)
		}
	}
}

// findingTag matches a finding as rendered and as a browser serializes it
// (data-item="", open dropped when folded, hidden="" when filtered out).
var findingTag = regexp.MustCompile(`<details class="finding [^"]*" id="([^"]+)" data-item(?:="")? data-order="\d+" data-rank="(\d)" data-severity="([a-z]*)" data-service="([^"]*)" data-check="([^"]*)" data-status="([a-z-]*)" data-file="[^"]*"( open(?:="")?)?( hidden="")?>`)

// TestHTMLMarkup checks the page without a browser: every finding is a
// foldable element carrying the data-severity, data-service, data-check
// and data-status the filters read, open so that it reads without script;
// the full remediation is there; the filter form is hidden until the
// script shows it; the policy allows exactly the shipped style and script
// and the page loads nothing.
func TestHTMLMarkup(t *testing.T) {
	r := demoReport(t)
	page := renderHost(t, r)
	tags := findingTag.FindAllStringSubmatch(page, -1)
	if len(tags) != len(r.Findings) {
		t.Fatalf("%d findings in the markup, want %d", len(tags), len(r.Findings))
	}
	ids := map[string]bool{}
	for _, m := range tags {
		sev, err := vocab.ParseSeverity(m[3])
		if err != nil || fmt.Sprint(int(sev)) != m[2] {
			t.Errorf("finding %s: data-severity %q, data-rank %s", m[1], m[3], m[2])
		}
		if m[4] == "" || m[5] == "" || m[6] == "" {
			t.Errorf("finding %s lacks data-service, data-check or data-status: %s", m[1], m[0])
		}
		if m[7] == "" {
			t.Errorf("finding %s is folded without script", m[1])
		}
		if ids[m[1]] {
			t.Errorf("id %s twice", m[1])
		}
		ids[m[1]] = true
	}
	for _, f := range r.Findings {
		if !strings.Contains(page, `<pre class="fix">`+html.EscapeString(f.Remediation)+`</pre>`) {
			t.Errorf("%s: remediation not shown in full", f.Check)
		}
		for _, ref := range f.References {
			if !strings.Contains(page, `<a href="`+ref+`" title="`+ref+`" rel="noreferrer">`) {
				t.Errorf("%s: reference %s not linked", f.Check, ref)
			}
		}
	}
	for _, want := range []string{
		`<form id="tools" hidden`, `id="verdict" class="panel fail"`, `<div class="word">FAIL</div>`,
		`<div class="tile" id="count-failed"><b>31</b>`, `<div class="tile" id="count-waived"><b>1</b>`, `<div class="tile" id="count-not-running"><b>1</b>`,
		`<section id="chart"`, `<svg xmlns="http://www.w3.org/2000/svg"`, `also at:`, `<h2 id="inventory-h">Trust inventory</h2>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Groups: by service, worst first, then by severity.
	if i, j := strings.Index(page, `<h3>dcache (b)</h3>`), strings.Index(page, `<h3>storm-webdav</h3>`); i < 0 || j < i {
		t.Error("service groups are not worst first")
	}
	assertSelfContained(t, page)

	many := renderHost(t, sample()["many"])
	for _, want := range []string{"/etc/xrootd/scitokens.cfg:6", "https://atlas-auth.cern.ch/", "eos: <code>/etc/xrootd/scitokens.cfg:6</code>", "compliance testbed (until 2027-01-31, approved by J. Admin)"} {
		if !strings.Contains(many, want) {
			t.Errorf("sample page lacks %q", want)
		}
	}
	if strings.Contains(many, fakeJWT) {
		t.Error("the page shows a token")
	}
	base := sample()["many"]
	base.Findings[0].Baseline, base.Findings[2].Baseline = "new", "unchanged"
	base.Resolved = []finding.Finding{{Check: "token-in-url", Severity: vocab.Medium, Status: vocab.StatusFail, Service: "xrootd", File: "/etc/xrootd/x.cfg", Line: 3, Message: "gone"}}
	compared := renderHost(t, base)
	for _, want := range []string{`id="count-new"><b>1</b>`, `id="count-resolved"><b>1</b>`, `<span class="chip new">new</span>`, `<section id="resolved"`, `<code>token-in-url</code>`} {
		if !strings.Contains(compared, want) {
			t.Errorf("page of a scan compared with a baseline lacks %q", want)
		}
	}
	empty := renderHost(t, sample()["empty"])
	if !strings.Contains(empty, "No deviation from the recipes.") || !strings.Contains(empty, `<div class="word">PASS</div>`) {
		t.Error("the empty report does not say PASS and no deviation")
	}
	assertSelfContained(t, empty)
}

// assertSelfContained checks that a page fetches nothing and that its
// Content-Security-Policy allows exactly its one style and one script.
func assertSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, banned := range []string{" src=", "<link", "@import", "url(", "<iframe", "<object", "<embed"} {
		if strings.Contains(page, banned) {
			t.Errorf("page is not self-contained: contains %q", banned)
		}
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no Content-Security-Policy")
	}
	policy := html.UnescapeString(csp[1])
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(style) != 1 || len(script) != 1 {
		t.Fatalf("%d styles and %d scripts, want one each", len(style), len(script))
	}
	for _, want := range []string{"default-src 'none'", "style-src " + hash(style[0][1]) + ";", "script-src " + hash(script[0][1]) + ";"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe-inline") || strings.Contains(policy, "http") {
		t.Errorf("policy %q allows more than the page's own style and script", policy)
	}
}

// chromium is the browser the layout tests use, or a skip.
func chromium(t *testing.T) string {
	t.Helper()
	for _, b := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed: apt-get install chromium (.ci/run does); the browser tests of the HTML pages are skipped")
	return ""
}

// runBrowser runs headless chromium once with its own profile and returns
// what it prints (the DOM with --dump-dom).
func runBrowser(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--mute-audio",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// probePage loads a page into an iframe of the given width, lets the
// page's script run (or not: a sandbox without scripts) and writes what
// the browser laid out into <pre id="probe"> as JSON.
const probePage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>probe</title><style>body{margin:0}iframe{border:0;display:block}</style></head>
<body><script>
var q = new URLSearchParams(location.search);
var f = document.createElement('iframe');
f.width = q.get('w'); f.height = q.get('h') || '2000';
if (q.get('js') === '0') { f.setAttribute('sandbox', 'allow-same-origin'); }
f.onload = function () { setTimeout(function () {
  var w = f.contentWindow, doc = f.contentDocument, root = doc.documentElement;
  var n = function (sel) { return doc.querySelectorAll(sel).length; };
  var box = function (el) {
    if (!el) { return null; }
    var r = el.getBoundingClientRect(), cs = w.getComputedStyle(el);
    return { visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none',
      top: Math.round(r.top + w.scrollY), left: Math.round(r.left), width: Math.round(r.width), height: Math.round(r.height),
      viewTop: Math.round(r.top), open: el.open === true, text: el.textContent.replace(/\s+/g, ' ').trim().slice(0, 120) };
  };
  var wide = [];
  Array.prototype.forEach.call(doc.body.querySelectorAll('*'), function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > root.clientWidth + 0.5 && wide.length < 8) { wide.push(el.tagName + '.' + el.className + ' right=' + Math.round(r.right)); }
  });
  var id = decodeURIComponent((q.get('src').split('#')[1] || ''));
  var out = { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, scrollHeight: root.scrollHeight, scrollY: w.scrollY, wide: wide,
    verdict: box(doc.getElementById('verdict')), chart: box(doc.querySelector('#chart svg')), chartMarks: n('#chart rect[class^="c-"]'),
    tools: box(doc.getElementById('tools')), items: n('[data-item]'), hidden: n('[data-item][hidden]'),
    open: n('details.finding[open]'), target: id.indexOf('=') < 0 && id ? box(doc.getElementById(id)) : null };
  document.getElementById('probe').textContent = JSON.stringify(out);
}, 100); };
f.src = q.get('src');
document.body.appendChild(f);
</script><pre id="probe"></pre></body></html>
`

type probeBox struct {
	Visible                           bool
	Top, Left, Width, Height, ViewTop int
	Open                              bool
	Text                              string
}

type probeResult struct {
	ScrollWidth, ClientWidth, ScrollHeight, ScrollY int
	Wide                                            []string
	Verdict, Chart, Tools, Target                   *probeBox
	ChartMarks, Items, Hidden, Open                 int
}

// browserSite serves dir over HTTP (pages, the probe) for the browser.
func browserSite(t *testing.T, dir string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "probe.html"), []byte(probePage), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL
}

func probe(t *testing.T, browser, site, page string, width int, script bool) probeResult {
	t.Helper()
	js := "1"
	if !script {
		js = "0"
	}
	u := fmt.Sprintf("%s/probe.html?w=%d&js=%s&src=%s", site, width, js, strings.ReplaceAll(strings.ReplaceAll(page, "#", "%23"), "&", "%26"))
	dom := runBrowser(t, browser, "--virtual-time-budget=10000", "--window-size=1400,1000", "--dump-dom", u)
	m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil || m[1] == "" {
		t.Fatalf("the probe of %s did not report", page)
	}
	var p probeResult
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil {
		t.Fatalf("probe: %v: %s", err, m[1])
	}
	return p
}

// artifacts is where the screenshots of a test go: the test's artifact
// directory (go test -artifacts -outputdir DIR keeps it under
// DIR/_artifacts), logged.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := t.ArtifactDir()
	t.Logf("pages and screenshots in %s", dir)
	return dir
}

func screenshot(t *testing.T, browser, dir, name, url string, width, height int, extra ...string) {
	t.Helper()
	file := filepath.Join(dir, name)
	args := append([]string{"--hide-scrollbars", fmt.Sprintf("--window-size=%d,%d", width, height), "--virtual-time-budget=5000", "--screenshot=" + file}, extra...)
	runBrowser(t, browser, append(args, url)...)
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		t.Errorf("no screenshot %s: %v", file, err)
	}
}

func assertFits(t *testing.T, what string, p probeResult, width int) {
	t.Helper()
	if p.ScrollWidth > p.ClientWidth || p.ScrollWidth > width || p.ClientWidth < width-20 {
		t.Errorf("%s overflows: scrollWidth %d, clientWidth %d (window %d); widest: %v", what, p.ScrollWidth, p.ClientWidth, width, p.Wide)
	}
}

// TestHTMLInChromium lays the demo-sized report (33 findings) out in
// headless Chromium at 1280 px and at phone width, with and without
// script: nothing overflows horizontally, the verdict and the chart are
// on top and visible, the script folds the findings into an overview and
// shows the filters, and without script every finding is open and the
// filters are absent. Screenshots go to the test's artifact directory.
func TestHTMLInChromium(t *testing.T) {
	browser := chromium(t)
	dir := artifacts(t)
	r := demoReport(t)
	if err := os.WriteFile(filepath.Join(dir, "report.html"), []byte(renderHost(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}
	site := browserSite(t, dir)

	p := probe(t, browser, site, "report.html", 1280, true)
	assertFits(t, "the report at 1280 px", p, 1280)
	t.Logf("demo report, %d findings, 1280 px window: page %d × %d px (findings folded by the script)", len(r.Findings), p.ScrollWidth, p.ScrollHeight)
	if p.Verdict == nil || !p.Verdict.Visible || p.Verdict.Top > 300 || !strings.HasPrefix(p.Verdict.Text, "FAIL") {
		t.Errorf("verdict not visible on top: %+v", p.Verdict)
	}
	if p.Chart == nil || !p.Chart.Visible || p.Chart.Top > 300 || p.Chart.Width < 300 || p.ChartMarks == 0 {
		t.Errorf("chart not visible on top: %+v, %d marks", p.Chart, p.ChartMarks)
	}
	if p.Items != len(r.Findings) || p.Hidden != 0 || p.Open != 0 || p.Tools == nil || !p.Tools.Visible {
		t.Errorf("with script: %d findings, %d hidden, %d open, filters %+v; want %d, none hidden, all folded, filters shown", p.Items, p.Hidden, p.Open, p.Tools, len(r.Findings))
	}
	// The issue: 12,000 px for 33 findings. Folded, a finding is a
	// two-line summary.
	if p.ScrollHeight > 5000 {
		t.Errorf("the folded page is %d px tall", p.ScrollHeight)
	}

	n := probe(t, browser, site, "report.html", 1280, false)
	assertFits(t, "the report without script", n, 1280)
	t.Logf("without script, every finding open: page %d × %d px", n.ScrollWidth, n.ScrollHeight)
	if n.Open != len(r.Findings) || n.Hidden != 0 || (n.Tools != nil && n.Tools.Visible) || n.Verdict == nil || !n.Verdict.Visible || n.Chart == nil || !n.Chart.Visible {
		t.Errorf("without script: %d open, %d hidden, filters %+v, verdict %+v, chart %+v", n.Open, n.Hidden, n.Tools, n.Verdict, n.Chart)
	}

	phone := probe(t, browser, site, "report.html", 390, true)
	assertFits(t, "the report at 390 px", phone, 390)
	if phone.Verdict == nil || !phone.Verdict.Visible || phone.Chart == nil || !phone.Chart.Visible {
		t.Errorf("at phone width: verdict %+v, chart %+v", phone.Verdict, phone.Chart)
	}
	t.Logf("390 px window: page %d × %d px", phone.ScrollWidth, phone.ScrollHeight)

	screenshot(t, browser, dir, "report-1280.png", site+"/report.html", 1280, 2000)
	screenshot(t, browser, dir, "report-1280-full.png", site+"/report.html", 1280, min(p.ScrollHeight, 16000))
	// Chromium's --blink-settings=scriptEnabled=false takes no
	// screenshots: the probe's script-less frame shows the page instead.
	screenshot(t, browser, dir, "report-1280-noscript.png", site+"/probe.html?w=1280&h=2000&js=0&src=report.html", 1280, 2000)
	screenshot(t, browser, dir, "report-1280-dark.png", site+"/report.html", 1280, 2000, "--force-dark-mode")
	screenshot(t, browser, dir, "report-390.png", site+"/report.html", 390, 1600)
	screenshot(t, browser, dir, "report-1280-high.png", site+"/report.html#severity=high", 1280, 2000)
}

// TestHTMLFilterInChromium applies filters the way a bookmark does,
// through the URL fragment the script reads, and counts in the DOM
// Chromium dumps how many findings are hidden; a plain anchor opens the
// finding it names.
func TestHTMLFilterInChromium(t *testing.T) {
	browser := chromium(t)
	dir := artifacts(t)
	r := demoReport(t)
	if err := os.WriteFile(filepath.Join(dir, "report.html"), []byte(renderHost(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}
	site := browserSite(t, dir)
	count := func(keep func(finding.Finding) bool) int {
		n := 0
		for _, f := range r.Findings {
			if keep(f) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		hash  string
		shown int
	}{
		{"", len(r.Findings)},
		{"severity=high", count(func(f finding.Finding) bool { return f.Severity == vocab.High })},
		{"severity=critical,high&service=eos", count(func(f finding.Finding) bool {
			return f.Severity >= vocab.High && f.Service == "eos" && f.Instance == ""
		})},
		{"status=waived,not-running", count(func(f finding.Finding) bool { return f.Status != vocab.StatusFail })},
		{"check=log-token-leak&sort=check", count(func(f finding.Finding) bool { return f.Check == "log-token-leak" })},
		{"q=dteam-auth.cern.ch", count(func(f finding.Finding) bool {
			return strings.Contains(f.Remediation+f.Message+f.Expected+f.Actual, "dteam-auth.cern.ch")
		})},
	}
	for _, tc := range tests {
		dom := runBrowser(t, browser, "--virtual-time-budget=5000", "--window-size=1280,2000", "--dump-dom", site+"/report.html#"+tc.hash)
		tags := findingTag.FindAllStringSubmatch(dom, -1)
		hidden := 0
		for _, m := range tags {
			if m[8] != "" {
				hidden++
			}
		}
		if len(tags) != len(r.Findings) || len(tags)-hidden != tc.shown {
			t.Errorf("#%s: %d findings, %d hidden; want %d shown", tc.hash, len(tags), hidden, tc.shown)
		}
		if tc.shown > 0 && tc.shown < len(r.Findings) && !strings.Contains(dom, fmt.Sprintf(`data-shown="%d"`, tc.shown)) {
			t.Errorf("#%s: the page does not say %d shown", tc.hash, tc.shown)
		}
		if strings.Contains(tc.hash, "sort=check") && !strings.Contains(dom, `<div id="groups" hidden="">`) {
			t.Errorf("#%s: sorting does not switch to the flat list", tc.hash)
		}
	}
	target := "f-" + r.Findings[20].Fingerprint
	p := probe(t, browser, site, "report.html#"+target, 1280, true)
	if p.Target == nil || !p.Target.Visible || !p.Target.Open || p.ScrollY == 0 || p.Target.ViewTop < 0 || p.Target.ViewTop > 1000 {
		t.Errorf("#%s does not open and show its finding: %+v (scrolled %d)", target, p.Target, p.ScrollY)
	}
}

// TestFleetHTMLInChromium lays a 12-host fleet page out at 1280 px and
// phone width, and filters it by verdict through the URL fragment.
func TestFleetHTMLInChromium(t *testing.T) {
	browser := chromium(t)
	dir := artifacts(t)
	rep := aggregate(t, writeFleetResults(t, t.TempDir(), 12))
	if err := os.WriteFile(filepath.Join(dir, "fleet.html"), []byte(renderFleet(t, rep)), 0o644); err != nil {
		t.Fatal(err)
	}
	site := browserSite(t, dir)
	for _, width := range []int{1280, 390} {
		p := probe(t, browser, site, "fleet.html", width, true)
		assertFits(t, fmt.Sprintf("the fleet page at %d px", width), p, width)
		if p.Verdict == nil || !p.Verdict.Visible || p.Chart == nil || !p.Chart.Visible || p.Items != 12 || p.Hidden != 0 {
			t.Errorf("fleet page at %d px: verdict %+v, chart %+v, %d rows, %d hidden", width, p.Verdict, p.Chart, p.Items, p.Hidden)
		}
		t.Logf("fleet page, 12 hosts, %d px window: %d × %d px", width, p.ScrollWidth, p.ScrollHeight)
	}
	rows := regexp.MustCompile(`<tr id="row-(h-\d+)" class="[^"]*" data-item(?:="")? data-order="\d+" data-verdict="([a-z]+)" data-stale="(?:yes|no)"( hidden="")?>`)
	dom := runBrowser(t, browser, "--virtual-time-budget=5000", "--dump-dom", site+"/fleet.html#verdict=fail")
	shown := 0
	for _, m := range rows.FindAllStringSubmatch(dom, -1) {
		if m[3] == "" {
			shown++
			if m[2] != "fail" {
				t.Errorf("#verdict=fail shows the %s host %s", m[2], m[1])
			}
		}
	}
	if shown != 6 {
		t.Errorf("#verdict=fail shows %d hosts, want 6", shown)
	}
	oldest := 0
	for i, h := range rep.Hosts {
		if h.ScannedAt.Before(rep.Hosts[oldest].ScannedAt) {
			oldest = i
		}
	}
	dom = runBrowser(t, browser, "--virtual-time-budget=5000", "--dump-dom", site+"/fleet.html#sort=age:desc")
	if m := rows.FindStringSubmatch(dom); m == nil || m[1] != fmt.Sprintf("h-%d", oldest+1) {
		t.Errorf("#sort=age:desc does not put the oldest result first: %v", m)
	}
	screenshot(t, browser, dir, "fleet-1280.png", site+"/fleet.html", 1280, 2000)
	screenshot(t, browser, dir, "fleet-1280-dark.png", site+"/fleet.html", 1280, 2000, "--force-dark-mode")
	screenshot(t, browser, dir, "fleet-390.png", site+"/fleet.html", 390, 1600)
}
