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
		{name: "http.trace debug, with the recipe's note", svc: svc("http.trace", "debug"), want: []want{
			{severity: "high", message: "trace level debug writes bearer tokens into the log (XRootD < 5.7.0"},
		}},
		{name: "http.trace all -debug on a redirector", svc: redirector(svc("http.trace", "all", "-debug")), want: []want{
			{message: "trace level request writes"},
		}},
		{name: "http.trace request on a redirector", svc: redirector(svc("http.trace", "request")), want: []want{
			{message: "trace level request writes"},
		}},
	})
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
		{[]string{"DEBUG"}, "debug"},
		{[]string{"debug", "none"}, ""},
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
