package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// tokenInURL flags XRootD's http.header2cgi copying the Authorization
// header into the URL on hosts that redirect or proxy: the token is then
// "included in the redirect" (https://github.com/xrootd/xrootd/pull/970)
// and ends up in other hosts' and clients' logs, which is why RFC 6750
// discourages tokens in URLs
// (https://datatracker.ietf.org/doc/html/rfc6750#section-2.3).
var tokenInURL = Check{
	ID: "token-in-url",
	Run: func(in *Input, svc inventory.Service) []Result {
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
	},
}

// redirecting reports whether the host sends clients elsewhere (a
// redirecting role, or a proxy), and says why for the message.
func redirecting(svc inventory.Service, rs *recipes.Service) (bool, string) {
	if role, ok := svc.Setting("all.role"); ok {
		if slices.ContainsFunc(role.Values, func(v string) bool { return containsFold(rs.RedirectingRoles, v) }) {
			return true, fmt.Sprintf("the host redirects or proxies (all.role %s at %s)", strings.Join(role.Values, " "), role.Source)
		}
	}
	if p, ok := svc.Setting("xrootd.redirect"); ok {
		return true, fmt.Sprintf("the host redirects (xrootd.redirect at %s)", p.Source)
	}
	if p, ok := svc.Setting("pss.origin"); ok {
		return true, fmt.Sprintf("the host is a proxy (pss.origin at %s)", p.Source)
	}
	if p, ok := svc.Setting("ofs.osslib"); ok && strings.Contains(strings.Join(p.Values, " "), "libXrdPss") {
		return true, fmt.Sprintf("the host is a proxy (ofs.osslib libXrdPss at %s)", p.Source)
	}
	return false, "the host is a plain data server"
}
