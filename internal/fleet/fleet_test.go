package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func mkResult(host, scanned, recipes string, findings string, issuers ...string) string {
	var trusts []string
	for _, i := range issuers {
		trusts = append(trusts, fmt.Sprintf(`{"issuer": %q}`, i))
	}
	return fmt.Sprintf(`{"schema_version": "1.2.0", "host": %q, "scanned_at": %q, "recipes": {"version": %q},
"inventory": {"services": [{"name": "xrootd", "trusts": [%s]}]}, "findings": [%s]}`, host, scanned, recipes, strings.Join(trusts, ","), findings)
}

func mkFinding(check, sev, status, waiver string) string {
	w := ""
	if waiver != "" {
		w = fmt.Sprintf(`, "waiver": {"reason": "r", "expires": %q}`, waiver)
	}
	return fmt.Sprintf(`{"check": %q, "severity": %q, "status": %q, "fingerprint": "0000000000000000"%s}`, check, sev, status, w)
}

func TestAggregate(t *testing.T) {
	files := map[string]string{
		"a/clean.json":  mkResult("clean.example.org", "2026-11-22T06:00:00Z", "2026.11.0", "", "https://atlas-auth.cern.ch/"),
		"a/bad.json":    mkResult("bad.example.org", "2026-11-22T06:00:00Z", "2026.11.0", mkFinding("issuer-dev-vo", "critical", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2026-12-01"), "https://wlcg.cloud.cnaf.infn.it/", "https://atlas-auth.cern.ch/"),
		"b/medium.json": mkResult("medium.example.org", "2026-10-01T06:00:00Z", "2026.10.0", mkFinding("token-in-url", "medium", "fail", "")+","+mkFinding("token-in-url", "medium", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2027-06-01")),
		"b/broken.json": "{not json",
		"b/notes.txt":   "ignored",
	}
	dir := testkit.HostTree(t, files)
	list, err := Files([]string{dir})
	if err != nil || len(list) != 4 {
		t.Fatalf("Files = %v %v", list, err)
	}
	r := Aggregate(list, Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: "2026.11.0", DevelopmentIssuers: []string{"https://wlcg.cloud.cnaf.infn.it/"}})
	var order []string
	for _, h := range r.Hosts {
		order = append(order, h.Host)
	}
	if strings.Join(order, " ") != "bad.example.org medium.example.org clean.example.org" {
		t.Errorf("worst first: %v", order)
	}
	m := r.Hosts[1]
	if m.Checks["token-in-url"] != 2 || !m.Stale || !m.OldRecipes || m.Worst != "medium" {
		t.Errorf("medium host = %+v", m)
	}
	if b := r.Hosts[0]; b.Stale || !b.ScannedAt.Equal(time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("fresh host = %+v, want scanned 2026-11-22 06:00 and not stale", b)
	}
	if len(r.Expiring) != 1 || r.Expiring[0].Host != "bad.example.org" {
		t.Errorf("expiring = %+v", r.Expiring)
	}
	if got := strings.Join(r.Development["https://wlcg.cloud.cnaf.infn.it/"], ","); got != "bad.example.org" {
		t.Errorf("development VO hosts = %q", got)
	}
	if len(r.Issuers["https://atlas-auth.cern.ch/"]) != 2 || len(r.Errors) != 1 {
		t.Errorf("issuers %+v errors %v", r.Issuers, r.Errors)
	}
}

// TestLatestResultPerHost: of several results of one host, the one
// scanned last is judged (whatever the file order; the later file when
// the times are equal), the others count as its history, and only the
// latest one's issuers, waivers and checks reach the view.
func TestLatestResultPerHost(t *testing.T) {
	crit := mkFinding("issuer-dev-vo", "critical", "fail", "")
	for _, tc := range []struct {
		name    string
		files   map[string]string
		failed  int
		history int
		issuer  string // the issuer the view must list, the other must be gone
		file    string // the result judged
		failsAt vocab.Severity
		fails   bool
	}{
		{"newest file last", map[string]string{
			"1.json": mkResult("ce.example.org", "2026-11-20T06:00:00Z", "2026.11.0", crit, "https://wlcg.cloud.cnaf.infn.it/"),
			"2.json": mkResult("ce.example.org", "2026-11-22T06:00:00Z", "2026.11.0", "", "https://atlas-auth.cern.ch/"),
		}, 0, 1, "https://atlas-auth.cern.ch/", "2.json", vocab.Info, false},
		{"newest file first", map[string]string{
			"1.json": mkResult("ce.example.org", "2026-11-22T06:00:00Z", "2026.11.0", crit, "https://wlcg.cloud.cnaf.infn.it/"),
			"2.json": mkResult("ce.example.org", "2026-11-20T06:00:00Z", "2026.11.0", "", "https://atlas-auth.cern.ch/"),
			"3.json": mkResult("ce.example.org", "2026-11-19T06:00:00Z", "2026.11.0", "", "https://atlas-auth.cern.ch/"),
		}, 1, 2, "https://wlcg.cloud.cnaf.infn.it/", "1.json", vocab.Critical, true},
		{"same time, later file wins", map[string]string{
			"1.json": mkResult("ce.example.org", "2026-11-22T06:00:00Z", "2026.11.0", "", "https://atlas-auth.cern.ch/"),
			"2.json": mkResult("ce.example.org", "2026-11-22T06:00:00Z", "2026.11.0", crit, "https://wlcg.cloud.cnaf.infn.it/"),
		}, 1, 1, "https://wlcg.cloud.cnaf.infn.it/", "2.json", vocab.High, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testkit.HostTree(t, tc.files)
			list, err := Files([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			r := Aggregate(list, Options{Now: now})
			if len(r.Hosts) != 1 {
				t.Fatalf("%d hosts, want 1 (one host, several results)", len(r.Hosts))
			}
			h := r.Hosts[0]
			if h.Failed != tc.failed || h.History != tc.history || filepath.Base(h.File) != tc.file {
				t.Errorf("host = failed %d history %d file %s, want %d %d %s", h.Failed, h.History, filepath.Base(h.File), tc.failed, tc.history, tc.file)
			}
			if len(r.Issuers) != 1 || r.Issuers[tc.issuer] == nil {
				t.Errorf("issuers = %v, want only %s", r.Issuers, tc.issuer)
			}
			if h.FailsAt(tc.failsAt) != tc.fails {
				t.Errorf("FailsAt(%s) = %v, want %v", tc.failsAt, !tc.fails, tc.fails)
			}
		})
	}
}

// TestAggregateRefusesWhatIsNoResult: a FIFO, a directory named *.json
// and a file over MaxResultSize are listed as errors without being read
// (a FIFO with no writer would block a plain open forever), and the
// results around them still count.
func TestAggregateRefusesWhatIsNoResult(t *testing.T) {
	dir := testkit.HostTree(t, map[string]string{
		"/a.json":     mkResult("a.example.org", "2026-11-22T06:00:00Z", "2026.11.0", ""),
		"/dir.json/":  "",
		"/z.json":     mkResult("z.example.org", "2026-11-22T06:00:00Z", "2026.11.0", ""),
		"/empty.json": "",
	})
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxResultSize+1); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "a.json"), big, filepath.Join(dir, "dir.json"), filepath.Join(dir, "empty.json"), fifo, filepath.Join(dir, "missing.json"), filepath.Join(dir, "z.json")}
	done := make(chan *Report)
	go func() { done <- Aggregate(files, Options{Now: now}) }()
	var r *Report
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Aggregate hangs on a FIFO")
	}
	if len(r.Hosts) != 2 {
		t.Errorf("hosts = %+v, want a and z", r.Hosts)
	}
	want := []struct{ file, reason string }{
		{"big.json", "too large for a ttt-check result"},
		{"dir.json", "not a regular file (a directory)"},
		{"empty.json", "not a ttt-check JSON report: jsontext: unexpected EOF"},
		{"fifo.json", "not a regular file (a FIFO)"},
		{"missing.json", "no such file or directory"},
	}
	if len(r.Errors) != len(want) {
		t.Fatalf("errors = %q, want %d", r.Errors, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(r.Errors[i], filepath.Join(dir, w.file)+": ") || !strings.Contains(r.Errors[i], w.reason) {
			t.Errorf("error %d = %q, want %s: …%s…", i, r.Errors[i], w.file, w.reason)
		}
	}
}

// TestWorkerForgetsTheLastFile: a worker reuses its decoded result, and
// what a file lacks must not come from the one before (an issuer, a
// waiver, a host name).
func TestWorkerForgetsTheLastFile(t *testing.T) {
	dir := testkit.HostTree(t, map[string]string{
		"/a.json": mkResult("a.example.org", "2026-11-22T06:00:00Z", "2026.11.0", mkFinding("audience-any", "low", "waived", "2026-12-01")+","+mkFinding("token-in-url", "medium", "fail", ""), "https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/"),
		"/b.json": `{"schema_version": "1.1.0", "inventory": {"services": [{"trusts": [{"name": "x"}]}]}, "findings": [{"check": "audience-any", "severity": "low", "status": "waived"}]}`,
	})
	var w worker
	opt := Options{Now: now}
	if a := w.summarize(filepath.Join(dir, "a.json"), opt); a.err != nil || len(a.expiring) != 1 || len(a.issuers) != 2 || a.host.Failed != 1 {
		t.Fatalf("a = %+v", a)
	}
	b := w.summarize(filepath.Join(dir, "b.json"), opt)
	if b.err != nil || b.host.Host != "" || !b.host.ScannedAt.IsZero() || b.host.RecipeVersion != "" || len(b.issuers) != 0 || len(b.expiring) != 0 || b.host.Failed != 0 {
		t.Errorf("b = %+v, host %+v: kept something of a", b, b.host)
	}
}

// TestAggregateIsDeterministic: however the workers share the files,
// the report is the same, in the order of the files.
func TestAggregateIsDeterministic(t *testing.T) {
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("/h%03d.json", i)] = mkResult(fmt.Sprintf("h%03d.example.org", i%50), "2026-11-22T06:00:00Z", "2026.11.0",
			mkFinding("token-in-url", "medium", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2026-12-0"+fmt.Sprint(1+i%3)),
			fmt.Sprintf("https://iss%d.example.org/", i%7))
	}
	files["/h100.json"] = "{broken"
	list, err := Files([]string{testkit.HostTree(t, files)})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := json.Marshal(Aggregate(list, Options{Now: now}))
	for range 5 {
		if again, _ := json.Marshal(Aggregate(list, Options{Now: now})); !bytes.Equal(again, first) {
			t.Fatalf("two aggregations differ:\n%s\n%s", first, again)
		}
	}
}

