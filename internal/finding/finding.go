// Package finding is the result model of a scan: findings with their
// severity and status, and the report envelope that carries tool version,
// recipe version and digest. It knows nothing of services or file formats.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"time"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Waiver is the site profile's reason for accepting a deviation.
type Waiver struct {
	Reason   string `json:"reason"`
	Expires  string `json:"expires"`
	Approver string `json:"approver,omitempty"`
	Source   string `json:"source,omitempty"`
}

// Finding is one deviation from the recipes.
type Finding struct {
	Check       string         `json:"check"`
	Title       string         `json:"title"`
	Severity    vocab.Severity `json:"severity"`
	Status      vocab.Status   `json:"status"`
	Service     string         `json:"service"`
	Instance    string         `json:"instance,omitempty"`
	Message     string         `json:"message"`
	Expected    string         `json:"expected,omitempty"`
	Actual      string         `json:"actual,omitempty"`
	File        string         `json:"file"`
	Line        int            `json:"line"`
	Remediation string         `json:"remediation"`
	References  []string       `json:"references,omitempty"`
	// Also are the other places of the same problem: more lines of the
	// file, and other services or instances that read the same file (an
	// EOS MGM and xrootd instances sharing one scitokens.cfg). One problem
	// is one finding, however many places show it.
	Also        []Place `json:"also,omitempty"`
	Fingerprint string  `json:"fingerprint"`
	Waiver      *Waiver `json:"waiver,omitempty"`
	// Baseline is "new" or "unchanged" when the scan was compared with a
	// previous report (--baseline), by fingerprint.
	Baseline string `json:"baseline,omitempty"`
	// Key identifies what the finding is about (an issuer, a setting) apart
	// from its position; it feeds the fingerprint and is not reported.
	Key string `json:"-"`
	// Edits are the mechanical changes that bring the host's files to the
	// recipe for this finding (scan --diff renders them as a unified
	// diff); none when the fix needs a person's decision.
	Edits []Edit `json:"edits,omitempty"`
}

// Edit operations.
const (
	// EditReplace replaces the lines Old, from Line on, with New (none:
	// the lines are removed).
	EditReplace = "replace"
	// EditInsertAfter inserts New after Line, whose text is Old[0] (Line
	// 0: at the top of the file, Old empty).
	EditInsertAfter = "insert-after"
	// EditInsertBefore inserts New before Line, whose text is Old[0].
	EditInsertBefore = "insert-before"
	// EditAppend adds New at the end of the file, creating it if absent.
	EditAppend = "append"
)

// Edit is one mechanical change to one file, as a check derives it from
// what the reader saw: which lines, what they read then (so that a file
// changed since the scan is never patched blindly), and what to write.
type Edit struct {
	File string   `json:"file"`
	Op   string   `json:"op"`
	Line int      `json:"line,omitempty"`
	Old  []string `json:"old,omitempty"`
	New  []string `json:"new,omitempty"`
}

// Equal reports whether two edits make the same change.
func (e Edit) Equal(o Edit) bool {
	return e.File == o.File && e.Op == o.Op && e.Line == o.Line && slices.Equal(e.Old, o.Old) && slices.Equal(e.New, o.New)
}

// Patch is the mechanical part of a scan's fixes (scan --diff): a
// unified diff against the host's own files, the findings it fixes, and
// the failing findings left for the admin, each with why.
type Patch struct {
	// Root is the directory the host's files were read under (/ on the
	// live host); the diff names files relative to it.
	Root  string    `json:"root"`
	Diff  string    `json:"diff"`
	Fixed []Finding `json:"fixed"`
	Left  []Left    `json:"left"`
}

// Left is a failing finding the diff does not fix.
type Left struct {
	Finding Finding `json:"finding"`
	// Reason says why: no mechanical fix, the file changed since the
	// scan, an overlap with a worse finding's fix.
	Reason string `json:"reason"`
}

// mergeEdits adds the edits of b that a does not have.
func mergeEdits(a, b []Edit) []Edit {
	for _, e := range b {
		if !slices.ContainsFunc(a, e.Equal) {
			a = append(a, e)
		}
	}
	return a
}

// Location renders file:line.
func (f Finding) Location() string {
	return inventory.Source{File: f.File, Line: f.Line}.String()
}

