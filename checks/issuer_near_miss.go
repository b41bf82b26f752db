package checks

import (
	"fmt"
	"regexp"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerNearMiss flags issuer strings that are almost a known issuer, and
// identity patterns that also admit a lookalike of the issuer they were
// written for: services compare issuers exactly (see issuerKind), so the
// first never matches the real issuer and the second matches an
// impostor's.
var issuerNearMiss = Check{
	ID: "issuer-near-miss",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for _, t := range concreteTrusts(svc) {
			if l, ok := patternLookalike(t); ok {
				out = append(out, Result{
					Source:   t.Source,
					Key:      "pattern:" + t.IdentityPattern,
					Message:  fmt.Sprintf("%s maps %s with the pattern /%s/, which also accepts the lookalike issuer %s (unanchored pattern or unescaped '.')", svc.Label(), t.Issuer, t.IdentityPattern, l),
					Expected: "an anchored pattern with every dot and slash escaped, e.g. /^" + regexp.QuoteMeta(t.Issuer) + ",<subject>$/",
					Actual:   "/" + t.IdentityPattern + "/",
				})
			}
			c := classify(in, t.Issuer)
			if c.kind != kindNearMiss {
				continue
			}
			out = append(out, Result{
				Source:   t.Source,
				Key:      t.Issuer,
				Message:  fmt.Sprintf("%s trusts %q, which is almost %q (%s); services compare issuers exactly, so this trust never matches the real issuer or points elsewhere", svc.Label(), t.Issuer, c.near, c.why),
				Expected: c.near,
				Actual:   t.Issuer,
			})
		}
		return out
	},
}