// BenchmarkAggregate10k aggregates 10,000 host results (the fleet target:
// seconds, with memory for the aggregate only).
func BenchmarkAggregate10k(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for i := 0; i < 10000; i++ {
		f := filepath.Join(dir, fmt.Sprintf("h%05d.json", i))
		body := mkResult(fmt.Sprintf("h%05d.example.org", i), "2026-11-22T06:00:00Z", "2026.11.0",
			mkFinding("issuer-dev-vo", "critical", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2026-12-01")+","+mkFinding("token-in-url", "medium", "fail", ""),
			"https://wlcg.cloud.cnaf.infn.it/", "https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/")
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	b.ReportAllocs()
	cpu := testkit.CPU()
	for b.Loop() {
		r := Aggregate(files, Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: "2026.11.0"})
		if len(r.Hosts) != 10000 {
			b.Fatal(len(r.Hosts))
		}
	}
	testkit.ReportCPU(b, cpu)
}

// fullResult is a host's whole JSON report as `ttt-check scan --format
// json` writes it (indented), with what the fleet view ignores
// (inventory detail, messages, remediations, references): one service
// trusting three issuers and four findings, about 10 KB, like a
// one-service host's real report.
func fullResult(host string, i int) []byte {
	src := func(f string, l int) inventory.Source { return inventory.Source{File: f, Line: l} }
	issuers := []string{"https://atlas-auth.cern.ch/", "https://dteam-auth.cern.ch/", "https://wlcg.cloud.cnaf.infn.it/"}
	var svcs []inventory.Service
	for _, name := range []string{"xrootd"} {
		svc := inventory.Service{Name: name, Kind: "storage", Runs: "enabled", RunsSource: src("/etc/systemd/system/multi-user.target.wants/"+name+".service", 0),
			TokensEnabled: true, TokensSource: src("/etc/"+name+"/main.cfg", 3), ConfigFiles: []string{"/etc/" + name + "/main.cfg", "/etc/" + name + "/scitokens.cfg"},
			Settings: []inventory.Setting{{Key: "http.trace", Values: []string{"none"}, Source: src("/etc/"+name+"/main.cfg", 12)}, {Key: "scitokens.onmissing", Values: []string{"passthrough"}, Source: src("/etc/"+name+"/scitokens.cfg", 2)}}}
		for k, iss := range issuers {
			svc.Trusts = append(svc.Trusts, inventory.Trust{Service: name, Name: fmt.Sprintf("Issuer %d", k), Issuer: iss,
				Subjects: []string{fmt.Sprintf("%08x-6ab8-4fe2-9e4c-58039c21d817", i+k)}, Audiences: []string{"https://" + host + ":1094"}, AudienceChecked: true,
				AudienceSource: src("/etc/"+name+"/scitokens.cfg", 10*k+4), Strategies: []inventory.Strategy{inventory.StrategyCapability, inventory.StrategyMapping},
				StrategySource: src("/etc/"+name+"/scitokens.cfg", 10*k+5), Account: "xrootd", AccountSource: src("/etc/"+name+"/scitokens.cfg", 10*k+6),
				BasePaths: []string{"/data/vo" + fmt.Sprint(k)}, PathSource: src("/etc/"+name+"/scitokens.cfg", 10*k+7), Source: src("/etc/"+name+"/scitokens.cfg", 10*k+3)})
		}
		svcs = append(svcs, svc)
	}
	var fs []finding.Finding
	for k, c := range []struct {
		check, status string
		sev           vocab.Severity
	}{{"issuer-dev-vo", "fail", vocab.Critical}, {"audience-any", "waived", vocab.Low}, {"token-in-url", "fail", vocab.Medium}, {"legacy-gsi", "not-running", vocab.Low}} {
		f := finding.Finding{Check: c.check, Title: "The title of " + c.check, Severity: c.sev, Status: vocab.Status(c.status), Service: "xrootd",
			Message:  fmt.Sprintf("xrootd trusts https://wlcg.cloud.cnaf.infn.it/ (OSG-Connect), the issuer of the WLCG development VO, on a production host (%d)", k),
			Expected: "no development-VO issuer on production hosts (use DTeam for site tests)", Actual: "issuer https://wlcg.cloud.cnaf.infn.it/",
			File: "/etc/xrootd/scitokens.cfg", Line: 6 + k,
			Remediation: "Remove the development VO's issuer from production services and use DTeam\n(https://dteam-auth.cern.ch/) for site tests. XRootD: delete the\n[Issuer …] section with issuer = https://wlcg.cloud.cnaf.infn.it/.",
			References:  []string{"https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md", "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md"},
			Fingerprint: finding.Fingerprint(c.check, "/etc/xrootd/scitokens.cfg", fmt.Sprint(k))}
		if c.status == "waived" {
			f.Waiver = &finding.Waiver{Reason: "agreed with the VO", Expires: "2026-12-01", Approver: "ops", Source: "/etc/ttt-check/site.toml:14"}
		}
		fs = append(fs, f)
	}
	rep := finding.Report{SchemaVersion: finding.SchemaVersion, Tool: "ttt-check", ToolVersion: "1.0.0",
		Recipes: finding.Recipes{Version: "2026.11.0", Digest: "sha256:5290fafc1b6a8f446198dfcf37c2d6bc8dfe0a528d7ead97820690adb13ef083", Source: "embedded"},
		Host:    host, Root: "/", ScannedAt: time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC),
		Profile: finding.Profile{File: "/etc/ttt-check/site.toml", Site: "EXAMPLE-T2", Environment: "production"}, FailOn: vocab.Medium,
		Summary:   finding.Summarize(fs),
		Inventory: inventory.Inventory{Host: host, HostnameFrom: "/etc/hostname", Root: "/", Services: svcs},
		Findings:  fs}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		panic(err)
	}
	return data
}

