package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
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
			r.Edits = wideEdits(in, svc, t, r.FixCase)
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
// whether or not it publishes robot subjects. A rule that requires a
// group (ARC's authtokens group field, "Match OIDC token claims",
// https://github.com/nordugrid/arc/blob/v7.0.0rc3/src/doc/arc.conf.reference#L334-L338)
// admits the group's members, not every token of the issuer.
func openSubjectMapping(t inventory.Trust) bool {
	return t.AnySubject && t.Account != "" && !t.SubjectMapped && !t.HasStrategy(inventory.StrategyCapability) && !t.HasStrategy(inventory.StrategyGroup) && t.HasStrategy(inventory.StrategyMapping)
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

// wideEdits take the issuer-wide grant away: the acc.authdb organisation
// rule (XRootD), the open-subject SCITOKENS line (HTCondor-CE: pinned to
// the VO's published subjects, or removed when it admits any issuer), the
// op: line and -non-authz-id (dCache), the storage area's flat grants
// (StoRM). A catch-all name_mapfile rule lives in a JSON file the reader
// does not record line by line, and ARC's authgroups need the pilot
// subjects chosen: no mechanical fix for those.
func wideEdits(in *Input, svc inventory.Service, t inventory.Trust, fixCase string) []finding.Edit {
	switch svc.Name {
	case "xrootd":
		if fixCase != "authdb" {
			return nil
		}
		if text, ok := recorded(svc, t.StrategySource); ok && strings.HasPrefix(strings.TrimSpace(text), "o ") {
			e, _ := replaceLine(svc, t.StrategySource)
			return []finding.Edit{e}
		}
	case "htcondor-ce":
		if fixCase == "anyissuer" {
			if e, ok := replaceLine(svc, t.Source); ok {
				return []finding.Edit{e}
			}
			return nil
		}
		lines := pinnedLines(in, t)
		if len(lines) == 0 {
			return nil
		}
		vo, _ := in.Recipes.VOByIssuer(t.Issuer)
		if vo == nil {
			vo, _ = in.Recipes.VOByLegacyIssuer(t.Issuer)
		}
		var with []string
		for i, l := range lines {
			with = append(with, "# "+vo.Title+": "+vo.RobotSubjects[i].Description, l)
		}
		if e, ok := replaceLine(svc, t.Source, with...); ok {
			return []finding.Edit{e}
		}
	case "dcache":
		var edits []finding.Edit
		if text, ok := recorded(svc, t.StrategySource); ok && strings.HasPrefix(strings.TrimSpace(text), "op:") {
			e, _ := replaceLine(svc, t.StrategySource)
			edits = append(edits, e)
		}
		if text, ok := recorded(svc, t.Source); ok && strings.Contains(text, "-non-authz-id=") {
			// The identity goes to tokens with storage scopes only: it
			// becomes -authz-id where the provider has none.
			line := withOption(text, "-non-authz-id", "")
			if !slices.ContainsFunc(quotedFields(text), func(w string) bool { return strings.HasPrefix(w, "-authz-id=") }) {
				line = strings.Replace(text, "-non-authz-id=", "-authz-id=", 1)
			}
			e, _ := replaceLine(svc, t.Source, line)
			edits = append(edits, e)
		}
		return edits
	case "storm-webdav":
		return areaGrants(svc, label(t))
	}
	return nil
}

// areaGrants set a StoRM storage area to grant nothing to every token of
// its issuers, and to authorize by the token's scopes: each key where it
// is set, else where a misspelt one stands (config-unknown-key renames
// it alike), else at the end of the area's file.
func areaGrants(svc inventory.Service, area string) []finding.Edit {
	var edits []finding.Edit
	for _, kv := range [][2]string{{"orgsGrantReadPermission", "false"}, {"orgsGrantWritePermission", "false"}, {"wlcgScopeAuthzEnabled", "true"}} {
		s, ok := svc.Setting("sa." + area + "." + kv[0])
		if !ok || len(s.Values) == 0 || s.Values[0] == kv[1] {
			continue
		}
		line := kv[0] + "=" + kv[1]
		if s.Source.Line > 0 {
			if e, ok := replaceLine(svc, s.Source, line); ok {
				edits = append(edits, e)
			}
			continue
		}
		if i := slices.IndexFunc(svc.UnknownKeys, func(u inventory.UnknownKey) bool {
			return u.Nearest == kv[0] && u.Source.File == s.Source.File
		}); i >= 0 {
			if e, ok := replaceLine(svc, svc.UnknownKeys[i].Source, line); ok {
				edits = append(edits, e)
				continue
			}
		}
		edits = append(edits, appendLines(s.Source.File, line))
	}
	return edits
}
