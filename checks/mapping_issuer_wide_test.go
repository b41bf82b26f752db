package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestMappingIssuerWide(t *testing.T) {
	mapped := func(account string, subjects ...string) func(*inventory.Trust) {
		return func(t *inventory.Trust) {
			t.Strategies = []inventory.Strategy{inventory.StrategyMapping}
			t.Account, t.Subjects, t.AnySubject = account, subjects, len(subjects) == 0
		}
	}
	runCases(t, mappingIssuerWide, []checkCase{
		{name: "capabilities", svc: service(good(atlas))},
		{name: "robot subject pinned", svc: service(with(atlas, mapped("usatlas1", "7dee38a3-6ab8-4fe2-9e4c-58039c21d817")))},
		{name: "open subject of a VO without published robots", svc: service(with(dteam, mapped("dteam001"))), want: []want{
			{severity: "high", message: "gives every token of " + dteam + " the same account dteam001"},
		}},
		{name: "issuer-wide to an account", svc: service(with(atlas, func(t *inventory.Trust) {
			t.Strategies = []inventory.Strategy{inventory.StrategyMapping, inventory.StrategyIssuerWide}
		})), want: []want{
			// At the line that maps (the account's), not the strategy's.
			{severity: "high", message: "gives every token of " + atlas + " the same account xrootd", source: src(8), key: atlas},
		}},
		// HTCondor: the session gets only what the token's scopes name.
		{name: "scopes still required", svc: service(with(atlas, func(t *inventory.Trust) {
			mapped("usatlas1")(t)
			t.ScopeLimit = inventory.ScopesRequired
		})), want: []want{
			{message: "the same account usatlas1, whatever its subject: any member the issuer grants the scopes to act (compute.*, condor:/…) gets it"},
		}},
		// dCache: scoped tokens stay confined, scope-less ones get it all.
		{name: "scopes confine", svc: service(with(atlas, func(t *inventory.Trust) {
			t.Strategies = []inventory.Strategy{inventory.StrategyCapability, inventory.StrategyIssuerWide}
			t.ScopeLimit = inventory.ScopesConfine
		})), want: []want{
			{message: "gives every token of " + atlas + " without storage scopes the same account xrootd, whatever its subject (tokens with storage scopes stay confined to them)"},
		}},
		{name: "issuer-wide flat rights", svc: service(with(dteam, func(t *inventory.Trust) {
			t.Strategies, t.Account = []inventory.Strategy{inventory.StrategyIssuerWide}, ""
		})), want: []want{
			{message: "the same flat rights"},
		}},
		// ARC: a rule requiring a group admits its members, not every
		// token of the issuer (the WG's ARC recipe, /wlcg/pilots).
		{name: "open subject within a required group", svc: service(with(dteam, func(t *inventory.Trust) {
			mapped("grid")(t)
			t.Strategies = append(t.Strategies, inventory.StrategyGroup)
		}))},
		{name: "open subject of a VO with published robots", svc: service(with(atlas, mapped("usatlas1"))), want: []want{
			{severity: "high", message: "the same account usatlas1, whatever its subject or scope"},
		}},
	})
}
