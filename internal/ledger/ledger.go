// Package ledger reads the reviewed findings ledger: for every real-world
// configuration of the ../shared corpus (placed at its host path) and
// every stock vendor fixture, the findings at low or above that the
// services' own code shows to be true, each with its justification and
// upstream source. The ledger test (ledger_test.go) scans those hosts and
// fails on any finding the ledger lacks and any entry the scan lacks, so
// that precision on real configurations is a reviewed diff, not a claim;
// `make ledger` prints its totals.
//
// Two tab-separated files in testdata, reviewable in diffs:
//
//   - hosts.tsv places corpus files (and the few stub lines that load a
//     lone plug-in file, from testdata/stubs) into host trees, or says why
//     a file is not placed;
//   - ledger.tsv lists the findings per host.
//
// Blank lines and lines starting with "#" are comments in both.
package ledger

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Verdicts of ledger entries. A true entry is a finding the scan must
// report; a missed one is a true finding too, which the tool did not
// report before a fix (so it counts for recall, not for the precision
// before); a corrected one is a finding the tool reported before with a
// false claim (wrong account, wrong audience semantics) and reports now
// truthfully at the same place. A false entry is a finding the tool
// reported before it was fixed, its justification saying why it was
// wrong: kept so that the precision before the fix stays countable, and
// so that the scan may never report it again.
const (
	VerdictTrue      = "true"
	VerdictMissed    = "missed"
	VerdictCorrected = "corrected"
	VerdictFalse     = "false"
)

// Reported reports whether the scan must report the entry's finding.
func (e Entry) Reported() bool { return e.Verdict != VerdictFalse }

// NotPlaced is the host column of a corpus file that no host holds; its
// note says why.
const NotPlaced = "-"

// Entry is one reviewed finding.
type Entry struct {
	Host, Severity, Check, Service, Location string
	// About is what the finding is about (the issuer, the setting: the
	// finding's key), which tells apart findings at one place.
	About   string
	Verdict string
	// Why is the one-line justification, from the service's code.
	Why string
	// Source is the public URL (at a tag or commit) that makes it true,
	// or shows it false.
	Source string
	// Line is the entry's line in ledger.tsv, for messages.
	Line int
}

// Key identifies the finding an entry stands for, without its severity.
func (e Entry) Key() string {
	return e.Host + "\t" + e.Check + "\t" + e.Service + "\t" + e.Location + "\t" + e.About
}

// Placement puts one file into a host tree, or says why a corpus file is
// in none.
type Placement struct {
	// Host names the tree (NotPlaced for a file no host holds).
	Host string
	// Hostname is the name the host's services know it by.
	Hostname string
	// Path is the file's path on the host.
	Path string
	// Source is corpus:<dir>/<file>, stub:<file> (testdata/stubs) or
	// fixture:<host>/<path> (fixtures/hosts).
	Source string
	// Note says what the file is there, or why it is not placed.
	Note string
	Line int
}

// entryColumns and placementColumns are the header lines the files must
// start with, so that a moved column fails loudly.
var (
	entryColumns     = []string{"host", "severity", "check", "service", "location", "about", "verdict", "justification", "source"}
	placementColumns = []string{"host", "hostname", "path", "source", "note"}
)

