package checks

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

func audienceAny(in *Input, svc inventory.Service) []Result {
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
			Key:      "any-audience:" + strings.Join(g.issuers, ","),
			Message:  fmt.Sprintf("%s accepts the \"any\" audience %s for %s: such tokens are valid at every relying party, so one stolen here works everywhere", svc.Label(), strings.Join(anys, ", "), strings.Join(g.issuers, ", ")),
			Expected: "audiences naming this endpoint only (https://<host>[:port], roots://<host>:1094)",
			Actual:   strings.Join(g.audiences, ", "),
		}
		if implicit {
			r.Severity = sev(vocab.Info)
			r.Message = fmt.Sprintf("%s lists the \"any\" audience %s for %s; this service accepts it whatever the configuration says (scitokens-cpp), so listing it only documents the exposure", svc.Label(), strings.Join(anys, ", "), strings.Join(g.issuers, ", "))
		}
		out = append(out, r)
	}
	return out
}

func missingScheme(svc inventory.Service, scheme string) (Result, bool) {
	var src inventory.Source
	var auds []string
	for _, t := range svc.Trusts {
		src, auds = at(t.AudienceSource, t.Source), t.Audiences
		for _, a := range t.Audiences {
			if strings.HasPrefix(a, scheme) {
				return Result{}, false
			}
		}
	}
	if len(svc.Trusts) == 0 {
		return Result{}, false
	}
	return Result{
		Source:   src,
		Key:      "audience-scheme:" + scheme,
		Severity: sev(vocab.Info),
		Message:  fmt.Sprintf("%s always accepts the \"any\" audiences (ANY, https://wlcg.cern.ch/jwt/v1/any) and has no %s audience of its own, so VOs cannot scope a token to this CE", svc.Label(), scheme),
		Expected: "SCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) " + scheme + "$(COLLECTOR_HOST)",
		Actual:   strings.Join(auds, " "),
	}, true
}

func audienceUnchecked(in *Input, svc inventory.Service) []Result {
	if rs, ok := in.Recipes.Services[svc.Name]; ok && rs.AudienceByAnyRule {
		for _, t := range svc.Trusts {
			if t.AudienceChecked {
				return nil
			}
		}
	}
	var out []Result
	for _, g := range groupByAudience(svc) {
		if g.checked {
			continue
		}
		out = append(out, Result{
			Source:   g.source,
			Key:      "audience-unchecked:" + strings.Join(g.issuers, ","),
			Message:  fmt.Sprintf("%s does not restrict the audience of tokens from %s: a token minted for any other service is accepted here", svc.Label(), strings.Join(g.issuers, ", ")),
			Expected: "an audience list naming this endpoint",
			Actual:   "no audience restriction",
		})
	}
	return out
}

// audienceGroup gathers trusts whose audience comes from one setting, so
// that one missing line is one finding, not one per issuer.
type audienceGroup struct {
	source    inventory.Source
	checked   bool
	audiences []string
	issuers   []string
}

func groupByAudience(svc inventory.Service) []audienceGroup {
	var groups []audienceGroup
	index := map[string]int{}
	for _, t := range svc.Trusts {
		src := at(t.AudienceSource, t.Source)
		k := fmt.Sprintf("%s|%v|%s", src, t.AudienceChecked, strings.Join(t.Audiences, ","))
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, audienceGroup{source: src, checked: t.AudienceChecked, audiences: t.Audiences})
		}
		groups[i].issuers = append(groups[i].issuers, issuerOrAny(t))
	}
	return groups
}

func issuerOrAny(t inventory.Trust) string {
	if t.AnyIssuer {
		return "any issuer"
	}
	return t.Issuer
}

func mappingIssuerWide(in *Input, svc inventory.Service) []Result {
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
}

// openRobotMapping is a subject mapping that leaves the subject open for a
// VO that publishes its robot subjects: every token of the VO, its users'
// included, gets the robot's account (domain.md §3.2, §1.4).
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

// privileged are accounts that are privileged on every host.
var privileged = []string{"root", "0", "uid:0", "toor"}

