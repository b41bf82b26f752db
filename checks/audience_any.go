package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// audienceAny flags services that accept the "any" audience
// (https://wlcg.cern.ch/jwt/v1/any, WLCG common JWT profile §2.1.1,
// https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md#211-common-claims):
// such a token is valid at every relying party, so one stolen anywhere
// works here. Where the service accepts it whatever its configuration
// says, listing it is only noted, and the check asks instead for an
// audience of the service's own that VOs can scope tokens to.
var audienceAny = Check{
	ID: "audience-any",
	Run: func(in *Input, svc inventory.Service) []Result {
		implicit, scheme := false, ""
		if s, ok := in.Recipes.Services[svc.Name]; ok {
			implicit, scheme = s.ImplicitAnyAudience, s.AudienceScheme
		}
		var out []Result
		if scheme != "" && svc.TokensEnabled {
			// Services that always accept the any audience (HTCondor-CE) can
			// still let VOs scope tokens to them, with an audience of their own.
			if r, ok := missingScheme(svc, scheme); ok {
				out = append(out, r)
			}
		}
		for _, g := range groupByAudience(svc) {
			var anys []string
			for _, a := range g.audiences {
				if in.Recipes.IsAnyAudience(a) {
					anys = append(anys, a)
				}
			}
			if len(anys) == 0 || !g.checked {
				continue
			}
			r := Result{
				Source:   g.source,
				Values:   vals("issuer", g.issuers[0], "values", strings.Join(anys, ", ")),
				Key:      "any-audience:" + strings.Join(anys, ","),
				Message:  fmt.Sprintf("%s accepts the \"any\" audience %s for %s: such tokens are valid at every relying party, so one stolen here works everywhere", svc.Label(), strings.Join(anys, ", "), strings.Join(g.issuers, ", ")),
				Expected: "audiences naming this endpoint only (https://<host>[:port], roots://<host>:1094)",
				Actual:   strings.Join(g.audiences, ", "),
			}
			r.Edits = withoutAny(in, svc, g.source)
			if implicit {
				r.Severity = sev(vocab.Info)
				r.FixCase = "implicit"
				r.Message = fmt.Sprintf("%s lists the \"any\" audience %s for %s; this service accepts it whatever the configuration says (scitokens-cpp), so listing it only documents the exposure", svc.Label(), strings.Join(anys, ", "), strings.Join(g.issuers, ", "))
			}
			out = append(out, r)
		}
		return out
	},
}

// ownNames lists the audiences a trust names the service by, for messages.
func ownNames(t inventory.Trust) string {
	if len(t.Audiences) == 0 {
		return "by no audience"
	}
	return strings.Join(t.Audiences, ", ")
}

// missingScheme reports a service that has no audience with its own
// scheme (condor:// for HTCondor-CE), pointing at the last trust's
// audience setting, where one would be added.
func missingScheme(svc inventory.Service, scheme string) (Result, bool) {
	if len(svc.Trusts) == 0 {
		return Result{}, false
	}
	own := func(t inventory.Trust) bool {
		return slices.ContainsFunc(t.Audiences, func(a string) bool { return strings.HasPrefix(a, scheme) })
	}
	if slices.ContainsFunc(svc.Trusts, own) {
		return Result{}, false
	}
	last := svc.Trusts[len(svc.Trusts)-1]
	// A site file read after the package defaults; the defaults' own
	// line is the package's.
	add := appendLines("/etc/condor-ce/config.d/99-local.conf", "SCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) "+scheme+"$(COLLECTOR_HOST)")
	return Result{
		Edits:    []finding.Edit{add},
		Source:   at(last.AudienceSource, last.Source),
		Key:      "audience-scheme:" + scheme,
		FixCase:  "scheme",
		Values:   vals("name", scheme),
		Severity: sev(vocab.Info),
		Message:  fmt.Sprintf("%s has no audience in the WLCG profile's %s<host> form (it names itself %s): a token a VO scopes to this CE that way is refused, which pushes VOs to the \"any\" audiences it always accepts (ANY, https://wlcg.cern.ch/jwt/v1/any)", svc.Label(), scheme, ownNames(last)),
		Expected: "SCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) " + scheme + "$(COLLECTOR_HOST)",
		Actual:   strings.Join(last.Audiences, " "),
	}, true
}

// withoutAny rewrites an audience list without the "any" audiences: the
// [Global] audience line (XRootD, EOS; ", " between values) or the
// audience targets (dCache; " "). A list left empty gets the audiences
// that name this endpoint.
func withoutAny(in *Input, svc inventory.Service, src inventory.Source) []finding.Edit {
	text, ok := recorded(svc, src)
	if !ok {
		return nil
	}
	sep := ", "
	switch svc.Name {
	case "xrootd", "eos":
	case "dcache":
		sep = " "
	default:
		return nil
	}
	var kept []string
	for _, a := range strings.FieldsFunc(valueOf(text, "="), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !in.Recipes.IsAnyAudience(a) {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		h := in.reference(svc.Name)
		if h == nil {
			return nil
		}
		kept = h.Audiences
	}
	e, _ := replaceLine(svc, src, withValue(text, "=", strings.Join(kept, sep)))
	return []finding.Edit{e}
}
