package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestIssuerWildcard(t *testing.T) {
	runCases(t, issuerWildcard, []checkCase{
		{name: "named issuers only", svc: service(good(atlas), good(dteam))},
		{name: "any issuer", svc: service(good(dteam), with("", func(t *inventory.Trust) { t.AnyIssuer = true; t.Name = "all" })), want: []want{
			{severity: "critical", message: "accepts tokens from any issuer (all)", source: src(6), key: "any-issuer:all"},
		}},
	})
}
