package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestIssuerNearMiss(t *testing.T) {
	pattern := func(p string) inventory.Trust {
		return with("", func(t *inventory.Trust) { t.IdentityPattern = p; t.Subjects = []string{"pilot"} })
	}
	runCases(t, issuerNearMiss, []checkCase{
		{name: "exact issuer", svc: service(good(atlas))},
		{name: "unrelated issuer", svc: service(good("https://cilogon.org/dune"))},
		{name: "three edits away is another issuer", svc: service(good("https://atlas-a.cern.ch/"))},
		{name: "anchored, escaped pattern", svc: service(pattern(`^https://atlas-auth\.cern\.ch/,pilot$`))},
		{name: "no trailing slash", svc: service(good("https://atlas-auth.cern.ch")), want: []want{
			{severity: "medium", message: `which is almost "https://atlas-auth.cern.ch/" (no trailing slash)`, source: src(6)},
		}},
		{name: "upper case", svc: service(good("https://CMS-auth.cern.ch/")), want: []want{
			{message: "different letter case"},
		}},
		{name: "http scheme", svc: service(good("http://dteam-auth.cern.ch/")), want: []want{
			{message: "http:// instead of https://"},
		}},
		{name: "typo", svc: service(good("https://atlice-auth.cern.ch/")), want: []want{
			{message: `almost "https://alice-auth.cern.ch/" (1 character(s) differ)`},
		}},
		{name: "transposed letters", svc: service(good("https://atlas-auht.cern.ch/")), want: []want{
			{message: `almost "https://atlas-auth.cern.ch/" (2 character(s) differ)`},
		}},
		// A pattern that admits an impostor's issuer is issuer-wildcard's.
		{name: "unanchored pattern is not a near miss", svc: service(pattern(`https://atlas-auth\.cern\.ch/,pilot`))},
	})
}