func mappingPrivileged(in *Input, svc inventory.Service) []Result {
	accounts := append([]string(nil), privileged...)
	if s, ok := in.Recipes.Services[svc.Name]; ok {
		accounts = append(accounts, s.PrivilegedAccounts...)
	}
	var out []Result
	for _, t := range svc.Trusts {
		// HTCondor canonical names may carry a domain (condor@…).
		local, _, _ := strings.Cut(strings.TrimSpace(t.Account), "@")
		if t.Account == "" || !slices.Contains(accounts, local) {
			continue
		}
		out = append(out, Result{
			Source:   at(t.AccountSource, t.Source),
			Key:      issuerOrAny(t) + "->" + t.Account,
			Message:  fmt.Sprintf("%s maps tokens of %s to the privileged account %s", svc.Label(), trustLabel(t), t.Account),
			Expected: "an unprivileged account dedicated to the VO",
			Actual:   t.Account,
		})
	}
	return out
}

func storagePathRoot(in *Input, svc inventory.Service) []Result {
	var out []Result
	for _, t := range svc.Trusts {
		for _, p := range t.BasePaths {
			if path.Clean("/"+strings.TrimSpace(p)) != "/" {
				continue
			}
			out = append(out, Result{
				Source:   at(t.PathSource, t.Source),
				Key:      issuerOrAny(t),
				Message:  fmt.Sprintf("%s authorizes tokens of %s over the whole namespace (base path %q): a storage.modify:/ token may overwrite or delete anything", svc.Label(), trustLabel(t), p),
				Expected: "the VO's own area, e.g. /data/" + voName(in, t),
				Actual:   p,
			})
			break
		}
	}
	return out
}

func voName(in *Input, t inventory.Trust) string {
	if vo, ok := in.Recipes.VOByIssuer(t.Issuer); ok {
		return vo.Name
	}
	if vo, ok := in.Recipes.VOByLegacyIssuer(t.Issuer); ok {
		return vo.Name
	}
	return "<vo>"
}

func authzOnMissingAllow(in *Input, svc inventory.Service) []Result {
	s, ok := svc.Setting("scitokens.onmissing")
	if !ok || len(s.Values) == 0 || !strings.EqualFold(s.Values[0], "allow") {
		return nil
	}
	allowed := []string{"passthrough", "deny"}
	if rs, ok := in.Recipes.Services[svc.Name]; ok && len(rs.AllowedOnMissing) > 0 {
		allowed = rs.AllowedOnMissing
	}
	return []Result{{
		Source:   s.Source,
		Key:      "onmissing",
		Message:  fmt.Sprintf("%s authorizes every request whose token is missing or does not grant the operation (onmissing = allow)", svc.Label()),
		Expected: "onmissing = " + strings.Join(allowed, " or "),
		Actual:   "onmissing = " + s.Values[0],
	}}
}

func authzGroupFallback(in *Input, svc inventory.Service) []Result {
	// The VOs' capability-only wish is about storage access; compute
	// elements map subjects by design.
	if svc.Kind != vocab.KindStorage {
		return nil
	}
	var out []Result
	for _, t := range concreteTrusts(svc) {
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
		out = append(out, Result{
			Source:   at(t.StrategySource, t.Source),
			Key:      t.Issuer,
			Message:  fmt.Sprintf("%s authorizes %s tokens by %s as well as by scopes, but %s wants capability-only authorization: a token without storage scopes may still get access", svc.Label(), c.vo.Title, strings.Join(extra, " and "), c.vo.Title),
			Expected: "capability only",
			Actual:   strategies(t),
		})
	}
	return out
}

func strategies(t inventory.Trust) string {
	var s []string
	for _, x := range t.Strategies {
		s = append(s, string(x))
	}
	return strings.Join(s, " ")
}

func logTokenLeak(in *Input, svc inventory.Service) []Result {
	rs, ok := in.Recipes.Services[svc.Name]
	if !ok {
		return nil
	}
	var out []Result
	for _, leak := range rs.LogLeaks {
		for _, s := range svc.Settings {
			if s.Key != leak.Setting {
				continue
			}
			active := activeLevels(s.Values, leak.Values)
			if len(active) == 0 {
				continue
			}
			msg := fmt.Sprintf("%s sets %s %s; trace level %s writes bearer tokens into the log", svc.Label(), s.Key, strings.Join(s.Values, " "), strings.Join(active, ", "))
			if leak.Note != "" {
				msg += " (" + strings.TrimSpace(leak.Note) + ")"
			}
			out = append(out, Result{
				Source:   s.Source,
				Key:      s.Key,
				Message:  msg,
				Expected: s.Key + " without " + strings.Join(leak.Values, ", "),
				Actual:   s.Key + " " + strings.Join(s.Values, " "),
			})
		}
	}
	return out
}