// rows reads a tab-separated file with a fixed header, skipping comments.
func rows(r io.Reader, columns []string, each func(cols []string, line int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	header := false
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if !header {
			if strings.Join(cols, "\t") != strings.Join(columns, "\t") {
				return fmt.Errorf("line %d: header %q, want %q", line, text, strings.Join(columns, "\t"))
			}
			header = true
			continue
		}
		if len(cols) != len(columns) {
			return fmt.Errorf("line %d: %d columns, want %d (%s)", line, len(cols), len(columns), strings.Join(columns, ", "))
		}
		for i, c := range cols {
			if strings.TrimSpace(c) != c || c == "" {
				return fmt.Errorf("line %d: column %s is empty or has surrounding blanks", line, columns[i])
			}
		}
		if err := each(cols, line); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !header {
		return fmt.Errorf("no header line (%s)", strings.Join(columns, "\t"))
	}
	return nil
}

// ReadEntries reads ledger.tsv.
func ReadEntries(r io.Reader) ([]Entry, error) {
	var out []Entry
	seen := map[string]int{}
	err := rows(r, entryColumns, func(c []string, line int) error {
		e := Entry{Host: c[0], Severity: c[1], Check: c[2], Service: c[3], Location: c[4], About: c[5], Verdict: c[6], Why: c[7], Source: c[8], Line: line}
		switch e.Severity {
		case "low", "medium", "high", "critical":
		default:
			return fmt.Errorf("severity %q: the ledger lists findings at low or above", e.Severity)
		}
		switch e.Verdict {
		case VerdictTrue, VerdictMissed, VerdictCorrected, VerdictFalse:
		default:
			return fmt.Errorf("verdict %q, want %s, %s, %s or %s", e.Verdict, VerdictTrue, VerdictMissed, VerdictCorrected, VerdictFalse)
		}
		if !strings.HasPrefix(e.Source, "https://") {
			return fmt.Errorf("source %q is not a public https URL", e.Source)
		}
		if prev, ok := seen[e.Key()]; ok {
			return fmt.Errorf("same finding as line %d", prev)
		}
		seen[e.Key()] = line
		out = append(out, e)
		return nil
	})
	return out, err
}

// ReadPlacements reads hosts.tsv.
func ReadPlacements(r io.Reader) ([]Placement, error) {
	var out []Placement
	err := rows(r, placementColumns, func(c []string, line int) error {
		p := Placement{Host: c[0], Hostname: c[1], Path: c[2], Source: c[3], Note: c[4], Line: line}
		kind, _, _ := strings.Cut(p.Source, ":")
		switch kind {
		case "corpus", "stub", "fixture":
		default:
			return fmt.Errorf("source %q is none of corpus:, stub:, fixture:", p.Source)
		}
		if p.Host == NotPlaced && (kind != "corpus" || p.Path != NotPlaced) {
			return fmt.Errorf("only a corpus file can be not placed, with path %s", NotPlaced)
		}
		if p.Host != NotPlaced && !strings.HasPrefix(p.Path, "/") {
			return fmt.Errorf("path %q is not a host path", p.Path)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// Totals renders the ledger's counts: entries per verdict, the findings
// reported now per severity and per check, and the precision at medium or
// above and at low or above, before the fixes the false, corrected and
// missed entries record (true over true, corrected and false) and now
// (every reported finding is a true, missed or corrected entry, or the
// ledger test fails).
func Totals(entries []Entry, placements []Placement) string {
	var b strings.Builder
	hosts := map[string]bool{}
	placed, notPlaced := map[string]bool{}, 0
	for _, p := range placements {
		if p.Host == NotPlaced {
			notPlaced++
			continue
		}
		hosts[p.Host] = true
		if strings.HasPrefix(p.Source, "corpus:") {
			placed[p.Source] = true
		}
	}
	fmt.Fprintf(&b, "corpus files placed: %d in %d host trees; not placed: %d\n", len(placed), len(hosts), notPlaced)
	count := func(filter func(Entry) bool) int {
		n := 0
		for _, e := range entries {
			if filter(e) {
				n++
			}
		}
		return n
	}
	verdict := func(v string) func(Entry) bool { return func(e Entry) bool { return e.Verdict == v } }
	fmt.Fprintf(&b, "entries: %d (true %d, missed before a fix %d, corrected %d, false and fixed %d)\n",
		len(entries), count(verdict(VerdictTrue)), count(verdict(VerdictMissed)), count(verdict(VerdictCorrected)), count(verdict(VerdictFalse)))
	b.WriteString("reported now, per severity:")
	for _, s := range []string{"critical", "high", "medium", "low"} {
		fmt.Fprintf(&b, " %s %d", s, count(func(e Entry) bool { return e.Reported() && e.Severity == s }))
	}
	b.WriteString("\n")
	corpus := func(e Entry) bool { return hosts[e.Host] }
	for _, scope := range []struct {
		name string
		in   func(Entry) bool
	}{{"corpus", corpus}, {"stock fixtures", func(e Entry) bool { return !corpus(e) }}} {
		for _, lvl := range []struct {
			name string
			in   func(Entry) bool
		}{{"medium or above", func(e Entry) bool { return e.Severity != "low" }}, {"low or above", func(Entry) bool { return true }}} {
			in := func(e Entry) bool { return scope.in(e) && lvl.in(e) }
			tr := count(func(e Entry) bool { return in(e) && e.Verdict == VerdictTrue })
			fa := count(func(e Entry) bool { return in(e) && (e.Verdict == VerdictFalse || e.Verdict == VerdictCorrected) })
			now := count(func(e Entry) bool { return in(e) && e.Reported() })
			fmt.Fprintf(&b, "precision, %s, %s: before the fixes %s, now %s\n", scope.name, lvl.name, ratio(tr, tr+fa), ratio(now, now))
		}
	}
	perCheck := map[string][4]int{}
	for _, e := range entries {
		c := perCheck[e.Check]
		switch e.Verdict {
		case VerdictTrue:
			c[0]++
		case VerdictMissed:
			c[1]++
		case VerdictCorrected:
			c[2]++
		default:
			c[3]++
		}
		perCheck[e.Check] = c
	}
	checks := make([]string, 0, len(perCheck))
	for c := range perCheck {
		checks = append(checks, c)
	}
	sort.Strings(checks)
	fmt.Fprintf(&b, "per check: %-26s %5s %6s %9s %5s\n", "", "true", "missed", "corrected", "false")
	for _, c := range checks {
		fmt.Fprintf(&b, "           %-26s %5d %6d %9d %5d\n", c, perCheck[c][0], perCheck[c][1], perCheck[c][2], perCheck[c][3])
	}
	return b.String()
}

// ratio renders n/d as "n/d (p %)".
func ratio(n, d int) string {
	if d == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%d %%)", n, d, (100*n+d/2)/d)
}
