package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/recipes"
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
			v := vals("issuer", t.Issuer, "name", label(t), "mapped", t.Account)
			if c.vo != nil && t.IdentityPattern != "" {
				cur := t
				cur.Issuer = c.vo.Issuer
				v["new"] = anchoredPattern(cur)
			}
			out = append(out, Result{
				Source:   t.Source,
				Values:   v,
				Edits:    reissue(in, svc, t, c.vo, want, v["new"]),
				Key:      t.Issuer,
				Message:  fmt.Sprintf("%s trusts %s, a retired CERN IAM hostname", svc.Label(), trustLabel(t)),
				Expected: want,
				Actual:   t.Issuer,
			})
		}
		return out
	},
}

// reissue points a trust at the issuer it should name (want, of vo): it
// removes the trust when another one already trusts want, and does
// nothing when the site does not support the VO (writing the trust would
// raise another finding) or the issuer is not a VO's.
func reissue(in *Input, svc inventory.Service, t inventory.Trust, vo *recipes.VO, want, pattern string) []finding.Edit {
	if vo == nil || !supported(in, vo) || want == "" {
		return nil
	}
	if trusted(svc, t, want) {
		return dropTrust(svc, t)
	}
	return withIssuer(svc, t, want, pattern)
}
