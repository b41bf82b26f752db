package xrootd_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/ttt-wg/ttt-check/internal/scan"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// The kit of the tests that run Debian's real xrootd (5.5.3) with the
// SciTokens plugin on loopback: tokens minted offline with scitokens-create
// (or signed here when a claim needs a JSON list) and their key put into a
// local key cache, host trees that ttt-check scans and xrootd runs, and
// HTTP helpers that never print a token.

const (
	trustedIssuer   = "https://atlas-auth.cern.ch/"
	untrustedIssuer = "https://wlcg.cloud.cnaf.infn.it/"
	anyAudience     = "https://wlcg.cern.ch/jwt/v1/any"
	// liveAudience is the audience the live configs list and tokens carry.
	liveAudience = "itest.example.org"
	// subject is the sub claim of every minted token unless told otherwise.
	subject = "itest"
)

// xrdTemplate is the one template both the scanned (host) config and the
// runnable config come from, so that they cannot drift: only paths and
// ports differ.
var xrdTemplate = template.Must(template.New("xrd").Parse(`all.export /data
oss.localroot {{.Prefix}}/srv
all.adminpath {{if .Admin}}{{.Admin}}{{else}}{{.Prefix}}/admin{{end}}
all.pidpath {{.Prefix}}/run
xrd.port {{.XrdPort}}
xrd.network nodnr
xrd.protocol XrdHttp:{{.HTTPPort}} libXrdHttp.so
{{if .Header2CGI}}http.header2cgi {{.Header2CGI}}
{{end}}ofs.authorize 1
acc.authdb {{.Prefix}}/etc/xrootd/auth_file
ofs.authlib ++ libXrdAccSciTokens.so config={{.SciTokens}}
{{.Extra}}`))

// xrdConfig fills xrdTemplate.
type xrdConfig struct {
	Prefix, SciTokens string
	// Admin is all.adminpath when not under Prefix: its Unix socket path
	// must stay short (sun_path), test temp dirs are long.
	Admin             string
	XrdPort, HTTPPort int
	// Header2CGI is the http.header2cgi directive's value; "" leaves the
	// directive out.
	Header2CGI string
	// Extra are more directives (trace levels, redirects).
	Extra string
}

func (c xrdConfig) render(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	must(t, xrdTemplate.Execute(&b, c))
	return b.String()
}

// requireTools skips the test, with a one-line reason, unless real xrootd
// can run here.
func requireTools(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real xrootd servers (-short)")
	}
	for _, tool := range []string{"xrootd", "scitokens-create", "scitokens-verify"} {
		testkit.Program(t, tool, "xrootd-server xrootd-scitokens-plugins scitokens-cpp")
	}
	if os.Geteuid() != 0 {
		t.Skip("the real-xrootd tests must run as root (xrootd -R xrootd drops privileges from root)")
	}
	if _, err := user.Lookup("xrootd"); err != nil {
		t.Skip("no xrootd user: install xrootd-server")
	}
}

var (
	portsMu sync.Mutex
	handed  = map[int]bool{}
)

// freePort returns a loopback port nobody listens on, never the same twice
// in one test binary (the live tests run in parallel).
func freePort(t *testing.T) int {
	t.Helper()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		portsMu.Lock()
		seen := handed[p]
		handed[p] = true
		portsMu.Unlock()
		if !seen {
			return p
		}
	}
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

// mint creates a WLCG-profile token with scitokens-create and registers
// its issuer's key in the cache. An empty scope leaves the claim out;
// claims are more key=value claims.
func mint(t *testing.T, k keys, cache, issuer, aud, scope string, claims ...string) string {
	t.Helper()
	args := []string{"--claim", "aud=" + aud, "--claim", "sub=" + subject, "--profile", "wlcg"}
	if scope != "" {
		args = append(args, "--claim", "scope="+scope)
	}
	for _, c := range claims {
		args = append(args, "--claim", c)
	}
	return mintArgs(t, k, cache, issuer, args...)
}

// mintArgs runs scitokens-create with the key, key id and issuer, plus args.
func mintArgs(t *testing.T, k keys, cache, issuer string, args ...string) string {
	t.Helper()
	args = append([]string{"--cred", k.pub, "--key", k.priv, "--keyid", "k1", "--issuer", issuer}, args...)
	out, err := exec.Command("scitokens-create", args...).Output()
	if err != nil {
		t.Fatalf("scitokens-create: %v", err)
	}
	tok := strings.TrimSpace(string(out))
	trustKey(t, k, cache, issuer, tok)
	return tok
}

