package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand: the fleet view of real scan results — the latest
// result per host, dated by the scan's own scanned_at; exit codes by
// --fail-on (0/1), 3 when no result can be read, 2 for usage errors;
// --format repeated with fmt=path; --stale in days.
func TestReportCommand(t *testing.T) {
	results := t.TempDir()
	scanTo := func(root, now, file string) {
		t.Helper()
		if code, _, stderr := run("scan", "--root", hosts+root, "--now", now, "--format", "json="+filepath.Join(results, file)); code > 1 {
			t.Fatalf("scan %s: exit %d: %s", root, code, stderr)
		}
	}
	// The demo host fails (high and critical); a later clean result of
	// another host and an older one of the same host.
	scanTo("demo", "2026-11-20", "demo.json")
	scanTo("xrootd-wg-recipe", "2026-11-01", "xrd-old.json")
	scanTo("xrootd-wg-recipe", "2026-11-21", "xrd-new.json")
	unreadable := t.TempDir()
	writeFile(t, unreadable, "broken.json", "{not json")
	out := t.TempDir()
	csvPath, mdPath := filepath.Join(out, "fleet.csv"), filepath.Join(out, "fleet.md")

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stdout or stderr
	}{
		{"fails on the demo host", []string{results, "--format", "csv"}, 1, "se01.demo-t2.example.org"},
		{"a clean host passes", []string{filepath.Join(results, "xrd-new.json"), "--format", "csv", "--fail-on", "critical"}, 0, "xrd01.example.org"},
		{"nothing readable", []string{unreadable, "--format", "csv"}, 3, "nothing to judge"},
		{"no result at all", []string{t.TempDir(), "--format", "csv"}, 3, "nothing to judge"},
		{"bad fail-on", []string{results, "--fail-on", "severe"}, 2, "--fail-on"},
		{"bad stale", []string{results, "--stale", "7 days"}, 2, "7d"},
		{"two formats on stdout", []string{results, "--format", "csv", "--format", "markdown"}, 2, "standard output"},
		{"--output without its format", []string{results, "--format", "csv=" + csvPath, "--output", mdPath}, 2, "no format to write"},
		{"formats to files", []string{results, "--format", "csv=" + csvPath, "--format", "markdown=" + mdPath, "--stale", "2d", "--fail-on", "critical"}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(append([]string{"report"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d, want %d and %q in the output\nstdout: %.600s\nstderr: %s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}

	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and one per host (the older xrootd result is history):\n%v", len(rows), rows)
	}
	byHost := map[string][]string{}
	for _, r := range rows[1:] {
		byHost[r[col["host"]]] = r
	}
	xrd := byHost["xrd01.example.org"]
	if xrd == nil || xrd[col["scanned_at"]] != "2026-11-21T00:00:00Z" || filepath.Base(xrd[col["file"]]) != "xrd-new.json" || xrd[col["history"]] != "1" {
		t.Errorf("xrootd host = %v, want the 2026-11-21 result with one older one", xrd)
	}
	// Scanned 2026-11-20 and 21, judged now (years later with --stale 2d).
	if demo := byHost["se01.demo-t2.example.org"]; demo == nil || demo[col["stale"]] != "true" || demo[col["worst"]] != "critical" {
		t.Errorf("demo host = %v, want stale with a critical finding", demo)
	}
	if md, _ := os.ReadFile(mdPath); !strings.Contains(string(md), "xrd-new.json") || !strings.Contains(string(md), "(+1 older)") {
		t.Errorf("markdown lacks the file and history columns:\n%s", md)
	}
}

// TestAgeFlag: --stale takes days as well as Go durations.
func TestAgeFlag(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{"7d", "7d", false}, {"1d12h", "36h0m0s", false}, {"36h", "36h0m0s", false}, {"90m", "1h30m0s", false},
		{"0d", "0s", false}, {"", "", true}, {"7 days", "", true}, {"d", "", true}, {"-1h", "", true}, {"1.5d", "", true},
	} {
		var a age
		err := a.Set(tc.in)
		if (err != nil) != tc.bad || !tc.bad && a.String() != tc.want {
			t.Errorf("Set(%q) = %v, %v; want %q (error: %v)", tc.in, a.String(), err, tc.want, tc.bad)
		}
	}
}
