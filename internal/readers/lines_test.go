package readers_test

import (
	"reflect"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// TestRecordLines: every line a service's facts cite is recorded as the
// file has it; lines past the end and file-level sources are not.
func TestRecordLines(t *testing.T) {
	h := testkit.Host(t, "h.example.org", map[string]string{"/etc/a.cfg": "one\n  two = 2\nthree"})
	tests := []struct {
		name string
		svc  inventory.Service
		want map[inventory.Source]string
	}{
		{"trust and setting", inventory.Service{
			Trusts:   []inventory.Trust{{Source: inventory.Source{File: "/etc/a.cfg", Line: 2}}},
			Settings: []inventory.Setting{{Key: "k", Source: inventory.Source{File: "/etc/a.cfg", Line: 3}}},
		}, map[inventory.Source]string{{File: "/etc/a.cfg", Line: 2}: "  two = 2", {File: "/etc/a.cfg", Line: 3}: "three"}},
		{"file level and past the end", inventory.Service{
			Settings: []inventory.Setting{{Key: "k", Source: inventory.Source{File: "/etc/a.cfg"}}, {Key: "j", Source: inventory.Source{File: "/etc/a.cfg", Line: 9}}},
		}, nil},
		{"missing file", inventory.Service{Bans: []inventory.Ban{{Source: inventory.Source{File: "/etc/none", Line: 1}}}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := tc.svc
			readers.RecordLines(h, &svc, nil)
			if !reflect.DeepEqual(svc.Lines, tc.want) {
				t.Errorf("lines %v, want %v", svc.Lines, tc.want)
			}
		})
	}
}

// TestINISections reads [section] headers with every line up to the next.
func TestINISections(t *testing.T) {
	tests := []struct {
		name, text string
		want       []inventory.Section
	}{
		{"sections", "# top\n[Global]\naudience = a\n\n [authgroup: atlas] \nx = 1\n", []inventory.Section{
			{File: "/etc/s.cfg", Name: "Global", Start: 2, Lines: []string{"[Global]", "audience = a", ""}},
			{File: "/etc/s.cfg", Name: "authgroup: atlas", Start: 5, Lines: []string{" [authgroup: atlas] ", "x = 1"}},
		}},
		{"no final newline", "[a]\nk = v", []inventory.Section{{File: "/etc/s.cfg", Name: "a", Start: 1, Lines: []string{"[a]", "k = v"}}}},
		{"blank line at the end", "[a]\nk = v\n\n", []inventory.Section{{File: "/etc/s.cfg", Name: "a", Start: 1, Lines: []string{"[a]", "k = v", ""}}}},
		{"no section", "k = v\n", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testkit.Host(t, "h", map[string]string{"/etc/s.cfg": tc.text})
			if got := readers.INISections(h, "/etc/s.cfg"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("sections %+v, want %+v", got, tc.want)
			}
			if len(tc.want) > 0 && tc.want[0].End() < tc.want[0].Start {
				t.Error("End before Start")
			}
		})
	}
}
