package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestScopeUnchecked(t *testing.T) {
	arc := func(version string, settings ...inventory.Setting) inventory.Service {
		svc := withSettings(service(good(atlas)), append([]inventory.Setting{setting("arc.version", version)}, settings...)...)
		svc.Name = "arc-ce"
		return svc
	}
	tokensOff := arc("7")
	tokensOff.TokensEnabled = false
	runCases(t, scopeUnchecked, []checkCase{
		{name: "ARC 7 with tokenscopes", svc: arc("7", setting("arex.tokenscopes", "wlcg"))},
		{name: "ARC 6 has no tokenscopes", svc: arc("6")},
		{name: "tokens off", svc: tokensOff},
		{name: "ARC 7 without tokenscopes", svc: arc("7"), want: []want{
			{severity: "medium", message: "(ARC 7) has no tokenscopes in [arex]", source: src(1), key: "tokenscopes"},
		}},
	})
}
