package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// audienceUnchecked flags trusts whose tokens are accepted whatever their
// audience: a token minted for any other service is then good here. On
// services where the audience is a per-rule constraint (ARC), one rule
// naming an audience counts as checking it.
var audienceUnchecked = Check{
	ID: "audience-unchecked",
	Run: func(in *Input, svc inventory.Service) []Result {
		if rs, ok := in.Recipes.Services[svc.Name]; ok && rs.AudienceByAnyRule {
			if slices.ContainsFunc(svc.Trusts, func(t inventory.Trust) bool { return t.AudienceChecked }) {
				return nil
			}
		}
		var out []Result
		for _, g := range groupByAudience(svc) {
			if g.checked {
				continue
			}
			out = append(out, Result{
				Source:   g.source,
				Key:      "audience-unchecked:" + strings.Join(g.issuers, ","),
				Message:  fmt.Sprintf("%s does not restrict the audience of tokens from %s: a token minted for any other service is accepted here", svc.Label(), strings.Join(g.issuers, ", ")),
				Expected: "an audience list naming this endpoint",
				Actual:   "no audience restriction",
			})
		}
		return out
	},
}
