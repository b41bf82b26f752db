package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func TestAuthzGroupFallback(t *testing.T) {
	fallback := func(t *inventory.Trust) {
		t.Strategies = []inventory.Strategy{inventory.StrategyCapability, inventory.StrategyGroup, inventory.StrategyMapping}
	}
	compute := service(with(atlas, fallback))
	compute.Kind = vocab.KindCompute
	runCases(t, authzGroupFallback, []checkCase{
		{name: "capability only", svc: service(good(atlas))},
		{name: "VO that is not capability-only", svc: service(with("https://cms-auth.cern.ch/", fallback))},
		{name: "compute elements map by design", svc: compute},
		{name: "group fallback for a capability-only VO", svc: service(with(atlas, fallback)), want: []want{
			{severity: "medium", message: "authorizes ATLAS tokens by group and mapping as well as by scopes", source: src(9), key: atlas},
		}},
		{name: "fallback on 5.5.3: the fix is the upgrade", svc: installed(service(with(atlas, fallback)), "5.5.3-1"), want: []want{
			{message: "(XRootD 5.5.3-1 always authorizes by capability, group and mapping: authorization_strategy is read from 5.7.0 on)", fix: "upgrade to XRootD 5.7.0 or later and add\n  authorization_strategy = capability"},
		}},
		{name: "legacy issuer of a capability-only VO", svc: service(with("https://atlas-auth.web.cern.ch/", func(t *inventory.Trust) {
			t.Strategies = []inventory.Strategy{inventory.StrategyGroup}
		})), want: []want{
			{message: "by group as well as by scopes"},
		}},
	})
}
