package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerWildcard flags trusts that accept any issuer: then anyone who
// runs a token issuer publishing keys over HTTPS can mint tokens here.
var issuerWildcard = Check{
	ID: "issuer-wildcard",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, t := range svc.Trusts {
			if !t.AnyIssuer {
				continue
			}
			out = append(out, Result{
				Source:   t.Source,
				Key:      "any-issuer:" + t.Name,
				Message:  fmt.Sprintf("%s accepts tokens from any issuer (%s)", svc.Label(), t.Name),
				Expected: "an explicit list of trusted issuers",
				Actual:   "any issuer",
			})
		}
		return out
	},
}
