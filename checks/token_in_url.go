package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
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
		proxy := isProxy(svc)
		rel, dated := releaseOf(in, svc, "xrootd")
		var out []Result
		for _, s := range svc.Settings {
			if s.Key != "http.header2cgi" || len(s.Values) == 0 || !strings.EqualFold(s.Values[0], "Authorization") {
				continue
			}
			words := strings.Join(s.Values, " ")
			stripped := containsFold(s.Values[1:], "strip-on-redirect")
			// A release before 6.0.0 reads two words and ignores the rest
			// (parseHeader2CGI, XrdHttpProtocol.cc v5.9.6): the option the
			// admin wrote does nothing there. An unknown release is taken
			// to have what the admin wrote for it.
			ignored := stripped && dated && rel.known && !rel.has("strip-on-redirect")
			if stripped && !ignored && !proxy {
				continue
			}
			r := Result{
				Source:   s.Source,
				Values:   vals("key", s.Key, "values", words, "new", strippedLine(s.Values)),
				Key:      "header2cgi:" + words,
				Message:  fmt.Sprintf("%s copies the Authorization header into the URL's CGI (%s) and %s, so bearer tokens travel in redirect URLs and end up in other hosts' and clients' logs", svc.Label(), words, why),
				Expected: "http.header2cgi " + words + " strip-on-redirect (XRootD >= 6.0.0)",
				Actual:   "http.header2cgi " + words,
			}
			if dated {
				r.Expected = headerExpected(rel, s.Values)
			}
			if proxy {
				// A proxy does not redirect: XrdPssUrlInfo copies the
				// client's CGI, authz included, into its own request URL
				// to the origin, which strip-on-redirect never touches
				// (XrdPssUrlInfo.cc v6.1.0 copyCGI/addCGI).
				r.Message = fmt.Sprintf("%s copies the Authorization header into the URL's CGI (%s) and %s: it forwards the CGI, token included, in its request URLs to the origin, where they end up in the origin's logs and traces", svc.Label(), words, why)
				r.Expected = "no http.header2cgi Authorization on a proxy"
				r.FixCase = "proxy"
				stripped, ignored = false, false
			}
			// The known release decides: strip-on-redirect where it is
			// read, else no copy of the header here; a proxy never.
			if redirects && (proxy || dated && rel.known) {
				line := []string{}
				if !proxy && rel.has("strip-on-redirect") {
					line = []string{strippedLine(s.Values)}
				}
				if text, ok := recorded(svc, s.Source); ok && strings.HasPrefix(strings.TrimSpace(text), "http.header2cgi") {
					e, _ := replaceLine(svc, s.Source, line...)
					r.Edits = []finding.Edit{e}
				}
			}
			if ignored {
				r.Message = fmt.Sprintf("%s: %s ignores strip-on-redirect in http.header2cgi (first read by %s), so the Authorization header is copied into the URL's CGI and %s", svc.Label(), rel, rel.since("strip-on-redirect"), why)
				r.Actual = "http.header2cgi " + words + " on " + rel.String()
			}
			if !redirects {
				r.Severity = sev(vocab.Info)
				if r.FixCase == "" {
					r.FixCase = "server"
				}
				r.Message = fmt.Sprintf("%s copies the Authorization header into the URL's CGI (%s); as a plain data server it does not redirect, but a later role change would put tokens into redirect URLs", svc.Label(), words)
				if ignored {
					r.Message += fmt.Sprintf(" (%s ignores strip-on-redirect, first read by %s)", rel, rel.since("strip-on-redirect"))
				}
			}
			out = append(out, r)
		}
		return out
	},
}

// strippedLine is the http.header2cgi line with strip-on-redirect, which
// removes the token from redirect URLs from XRootD 6.0.0 on.
func strippedLine(values []string) string {
	base := []string{}
	for _, v := range values {
		if !strings.EqualFold(v, "strip-on-redirect") {
			base = append(base, v)
		}
	}
	return "http.header2cgi " + strings.Join(base, " ") + " strip-on-redirect"
}

// headerExpected is what http.header2cgi should say on the installed
// release: strip-on-redirect where it exists, else no copy of the header
// on redirectors until the release that brings it.
func headerExpected(rel release, values []string) string {
	line := strippedLine(values)
	since := rel.since("strip-on-redirect")
	switch {
	case rel.has("strip-on-redirect"):
		return line
	case rel.known:
		return fmt.Sprintf("no http.header2cgi Authorization on a redirector or proxy until XRootD %s; then %s", since, line)
	}
	return line + " (XRootD >= " + since + ")"
}

// isProxy reports whether the service is an XRootD proxy (PSS).
func isProxy(svc inventory.Service) bool {
	if _, ok := svc.Setting("pss.origin"); ok {
		return true
	}
	if p, ok := svc.Setting("ofs.osslib"); ok && strings.Contains(strings.Join(p.Values, " "), "libXrdPss") {
		return true
	}
	if role, ok := svc.Setting("all.role"); ok && containsFold(role.Values, "proxy") {
		return true
	}
	return false
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
