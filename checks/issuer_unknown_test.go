package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestIssuerUnknown(t *testing.T) {
	pattern := func(p string) inventory.Trust {
		return with("", func(t *inventory.Trust) { t.IdentityPattern = p })
	}
	runCases(t, issuerUnknown, []checkCase{
		{name: "pattern admitting a VO issuer is that issuer", svc: service(pattern(`^https://atlas-auth\.cern\.ch/,`))},
		{name: "VO issuer", svc: service(good(atlas))},
		{name: "declared with contact", svc: service(good("https://iam.example.org/"))},
		{name: "near miss is not also unknown", svc: service(good("https://atlas-auth.cern.ch"))},
		{name: "unknown issuer", svc: service(good("https://cilogon.org/dune")), want: []want{
			{severity: "medium", message: "trusts https://cilogon.org/dune, which no recipe knows", source: src(6), key: "https://cilogon.org/dune"},
		}},
		{name: "unknown issuer under the admin's name for it", svc: service(with("https://cilogon.org/dune", func(t *inventory.Trust) { t.Name = "DUNE" })), want: []want{
			{message: "trusts https://cilogon.org/dune (DUNE), which no recipe knows"},
		}},
		{name: "pattern admitting no known issuer", svc: service(pattern(`^https://cilogon\.org/dune,`)), want: []want{
			{severity: "medium", key: `/^https://cilogon\.org/dune,/`},
		}},
	})
}
