package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerNearMiss flags issuer strings that are almost a known issuer:
// services compare issuers exactly (see issuerKind), so such a trust never
// matches the real issuer, or matches someone else's. (Patterns that also
// admit an impostor's issuer are issuer-wildcard's: critical.)
var issuerNearMiss = Check{
	ID: "issuer-near-miss",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for t := range concreteTrusts(svc) {
			c := classify(in, t.Issuer)
			if c.kind != kindNearMiss {
				continue
			}
			v := vals("issuer", t.Issuer, "name", label(t), "mapped", t.Account)
			if t.IdentityPattern != "" {
				cur := t
				cur.Issuer = c.near
				v["new"] = anchoredPattern(cur)
			}
			out = append(out, Result{
				Source:   t.Source,
				Values:   v,
				Edits:    reissue(in, svc, t, c.vo, c.near, v["new"]),
				Key:      t.Issuer,
				Message:  fmt.Sprintf("%s trusts %q, which is almost %q (%s); services compare issuers exactly, so this trust never matches the real issuer or points elsewhere", svc.Label(), t.Issuer, c.near, c.why),
				Expected: c.near,
				Actual:   t.Issuer,
			})
		}
		return out
	},
}
