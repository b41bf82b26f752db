package checks

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/recipes"
)

// issuerKind is what an issuer string is, compared exactly as the
// services compare it: scitokens-cpp accepts a token's iss only if
// `issuer == allowed_issuer`
// (https://github.com/scitokens/scitokens-cpp/blob/master/src/scitokens_internal.h),
// so a near spelling is a different issuer. OSG had to correct
// https://CMS-auth.cern.ch/ to https://cms-auth.cern.ch/ for that reason
// (https://github.com/opensciencegrid/topology/commit/e4d7423e4).
type issuerKind int

const (
	kindUnknown  issuerKind = iota
	kindCurrent             // a VO's current issuer
	kindLegacy              // a VO's retired issuer hostname
	kindDeclared            // declared with a contact in the site profile
	kindNearMiss            // almost a known issuer
)

// classified is an issuer string as the issuer checks see it.
type classified struct {
	kind issuerKind
	vo   *recipes.VO
	// near is the known issuer a near miss resembles, and why.
	near, why string
}

// classifyIssuer decides in one place what an issuer is, so that the
// issuer checks agree: an issuer is exactly one of current, legacy,
// declared, near miss or unknown, and never raises two of their findings.
func classifyIssuer(in *Input, iss string) classified {
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

// knownIssuer is an issuer the recipes or the site profile know.
type knownIssuer struct {
	iss string
	vo  *recipes.VO
}

// listKnownIssuers lists every issuer the recipes or the site profile
// know, with its VO (nil for site-declared ones), in a stable order.
func listKnownIssuers(in *Input) []knownIssuer {
	var out []knownIssuer
	for _, vo := range in.Recipes.SortedVOs() {
		out = append(out, knownIssuer{vo.Issuer, vo})
		for _, l := range vo.LegacyIssuers {
			out = append(out, knownIssuer{l, vo})
		}
	}
	for _, iss := range slices.Sorted(maps.Keys(in.Profile.DeclaredIssuers)) {
		out = append(out, knownIssuer{iss, nil})
	}
	return out
}

// nearMiss finds a known issuer that iss almost is: the same after
// normalising case, scheme, default port and trailing slashes, or within a
// small edit distance of its host. Typos happen even in the WG's own
// documentation: the issuer table of
// https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md
// lists ALICE as https://atlice-auth.cern.ch/.
func nearMiss(in *Input, iss string) (near string, vo *recipes.VO, why string, ok bool) {
	n := normalizeIssuer(iss)
	known := knownIssuers(in)
	if i := slices.IndexFunc(known, func(k knownIssuer) bool { return normalizeIssuer(k.iss) == n }); i >= 0 {
		return known[i].iss, known[i].vo, differences(iss, known[i].iss), true
	}
	best, bestD := -1, 3
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

// normalizeIssuer drops what admins get wrong without meaning another
// issuer (case, scheme, default port, trailing slashes), to recognise a
// near miss.
func normalizeIssuer(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"https://", "http://"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimRight(s, "/")
	s = strings.Replace(s, ":443", "", 1)
	return s
}

// differences tells the admin what to change in got to make it want.
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

// concreteTrusts yields the trusts naming one issuer (not a wildcard), in
// order, without copying the service's trusts for each check that asks.
func concreteTrusts(svc inventory.Service) iter.Seq[inventory.Trust] {
	return func(yield func(inventory.Trust) bool) {
		for i := range svc.Trusts {
			if !svc.Trusts[i].AnyIssuer && !yield(svc.Trusts[i]) {
				return
			}
		}
	}
}
