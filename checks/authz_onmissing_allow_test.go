package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestAuthzOnMissingAllow(t *testing.T) {
	onmissing := func(v string) inventory.Service {
		return withSettings(service(good(dteam)), setting("scitokens.onmissing", v))
	}
	runCases(t, authzOnMissingAllow, []checkCase{
		{name: "passthrough", svc: onmissing("passthrough")},
		{name: "deny", svc: onmissing("deny")},
		{name: "not set", svc: service(good(dteam))},
		{name: "allow", svc: onmissing("allow"), want: []want{
			{severity: "critical", message: "(onmissing = allow)", source: src(3), key: "onmissing"},
		}},
		{name: "Allow in other case", svc: onmissing("Allow"), want: []want{
			{severity: "critical"},
		}},
	})
}
