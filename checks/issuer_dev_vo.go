package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// issuerDevVO flags trust in a development VO's issuer (the WLCG IAM
// test instance). Anybody may register there, so on production it admits
// an open population; on a testbed it is expected and only noted.
var issuerDevVO = Check{
	ID: "issuer-dev-vo",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for t := range concreteTrusts(svc) {
			c := classify(in, t.Issuer)
			if c.kind != kindCurrent && c.kind != kindLegacy || c.vo == nil || c.vo.Purpose != vocab.PurposeDevelopment {
				continue
			}
			r := Result{
				Source:   t.Source,
				Key:      t.Issuer,
				Values:   vals("issuer", t.Issuer, "name", label(t)),
				Message:  fmt.Sprintf("%s trusts %s, the issuer of the %s development VO, on a %s host", svc.Label(), trustLabel(t), c.vo.Title, in.Profile.Environment),
				Expected: "no development-VO issuer on production hosts (use DTeam for site tests)",
				Actual:   "issuer " + t.Issuer,
			}
			if in.Profile.Environment == vocab.Production {
				r.Edits = dropTrust(svc, t)
			} else {
				r.Severity = sev(vocab.Info)
				r.FixCase = "testbed"
				r.Expected = "fine on a " + in.Profile.Environment + " host; never on production"
			}
			out = append(out, r)
		}
		return out
	},
}
