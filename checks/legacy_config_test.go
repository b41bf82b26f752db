package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestLegacyConfig(t *testing.T) {
	legacy := func(l ...inventory.Legacy) inventory.Service {
		svc := service(good(atlas))
		svc.Legacy = l
		return svc
	}
	runCases(t, legacyConfig, []checkCase{
		{name: "nothing legacy", svc: legacy()},
		{name: "GSI leftovers are legacy-gsi's", svc: legacy(inventory.Legacy{Kind: "gsi", What: "GSI authentication", Source: src(4)})},
		{name: "obsolete block", svc: legacy(inventory.Legacy{Kind: "config", What: "[authtokens] is an ARC 6 block; ARC 7 ignores it", Source: src(4)}), want: []want{
			{severity: "low", message: "[authtokens] is an ARC 6 block; ARC 7 ignores it", source: src(4), key: "legacy:[authtokens] is an ARC 6 block; ARC 7 ignores it"},
		}},
	})
}
