package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// authzGroupFallback flags storage that authorizes a capability-only
// VO's tokens by groups or mapping as well as by scopes: such VOs want
// sites to "rely exclusively on capabilities that comes with token
// storage.* scopes"
// (https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/requirements.md),
// and a token without storage scopes would otherwise still get access.
var authzGroupFallback = Check{
	ID: "authz-group-fallback",
	Run: func(in *Input, svc inventory.Service) []Result {
		// The VOs' capability-only wish is about storage access; compute
		// elements map subjects by design.
		if svc.Kind != vocab.KindStorage {
			return nil
		}
		var out []Result
		for t := range concreteTrusts(svc) {
			c := classify(in, t.Issuer)
			if c.vo == nil || !c.vo.CapabilityOnly || (c.kind != kindCurrent && c.kind != kindLegacy) {
				continue
			}
			var extra []string
			for _, s := range []inventory.Strategy{inventory.StrategyGroup, inventory.StrategyMapping} {
				if t.HasStrategy(s) {
					extra = append(extra, string(s))
				}
			}
			if len(extra) == 0 {
				continue
			}
			r := Result{
				Source:   at(t.StrategySource, t.Source),
				Key:      t.Issuer,
				Message:  fmt.Sprintf("%s authorizes %s tokens by %s as well as by scopes, but %s wants capability-only authorization: a token without storage scopes may still get access", svc.Label(), c.vo.Title, strings.Join(extra, " and "), c.vo.Title),
				Expected: "capability only",
				Actual:   strategies(t),
			}
			// XRootD chooses strategies from 5.7.0 on; before, every
			// issuer gets all three whatever the file says.
			if rel, ok := releaseOf(in, svc, "xrootd"); ok && rel.known && !rel.has("authorization_strategy") {
				since := rel.since("authorization_strategy")
				r.Message += fmt.Sprintf(" (%s always authorizes by capability, group and mapping: authorization_strategy is read from %s on)", rel, since)
				r.Fix = fmt.Sprintf("%s cannot limit an issuer to capabilities: upgrade to XRootD %s or later and add\n  authorization_strategy = capability\nto the VO's [Issuer …] section. Until then keep group rules (g, g:) and name_mapfile group rules for this VO's groups out of acc.authdb and the mapfile.", rel, since)
			}
			out = append(out, r)
		}
		return out
	},
}

// strategies renders a trust's strategies as the admin configured them.
func strategies(t inventory.Trust) string {
	var s []string
	for _, x := range t.Strategies {
		s = append(s, string(x))
	}
	return strings.Join(s, " ")
}
