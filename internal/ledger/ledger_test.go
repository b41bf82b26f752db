package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/scan"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// scanDay is the fixed "today" of every ledger scan (the fixtures' day).
var scanDay = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

var fixtures = filepath.Join(testkit.RepoRoot(), "fixtures", "hosts")

func readLedger(t *testing.T) ([]Entry, []Placement) {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	entries, err := ReadEntries(open("ledger.tsv"))
	if err != nil {
		t.Fatalf("testdata/ledger.tsv: %v", err)
	}
	placements, err := ReadPlacements(open("hosts.tsv"))
	if err != nil {
		t.Fatalf("testdata/hosts.tsv: %v", err)
	}
	return entries, placements
}

// reported lists a report's findings at low or above that fail the scan,
// by ledger key.
func reported(t *testing.T, host string, rep *finding.Report) map[string]finding.Finding {
	t.Helper()
	got := map[string]finding.Finding{}
	for _, f := range rep.Findings {
		if f.Status != vocab.StatusFail || f.Severity < vocab.Low {
			continue
		}
		e := Entry{Host: host, Check: f.Check, Service: f.Service, Location: f.Location(), About: about(f)}
		if prev, ok := got[e.Key()]; ok {
			t.Errorf("%s: two findings at one place cannot be told apart by the ledger: %q and %q", e.Key(), prev.Message, f.Message)
		}
		got[e.Key()] = f
	}
	return got
}

// about is the ledger's "about" column of a finding: its key, "-" for
// none, blanks and tabs made single spaces.
func about(f finding.Finding) string {
	if k := strings.Join(strings.Fields(f.Key), " "); k != "" {
		return k
	}
	return "-"
}

