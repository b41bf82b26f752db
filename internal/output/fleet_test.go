package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/fleet"
)

// TestFleetWriters renders a fleet aggregate in every fleet format: each
// names the worst host, the CSV is a proper matrix and the JSON reads back.
func TestFleetWriters(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	r := &fleet.Report{
		GeneratedAt: at, RecipeVersion: "2026.11.0", Checks: []string{"audience-any", "issuer-dev-vo"},
		Hosts: []*fleet.Host{
			{Host: "bad.example.org", File: "/r/bad.json", ScannedAt: at, RecipeVersion: "2026.11.0", Worst: "critical", Failed: 1, Checks: map[string]int{"issuer-dev-vo": 1}},
			{Host: "clean.example.org", ScannedAt: at, RecipeVersion: "2026.10.0", Worst: "", Checks: map[string]int{}, Stale: true, OldRecipes: true},
		},
		Issuers:     map[string][]string{"https://atlas-auth.cern.ch/": {"bad.example.org", "clean.example.org"}},
		Development: map[string][]string{"https://wlcg.cloud.cnaf.infn.it/": {"bad.example.org"}},
		Expiring:    []fleet.Waiver{{Host: "bad.example.org", Check: "audience-any", Expires: "2026-12-01", Reason: "testbed"}},
		Errors:      []string{"/r/broken.json: invalid character"},
	}
	for _, name := range Names(DocFleet) {
		t.Run(name, func(t *testing.T) {
			w, err := LookupFleet(name)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w(&buf, r, Options{}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "bad.example.org") {
				t.Errorf("%s output lacks the worst host", name)
			}
			switch name {
			case "csv":
				rows, err := csv.NewReader(&buf).ReadAll()
				if err != nil || len(rows) != 3 || rows[1][0] != "bad.example.org" || len(rows[0]) != 9+len(r.Checks) || rows[0][7] != "file" || rows[1][7] != "/r/bad.json" {
					t.Errorf("csv = %v %v", rows, err)
				}
			case "json":
				var back fleet.Report
				if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back.Hosts) != 2 {
					t.Errorf("json does not read back: %v", err)
				}
			}
		})
	}
}

// TestHostileNames: names from other hosts reach spreadsheets, terminals
// and wikis defused — formulas get a leading apostrophe (OWASP CSV
// injection), control characters are escaped, Markdown cells stay cells.
func TestHostileNames(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	evil := "=HYPERLINK(\"http://x\")\x1b[2J|`"
	r := &fleet.Report{GeneratedAt: at, Checks: []string{"+check"}, Issuers: map[string][]string{}, Development: map[string][]string{},
		Hosts: []*fleet.Host{{Host: evil, ScannedAt: at, Worst: "-1", Checks: map[string]int{}}}}
	var buf bytes.Buffer
	if err := FleetCSV(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv = %v %v", rows, err)
	}
	for _, cell := range append(rows[0], rows[1]...) {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("cell %q would run as a formula", cell)
		}
	}
	buf.Reset()
	if err := FleetMarkdown(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") || strings.Contains(buf.String(), "J|`") {
		t.Errorf("markdown carries raw control or table characters:\n%q", buf.String())
	}
	rep := sample()["empty"]
	rep.Host = "se01\x1b]0;owned\x07.example.org\u202e"
	for _, name := range Names(DocReport) {
		w, _ := Lookup(name)
		buf.Reset()
		if err := w(&buf, rep, Options{}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(buf.String(), "\x1b\x07\u202e") {
			t.Errorf("%s writes raw control characters from the host name", name)
		}
	}
}

// TestFleetJSONIsEncoderOutput: the host-by-host JSON writer writes the
// bytes json.Encoder writes for the whole report, with hosts, without
// any (null and empty), and with strings that look like its own keys.
func TestFleetJSONIsEncoderOutput(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	full := &fleet.Report{
		GeneratedAt: at, RecipeVersion: "2026.11.0\n  \"hosts\": null", Checks: []string{"audience-any", "issuer-dev-vo"},
		Hosts: []*fleet.Host{
			{Host: "bad.example.org", ScannedAt: at, RecipeVersion: "2026.11.0", Worst: "critical", Failed: 1, Checks: map[string]int{"issuer-dev-vo": 1, "<a&b>": 2}},
			{Host: "clean.example.org", ScannedAt: at, RecipeVersion: "2026.10.0", Worst: "", Checks: map[string]int{}, Stale: true, OldRecipes: true},
			{Host: "third", Checks: nil},
		},
		Issuers:     map[string][]string{"https://atlas-auth.cern.ch/": {"bad.example.org", "clean.example.org"}, "\n  \"hosts\": null": {"x"}},
		Development: map[string][]string{"https://wlcg.cloud.cnaf.infn.it/": {"bad.example.org"}},
		Expiring:    []fleet.Waiver{{Host: "bad.example.org", Check: "audience-any", Expires: "2026-12-01", Reason: "testbed"}},
		Errors:      []string{"/r/broken.json: invalid character"},
	}
	one := *full
	one.Hosts = full.Hosts[:1]
	empty := *full
	empty.Hosts = []*fleet.Host{}
	none := *full
	none.Hosts = nil
	for name, r := range map[string]*fleet.Report{"full": full, "one host": &one, "empty hosts": &empty, "nil hosts": &none, "zero": {}} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if err := FleetJSON(&got, r, Options{}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: FleetJSON =\n%s\nwant (json.Encoder)\n%s", name, got.String(), want.String())
		}
	}
}
