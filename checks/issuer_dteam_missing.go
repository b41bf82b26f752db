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
		if !svc.TokensEnabled {
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
			Message:  fmt.Sprintf("%s accepts tokens but does not trust DTeam (%s), the VO meant for site testing", svc.Label(), dteam.Issuer),
			Expected: "a trust for " + dteam.Issuer,
			Actual:   fmt.Sprintf("%d trusted issuer(s), none of them DTeam", len(svc.Trusts)),
		}}
	},
}
