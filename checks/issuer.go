package checks

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// issuerKind is what an issuer string is, compared exactly as the
// services compare it (domain.md §1.2: issuer comparison is a
// case-sensitive string compare, so near is not equal).
type issuerKind int

const (
	kindUnknown  issuerKind = iota
	kindCurrent             // a VO's current issuer
	kindLegacy              // a VO's retired issuer hostname
	kindDeclared            // declared with a contact in the site profile
	kindNearMiss            // almost a known issuer
)

type classified struct {
	kind issuerKind
	vo   *recipes.VO
	// near is the known issuer a near miss resembles, and why.
	near, why string
}

func classify(in *Input, iss string) classified {
	if vo, ok := in.Recipes.VOByIssuer(iss); ok {
		return classified{kind: kindCurrent, vo: vo}
	}
	if vo, ok := in.Recipes.VOByLegacyIssuer(iss); ok {
		return classified{kind: kindLegacy, vo: vo}
	}
	if in.Recipes.LegacyIssuerPattern != nil && in.Recipes.LegacyIssuerPattern.MatchString(iss) {
		return classified{kind: kindLegacy}
	}
	if _, ok := in.Profile.DeclaredIssuers[iss]; ok {
		return classified{kind: kindDeclared}
	}
	if near, vo, why, ok := nearMiss(in, iss); ok {
		return classified{kind: kindNearMiss, vo: vo, near: near, why: why}
	}
	return classified{kind: kindUnknown}
}

type knownIssuer struct {
	iss string
	vo  *recipes.VO
}

// knownIssuers lists every issuer the recipes or the site profile know,
// with its VO (nil for site-declared ones), in a stable order.
func knownIssuers(in *Input) []knownIssuer {
	var out []knownIssuer
	for _, vo := range in.Recipes.SortedVOs() {
		out = append(out, knownIssuer{vo.Issuer, vo})
		for _, l := range vo.LegacyIssuers {
			out = append(out, knownIssuer{l, vo})
		}
	}
	declared := make([]string, 0, len(in.Profile.DeclaredIssuers))
	for iss := range in.Profile.DeclaredIssuers {
		declared = append(declared, iss)
	}
	sort.Strings(declared)
	for _, iss := range declared {
		out = append(out, knownIssuer{iss, nil})
	}
	return out
}

// nearMiss finds a known issuer that iss almost is: the same after
// normalising case, scheme, default port and trailing slashes, or within a
// small edit distance of its host (a typo such as atlice-auth.cern.ch,
// which even a WG page once carried: domain.md §1.1).
func nearMiss(in *Input, iss string) (near string, vo *recipes.VO, why string, ok bool) {
	n := normalizeIssuer(iss)
	for _, k := range knownIssuers(in) {
		if normalizeIssuer(k.iss) == n {
			return k.iss, k.vo, differences(iss, k.iss), true
		}
	}
	best, bestD := -1, 3
	known := knownIssuers(in)
	for i, k := range known {
		kn := normalizeIssuer(k.iss)
		if len(kn) < 10 {
			continue
		}
		if d := levenshtein.Distance(n, kn, nil); d > 0 && d < bestD {
			best, bestD = i, d
		}
	}
	if best >= 0 {
		return known[best].iss, known[best].vo, fmt.Sprintf("%d character(s) differ", bestD), true
	}
	return "", nil, "", false
}

func normalizeIssuer(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"https://", "http://"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimRight(s, "/")
	s = strings.Replace(s, ":443", "", 1)
	return s
}

func differences(got, want string) string {
	var d []string
	if strings.HasPrefix(got, "http://") {
		d = append(d, "http:// instead of https://")
	}
	if strings.HasSuffix(want, "/") && !strings.HasSuffix(got, "/") {
		d = append(d, "no trailing slash")
	}
	if !strings.HasSuffix(want, "/") && strings.HasSuffix(got, "/") {
		d = append(d, "extra trailing slash")
	}
	if strings.ToLower(got) != got && strings.EqualFold(normalizeIssuer(got), normalizeIssuer(want)) {
		d = append(d, "different letter case")
	}
	if strings.Contains(got, ":443") {
		d = append(d, "explicit :443 port")
	}
	if len(d) == 0 {
		d = append(d, "differs in spelling")
	}
	return strings.Join(d, ", ")
}

// concreteTrusts are the trusts naming one issuer (not a wildcard).
func concreteTrusts(svc inventory.Service) []inventory.Trust {
	var out []inventory.Trust
	for _, t := range svc.Trusts {
		if !t.AnyIssuer {
			out = append(out, t)
		}
	}
	return out
}

func issuerDevVO(in *Input, svc inventory.Service) []Result {
	var out []Result
	for _, t := range concreteTrusts(svc) {
		c := classify(in, t.Issuer)
		if c.kind != kindCurrent && c.kind != kindLegacy || c.vo == nil || c.vo.Purpose != vocab.PurposeDevelopment {
			continue
		}
		r := Result{
			Source:   t.Source,
			Key:      t.Issuer,
			Message:  fmt.Sprintf("%s trusts %s, the issuer of the %s development VO, on a %s host", svc.Label(), trustLabel(t), c.vo.Title, in.Profile.Environment),
			Expected: "no development-VO issuer on production hosts (use DTeam for site tests)",
			Actual:   "issuer " + t.Issuer,
		}
		if in.Profile.Environment != vocab.Production {
			r.Severity = sev(vocab.Info)
			r.Expected = "fine on a " + in.Profile.Environment + " host; never on production"
		}
		out = append(out, r)
	}
	return out
}