// trustKey has scitokens-verify put the issuer's public key into the key
// cache xrootd reads (XDG_CACHE_HOME), so that no issuer is ever fetched.
func trustKey(t *testing.T, k keys, cache, issuer, tok string) {
	t.Helper()
	verify := exec.Command("scitokens-verify", "--cred", k.pub, "--issuer", issuer, "--keyid", "k1", tok)
	verify.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
	if out, err := verify.CombinedOutput(); err != nil {
		t.Fatalf("scitokens-verify (key cache): %v: %s", err, out)
	}
}

// signJWT signs claims as an ES256 token with the kit's key, for what
// scitokens-create cannot express: JSON lists (wlcg.groups), no aud at
// all. iat, nbf, exp and jti are added; a key "-name" in claims removes
// the claim name (aud, wlcg.ver).
func signJWT(t *testing.T, k keys, cache string, claims map[string]any) string {
	t.Helper()
	data, err := os.ReadFile(k.priv)
	must(t, err)
	block, _ := pem.Decode(data)
	priv, err := x509.ParseECPrivateKey(block.Bytes)
	must(t, err)
	now := time.Now().Unix()
	c := map[string]any{"iat": now, "nbf": now, "exp": now + 600, "jti": randomID(t), "sub": subject, "wlcg.ver": "1.0", "aud": liveAudience}
	for key, v := range claims {
		c[key] = v
	}
	for key := range claims {
		if name, drop := strings.CutPrefix(key, "-"); drop {
			delete(c, name)
			delete(c, key)
		}
	}
	enc := func(v any) string {
		b, err := json.Marshal(v)
		must(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "ES256", "kid": "k1", "typ": "JWT"}) + "." + enc(c)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, priv, sum[:])
	must(t, err)
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	tok := signing + "." + base64.RawURLEncoding.EncodeToString(sig)
	trustKey(t, k, cache, c["iss"].(string), tok)
	return tok
}

type host struct {
	prefix, httpURL string
}

func (h host) logFile() string { return filepath.Join(h.prefix, "xrootd.log") }

// started is the last line xrootd logs when it serves.
var started = regexp.MustCompile(`(?m)^------ xrootd itest@\S+ initialization completed`)

// start runs xrootd as user xrootd on the host's run.cfg until the test ends.
func start(t *testing.T, h host, cache string) {
	t.Helper()
	// The key cache too: scitokens-verify makes its directory 0700.
	chownXrootd(t, h.prefix, cache)
	logFile := h.logFile()
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
		case strings.Contains(string(data), "initialization failed"):
			t.Fatalf("xrootd failed to start:\n%s", data)
		case started.Match(data):
			// The HTTP listener may come up a moment after the message.
			addr := strings.TrimPrefix(h.httpURL, "http://")
			for time.Now().Before(deadline) {
				if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
					c.Close()
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(logFile)
	t.Fatalf("xrootd did not start within 20 s:\n%s", data)
}

// chownXrootd gives the trees to the xrootd user, which xrootd runs as.
func chownXrootd(t *testing.T, dirs ...string) {
	t.Helper()
	u, err := user.Lookup("xrootd")
	must(t, err)
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, dir := range dirs {
		must(t, filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, uid, gid)
		}))
	}
}

// fresh sends every request on a new connection and never follows a
// redirect: XrdHttp keeps what a token mapped to on the connection
// (TestLiveMappedUserStaysOnTheConnection), so requests that are meant to
// be independent must not share one.
var fresh = &http.Client{
	Timeout:       10 * time.Second,
	Transport:     &http.Transport{DisableKeepAlives: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	code, _, _ := send(t, fresh, http.MethodGet, url, token)
	return code
}

// send makes one request, with the token as a bearer header unless it is
// "", and returns the status, the Location header and whether the
// connection was reused. Errors never show the token.
func send(t *testing.T, c *http.Client, method, url, token string) (int, string, bool) {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodPut {
		body = strings.NewReader("written by a live test\n")
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, url, body)
	must(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	reused := false
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
	}))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %s", method, redactURL(url), strings.ReplaceAll(err.Error(), token, "<token>"))
	}
	defer resp.Body.Close()
	bufio.NewReader(resp.Body).ReadString(0)
	return resp.StatusCode, resp.Header.Get("Location"), reused
}

