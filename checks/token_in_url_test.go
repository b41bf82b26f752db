package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestTokenInURL(t *testing.T) {
	svc := func(settings ...inventory.Setting) inventory.Service {
		return withSettings(service(good(dteam)), settings...)
	}
	header2cgi := setting("http.header2cgi", "Authorization", "authz")
	runCases(t, tokenInURL, []checkCase{
		{name: "strip-on-redirect", svc: svc(setting("all.role", "manager"), setting("http.header2cgi", "Authorization", "authz", "strip-on-redirect"))},
		{name: "other header", svc: svc(setting("all.role", "manager"), setting("http.header2cgi", "X-Forwarded-For", "xff"))},
		{name: "service that never redirects", svc: func() inventory.Service {
			s := svc(setting("all.role", "manager"), header2cgi)
			s.Name = "dcache"
			return s
		}()},
		{name: "manager", svc: svc(setting("all.role", "manager"), header2cgi), want: []want{
			{severity: "medium", message: "and the host redirects or proxies (all.role manager at /etc/x.cfg:3)", source: src(3), key: "header2cgi:Authorization authz"},
		}},
		{name: "proxy by pss.origin", svc: svc(setting("pss.origin", "=https://upstream"), header2cgi), want: []want{
			{severity: "medium", message: "the host is a proxy (pss.origin at /etc/x.cfg:3): it forwards the CGI, token included, in its request URLs to the origin", fix: "strip-on-redirect does not apply"},
		}},
		// XrdPssUrlInfo copies the CGI to the origin whatever
		// strip-on-redirect says: it only acts in XrdHttpReq::Redir.
		{name: "proxy with strip-on-redirect on 6.1.0", svc: installed(svc(setting("pss.origin", "=https://upstream"), setting("http.header2cgi", "Authorization", "authz", "strip-on-redirect")), "6.1.0-1"), want: []want{
			{severity: "medium", message: "in its request URLs to the origin"},
		}},
		{name: "proxy by ofs.osslib", svc: svc(setting("ofs.osslib", "libXrdPss.so"), header2cgi), want: []want{
			{severity: "medium", message: "(ofs.osslib libXrdPss at /etc/x.cfg:3)"},
		}},
		// parseHeader2CGI before 6.0.0 reads two words: the third is
		// ignored, and the fix is the upgrade.
		{name: "strip-on-redirect on 5.9.6", svc: installed(svc(setting("all.role", "manager"), setting("http.header2cgi", "Authorization", "authz", "strip-on-redirect")), "5.9.6-1.el9"), want: []want{
			{severity: "medium", message: "XRootD 5.9.6-1.el9 ignores strip-on-redirect in http.header2cgi (first read by 6.0.0)", fix: "upgrade to XRootD 6.0.0 or later"},
		}},
		{name: "strip-on-redirect on 6.0.1", svc: installed(svc(setting("all.role", "manager"), setting("http.header2cgi", "Authorization", "authz", "strip-on-redirect")), "6.0.1-1")},
		{name: "manager on 5.5.3: upgrade, never the option it lacks", svc: installed(svc(setting("all.role", "manager"), header2cgi), "5.5.3-1"), want: []want{
			{severity: "medium", fix: "XRootD 5.5.3-1 has no strip-on-redirect: upgrade to XRootD 6.0.0 or later"},
		}},
		{name: "manager on 6.1.0: the option", svc: installed(svc(setting("all.role", "manager"), header2cgi), "6.1.0-1"), want: []want{
			{severity: "medium", fix: "XRootD 6.1.0-1 has strip-on-redirect: write\n  http.header2cgi Authorization authz strip-on-redirect"},
		}},
		{name: "manager, release unknown: both", svc: svc(setting("all.role", "manager"), header2cgi), want: []want{
			{fix: "The installed XRootD release is unknown. On XRootD 6.0.0 or later"},
		}},
		{name: "plain data server", svc: svc(setting("all.role", "server"), header2cgi), want: []want{
			{severity: "info", message: "as a plain data server it does not redirect"},
		}},
	})
}
