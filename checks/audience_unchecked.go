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
		// One finding per file: every rule of it that lacks an audience is
		// one place of the same missing restriction, and the key does not
		// name the issuers, so adding one keeps the fingerprint.
		var out []Result
		index := map[string]int{}
		issuers := map[int][]string{}
		ifPresent := map[int]bool{}
		// What each result lists already, so that thousands of rules
		// cost thousands of steps, not millions.
		seenAlso := map[int]map[inventory.Source]bool{}
		seenIssuer := map[int]map[string]bool{}
		for _, g := range groupByAudience(svc) {
			if g.checked {
				continue
			}
			i, ok := index[g.source.File]
			if !ok {
				i = len(out)
				index[g.source.File] = i
				out = append(out, Result{
					Source:   g.source,
					Key:      "audience-unchecked",
					Expected: "an audience list naming this endpoint",
					Actual:   "no audience restriction",
				})
				ifPresent[i] = g.ifPresent
				seenAlso[i], seenIssuer[i] = map[inventory.Source]bool{g.source: true}, map[string]bool{}
			} else if !seenAlso[i][g.source] {
				seenAlso[i][g.source] = true
				out[i].Also = append(out[i].Also, g.source)
			}
			for _, iss := range g.issuers {
				if !seenIssuer[i][iss] {
					seenIssuer[i][iss] = true
					issuers[i] = append(issuers[i], iss)
				}
			}
		}
		for i := range out {
			if ifPresent[i] {
				out[i].Message = fmt.Sprintf("%s does not require an audience of tokens from %s: a token that carries no aud claim, minted for whatever use, is accepted here (one whose aud names another service is still refused)", svc.Label(), strings.Join(issuers[i], ", "))
				out[i].Actual = "no audience list: tokens without aud accepted"
				continue
			}
			out[i].Message = fmt.Sprintf("%s does not restrict the audience of tokens from %s: a token minted for any other service is accepted here", svc.Label(), strings.Join(issuers[i], ", "))
		}
		return out
	},
}
