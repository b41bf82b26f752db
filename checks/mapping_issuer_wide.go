package checks

import (
	"fmt"
	"strings"

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
			r := Result{
				Source:   src,
				Values:   vals("issuer", issuerOrAny(t), "name", label(t), "mapped", t.Account),
				Key:      issuerOrAny(t),
				Message:  msg,
				Expected: "authorization by the token's scopes (capabilities), or mapping of pinned subjects",
				Actual:   "issuer-wide: " + to,
			}
			wideCase(in, t, &r)
			out = append(out, r)
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
// whether or not it publishes robot subjects.
func openSubjectMapping(t inventory.Trust) bool {
	return t.AnySubject && t.Account != "" && !t.SubjectMapped && !t.HasStrategy(inventory.StrategyCapability) && t.HasStrategy(inventory.StrategyMapping)
}

// wideCase picks the variant of the fix and the lines it writes: an
// acc.authdb organisation rule or a catch-all name_mapfile rule (XRootD),
// and for a mapping of every subject the VO's published robot subjects
// to pin instead (HTCondor-CE), or none to pin.
func wideCase(in *Input, t inventory.Trust, r *Result) {
	switch {
	case strings.Contains(t.WideGrant, "acc.authdb"):
		r.FixCase = "authdb"
	case t.MapFile != "" || strings.Contains(t.WideGrant, "name_mapfile"):
		r.FixCase = "mapfile"
		r.Values["target"] = t.MapFile
	case t.AnyIssuer:
		r.FixCase = "anyissuer"
	case t.IdentityPattern != "":
		lines := pinnedLines(in, t)
		if len(lines) == 0 {
			r.FixCase = "nosubject"
			return
		}
		for i := range lines {
			lines[i] = "  " + lines[i]
		}
		r.Values["new"] = strings.Join(lines, "\n")
	}
}

// pinnedLines are the SCITOKENS mapfile lines that map only the subjects
// the trust's VO publishes, under the VO's current issuer, to the
// trust's account; none when the VO publishes no robot subject.
func pinnedLines(in *Input, t inventory.Trust) []string {
	vo, ok := in.Recipes.VOByIssuer(t.Issuer)
	if !ok {
		vo, ok = in.Recipes.VOByLegacyIssuer(t.Issuer)
	}
	if !ok || len(vo.RobotSubjects) == 0 {
		return nil
	}
	var lines []string
	for _, rs := range vo.RobotSubjects {
		pinned := t
		pinned.Issuer = vo.Issuer
		pinned.Subjects = []string{rs.Subject}
		lines = append(lines, "SCITOKENS "+anchoredPattern(pinned)+" "+t.Account)
	}
	return lines
}
