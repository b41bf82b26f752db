package checks

import (
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestLogTokenLeak(t *testing.T) {
	svc := func(key string, v ...string) inventory.Service {
		return withSettings(service(good(dteam)), setting(key, v...))
	}
	redirector := func(s inventory.Service) inventory.Service {
		return withSettings(s, setting("all.role", "manager"))
	}
	// What the real xrootd 5.5.3 logs (TestLiveTraceLeak): the fs level of
	// xrootd.trace, the debug level of http.trace, and on a host that
	// redirects the request level of http.trace too.
	runCases(t, logTokenLeak, []checkCase{
		{name: "xrootd.trace all then -all", svc: svc("xrootd.trace", "all", "-all")},
		{name: "xrootd.trace all -fs", svc: svc("xrootd.trace", "all", "-fs")},
		{name: "http.trace request on a data server", svc: svc("http.trace", "request")},
		{name: "http.trace all -debug on a data server", svc: svc("http.trace", "all", "-debug")},
		{name: "http.trace debug then off", svc: svc("http.trace", "debug", "off")},
		{name: "leaking level on a service without log recipes", svc: func() inventory.Service {
			s := svc("http.trace", "all")
			s.Name = "storm-webdav"
			return s
		}()},
		{name: "xrootd.trace all", svc: svc("xrootd.trace", "all"), want: []want{
			{severity: "high", message: "sets xrootd.trace all; trace level fs writes bearer tokens into the log", source: src(3), key: "xrootd.trace"},
		}},
		{name: "xrootd.trace fs", svc: svc("xrootd.trace", "fs"), want: []want{{message: "trace level fs writes"}}},
		{name: "http.trace debug, version unknown: judged as the oldest", svc: svc("http.trace", "debug"), want: []want{
			{severity: "high", message: "trace level debug writes bearer tokens into the log (XRootD 5.5.0, the oldest supported, as the installed version is unknown; debug is redacted from 5.7.0 on)"},
		}},
		{name: "http.trace debug on 5.5.3", svc: installed(svc("http.trace", "debug"), "5.5.3-1"), want: []want{
			{severity: "high", message: "(XRootD 5.5.3-1; debug is redacted from 5.7.0 on)"},
		}},
		// 4c184bc8b (v5.7.0) obfuscates the debug header lines.
		{name: "http.trace debug on 5.7.0", svc: installed(svc("http.trace", "debug"), "5.7.0-1.el9")},
		// do_Locate traces the CGI in every release.
		{name: "xrootd.trace fs on 6.1.0", svc: installed(svc("xrootd.trace", "fs"), "1:6.1.0-1"), want: []want{{message: "locate requests in every release"}}},
		{name: "xrootd.trace fs on 5.6.9", svc: installed(svc("xrootd.trace", "fs"), "5.6.9-1"), want: []want{{message: "trace level fs writes"}}},
		// b4d02a0a9 (v5.7.2) obfuscates the redirect trace; v6.0.0 logs
		// it again unless strip-on-redirect cuts the token off the URL.
		{name: "http.trace request on a 5.7.1 redirector", svc: installed(redirector(svc("http.trace", "request")), "5.7.1-1"), want: []want{{message: "(XRootD 5.7.1-1; request is redacted from 5.7.2 on)"}}},
		{name: "http.trace request on a 5.9.6 redirector", svc: installed(redirector(svc("http.trace", "request")), "5.9.6-1")},
		{name: "http.trace request on a 6.1.0 redirector", svc: installed(redirector(svc("http.trace", "request")), "6.1.0-1"), want: []want{
			{message: "(XRootD 6.1.0-1; request leaks again from 6.0.0 on unless http.header2cgi has strip-on-redirect)"},
		}},
		{name: "http.trace request on a 6.1.0 redirector stripping authz", svc: installed(withSettings(redirector(svc("http.trace", "request")), setting("http.header2cgi", "Authorization", "authz", "strip-on-redirect")), "6.1.0-1")},
		{name: "http.trace all -debug on a redirector", svc: redirector(svc("http.trace", "all", "-debug")), want: []want{
			{message: "trace level request writes"},
		}},
		{name: "http.trace request on a redirector", svc: redirector(svc("http.trace", "request")), want: []want{
			{message: "trace level request writes"},
		}},
		// XrdPss.cc logs DEBUG "url=" with the client's CGI before
		// v5.7.2 (b4d02a0a9 obfuscates it).
		{name: "pss.debug on 5.5.3", svc: installed(svc("pss.debug", "on"), "5.5.3-1"), want: []want{
			{severity: "high", message: "sets pss.debug on; trace level on writes bearer tokens into the log (XRootD 5.5.3-1; on is redacted from 5.7.2 on; the proxy's debug trace prints the origin URL with the client's authz CGI)", key: "pss.debug"},
		}},
		{name: "pss.debug on 5.7.2", svc: installed(svc("pss.debug", "on"), "5.7.2-1")},
		// pss.trace only sets the client library's log level.
		{name: "pss.trace all", svc: svc("pss.trace", "all")},
		{name: "upper-case DEBUG is no option", svc: svc("http.trace", "DEBUG")},
	})
}

// installed records the installed XRootD release of a service.
func installed(s inventory.Service, v string) inventory.Service {
	s.Versions = append(s.Versions, inventory.Component{Name: "xrootd", Version: v, Package: "xrootd-server", Manager: "rpm"})
	return s
}

func TestActiveLevels(t *testing.T) {
	tests := []struct {
		values []string
		want   string
	}{
		{[]string{"all"}, "all debug"},
		{[]string{"debug"}, "debug"},
		{[]string{"all", "-debug"}, "all"},
		{[]string{"-all", "debug"}, "debug"},
		// strcmp: an upper-case name is an invalid option, ignored.
		{[]string{"DEBUG"}, ""},
		// "none" is no option of xrootd.trace or http.trace: ignored.
		{[]string{"debug", "none"}, "debug"},
		{[]string{"debug", "off"}, ""},
		{[]string{"all", "-"}, "all debug"},
		{[]string{"request", "response"}, ""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.values, " "), func(t *testing.T) {
			got := strings.Join(activeLevels(tc.values, []string{"all", "debug"}), " ")
			if got != tc.want {
				t.Errorf("activeLevels(%v) = %q, want %q", tc.values, got, tc.want)
			}
		})
	}
}
