package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// mappingIssuerWide flags trusts that give every token of an issuer the
// same account or rights: the token's subject and scopes no longer
// matter, so any VO member, or anyone holding a leaked token, gets what
// the most trusted robot gets.
var mappingIssuerWide = Check{
	ID: "mapping-issuer-wide",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for _, t := range svc.Trusts {
			if !t.HasStrategy(inventory.StrategyIssuerWide) && !openRobotMapping(in, t) {
				continue
			}
			to := "flat rights"
			if t.Account != "" {
				to = "account " + t.Account
			}
			out = append(out, Result{
				Source:   at(t.StrategySource, t.AccountSource, t.Source),
				Key:      issuerOrAny(t),
				Message:  fmt.Sprintf("%s gives every token of %s the same %s, whatever its subject or scope", svc.Label(), trustLabel(t), to),
				Expected: "authorization by the token's scopes (capabilities), or mapping of pinned subjects",
				Actual:   "issuer-wide: " + to,
			})
		}
		return out
	},
}

// openRobotMapping is a subject mapping that leaves the subject open for a
// VO that publishes its robot subjects: every token of the VO, its users'
// included, gets the robot's account. A mapping is meant to name
// "<TOKEN ISSUER>,<TOKEN SUBJECT>"
// (https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/10-scitokens.conf),
// and VOs publish the subjects to pin, e.g. ATLAS's pilots in
// https://github.com/opensciencegrid/topology/blob/master/virtual-organizations/ATLAS.yaml.
func openRobotMapping(in *Input, t inventory.Trust) bool {
	if !t.AnySubject || t.Account == "" || t.SubjectMapped || t.HasStrategy(inventory.StrategyCapability) || !t.HasStrategy(inventory.StrategyMapping) {
		return false
	}
	vo, ok := in.Recipes.VOByIssuer(t.Issuer)
	if !ok {
		vo, ok = in.Recipes.VOByLegacyIssuer(t.Issuer)
	}
	return ok && len(vo.RobotSubjects) > 0
}
