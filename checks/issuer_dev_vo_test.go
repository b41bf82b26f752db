package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func TestIssuerDevVO(t *testing.T) {
	runCases(t, issuerDevVO, []checkCase{
		{name: "production VOs only", svc: service(good(atlas), good(dteam))},
		{name: "any issuer is issuer-wildcard's", svc: service(with("", func(t *inventory.Trust) { t.AnyIssuer = true }))},
		{name: "dev VO on production", svc: service(good(wlcg), good(dteam)), want: []want{
			{severity: "critical", message: "the issuer of the WLCG development VO, on a production host", source: src(6), key: wlcg},
		}},
		{name: "dev VO on testbed is info", profile: Profile{Environment: vocab.Testbed}, svc: service(good(wlcg)), want: []want{
			{severity: "info", message: "on a testbed host"},
		}},
	})
}