// BenchmarkAggregate100k aggregates 100,000 whole host reports (about
// 1 GB of JSON; target: 5 s and 200 MB).
func BenchmarkAggregate100k(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for i := 0; i < 100000; i++ {
		f := filepath.Join(dir, fmt.Sprintf("h%06d.json", i))
		if err := os.WriteFile(f, fullResult(fmt.Sprintf("h%06d.example.org", i), i), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	b.ReportAllocs()
	cpu := testkit.CPU()
	for b.Loop() {
		r := Aggregate(files, Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: "2026.11.0"})
		if len(r.Hosts) != 100000 || len(r.Errors) != 0 {
			b.Fatal(len(r.Hosts), r.Errors)
		}
	}
	testkit.ReportCPU(b, cpu)
}

// BenchmarkSummarize reads and decodes one whole host report, the cost
// per host of the fleet report.
func BenchmarkSummarize(b *testing.B) {
	f := filepath.Join(b.TempDir(), "h.json")
	data := fullResult("h000001.example.org", 1)
	if err := os.WriteFile(f, data, 0o644); err != nil {
		b.Fatal(err)
	}
	var w worker
	opt := Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: "2026.11.0"}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if s := w.summarize(f, opt); s.err != nil || s.host.Failed != 2 || len(s.issuers) != 3 {
			b.Fatal(s.err, s.host, s.issuers)
		}
	}
}

