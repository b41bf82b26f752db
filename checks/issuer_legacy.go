package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerLegacy flags trust in retired CERN IAM hostnames
// (*-auth.web.cern.ch), which the WLCG AuthZ docs dropped in
// https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/commit/31d77ac.
var issuerLegacy = Check{
	ID: "issuer-legacy",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for t := range concreteTrusts(svc) {
			c := classify(in, t.Issuer)
			if c.kind != kindLegacy {
				continue
			}
			want := "the VO's current issuer"
			if c.vo != nil {
				want = c.vo.Issuer
			}
			out = append(out, Result{
				Source:   t.Source,
				Key:      t.Issuer,
				Message:  fmt.Sprintf("%s trusts %s, a retired CERN IAM hostname", svc.Label(), trustLabel(t)),
				Expected: want,
				Actual:   t.Issuer,
			})
		}
		return out
	},
}
