package checks

import (
	"fmt"
	"slices"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerDTeamMissing flags token-enabled services that do not trust
// DTeam, the VO operations use to test sites
// (https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md:
// "test instance for Ops").
var issuerDTeamMissing = Check{
	ID: "issuer-dteam-missing",
	Run: func(in *Input, svc inventory.Service) []Result {
		// Token support switched on with no issuer trusted accepts no
		// token at all (XrdOfsConfigPI, HTCondor's SSL/SciTokens auth
		// fails every unmapped token): nothing to test yet, and a fresh
		// install looks exactly like that.
		if !svc.TokensEnabled || len(svc.Trusts) == 0 {
			return nil
		}
		dteam, ok := in.Recipes.VOs["dteam"]
		if !ok {
			return nil
		}
		if slices.ContainsFunc(svc.Trusts, func(t inventory.Trust) bool { return t.Issuer == dteam.Issuer }) {
			return nil
		}
		return []Result{{
			Source:   svc.TokensSource,
			Key:      "dteam",
			Values:   vals("vo", "dteam", "target", svc.Trusts[0].Source.File),
			Message:  fmt.Sprintf("%s accepts tokens of %d issuer(s) but not of DTeam (%s), the VO operations use to test sites", svc.Label(), len(svc.Trusts), dteam.Issuer),
			Expected: "a trust for " + dteam.Issuer,
			Actual:   fmt.Sprintf("%d trusted issuer(s), none of them DTeam", len(svc.Trusts)),
		}}
	},
}
