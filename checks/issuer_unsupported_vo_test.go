package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func TestIssuerUnsupportedVO(t *testing.T) {
	runCases(t, issuerUnsupportedVO, []checkCase{
		{name: "supported VO", svc: service(good(atlas))},
		{name: "no VO list: nothing is unsupported", profile: Profile{Environment: vocab.Production}, svc: service(good("https://lhcb-auth.cern.ch/"))},
		{name: "dev VO on production is issuer-dev-vo's", svc: service(good(wlcg))},
		{name: "unsupported VO", svc: service(good("https://lhcb-auth.cern.ch/")), want: []want{
			{severity: "medium", message: "does not list lhcb among the supported VOs", source: src(6)},
		}},
		// A WG-listed issuer of a VO the site does not support
		// (doma-testbed.md L25) is unsupported, not unknown.
		{name: "DUNE on a site that does not support it", svc: service(good("https://cilogon.org/dune")), want: []want{
			{severity: "medium", message: "trusts the DUNE issuer https://cilogon.org/dune, but the site profile does not list dune among the supported VOs"},
		}},
		{name: "dev VO on a testbed that does not list it", profile: Profile{Environment: vocab.Testbed, VOs: []string{"dteam"}, VOsStated: true}, svc: service(good(wlcg)), want: []want{
			{message: "the WLCG issuer " + wlcg},
		}},
	})
}
