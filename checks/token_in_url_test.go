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
			{severity: "medium", message: "the host is a proxy (pss.origin at /etc/x.cfg:3)"},
		}},
		{name: "proxy by ofs.osslib", svc: svc(setting("ofs.osslib", "libXrdPss.so"), header2cgi), want: []want{
			{severity: "medium", message: "(ofs.osslib libXrdPss at /etc/x.cfg:3)"},
		}},
		{name: "plain data server", svc: svc(setting("all.role", "server"), header2cgi), want: []want{
			{severity: "info", message: "as a plain data server it does not redirect"},
		}},
	})
}
