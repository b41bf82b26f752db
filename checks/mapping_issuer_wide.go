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
			if !t.HasStrategy(inventory.StrategyIssuerWide) && !openSubjectMapping(t) {
				continue
			}
			to := "flat rights"
			if t.Account != "" {
				to = "account " + t.Account
			}
			gets := "the same " + to
			if t.WideGrant != "" {
				to, gets = t.WideGrant, t.WideGrant
			}
			msg := fmt.Sprintf("%s gives every token of %s %s, whatever its subject or scope", svc.Label(), trustLabel(t), gets)
			switch t.ScopeLimit {
			case inventory.ScopesRequired:
				msg = fmt.Sprintf("%s gives every token of %s %s, whatever its subject: any member the issuer grants the scopes to act (compute.*, condor:/…) gets it", svc.Label(), trustLabel(t), gets)
			case inventory.ScopesConfine:
				msg = fmt.Sprintf("%s gives every token of %s without storage scopes %s, whatever its subject (tokens with storage scopes stay confined to them)", svc.Label(), trustLabel(t), gets)
			}
			// The line that maps (an op: rule, a catch-all mapfile line)
			// before the line that merely enables a strategy.
			src := at(t.StrategySource, t.AccountSource, t.Source)
			if t.Account != "" && t.WideGrant == "" {
				src = at(t.AccountSource, t.StrategySource, t.Source)
			}
			out = append(out, Result{
				Source:   src,
				Key:      issuerOrAny(t),
				Message:  msg,
				Expected: "authorization by the token's scopes (capabilities), or mapping of pinned subjects",
				Actual:   "issuer-wide: " + to,
			})
		}
		return out
	},
}

// openSubjectMapping is a subject mapping that leaves the subject open:
// every token of the issuer, each of its members' included, gets one
// account, whatever the VO publishes. A mapping is meant to name
// "<TOKEN ISSUER>,<TOKEN SUBJECT>"
// (https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/10-scitokens.conf),
// and VOs publish the subjects to pin, e.g. ATLAS's pilots in
// https://github.com/opensciencegrid/topology/blob/master/virtual-organizations/ATLAS.yaml;
// an issuer whose members can get compute scopes is the same exposure
// whether or not it publishes robot subjects. A rule that requires a
// group (ARC's authtokens group field, "Match OIDC token claims",
// https://github.com/nordugrid/arc/blob/v7.0.0rc3/src/doc/arc.conf.reference#L334-L338)
// admits the group's members, not every token of the issuer.
func openSubjectMapping(t inventory.Trust) bool {
	return t.AnySubject && t.Account != "" && !t.SubjectMapped && !t.HasStrategy(inventory.StrategyCapability) && !t.HasStrategy(inventory.StrategyGroup) && t.HasStrategy(inventory.StrategyMapping)
}