// activeLevels evaluates trace options the way XRootD's trace directives
// do: options apply in order, "-x" removes x, "all" turns on everything,
// "off"/"none" clear everything. It returns the leaking levels in effect.
func activeLevels(values, leaking []string) []string {
	on := map[string]bool{}
	neg := map[string]bool{}
	all := false
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		switch {
		case v == "off" || v == "none" || v == "-all":
			on, neg, all = map[string]bool{}, map[string]bool{}, false
		case v == "all":
			all, neg = true, map[string]bool{}
		case strings.HasPrefix(v, "-"):
			x := strings.TrimPrefix(v, "-")
			on[x], neg[x] = false, true
		default:
			on[v], neg[v] = true, false
		}
	}
	var active []string
	for _, l := range leaking {
		l = strings.ToLower(l)
		if on[l] || (all && !neg[l]) || (l == "all" && all) {
			active = append(active, l)
		}
	}
	sort.Strings(active)
	return active
}

func tokenInURL(in *Input, svc inventory.Service) []Result {
	rs, ok := in.Recipes.Services[svc.Name]
	if !ok || len(rs.RedirectingRoles) == 0 {
		return nil
	}
	redirects, why := redirecting(svc, rs)
	var out []Result
	for _, s := range svc.Settings {
		if s.Key != "http.header2cgi" || len(s.Values) == 0 || !strings.EqualFold(s.Values[0], "Authorization") {
			continue
		}
		if containsFold(s.Values[1:], "strip-on-redirect") {
			continue
		}
		r := Result{
			Source:   s.Source,
			Key:      "header2cgi:" + strings.Join(s.Values, " "),
			Message:  fmt.Sprintf("%s copies the Authorization header into the URL's CGI (%s) and %s, so bearer tokens travel in redirect URLs and end up in other hosts' and clients' logs", svc.Label(), strings.Join(s.Values, " "), why),
			Expected: "http.header2cgi " + strings.Join(s.Values, " ") + " strip-on-redirect (XRootD >= 6.0.0)",
			Actual:   "http.header2cgi " + strings.Join(s.Values, " "),
		}
		if !redirects {
			r.Severity = sev(vocab.Info)
			r.Message = fmt.Sprintf("%s copies the Authorization header into the URL's CGI (%s); as a plain data server it does not redirect, but a later role change would put tokens into redirect URLs", svc.Label(), strings.Join(s.Values, " "))
		}
		out = append(out, r)
	}
	return out
}

func redirecting(svc inventory.Service, rs *recipes.Service) (bool, string) {
	if role, ok := svc.Setting("all.role"); ok {
		for _, v := range role.Values {
			if containsFold(rs.RedirectingRoles, v) {
				return true, fmt.Sprintf("the host redirects or proxies (all.role %s at %s)", strings.Join(role.Values, " "), role.Source)
			}
		}
	}
	if p, ok := svc.Setting("pss.origin"); ok {
		return true, fmt.Sprintf("the host is a proxy (pss.origin at %s)", p.Source)
	}
	if p, ok := svc.Setting("ofs.osslib"); ok && strings.Contains(strings.Join(p.Values, " "), "libXrdPss") {
		return true, fmt.Sprintf("the host is a proxy (ofs.osslib libXrdPss at %s)", p.Source)
	}
	return false, "the host is a plain data server"
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func upgradePending(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, p := range svc.PendingUpgrades {
		out = append(out, Result{
			Source:   p,
			Key:      p.File,
			Message:  fmt.Sprintf("%s: the package manager left %s beside a scanned config; the running config may lack the package's new defaults, or the file may be the one the admin meant to keep", svc.Label(), p.File),
			Expected: "no .rpmnew/.rpmsave/.dpkg-dist files beside the config",
			Actual:   p.File,
		})
	}
	return out
}

func scanIncomplete(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, p := range svc.Problems {
		out = append(out, Result{
			Source:   p.Source,
			Key:      p.Reason,
			Message:  fmt.Sprintf("%s: %s could not be fully read: %s; the trust it configures is not judged", svc.Label(), p.Source.File, p.Reason),
			Expected: "a readable, parsable config",
			Actual:   p.Reason,
		})
	}
	return out
}
