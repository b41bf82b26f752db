package xrootd_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

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

const (
	trustedIssuer   = "https://atlas-auth.cern.ch/"
	untrustedIssuer = "https://wlcg.cloud.cnaf.infn.it/"
	anyAudience     = "https://wlcg.cern.ch/jwt/v1/any"
)

// xrdTemplate is the one template both the scanned (host) config and the
// runnable config come from, so that they cannot drift: only paths and
// ports differ.
var xrdTemplate = template.Must(template.New("xrd").Parse(`all.export /data
oss.localroot {{.Prefix}}/srv
all.adminpath {{.Prefix}}/admin
all.pidpath {{.Prefix}}/run
xrd.port {{.XrdPort}}
xrd.network nodnr
xrd.protocol XrdHttp:{{.HTTPPort}} libXrdHttp.so
http.header2cgi Authorization authz
ofs.authorize 1
acc.authdb {{.Prefix}}/etc/xrootd/auth_file
ofs.authlib ++ libXrdAccSciTokens.so config={{.Prefix}}/etc/xrootd/scitokens.cfg
`))

func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"xrootd", "scitokens-create", "scitokens-verify"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: apt-get install xrootd-server xrootd-scitokens-plugins scitokens-cpp (.ci/run does)", tool)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("the real-xrootd test must run as root (xrootd -R xrootd drops privileges from root)")
	}
	if _, err := user.Lookup("xrootd"); err != nil {
		t.Skip("no xrootd user: install xrootd-server")
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type keys struct{ pub, priv string }

func makeKey(t *testing.T, dir string) keys {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	ks := keys{pub: filepath.Join(dir, "ec.pub"), priv: filepath.Join(dir, "ec.key")}
	must(t, os.WriteFile(ks.priv, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600))
	must(t, os.WriteFile(ks.pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
	return ks
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mint creates a token and registers its issuer's key in the cache.
func mint(t *testing.T, k keys, cache, issuer, aud, scope string) string {
	t.Helper()
	out, err := exec.Command("scitokens-create", "--cred", k.pub, "--key", k.priv, "--keyid", "k1",
		"--issuer", issuer, "--claim", "aud="+aud, "--claim", "scope="+scope, "--claim", "sub=itest", "--profile", "wlcg").Output()
	if err != nil {
		t.Fatalf("scitokens-create: %v", err)
	}
	tok := strings.TrimSpace(string(out))
	verify := exec.Command("scitokens-verify", "--cred", k.pub, "--issuer", issuer, "--keyid", "k1", tok)
	verify.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
	if out, err := verify.CombinedOutput(); err != nil {
		t.Fatalf("scitokens-verify (key cache): %v: %s", err, out)
	}
	return tok
}

type host struct {
	prefix, httpURL string
}

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
		var b strings.Builder
		must(t, xrdTemplate.Execute(&b, map[string]any{"Prefix": p, "XrdPort": ports["XrdPort"], "HTTPPort": ports["HTTPPort"]}))
		return b.String()
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

func start(t *testing.T, h host, cache string) {
	t.Helper()
	u, err := user.Lookup("xrootd")
	must(t, err)
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	must(t, filepath.Walk(h.prefix, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}))
	logFile := filepath.Join(h.prefix, "xrootd.log")
	log, err := os.Create(logFile)
	must(t, err)
	cmd := exec.Command("xrootd", "-R", "xrootd", "-c", filepath.Join(h.prefix, "run.cfg"), "-n", "itest")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
	cmd.Stdout, cmd.Stderr = log, log
	must(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(logFile)
		switch {
		case strings.Contains(string(data), "itest@") && strings.Contains(string(data), "initialization completed"):
			// The HTTP listener may come up a moment after the message.
			addr := strings.TrimPrefix(h.httpURL, "http://")
			for time.Now().Before(deadline) {
				if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
					c.Close()
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		case strings.Contains(string(data), "initialization failed"):
			t.Fatalf("xrootd failed to start:\n%s", data)
		}
		time.Sleep(100 * time.Millisecond)
	}
	data, _ := os.ReadFile(logFile)
	t.Fatalf("xrootd did not start within 20 s:\n%s", data)
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	must(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	bufio.NewReader(resp.Body).ReadString(0)
	return resp.StatusCode
}

func onmissing(svc inventory.Service) string {
	s, _ := svc.Setting("scitokens.onmissing")
	return strings.Join(s.Values, " ")
}

func TestRealXRootDAcceptsWhatTheInventorySays(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real xrootd servers")
	}
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
