package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestLegacyGSI(t *testing.T) {
	legacy := func(l ...inventory.Legacy) inventory.Service {
		svc := service(good(atlas))
		svc.Legacy = l
		return svc
	}
	runCases(t, legacyGSI, []checkCase{
		{name: "nothing legacy", svc: legacy()},
		{name: "obsolete options are legacy-config's", svc: legacy(inventory.Legacy{Kind: "config", What: "[authtokens] block", Source: src(4)})},
		{name: "GSI mapping", svc: legacy(inventory.Legacy{Kind: "gsi", What: "GSI mapfile line", Source: src(4)}), want: []want{
			{severity: "low", message: "GSI mapfile line, left from the GSI/X.509 era", source: src(4), key: "gsi:GSI mapfile line"},
		}},
	})
}
