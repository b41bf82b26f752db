package checks

import (
	"fmt"
	"slices"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/recipes"
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
			Edits:    dteamSection(in, svc, dteam),
			Source:   svc.TokensSource,
			Key:      "dteam",
			Values:   vals("vo", "dteam", "target", svc.Trusts[0].Source.File),
			Message:  fmt.Sprintf("%s accepts tokens of %d issuer(s) but not of DTeam (%s), the VO operations use to test sites", svc.Label(), len(svc.Trusts), dteam.Issuer),
			Expected: "a trust for " + dteam.Issuer,
			Actual:   fmt.Sprintf("%d trusted issuer(s), none of them DTeam", len(svc.Trusts)),
		}}
	},
}

// dteamSection adds DTeam's [Issuer] section to the SciTokens plugin's
// configuration (XRootD, EOS) when the site supports DTeam. The other
// services need what only the site knows: a uid (dCache), a test
// identity to pin (HTCondor-CE), blocks in several places (ARC, StoRM).
func dteamSection(in *Input, svc inventory.Service, dteam *recipes.VO) []finding.Edit {
	if !sciTokensService(svc) || !supported(in, dteam) || len(svc.Trusts) == 0 {
		return nil
	}
	h := in.reference(svc.Name)
	if h == nil {
		return nil
	}
	v, err := h.VO(dteam)
	if err != nil {
		return nil
	}
	lines := []string{"", "[Issuer DTEAM]", "issuer = " + v.Issuer, "base_path = " + v.Area, "map_subject = False", "default_user = " + v.Account}
	if h.Release().Has("authorization_strategy") {
		lines = append(lines, "authorization_strategy = capability")
	}
	return []finding.Edit{appendLines(svc.Trusts[0].Source.File, lines...)}
}
