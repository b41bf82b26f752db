package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// authzGroupFallback flags storage that authorizes a capability-only
// VO's tokens by groups or mapping as well as by scopes: such VOs want
// sites to "rely exclusively on capabilities that comes with token
// storage.* scopes"
// (https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/requirements.md),
// and a token without storage scopes would otherwise still get access.
var authzGroupFallback = Check{
	ID: "authz-group-fallback",
	Run: func(in *Input, svc inventory.Service) []Result {
		// The VOs' capability-only wish is about storage access; compute
		// elements map subjects by design.
		if svc.Kind != vocab.KindStorage {
			return nil
		}
		var out []Result
		for t := range concreteTrusts(svc) {
			c := classify(in, t.Issuer)
			if c.vo == nil || !c.vo.CapabilityOnly || (c.kind != kindCurrent && c.kind != kindLegacy) {
				continue
			}
			var extra []string
			for _, s := range []inventory.Strategy{inventory.StrategyGroup, inventory.StrategyMapping} {
				if t.HasStrategy(s) {
					extra = append(extra, string(s))
				}
			}
			if len(extra) == 0 {
				continue
			}
			r := Result{
				Source:   at(t.StrategySource, t.Source),
				Key:      t.Issuer,
				Values:   vals("issuer", t.Issuer, "name", label(t), "values", strings.Join(extra, " and "), "target", t.Source.File, "target_line", strconv.Itoa(t.Source.Line)),
				Message:  fmt.Sprintf("%s authorizes %s tokens by %s as well as by scopes, but %s wants capability-only authorization: a token without storage scopes may still get access", svc.Label(), c.vo.Title, strings.Join(extra, " and "), c.vo.Title),
				Expected: "capability only",
				Actual:   strategies(t),
			}
			// XRootD chooses strategies from 5.7.0 on; before, every
			// issuer gets all three whatever the file says.
			rel, dated := releaseOf(in, svc, "xrootd")
			if svc.Name == "xrootd" && (!dated || !rel.known || rel.has("authorization_strategy")) {
				r.Edits = capabilityOnly(svc, t)
			}
			if dated && rel.known && !rel.has("authorization_strategy") {
				since := rel.since("authorization_strategy")
				r.Message += fmt.Sprintf(" (%s always authorizes by capability, group and mapping: authorization_strategy is read from %s on)", rel, since)
			}
			out = append(out, r)
		}
		return out
	},
}

// strategies renders a trust's strategies as the admin configured them.
func strategies(t inventory.Trust) string {
	var s []string
	for _, x := range t.Strategies {
		s = append(s, string(x))
	}
	return strings.Join(s, " ")
}

// capabilityOnly limits the trust's [Issuer] section to authorization by
// the token's scopes.
func capabilityOnly(svc inventory.Service, t inventory.Trust) []finding.Edit {
	sec, ok := issuerSection(svc, t)
	if !ok {
		return nil
	}
	if src, text, ok := sectionKey(sec, "authorization_strategy"); ok {
		return []finding.Edit{{File: src.File, Op: finding.EditReplace, Line: src.Line, Old: []string{text}, New: []string{withValue(text, "=", "capability")}}}
	}
	return []finding.Edit{addToSection(sec, "authorization_strategy = capability")}
}