func issuerWildcard(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, t := range svc.Trusts {
		if !t.AnyIssuer {
			continue
		}
		out = append(out, Result{
			Source:   t.Source,
			Key:      "any-issuer:" + t.Name,
			Message:  fmt.Sprintf("%s accepts tokens from any issuer (%s)", svc.Label(), t.Name),
			Expected: "an explicit list of trusted issuers",
			Actual:   "any issuer",
		})
	}
	return out
}

func issuerLegacy(in *Input, svc inventory.Service) []Result {
	var out []Result
	for _, t := range concreteTrusts(svc) {
		c := classify(in, t.Issuer)
		if c.kind != kindLegacy {
			continue
		}
		want := "the VO's current issuer"
		if c.vo != nil {
			want = c.vo.Issuer
		}
		out = append(out, Result{
			Source:   t.Source,
			Key:      t.Issuer,
			Message:  fmt.Sprintf("%s trusts %s, a retired CERN IAM hostname", svc.Label(), trustLabel(t)),
			Expected: want,
			Actual:   t.Issuer,
		})
	}
	return out
}

func issuerNearMiss(in *Input, svc inventory.Service) []Result {
	var out []Result
	for _, t := range concreteTrusts(svc) {
		if l, ok := patternLookalike(t); ok {
			out = append(out, Result{
				Source:   t.Source,
				Key:      "pattern:" + t.IdentityPattern,
				Message:  fmt.Sprintf("%s maps %s with the pattern /%s/, which also accepts the lookalike issuer %s (unanchored pattern or unescaped '.')", svc.Label(), t.Issuer, t.IdentityPattern, l),
				Expected: "an anchored pattern with every dot and slash escaped, e.g. /^" + regexp.QuoteMeta(t.Issuer) + ",<subject>$/",
				Actual:   "/" + t.IdentityPattern + "/",
			})
		}
		c := classify(in, t.Issuer)
		if c.kind != kindNearMiss {
			continue
		}
		out = append(out, Result{
			Source:   t.Source,
			Key:      t.Issuer,
			Message:  fmt.Sprintf("%s trusts %q, which is almost %q (%s); services compare issuers exactly, so this trust never matches the real issuer or points elsewhere", svc.Label(), t.Issuer, c.near, c.why),
			Expected: c.near,
			Actual:   t.Issuer,
		})
	}
	return out
}

func issuerUnknown(in *Input, svc inventory.Service) []Result {
	var out []Result
	for _, t := range concreteTrusts(svc) {
		if classify(in, t.Issuer).kind != kindUnknown {
			continue
		}
		out = append(out, Result{
			Source:   t.Source,
			Key:      t.Issuer,
			Message:  fmt.Sprintf("%s trusts %s, which no recipe knows and the site profile does not declare with a security contact", svc.Label(), trustLabel(t)),
			Expected: "an issuer of a supported VO, or one declared in the site profile's [[issuers]] with a contact",
			Actual:   t.Issuer,
		})
	}
	return out
}

func issuerUnsupportedVO(in *Input, svc inventory.Service) []Result {
	if !in.Profile.VOsStated {
		return nil
	}
	var out []Result
	for _, t := range concreteTrusts(svc) {
		c := classify(in, t.Issuer)
		if (c.kind != kindCurrent && c.kind != kindLegacy) || c.vo == nil {
			continue
		}
		if slices.Contains(in.Profile.VOs, c.vo.Name) {
			continue
		}
		// The development VO on a production host is issuer-dev-vo's
		// (critical) finding already; saying it twice adds noise only.
		if c.vo.Purpose == vocab.PurposeDevelopment && in.Profile.Environment == vocab.Production {
			continue
		}
		out = append(out, Result{
			Source:   t.Source,
			Key:      t.Issuer,
			Message:  fmt.Sprintf("%s trusts the %s issuer %s, but the site profile does not list %s among the supported VOs", svc.Label(), c.vo.Title, t.Issuer, c.vo.Name),
			Expected: "VOs: " + strings.Join(in.Profile.VOs, ", "),
			Actual:   c.vo.Name,
		})
	}
	return out
}

func issuerDTeamMissing(in *Input, svc inventory.Service) []Result {
	if !svc.TokensEnabled {
		return nil
	}
	dteam, ok := in.Recipes.VOs["dteam"]
	if !ok {
		return nil
	}
	for _, t := range svc.Trusts {
		if t.Issuer == dteam.Issuer {
			return nil
		}
	}
	return []Result{{
		Source:   svc.TokensSource,
		Key:      "dteam",
		Message:  fmt.Sprintf("%s accepts tokens but does not trust DTeam (%s), the VO meant for site testing", svc.Label(), dteam.Issuer),
		Expected: "a trust for " + dteam.Issuer,
		Actual:   fmt.Sprintf("%d trusted issuer(s), none of them DTeam", len(svc.Trusts)),
	}}
}
