package reference

import (
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/recipes"
)

func set(t *testing.T) *recipes.Set {
	t.Helper()
	s, err := recipes.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// xrootd is an XRootD instance trusting issuers with base paths.
func xrootd(instance string, settings []inventory.Setting, trusts ...inventory.Trust) inventory.Service {
	return inventory.Service{Name: "xrootd", Instance: instance, Settings: settings, Trusts: trusts}
}

// TestVOValues: a VO's area and account come from what the host gives
// it, else from the other VOs' pattern, else from the recipe; never "/"
// and never a privileged account.
func TestVOValues(t *testing.T) {
	s := set(t)
	tests := []struct {
		name, service, vo string
		svcs              []inventory.Service
		area, account     string
	}{
		{"recipe default", "xrootd", "cms", nil, "/data/cms", "xrootd"},
		{"the host's own area", "xrootd", "atlas", []inventory.Service{xrootd("a", nil, inventory.Trust{Issuer: "https://atlas-auth.cern.ch/", BasePaths: []string{"/store/atlas"}})}, "/store/atlas", "xrootd"},
		{"guessed from another VO", "xrootd", "cms", []inventory.Service{xrootd("a", nil, inventory.Trust{Issuer: "https://atlas-auth.cern.ch/", BasePaths: []string{"/store/atlas"}})}, "/store/cms", "xrootd"},
		{"never the root", "xrootd", "dteam", []inventory.Service{xrootd("a", nil, inventory.Trust{Issuer: "https://dteam-auth.cern.ch/", BasePaths: []string{"/"}})}, "/data/dteam", "xrootd"},
		{"the host's account", "eos", "atlas", []inventory.Service{{Name: "eos", Trusts: []inventory.Trust{{Issuer: "https://atlas-auth.cern.ch/", Account: "atlasprod"}}}}, "/eos/atlas", "atlasprod"},
		{"not a privileged account", "eos", "atlas", []inventory.Service{{Name: "eos", Trusts: []inventory.Trust{{Issuer: "https://atlas-auth.cern.ch/", Account: "root"}}}}, "/eos/atlas", "atlas001"},
		{"retired issuer counts", "eos", "atlas", []inventory.Service{{Name: "eos", Trusts: []inventory.Trust{{Issuer: "https://atlas-auth.web.cern.ch/", BasePaths: []string{"/eos/grid/atlas"}}}}}, "/eos/grid/atlas", "atlas001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := For(s, &inventory.Inventory{Host: "se.example.org", Services: tc.svcs}, tc.service, "se.example.org")
			if err != nil {
				t.Fatal(err)
			}
			v, err := h.VO(s.VOs[tc.vo])
			if err != nil {
				t.Fatal(err)
			}
			if v.Area != tc.area || v.Account != tc.account {
				t.Errorf("area %q account %q, want %q %q", v.Area, v.Account, tc.area, tc.account)
			}
		})
	}
}

// TestHostValues: ports and audiences from the host's own directives,
// and the XRootD instances that may copy the token into URLs.
func TestHostValues(t *testing.T) {
	s := set(t)
	proxy := xrootd("cache", []inventory.Setting{{Key: "pss.origin", Values: []string{"o:1094"}}})
	manager := xrootd("redir", []inventory.Setting{{Key: "all.role", Values: []string{"manager"}}})
	server := xrootd("data", []inventory.Setting{{Key: "xrd.port", Values: []string{"1095"}}, {Key: "xrd.protocol", Values: []string{"XrdHttp:8443", "libXrdHttp.so"}}})
	tests := []struct {
		name      string
		svcs      []inventory.Service
		audiences string
		in, out   string
	}{
		{"defaults", nil, "roots://se.example.org:1094 https://se.example.org:1094 se.example.org", "", ""},
		{"the host's ports", []inventory.Service{server}, "roots://se.example.org:1095 https://se.example.org:8443 se.example.org", "data", ""},
		{"proxies and old redirectors excluded", []inventory.Service{server, proxy, manager}, "roots://se.example.org:1095 https://se.example.org:8443 se.example.org", "data", "cache redir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := &inventory.Inventory{Host: "se.example.org", Services: tc.svcs}
			// A release before strip-on-redirect: redirectors must not copy.
			for i := range inv.Services {
				inv.Services[i].Versions = []inventory.Component{{Name: "xrootd", Version: "5.5.3-1"}}
			}
			h, err := For(s, inv, "xrootd", "se.example.org")
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(h.Audiences, " "); got != tc.audiences {
				t.Errorf("audiences %q, want %q", got, tc.audiences)
			}
			if got := strings.Join(h.Instances, " "); got != tc.in {
				t.Errorf("instances %q, want %q", got, tc.in)
			}
			if got := strings.Join(h.Excluded, " "); got != tc.out {
				t.Errorf("excluded %q, want %q", got, tc.out)
			}
		})
	}
}

// TestRelease: a known release decides what may be written; an unknown
// one is taken to have it, and the reference says which release the line
// needs.
func TestRelease(t *testing.T) {
	s := set(t)
	tests := []struct {
		name    string
		version string
		has     bool
		note    bool
	}{
		{"too old", "5.5.3-1", false, false},
		{"new enough", "5.7.0-1", true, false},
		{"unknown", "", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := xrootd("a", nil)
			if tc.version != "" {
				svc.Versions = []inventory.Component{{Name: "xrootd", Version: tc.version}}
			}
			h, err := For(s, &inventory.Inventory{Services: []inventory.Service{svc}}, "xrootd", "h")
			if err != nil {
				t.Fatal(err)
			}
			rel := h.Release()
			if got := rel.Has("authorization_strategy"); got != tc.has {
				t.Errorf("has = %v, want %v", got, tc.has)
			}
			if rel.Since("authorization_strategy") != "5.7.0" {
				t.Errorf("since %q", rel.Since("authorization_strategy"))
			}
			if got := len(h.Notes()) > 0; got != tc.note {
				t.Errorf("notes %v", h.Notes())
			}
		})
	}
	if _, err := For(s, nil, "dpm", "h"); err == nil || !strings.Contains(err.Error(), "known: arc-ce, dcache, eos, htcondor-ce, storm-webdav, xrootd") {
		t.Errorf("unknown service: %v", err)
	}
}
