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
		// The WG's testbed page lists DUNE, Fermilab and EGI Check-in
		// (doma-testbed.md L25-27): known, not unknown.
		{name: "issuer the WG lists (DUNE)", svc: service(good("https://cilogon.org/dune"))},
		{name: "issuer the WG lists (EGI)", svc: service(good("https://aai.egi.eu/auth/realms/egi"))},
		{name: "unknown issuer", svc: service(good("https://scitokens.org/osg-connect")), want: []want{
			{severity: "medium", message: "trusts https://scitokens.org/osg-connect, which no recipe knows", source: src(6), key: "https://scitokens.org/osg-connect"},
		}},
		{name: "unknown issuer under the admin's name for it", svc: service(with("https://scitokens.org/osg-connect", func(t *inventory.Trust) { t.Name = "OSG-Connect" })), want: []want{
			{message: "trusts https://scitokens.org/osg-connect (OSG-Connect), which no recipe knows"},
		}},
		{name: "pattern admitting no known issuer", svc: service(pattern(`^https://scitokens\.org/osg-connect,`)), want: []want{
			{severity: "medium", key: `/^https://scitokens\.org/osg-connect,/`},
		}},
	})
}