// redactURL drops the query, where a token may be.
func redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?<query>"
	}
	return u
}

// session is one keep-alive connection, as davix, gfal2 and FTS keep them.
func session() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// tokenKit is one test's signing key and key cache. Mint every token
// before starting the servers that are to accept it: a key added to the
// cache after xrootd started is not seen.
type tokenKit struct {
	k     keys
	cache string
}

func newTokenKit(t *testing.T) tokenKit {
	t.Helper()
	base := t.TempDir()
	// xrootd drops to the xrootd user, which must reach the cache.
	must(t, os.Chmod(filepath.Dir(base), 0o755))
	must(t, os.Chmod(base, 0o755))
	cache := filepath.Join(base, "cache")
	must(t, os.MkdirAll(cache, 0o755))
	return tokenKit{k: makeKey(t, base), cache: cache}
}

// token is mint with the kit's key and cache.
func (kit tokenKit) token(t *testing.T, issuer, aud, scope string, claims ...string) string {
	t.Helper()
	return mint(t, kit.k, kit.cache, issuer, aud, scope, claims...)
}

// signed is signJWT with the kit's key and cache.
func (kit tokenKit) signed(t *testing.T, claims map[string]any) string {
	t.Helper()
	return signJWT(t, kit.k, kit.cache, claims)
}

// liveConfig is one XRootD host, written as a host tree that ttt-check
// scans (host paths) and that xrootd runs (the same files at their real
// place). "$PREFIX" in SciTokens stands for where /etc/xrootd really is
// ("" in the scanned copy), for name_mapfile.
type liveConfig struct {
	SciTokens string
	// AuthDB is /etc/xrootd/auth_file; "" is a file granting nothing.
	AuthDB string
	// MapFile is /etc/xrootd/mapfile.json when not "".
	MapFile string
	// Header2CGI is http.header2cgi's value; "" means "Authorization authz"
	// (without it XrdHttp 5.5.3 hands the bearer header to nobody), "none"
	// leaves the directive out.
	Header2CGI string
	// Extra are more xrootd directives.
	Extra string
	// SiteTOML is the site profile; "" is a production site with ATLAS,
	// CMS and DTeam.
	SiteTOML string
}

// liveHost is a running xrootd and the tree it runs from.
type liveHost struct {
	host
	root string
}

// dataFiles are the files every live host serves, under /data.
var dataFiles = map[string]string{
	"atlas/hello.txt":        "hello\n",
	"atlas/public/pub.txt":   "public\n",
	"atlas/delete-me.txt":    "to be deleted\n",
	"atlas-other/secret.txt": "a sibling directory of /data/atlas\n",
	"other/secret.txt":       "other\n",
	"cms/c.txt":              "cms\n",
	"dteam/d.txt":            "dteam\n",
	"wlcg/w.txt":             "wlcg\n",
	"lhcb/l.txt":             "lhcb\n",
	"alice/a.txt":            "alice\n",
	"local/l.txt":            "local\n",
}

