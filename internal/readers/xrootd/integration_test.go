package xrootd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/readers/xrootd"
)

// The integration test starts Debian's real xrootd with the SciTokens
// plugin on loopback, with the very scitokens.cfg the reader scanned, and
// shows that what the inventory says is trusted is what xrootd accepts and
// rejects. Tokens are minted with scitokens-create and their keys put into
// a local key cache, so nothing leaves the machine.

// setup writes the snapshot tree, scans it and returns the inventory.
func setup(t *testing.T, base, onmissing string) (host, inventory.Service, map[string]int) {
	t.Helper()
	prefix := filepath.Join(base, onmissing)
	for _, d := range []string{"etc/xrootd", "srv/data/atlas", "srv/data/other", "admin", "run"} {
		must(t, os.MkdirAll(filepath.Join(prefix, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(prefix, "etc/hostname"), []byte("itest.example.org\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(prefix, "srv/data/atlas/hello.txt"), []byte("hello\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(prefix, "srv/data/other/secret.txt"), []byte("other\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(prefix, "etc/xrootd/auth_file"), []byte("# nothing is granted without a token\n"), 0o644))
	st := "[Global]\naudience = https://itest.example.org:1094, itest.example.org\n"
	if onmissing != "" {
		st += "onmissing = " + onmissing + "\n"
	}
	st += "\n[Issuer ATLAS]\nissuer = " + trustedIssuer + "\nbase_path = /data/atlas\ndefault_user = xrootd\nauthorization_strategy = capability\n"
	must(t, os.WriteFile(filepath.Join(prefix, "etc/xrootd/scitokens.cfg"), []byte(st), 0o644))
	ports := map[string]int{"XrdPort": freePort(t), "HTTPPort": freePort(t)}
	render := func(p string) string {
		return xrdConfig{Prefix: p, SciTokens: p + "/etc/xrootd/scitokens.cfg", XrdPort: ports["XrdPort"], HTTPPort: ports["HTTPPort"], Header2CGI: "Authorization authz"}.render(t)
	}
	// The scanned config names host paths; the runnable one the same files
	// where they really are.
	must(t, os.WriteFile(filepath.Join(prefix, "etc/xrootd/xrootd-itest.cfg"), []byte(render("")), 0o644))
	must(t, os.WriteFile(filepath.Join(prefix, "run.cfg"), []byte(render(prefix)), 0o644))
	fsys, err := hostfs.New(prefix)
	must(t, err)
	svcs, err := xrootd.Read(readers.Host{FS: fsys, Name: "itest.example.org"})
	must(t, err)
	if len(svcs) != 1 {
		t.Fatalf("services = %+v, want one xrootd instance", svcs)
	}
	return host{prefix: prefix, httpURL: fmt.Sprintf("http://127.0.0.1:%d", ports["HTTPPort"])}, svcs[0], ports
}

func onmissing(svc inventory.Service) string {
	s, _ := svc.Setting("scitokens.onmissing")
	return strings.Join(s.Values, " ")
}

func TestRealXRootDAcceptsWhatTheInventorySays(t *testing.T) {
	requireTools(t)
	base, err := os.MkdirTemp("", "ttt-itest-")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	// xrootd drops to the xrootd user, which must reach every file.
	must(t, os.Chmod(base, 0o755))
	cache := filepath.Join(base, "cache")
	must(t, os.MkdirAll(cache, 0o755))
	k := makeKey(t, base)

	h, svc, _ := setup(t, base, "")
	if len(svc.Trusts) != 1 {
		t.Fatalf("trusts = %+v", svc.Trusts)
	}
	tr := svc.Trusts[0]
	// What the inventory claims.
	if tr.Issuer != trustedIssuer || strings.Join(tr.BasePaths, ",") != "/data/atlas" || !tr.AudienceChecked || onmissing(svc) != "passthrough" {
		t.Fatalf("inventory = %+v onmissing %q", tr, onmissing(svc))
	}
	aud := tr.Audiences[0]
	okTok := mint(t, k, cache, tr.Issuer, aud, "storage.read:/")
	otherIssuer := mint(t, k, cache, untrustedIssuer, aud, "storage.read:/")
	wrongAud := mint(t, k, cache, tr.Issuer, "https://elsewhere.example.org", "storage.read:/")
	anyAud := mint(t, k, cache, tr.Issuer, anyAudience, "storage.read:/")
	start(t, h, cache)

	inBase := h.httpURL + tr.BasePaths[0] + "/hello.txt"
	tests := []struct {
		name  string
		url   string
		token string
		want  int
	}{
		{"trusted issuer, listed audience, under the base path", inBase, okTok, 200},
		{"issuer not in the inventory", inBase, otherIssuer, 403},
		{"audience not in the inventory's list", inBase, wrongAud, 403},
		// scitokens-cpp accepts the any audience whatever is configured
		// (https://github.com/scitokens/scitokens-cpp/blob/master/src/scitokens_internal.h,
		// aud_validator): why audience-any is info on XRootD.
		{"the WLCG any audience, although not listed", inBase, anyAud, 200},
		{"outside the base path", h.httpURL + "/data/other/secret.txt", okTok, 403},
		{"no token with onmissing passthrough and an empty authdb", inBase, "", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := get(t, tc.url, tc.token); got != tc.want {
				t.Errorf("GET = %d, want %d", got, tc.want)
			}
		})
	}

	t.Run("onmissing allow lets requests without a token through", func(t *testing.T) {
		h2, svc2, _ := setup(t, base, "allow")
		if onmissing(svc2) != "allow" {
			t.Fatalf("inventory onmissing = %q, want allow", onmissing(svc2))
		}
		start(t, h2, cache)
		if got := get(t, h2.httpURL+"/data/atlas/hello.txt", ""); got != 200 {
			t.Errorf("GET without token = %d, want 200 (onmissing = allow authorizes it)", got)
		}
		if got := get(t, h2.httpURL+"/data/other/secret.txt", ""); got != 200 {
			t.Errorf("GET outside the base path without token = %d, want 200", got)
		}
	})
}