// Place is one more place a finding's problem shows.
type Place struct {
	Service  string `json:"service"`
	Instance string `json:"instance,omitempty"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

// Location renders file:line.
func (p Place) Location() string {
	return inventory.Source{File: p.File, Line: p.Line}.String()
}

// Label names the place's service for people: "xrootd (clustered)".
func (p Place) Label() string {
	return inventory.Service{Name: p.Service, Instance: p.Instance}.Label()
}

// Fingerprint derives a stable identifier from what a finding is about,
// not where: the check, the file and the key. Line numbers are left out
// so that unrelated edits above a deviation do not make it look new to a
// baseline comparison, and services and instances so that a second
// instance reading the same file does not either.
func Fingerprint(check, file, key string) string {
	h := sha256.New()
	for _, p := range []string{check, file, key} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Summary counts findings by severity and status.
type Summary struct {
	Total  int `json:"total"`
	Failed int `json:"failed"`
	Waived int `json:"waived"`
	// NotRunning counts findings of services systemd does not start.
	NotRunning int            `json:"not_running"`
	BySeverity map[string]int `json:"by_severity"`
}

// Summarize counts failing findings by severity; waived ones are counted
// apart.
func Summarize(fs []Finding) Summary {
	s := Summary{BySeverity: map[string]int{}}
	for _, n := range vocab.SeverityNames() {
		s.BySeverity[n] = 0
	}
	for _, f := range fs {
		s.Total++
		switch f.Status {
		case vocab.StatusWaived:
			s.Waived++
			continue
		case vocab.StatusNotRunning:
			s.NotRunning++
			continue
		}
		s.Failed++
		s.BySeverity[f.Severity.String()]++
	}
	return s
}

// Sort orders findings worst first, then by service, file, line and check,
// so that every output is deterministic.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Instance != b.Instance {
			return a.Instance < b.Instance
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Message < b.Message
	})
}

// Worst returns the highest severity among failing findings and whether
// there is any.
func Worst(fs []Finding) (vocab.Severity, bool) {
	worst, any := vocab.Info, false
	for _, f := range fs {
		if f.Status != vocab.StatusFail {
			continue
		}
		if !any || f.Severity > worst {
			worst, any = f.Severity, true
		}
	}
	return worst, any
}

// AtOrAbove reports whether any failing finding is at or above the
// threshold: the exit-code policy of scan.
func AtOrAbove(fs []Finding, threshold vocab.Severity) bool {
	for _, f := range fs {
		if f.Status == vocab.StatusFail && f.Severity >= threshold {
			return true
		}
	}
	return false
}

// Recipes identifies the recipe set a report was judged against.
type Recipes struct {
	Version string `json:"version"`
	Digest  string `json:"digest"`
	Source  string `json:"source"`
}

// Profile describes the site profile in force.
type Profile struct {
	File        string `json:"file,omitempty"`
	Site        string `json:"site,omitempty"`
	Environment string `json:"environment"`
	// Assumed is true when no profile was found and production was assumed.
	Assumed bool `json:"assumed"`
}

// SchemaVersion is the version of the JSON report schema
// (internal/output/schema/report.schema.json). Bump the major on any
// incompatible change to the keys scripts read.
const SchemaVersion = "1.2.0"

// Report is everything one scan produced for one host.
type Report struct {
	SchemaVersion string         `json:"schema_version"`
	Tool          string         `json:"tool"`
	ToolVersion   string         `json:"tool_version"`
	Recipes       Recipes        `json:"recipes"`
	Host          string         `json:"host"`
	Root          string         `json:"root"`
	ScannedAt     time.Time      `json:"scanned_at"`
	Profile       Profile        `json:"profile"`
	FailOn        vocab.Severity `json:"fail_on"`
	// FailOnNew makes only findings new against the baseline count for
	// the verdict (--fail-on-new).
	FailOnNew bool `json:"-"`
	// NothingToJudge says why the scan had nothing to judge (no service
	// found, a required service missing, a named log path missing); the
	// verdict is then unknown unless a finding fails anyway.
	NothingToJudge string `json:"nothing_to_judge,omitempty"`
	// Verdict is the outcome every format and the exit code follow:
	// VerdictPass, VerdictFail or VerdictUnknown.
	Verdict   string              `json:"verdict"`
	Summary   Summary             `json:"summary"`
	Inventory inventory.Inventory `json:"inventory"`
	Findings  []Finding           `json:"findings"`
	// Resolved are the previous report's failing findings that are gone,
	// when the scan was compared with one (--baseline).
	Resolved []Finding `json:"resolved,omitempty"`
	// LogsSearched is what a log search read, when there was one.
	LogsSearched *LogsSearched `json:"logs_searched,omitempty"`
}

// LogsSearched is what a search of logs for leaked tokens covered.
type LogsSearched struct {
	Paths []string `json:"paths"`
	Files int      `json:"files"`
	Bytes int64    `json:"bytes"`
}

// Verdicts of a report. Precedence: a failing finding makes it fail even
// when something else was missing; otherwise nothing to judge is
// unknown, never a pass.
const (
	VerdictPass    = "pass"
	VerdictFail    = "fail"
	VerdictUnknown = "unknown"
)

// Judge computes the verdict from the findings and NothingToJudge.
func (r *Report) Judge() string {
	switch {
	case r.Fails():
		return VerdictFail
	case r.NothingToJudge != "":
		return VerdictUnknown
	}
	return VerdictPass
}

// Fails is the scan's verdict, the exit-code policy of scan and logs: an
// unwaived finding at or above FailOn (only new ones with FailOnNew).
func (r *Report) Fails() bool {
	if r.FailOnNew {
		return NewAtOrAbove(r.Findings, r.FailOn)
	}
	return AtOrAbove(r.Findings, r.FailOn)
}

// CompareBaseline marks each finding new or unchanged against a previous
// report's findings and returns the previous failing findings that are
// gone. Fingerprints ignore line numbers, so moved lines stay unchanged.
func CompareBaseline(current []Finding, previous []Finding) (marked []Finding, resolved []Finding) {
	prev := map[string]bool{}
	for _, f := range previous {
		prev[f.Fingerprint] = true
	}
	cur := map[string]bool{}
	marked = make([]Finding, len(current))
	for i, f := range current {
		cur[f.Fingerprint] = true
		f.Baseline = "new"
		if prev[f.Fingerprint] {
			f.Baseline = "unchanged"
		}
		marked[i] = f
	}
	for _, f := range previous {
		if f.Status == vocab.StatusFail && !cur[f.Fingerprint] {
			resolved = append(resolved, f)
		}
	}
	return marked, resolved
}

// NewAtOrAbove is AtOrAbove for findings marked new by a baseline.
func NewAtOrAbove(fs []Finding, threshold vocab.Severity) bool {
	for _, f := range fs {
		if f.Status == vocab.StatusFail && f.Baseline == "new" && f.Severity >= threshold {
			return true
		}
	}
	return false
}

// Aggregate makes one finding of each problem: findings with the same
// check, key and file (the same deviation, seen on more lines or by more
// services and instances reading that file) become one, at the most
// severe of them, with the others' places in Also. Findings keep their
// order otherwise; findings without a key are never merged, nor findings
// of different status (a problem of a running instance stays apart from
// the same problem of an instance that does not run).
func Aggregate(fs []Finding) []Finding {
	type key struct {
		check, key, file string
		status           vocab.Status
	}
	index := map[key]int{}
	var out []Finding
	for _, f := range fs {
		k := key{f.Check, f.Key, f.File, f.Status}
		i, ok := index[k]
		if !ok || f.Key == "" {
			index[k] = len(out)
			out = append(out, f)
			continue
		}
		g := &out[i]
		if f.Severity > g.Severity {
			f.Also = append(append([]Place{g.Place()}, g.Also...), f.Also...)
			f.Edits = mergeEdits(f.Edits, g.Edits)
			*g = f
			continue
		}
		g.Also = append(append(g.Also, f.Place()), f.Also...)
		g.Edits = mergeEdits(g.Edits, f.Edits)
	}
	for i := range out {
		out[i].Also = uniquePlaces(out[i])
	}
	return out
}

// Place is where the finding itself is.
func (f Finding) Place() Place {
	return Place{Service: f.Service, Instance: f.Instance, File: f.File, Line: f.Line}
}

// uniquePlaces sorts a finding's other places and drops repeats and the
// finding's own place.
func uniquePlaces(f Finding) []Place {
	if len(f.Also) == 0 {
		return nil
	}
	own := f.Place()
	seen := map[Place]bool{own: true}
	var out []Place
	for _, p := range f.Also {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Instance != b.Instance {
			return a.Instance < b.Instance
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	if len(out) == 0 {
		return nil
	}
	return out
}
