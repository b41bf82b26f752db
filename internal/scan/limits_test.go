package scan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// TestLimitEntries: a service's lists are cut at their budgets, with a
// problem at the first entry left out; trusts of issuers already kept
// stay whatever their number, trusts of issuers past budget.Issuers go.
func TestLimitEntries(t *testing.T) {
	trust := func(iss string, line int) inventory.Trust {
		return inventory.Trust{Issuer: iss, Source: inventory.Source{File: "/etc/x.conf", Line: line}}
	}
	for _, tc := range []struct {
		name       string
		issuers    int // distinct issuers, one trust each, then…
		repeats    int // …this many more trusts of the first issuer
		problems   int
		wantTrusts int
		wantLimit  string // a fragment of the budget problem, "" for none
		wantLine   int
	}{
		{"under every budget", 10, 5000, 10, 5010, "", 0},
		{"many trusts of few issuers", 2, budget.Entries - 2, 0, budget.Entries, "", 0},
		{"issuers over budget", budget.Issuers + 5, 3, 0, budget.Issuers + 3, "distinct issuers", budget.Issuers + 1},
		{"problems over budget", 1, 0, budget.Problems + 1, 1, "problems per service", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &inventory.Service{Name: "arc-ce"}
			for i := 0; i < tc.issuers; i++ {
				s.Trusts = append(s.Trusts, trust(fmt.Sprintf("https://iss%d.example/", i), i+1))
			}
			for i := 0; i < tc.repeats; i++ {
				s.Trusts = append(s.Trusts, trust("https://iss0.example/", tc.issuers+i+1))
			}
			for i := 0; i < tc.problems; i++ {
				s.Problems = append(s.Problems, inventory.Problem{Source: inventory.Source{File: "/etc/x.conf", Line: i + 1}, Reason: "bad line"})
			}
			limitEntries(s)
			if len(s.Trusts) != tc.wantTrusts {
				t.Errorf("%d trusts kept, want %d", len(s.Trusts), tc.wantTrusts)
			}
			var limits []inventory.Problem
			for _, p := range s.Problems {
				if strings.Contains(p.Reason, "budget") {
					limits = append(limits, p)
				}
			}
			if tc.wantLimit == "" {
				if len(limits) > 0 {
					t.Errorf("budget problems %v, want none", limits)
				}
				return
			}
			if len(limits) != 1 || !strings.Contains(limits[0].Reason, tc.wantLimit) {
				t.Fatalf("budget problems %v, want one saying %q", limits, tc.wantLimit)
			}
			if tc.wantLine > 0 && limits[0].Source.Line != tc.wantLine {
				t.Errorf("budget problem at line %d, want %d (the first trust left out)", limits[0].Source.Line, tc.wantLine)
			}
		})
	}
}
