package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerWildcard flags trusts that accept any issuer, or issuers an
// attacker can run: then anyone who publishes signing keys over HTTPS can
// mint tokens here. HTCondor-CE passes no list of allowed issuers to
// scitokens-cpp (htcondor::validate_scitoken in
// https://github.com/htcondor/htcondor/blob/main/src/condor_utils/condor_scitokens.cpp
// calls scitoken_deserialize with allowed_issuers = nullptr and builds the
// enforcer for the token's own iss), so the SCITOKENS mapfile pattern is the only
// issuer gate, and a pattern that also admits another issuer hands that
// issuer's tokens the mapped account.
var issuerWildcard = Check{
	ID: "issuer-wildcard",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		var probe []byte
		for _, t := range svc.Trusts {
			if imp, ok := admittedImpostor(in, t, &probe); ok {
				to := "is accepted"
				if t.Account != "" {
					to = "gets the account " + t.Account
				}
				out = append(out, Result{
					Source:   t.Source,
					Edits:    withIssuer(svc, t, t.Issuer, anchoredPattern(t)),
					Key:      "pattern:" + t.IdentityPattern,
					Values:   vals("issuer", t.Issuer, "name", label(t), "mapped", t.Account, "new", anchoredPattern(t)),
					Message:  fmt.Sprintf("%s maps %s with /%s/, which also admits issuers an attacker can run, e.g. %s (%s); the pattern is the only issuer gate, so a token from such an issuer %s", svc.Label(), t.Issuer, t.IdentityPattern, imp.issuer, imp.why, to),
					Expected: anchoredPattern(t),
					Actual:   "/" + t.IdentityPattern + "/",
				})
				continue
			}
			if !t.AnyIssuer {
				continue
			}
			r := Result{
				Source:   t.Source,
				Key:      "any-issuer:" + t.Name,
				FixCase:  "any",
				Values:   vals("name", label(t), "mapped", t.Account),
				Message:  fmt.Sprintf("%s accepts tokens from any issuer (%s)", svc.Label(), t.Name),
				Expected: "an explicit list of trusted issuers",
				Actual:   "any issuer",
			}
			// HTCondor-CE: the catch-all line goes; the pinned lines of
			// the supported VOs are the site's to add (ttt-check recipe).
			if svc.Name == "htcondor-ce" {
				if e, ok := replaceLine(svc, t.Source); ok {
					r.Edits = []finding.Edit{e}
				}
			}
			out = append(out, r)
		}
		return out
	},
}