// compare fails on every finding of host the ledger lacks, every true
// entry the scan lacks or reports at another severity, and every false
// entry the scan reports again. The lines to add are printed in the
// ledger's format, with the tool's message as a comment: the
// justification is to be written from the service's code, not from it.
func compare(t *testing.T, host string, got map[string]finding.Finding, entries []Entry) {
	t.Helper()
	var missing []string
	want := map[string]bool{}
	for _, e := range entries {
		if e.Host != host {
			continue
		}
		want[e.Key()] = true
		f, ok := got[e.Key()]
		switch {
		case !e.Reported() && ok:
			t.Errorf("ledger.tsv:%d: %s %s %s is reported again, but the ledger records it as false: %s", e.Line, e.Check, e.Service, e.Location, e.Why)
		case e.Reported() && !ok:
			t.Errorf("ledger.tsv:%d: %s %s %s is in the ledger but not reported", e.Line, e.Check, e.Service, e.Location)
		case e.Reported() && f.Severity.String() != e.Severity:
			t.Errorf("ledger.tsv:%d: %s %s %s is reported at %s, the ledger says %s", e.Line, e.Check, e.Service, e.Location, f.Severity, e.Severity)
		}
	}
	for k, f := range got {
		if !want[k] {
			missing = append(missing, fmt.Sprintf("# %s\n%s\t%s\t%s\t%s\t%s\t%s\ttrue\tTODO\tTODO", f.Message, host, f.Severity, f.Check, f.Service, f.Location(), about(f)))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("%d finding(s) not in the ledger; review each against the service's code, then add it or fix the tool:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestStockLedger scans every stock vendor fixture as TestStockHosts does
// (a vendor-only host with every packaged sample judged as if it ran, a
// host with the documented token setup as it runs) and holds its findings
// at low or above to the ledger. It needs nothing outside the repository.
func TestStockLedger(t *testing.T) {
	entries, _ := readLedger(t)
	names, _ := filepath.Glob(filepath.Join(fixtures, "*-stock*"))
	if len(names) < 12 {
		t.Fatalf("want the stock and stock-with-tokens hosts of all six services, found %d", len(names))
	}
	for _, dir := range names {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			s, err := scan.New(scan.Config{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Run(scan.Options{Now: scanDay, FailOn: vocab.Medium, Logs: true, AllInstances: !strings.HasSuffix(name, "-tokens")})
			if err != nil {
				t.Fatal(err)
			}
			compare(t, name, reported(t, name, rep), entries)
		})
	}
}

// TestCorpusLedger places every file of the ../shared corpus at its host
// path, as hosts.tsv says (companion files of one deployment in one
// tree, a stub of the documented lines where a lone plug-in file needs
// one to be loaded), scans each host tree without a site profile
// (production) and holds its findings at low or above to the ledger.
// It skips when ../shared is absent.
func TestCorpusLedger(t *testing.T) {
	corpus := testkit.SharedPath(t, "corpus")
	entries, placements := readLedger(t)
	listed := map[string]bool{}
	trees := map[string][]Placement{}
	var hosts []string
	for _, p := range placements {
		if rel, ok := strings.CutPrefix(p.Source, "corpus:"); ok {
			listed[rel] = true
		}
		if p.Host == NotPlaced {
			continue
		}
		if _, ok := trees[p.Host]; !ok {
			hosts = append(hosts, p.Host)
		}
		trees[p.Host] = append(trees[p.Host], p)
	}
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "*"))
	for _, f := range files {
		rel, _ := filepath.Rel(corpus, f)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("corpus file %s is neither placed nor listed as not placed in testdata/hosts.tsv", rel)
		}
	}
	for _, host := range hosts {
		t.Run(host, func(t *testing.T) {
			tree := map[string][]byte{}
			hostname := ""
			for _, p := range trees[host] {
				if hostname != "" && p.Hostname != hostname {
					t.Fatalf("hosts.tsv:%d: host %s named both %s and %s", p.Line, host, hostname, p.Hostname)
				}
				hostname = p.Hostname
				if _, dup := tree[p.Path]; dup {
					t.Fatalf("hosts.tsv:%d: %s placed twice on %s", p.Line, p.Path, host)
				}
				tree[p.Path] = source(t, corpus, p)
			}
			root := testkit.HostTree(t, tree)
			s, err := scan.New(scan.Config{Root: root, Hostname: hostname})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Run(scan.Options{Now: scanDay, FailOn: vocab.Medium})
			if err != nil {
				t.Fatal(err)
			}
			compare(t, host, reported(t, host, rep), entries)
		})
	}
	// Every entry belongs to a host this test or TestStockLedger scans.
	for _, e := range entries {
		if _, ok := trees[e.Host]; ok {
			continue
		}
		if _, err := os.Stat(filepath.Join(fixtures, e.Host)); err != nil || !strings.Contains(e.Host, "-stock") {
			t.Errorf("ledger.tsv:%d: host %s is neither a corpus host of hosts.tsv nor a stock fixture", e.Line, e.Host)
		}
	}
}

// source reads what a placement puts on the host.
func source(t *testing.T, corpus string, p Placement) []byte {
	t.Helper()
	kind, rest, _ := strings.Cut(p.Source, ":")
	var file string
	switch kind {
	case "corpus":
		file = filepath.Join(corpus, filepath.FromSlash(rest))
	case "stub":
		file = filepath.Join("testdata", "stubs", rest)
	case "fixture":
		file = filepath.Join(fixtures, filepath.FromSlash(rest))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("hosts.tsv:%d: %v", p.Line, err)
	}
	return data
}

// TestReadErrors: a malformed ledger is an error naming its line, never a
// silently shorter ledger.
func TestReadErrors(t *testing.T) {
	const head = "host\tseverity\tcheck\tservice\tlocation\tabout\tverdict\tjustification\tsource\n"
	tests := []struct {
		name, text, want string
	}{
		{"no header", "", "no header line"},
		{"wrong header", "host\tcheck\n", "header"},
		{"info severity", head + "h\tinfo\tc\ts\t/f:1\tk\ttrue\twhy\thttps://x\n", "low or above"},
		{"unknown verdict", head + "h\tlow\tc\ts\t/f:1\tk\tunproven\twhy\thttps://x\n", "verdict"},
		{"source not a URL", head + "h\tlow\tc\ts\t/f:1\tk\ttrue\twhy\tXrdOfs.cc\n", "public https URL"},
		{"missing column", head + "h\tlow\tc\ts\t/f:1\tk\ttrue\twhy\n", "columns"},
		{"empty column", head + "h\tlow\tc\ts\t/f:1\tk\ttrue\t\thttps://x\n", "empty"},
		{"twice", head + "h\tlow\tc\ts\t/f:1\tk\ttrue\twhy\thttps://x\nh\thigh\tc\ts\t/f:1\tk\ttrue\twhy\thttps://x\n", "same finding as line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEntries(strings.NewReader(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadEntries = %v, want an error with %q", err, tc.want)
			}
		})
	}
	pl := []struct {
		name, text, want string
	}{
		{"bad source", "host\thostname\tpath\tsource\tnote\nh\th.example.org\t/etc/x\tfile:x\tn\n", "none of"},
		{"stub not placed", "host\thostname\tpath\tsource\tnote\n-\t-\t-\tstub:x\tn\n", "only a corpus file"},
		{"relative path", "host\thostname\tpath\tsource\tnote\nh\th.example.org\tetc/x\tcorpus:x/y\tn\n", "not a host path"},
	}
	for _, tc := range pl {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPlacements(strings.NewReader(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadPlacements = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestTotals counts verdicts into the precision before and after fixes.
func TestTotals(t *testing.T) {
	entries := []Entry{
		{Host: "a", Severity: "high", Check: "c1", Verdict: VerdictTrue},
		{Host: "a", Severity: "medium", Check: "c1", Verdict: VerdictFalse},
		{Host: "a", Severity: "low", Check: "c2", Verdict: VerdictMissed},
		{Host: "a", Severity: "high", Check: "c3", Verdict: VerdictCorrected},
		{Host: "x-stock", Severity: "low", Check: "c2", Verdict: VerdictTrue},
	}
	got := Totals(entries, []Placement{{Host: "a", Source: "corpus:s/f"}, {Host: NotPlaced, Source: "corpus:s/g"}})
	for _, want := range []string{
		"corpus files placed: 1 in 1 host trees; not placed: 1",
		"entries: 5 (true 2, missed before a fix 1, corrected 1, false and fixed 1)",
		"reported now, per severity: critical 0 high 2 medium 0 low 2",
		"precision, corpus, medium or above: before the fixes 1/3 (33 %), now 2/2 (100 %)",
		"precision, corpus, low or above: before the fixes 1/3 (33 %), now 3/3 (100 %)",
		"precision, stock fixtures, low or above: before the fixes 1/1 (100 %), now 1/1 (100 %)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Totals lacks %q:\n%s", want, got)
		}
	}
}
