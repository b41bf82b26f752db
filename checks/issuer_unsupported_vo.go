package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// issuerUnsupportedVO flags trust in a known VO that the site profile
// does not list as supported: access the site never agreed to give.
var issuerUnsupportedVO = Check{
	ID: "issuer-unsupported-vo",
	Run: func(in *Input, svc inventory.Service) []Result {
		if !in.Profile.VOsStated {
			return nil
		}
		var out []Result
		for t := range concreteTrusts(svc) {
			c := classify(in, t.Issuer)
			if (c.kind != kindCurrent && c.kind != kindLegacy) || c.vo == nil {
				continue
			}
			if slices.Contains(in.Profile.VOs, c.vo.Name) {
				continue
			}
			// The development VO on a production host is issuer-dev-vo's
			// (critical) finding already; saying it twice adds noise only.
			if c.vo.Purpose == vocab.PurposeDevelopment && in.Profile.Environment == vocab.Production {
				continue
			}
			out = append(out, Result{
				Source:   t.Source,
				Key:      t.Issuer,
				Values:   vals("issuer", t.Issuer, "name", label(t), "vo", c.vo.Name),
				Edits:    dropTrust(svc, t),
				Message:  fmt.Sprintf("%s trusts the %s issuer %s, but the site profile does not list %s among the supported VOs", svc.Label(), c.vo.Title, t.Issuer, c.vo.Name),
				Expected: "VOs: " + strings.Join(in.Profile.VOs, ", "),
				Actual:   c.vo.Name,
			})
		}
		return out
	},
}
