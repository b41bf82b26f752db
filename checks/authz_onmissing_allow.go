package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// authzOnMissingAllow flags XRootD's scitokens onmissing = allow, which
// authorizes a request whose token is missing or does not grant the
// operation
// (https://github.com/xrootd/xrootd/blob/master/src/XrdSciTokens/README.md).
var authzOnMissingAllow = Check{
	ID: "authz-onmissing-allow",
	Run: func(in *Input, svc inventory.Service) []Result {
		s, ok := svc.Setting("scitokens.onmissing")
		if !ok || len(s.Values) == 0 || !strings.EqualFold(s.Values[0], "allow") {
			return nil
		}
		allowed := []string{"passthrough", "deny"}
		if rs, ok := in.Recipes.Services[svc.Name]; ok && len(rs.AllowedOnMissing) > 0 {
			allowed = rs.AllowedOnMissing
		}
		r := Result{
			Source:   s.Source,
			Key:      "onmissing",
			Message:  fmt.Sprintf("%s authorizes every request whose token is missing or does not grant the operation (onmissing = allow)", svc.Label()),
			Expected: "onmissing = " + strings.Join(allowed, " or "),
			Actual:   "onmissing = " + s.Values[0],
		}
		// passthrough, the plugin's default, hands over to the next layer.
		if text, ok := recorded(svc, s.Source); ok {
			e, _ := replaceLine(svc, s.Source, withValue(text, "=", "passthrough"))
			r.Edits = append(r.Edits, e)
		}
		return []Result{r}
	},
}