// startLive writes the host tree of cfg, starts xrootd on it and returns
// it; the server is killed when the test ends.
func startLive(t *testing.T, kit tokenKit, cfg liveConfig) liveHost {
	t.Helper()
	h2c := cfg.Header2CGI
	switch h2c {
	case "":
		h2c = "Authorization authz"
	case "none":
		h2c = ""
	}
	site := cfg.SiteTOML
	if site == "" {
		site = "site = \"EXAMPLE-T2\"\nenvironment = \"production\"\nvos = [\"atlas\", \"cms\", \"dteam\"]\n"
	}
	authdb := cfg.AuthDB
	if authdb == "" {
		authdb = "# nothing is granted without a token\n"
	}
	ports := xrdConfig{XrdPort: freePort(t), HTTPPort: freePort(t), Header2CGI: h2c, Extra: cfg.Extra}
	scanned := ports
	scanned.SciTokens = "/etc/xrootd/scitokens.cfg"
	files := map[string]string{
		"/etc/hostname":               liveAudience + "\n",
		"/etc/ttt-check/site.toml":    site,
		"/etc/xrootd/xrootd-live.cfg": scanned.render(t),
		"/etc/xrootd/scitokens.cfg":   strings.ReplaceAll(cfg.SciTokens, "$PREFIX", ""),
		"/etc/xrootd/auth_file":       authdb,
	}
	if cfg.MapFile != "" {
		files["/etc/xrootd/mapfile.json"] = cfg.MapFile
	}
	for p, c := range dataFiles {
		files["/srv/data/"+p] = c
	}
	root := testkit.HostTree(t, files)
	must(t, os.Chmod(filepath.Dir(root), 0o755))
	must(t, os.Chmod(root, 0o755))
	for _, d := range []string{"admin", "run"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	run := ports
	run.Prefix, run.SciTokens = root, filepath.Join(root, "run-scitokens.cfg")
	admin, err := os.MkdirTemp("", "xa")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(admin) })
	chownXrootd(t, admin)
	run.Admin = admin
	must(t, os.WriteFile(filepath.Join(root, "run.cfg"), []byte(run.render(t)), 0o644))
	must(t, os.WriteFile(run.SciTokens, []byte(strings.ReplaceAll(cfg.SciTokens, "$PREFIX", root)), 0o644))
	h := liveHost{host: host{prefix: root, httpURL: fmt.Sprintf("http://127.0.0.1:%d", ports.HTTPPort)}, root: root}
	start(t, h.host, kit.cache)
	return h
}

// url is the host's HTTP URL of path.
func (h liveHost) url(path string) string { return h.httpURL + path }

// logLines returns the log lines containing needle. Tests count them;
// lines that may hold a token are never printed (see redactedLog).
func (h liveHost) logLines(t *testing.T, needle string) []string {
	t.Helper()
	data, err := os.ReadFile(h.logFile())
	must(t, err)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, needle) {
			out = append(out, l)
		}
	}
	return out
}

// redactedLog is the whole log with the tokens replaced, for failures.
func (h liveHost) redactedLog(t *testing.T, tokens ...string) string {
	t.Helper()
	data, err := os.ReadFile(h.logFile())
	must(t, err)
	log := string(data)
	for _, tok := range tokens {
		log = strings.ReplaceAll(log, tok, "<token>")
	}
	return log
}

// findings scans the host tree with ttt-check (recipes embedded, the
// tree's site profile) and returns, per check that fires on XRootD, the
// severities of its findings.
func (h liveHost) findings(t *testing.T) map[string]string {
	t.Helper()
	s, err := scan.New(scan.Config{Root: h.root})
	must(t, err)
	rep, err := s.Run(scan.Options{})
	must(t, err)
	out := map[string]string{}
	for _, f := range rep.Findings {
		if f.Service != "xrootd" {
			continue
		}
		sev := f.Severity.String()
		if prev, ok := out[f.Check]; ok && !strings.Contains(prev, sev) {
			sev = prev + "," + sev
		}
		out[f.Check] = sev
	}
	return out
}

// tttSays logs whether ttt-check's check fires on the host and whether
// that agrees with the exposure xrootd was seen to have (what says which).
// It asserts nothing: the tests assert xrootd's behaviour; LIVE.md says
// where ttt-check's claims and xrootd part.
func tttSays(t *testing.T, h liveHost, check, what string, exposed bool) {
	t.Helper()
	sev, fires := h.findings(t)[check]
	verdict := "agree"
	if fires != exposed {
		verdict = "DISAGREE (see LIVE.md)"
	}
	says := "does not fire"
	if fires {
		says = "fires (" + sev + ")"
	}
	t.Logf("ttt-check %s %s; xrootd: %s: %v; %s", check, says, what, exposed, verdict)
}

func randomID(t *testing.T) string {
	b := make([]byte, 12)
	_, err := rand.Read(b)
	must(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}

// fixtureFile reads a file of a fixture host; a scitokens.cfg gets the
// live audiences instead of its own, so that the fixture runs here.
func fixtureFile(t *testing.T, fixture, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.RepoRoot(), "fixtures", "hosts", fixture, filepath.FromSlash(path)))
	must(t, err)
	return regexp.MustCompile(`(?m)^audience = .*\n`).ReplaceAllString(string(data), liveAudiences)
}
