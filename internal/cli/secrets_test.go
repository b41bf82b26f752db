package cli

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// planted are secrets in the shapes configs and logs carry them.
type planted struct {
	jwt, jwtStd, keyBody, password, urlPass string
}

func plant(t *testing.T) planted {
	t.Helper()
	rnd := func(n int) []byte {
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"planted"}`))
	body := enc.EncodeToString([]byte(`{"sub":"planted-subject-` + enc.EncodeToString(rnd(9)) + `","iss":"https://evil.example/"}`))
	std := base64.StdEncoding
	// Shaped like a PEM private key body: random bytes, not a key.
	var lines []string
	raw := std.EncodeToString(rnd(600))
	for len(raw) > 64 {
		lines, raw = append(lines, raw[:64]), raw[64:]
	}
	return planted{
		jwt:      head + "." + body + "." + enc.EncodeToString(rnd(64)),
		jwtStd:   std.EncodeToString([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." + std.EncodeToString(rnd(48)) + "." + std.EncodeToString(rnd(48)),
		keyBody:  strings.Join(lines, "\n"),
		password: "Pw-" + enc.EncodeToString(rnd(15)),
		urlPass:  "Up-" + enc.EncodeToString(rnd(15)),
	}
}

// pieces are every 16-character window of the secrets: no output may
// hold any of them.
func (p planted) pieces() []string {
	var out []string
	for _, s := range []string{p.jwt, p.jwtStd, p.keyBody, p.password, p.urlPass} {
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '.' }) {
			for i := 0; i+16 <= len(part); i++ {
				out = append(out, part[i:i+16])
			}
		}
	}
	return out
}

// TestNoSecretLeavesTheTool plants a private-key-shaped body, JWTs (base64url
// and standard base64), a password and a URL password in every place a
// host can feed — host name, config values, issuers, audiences, accounts,
// base paths, mapfile patterns, unparseable lines, file names, the site
// profile's waiver — and scans, inventories and searches logs in every
// format: no 16 consecutive characters of any secret may appear on
// standard output, standard error or in a written file.
func TestNoSecretLeavesTheTool(t *testing.T) {
	p := plant(t)
	pem := "-----BEGIN PRIVATE KEY-----\n" + p.keyBody + "\n-----END PRIVATE KEY-----\n"
	root := testkit.HostTree(t, map[string]string{
		"/etc/hostname":                            "se01.example.org" + p.jwt + "\n",
		"/etc/xrootd/xrootd-standalone.cfg":        "all.export /data\nxrd.protocol XrdHttp:1094 libXrdHttp.so\nhttp.header2cgi Authorization authz\nhttp.trace debug\nofs.authorize 1\nofs.authlib ++ libXrdAccSciTokens.so config=/etc/xrootd/scitokens.cfg\nsec.protocol pwd -password\t" + p.password + "\nbroken line " + p.jwtStd + "\n",
		"/etc/xrootd/scitokens.cfg":                "[Global]\naudience = https://x:" + p.urlPass + "@se01.example.org, " + p.jwt + "\n[Issuer " + p.jwt + "]\nissuer = https://atlas-auth.cern.ch/" + p.jwt + "\nbase_path = /data/" + p.jwtStd + "\ndefault_user = " + p.jwt + "\nname_mapfile = /etc/xrootd/" + p.jwt + ".json\npassword = " + p.password + "\n",
		"/etc/condor-ce/condor_config":             "LOCAL_CONFIG_DIR = /etc/condor-ce/config.d\nSCHEDD.SEC_WRITE_AUTHENTICATION_METHODS = SCITOKENS\n",
		"/etc/condor-ce/config.d/99-key.conf":      pem,
		"/etc/condor-ce/config.d/98-raw.conf":      p.keyBody + "\n",
		"/etc/condor-ce/condor_mapfile":            "SCITOKENS /^https:\\/\\/u:" + p.urlPass + "@atlas-auth\\.cern\\.ch\\/," + p.jwt + "$/ " + p.jwt + "\n",
		"/etc/storm/webdav/config/application.yml": "oauth:\n  issuers:\n  - name: a\n    issuer: https://user:" + p.urlPass + "@atlas-auth.cern.ch/\n    secret: " + p.password + "\n",
		"/etc/storm/webdav/sa.d/atlas.properties":  "name=atlas\naccessPoints=/atlas\norgs=https://user:" + p.urlPass + "@atlas-auth.cern.ch/\n" + p.keyBody[:70] + "=x\n",
		"/etc/ttt-check/site.toml":                 "site = \"X\"\n[[waivers]]\ncheck = \"log-token-leak\"\nreason = \"" + p.jwt + "\"\nexpires = 2099-01-01\napprover = \"J. Admin " + p.jwtStd + "\"\n",
		"/var/log/xrootd/xrootd.log":               "GET /data?authz=Bearer%20" + p.jwt + " " + p.jwtStd + "\n" + pem,
	})
	dir := t.TempDir()
	check := func(where, text string) {
		t.Helper()
		for _, piece := range p.pieces() {
			if strings.Contains(text, piece) {
				i := strings.Index(text, piece)
				t.Errorf("%s holds %q of a planted secret: …%s…", where, piece, text[max(0, i-120):min(len(text), i+40)])
				return
			}
		}
	}
	var runs [][]string
	for _, f := range output.Names(output.DocReport) {
		runs = append(runs, []string{"scan", "--root", root, "--logs", "--format", f, "--all-instances"})
		runs = append(runs, []string{"scan", "--root", root, "--format", f + "=" + filepath.Join(dir, "report."+f)})
		runs = append(runs, []string{"logs", "--root", root, "--format", f})
	}
	for _, f := range output.Names(output.DocInventory) {
		runs = append(runs, []string{"inventory", "--root", root, "--format", f})
	}
	for _, args := range runs {
		_, out, errOut := run(args...)
		check(strings.Join(args[:1], " ")+" "+args[len(args)-1]+" stdout", out)
		check(strings.Join(args, " ")+" stderr", errOut)
	}
	// The secrets did reach the tool: every service was read, and the
	// outputs show where values were redacted.
	_, inv, _ := run("inventory", "--root", root)
	for _, svc := range []string{"xrootd", "htcondor-ce", "storm-webdav"} {
		if !strings.Contains(inv, svc) {
			t.Errorf("the planted host's %s was not read:\n%s", svc, inv)
		}
	}
	if _, out, _ := run("scan", "--root", root, "--logs", "--format", "json"); strings.Count(out, output.Redacted) < 10 {
		t.Errorf("only %d redactions in the JSON report", strings.Count(out, output.Redacted))
	}
	files, _ := os.ReadDir(dir)
	if len(files) == 0 {
		t.Fatal("no report files written")
	}
	for _, f := range files {
		data, _ := os.ReadFile(filepath.Join(dir, f.Name()))
		check(f.Name(), string(data))
	}
	// The fleet view of those reports, too.
	var results []string
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".json") {
			data, _ := os.ReadFile(filepath.Join(dir, f.Name()))
			if json.Valid(data) {
				results = append(results, filepath.Join(dir, f.Name()))
			}
		}
	}
	for _, f := range output.Names(output.DocFleet) {
		_, out, errOut := run(append([]string{"report", "--format", f}, results...)...)
		check("report "+f, out+errOut)
	}
}