// TestDecoderAgreesWithEncodingJSON: the fleet view decodes reports with
// json/v2; on every report ttt-check writes it must read what
// encoding/json reads.
func TestDecoderAgreesWithEncodingJSON(t *testing.T) {
	reports := map[string][]byte{
		"whole report": fullResult("h000001.example.org", 1),
		"small":        []byte(mkResult("a.example.org", "2026-11-22T06:00:00Z", "2026.11.0", mkFinding("audience-any", "low", "waived", "2026-12-01")+","+mkFinding("token-in-url", "medium", "fail", ""), "https://atlas-auth.cern.ch/")),
		"no findings":  []byte(mkResult("b.example.org", "2026-11-22T06:00:00+01:00", "2026.11.0", "")),
		"nulls":        []byte(`{"schema_version": "1.2.0", "host": "c", "inventory": {"services": null}, "findings": [{"check": "x", "severity": "high", "status": "fail", "waiver": null}]}`),
	}
	for name, data := range reports {
		t.Run(name, func(t *testing.T) {
			var v1, v2 result
			if err := json.Unmarshal(data, &v1); err != nil {
				t.Fatal(err)
			}
			if err := jsonv2.Unmarshal(data, &v2); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v1, v2) {
				t.Errorf("encoding/json %+v\njson/v2      %+v", v1, v2)
			}
		})
	}
}

// FuzzSummarize: whatever a result file holds, the fleet view reads it
// or says why not; it never panics, and a result it reads has a host.
func FuzzSummarize(f *testing.F) {
	f.Add([]byte(mkResult("a.example.org", "2026-11-22T06:00:00Z", "2026.11.0", mkFinding("audience-any", "low", "waived", "2026-12-01"), "https://atlas-auth.cern.ch/")))
	f.Add(fullResult("h.example.org", 1))
	f.Add([]byte(`{"schema_version": "1.2.0", "findings": [{"waiver": {"expires": "2026-02-30"}}], "inventory": {"services": [{"trusts": [{}]}]}}`))
	f.Add([]byte(`{"schema_version": "1.2.0", "schema_version": "2"}`))
	file := filepath.Join(f.TempDir(), "r.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var w worker
		s := w.summarize(file, Options{Now: now, StaleAfter: 7 * 24 * time.Hour})
		if s.err == nil && s.host == nil {
			t.Fatal("a result read without a host")
		}
	})
}
