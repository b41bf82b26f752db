package scitokenscfg

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// xrootdView starts the real xrootd with the SciTokens plugin on cfg and
// reports what the plugin configured: the issuers (from scitokens.trace
// all), whether xrootd refused to start, and the "Parse error on line N".
func xrootdView(t *testing.T, cfg string) (issuers []string, failed bool, parseLine int) {
	t.Helper()
	u, err := user.Lookup("xrootd")
	if err != nil {
		t.Skip("no xrootd user: apt-get install xrootd-server")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// t.TempDir's parents are private to root; xrootd runs as xrootd.
	dir, err := os.MkdirTemp("", "ttt-scitokens-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"data", "admin", "run", "cache"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	xrd := fmt.Sprintf("all.export /data\noss.localroot %[1]s\nall.adminpath %[1]s/admin\nall.pidpath %[1]s/run\nxrd.port any\n"+
		"ofs.authorize 1\nacc.authdb %[1]s/authdb\nofs.authlib ++ libXrdAccSciTokens.so config=%[1]s/st.cfg\nscitokens.trace all\n", dir)
	for name, content := range map[string]string{"xrd.cfg": xrd, "st.cfg": cfg, "authdb": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "xrootd.log")
	log, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command("xrootd", "-R", "xrootd", "-c", filepath.Join(dir, "xrd.cfg"), "-n", "stcheck")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	// Components print their own "initialization completed"; the server's
	// is "------ xrootd <name>@<host> initialization completed.".
	done := regexp.MustCompile(`xrootd stcheck@\S+ initialization (completed|failed)`)
	var out string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		data, _ := os.ReadFile(logFile)
		out = string(data)
		if done.MatchString(out) {
			break
		}
		select {
		case <-exited:
			deadline = time.Now()
		default:
		}
	}
	failed = !strings.Contains(done.FindString(out), "completed")
	if failed && !strings.Contains(out, "scitokens_") {
		t.Fatalf("xrootd failed before the plugin ran:\n%s", out)
	}
	if m := regexp.MustCompile(`Parse error on line (\d+)`).FindStringSubmatch(out); m != nil {
		parseLine, _ = strconv.Atoi(m[1])
	}
	// "Configuring issuer" comes before the base_path and name checks;
	// an "Ignoring section"/"Invalid section name" right after takes it
	// back. Of one issuer URL only the first configuration counts.
	var pending string
	seen := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.Contains(l, "Configuring issuer "):
			if pending != "" && !seen[pending] {
				seen[pending] = true
				issuers = append(issuers, pending)
			}
			pending = l[strings.Index(l, "Configuring issuer ")+len("Configuring issuer "):]
		case strings.Contains(l, "Ignoring section because 'base_path'"), strings.Contains(l, "Invalid section name"):
			pending = ""
		}
	}
	if pending != "" && !seen[pending] {
		issuers = append(issuers, pending)
	}
	sort.Strings(issuers)
	return issuers, failed, parseLine
}

// TestAgainstXrootd gives scitokens.cfg files to the real plugin and
// compares the issuers it configures, and whether xrootd starts, with
// what ParseINI and Interpret say.
func TestAgainstXrootd(t *testing.T) {
	if _, err := exec.LookPath("xrootd"); err != nil {
		t.Skip("xrootd not installed: apt-get install xrootd-server xrootd-scitokens-plugins")
	}
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/libXrdAccSciTokens-5.so"); err != nil {
		t.Skip("SciTokens plugin not installed: apt-get install xrootd-scitokens-plugins")
	}
	if os.Geteuid() != 0 {
		t.Skip("xrootd -R xrootd must start as root")
	}
	if testing.Short() {
		t.Skip("starts xrootd: not in -short")
	}
	lim := xrootdLimits(t)
	mapDir, err := os.MkdirTemp("", "ttt-scitokens-map-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mapDir) })
	mapfile := filepath.Join(mapDir, "map.json")
	if err := os.WriteFile(mapfile, []byte(`[{"result": "atlas001"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(mapDir, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"plain":                      "[Global]\naudience = a, b\n[Issuer A]\nissuer = https://a.example/\nbase_path = /data\n",
		"continuation replaces":      "[Issuer A]\nissuer = https://a.example/\n   https://b.example/\nbase_path = /data\n",
		"repeated key replaces":      "[Issuer A]\nissuer = https://a.example/\nissuer = https://c.example/\nbase_path = /data\n",
		"sections merge across case": "[Issuer A]\nissuer = https://a.example/\n[issuer a]\nbase_path = /data\n",
		"ignored sections":           "[Issuer]\nissuer = https://n.example/\nbase_path = /x\n[Issuer  ]\nissuer = https://s.example/\nbase_path = /x\n[Issuer B]\nissuer = https://b.example/\n[Isuer C]\nissuer = https://c.example/\nbase_path = /x\n",
		"duplicate issuer":           "[Issuer Zed]\nissuer = https://z.example/\nbase_path = /z\n[Issuer Alpha]\nissuer = https://z.example/\nbase_path = /a\n",
		"key: value and comments":    "; c\n# c\n[Issuer A] ; c\nissuer: https://a.example/ ; old\nbase_path = /data\n",
		"onmissing bogus":            "[Global]\nonmissing = Deny\n",
		"audience_json string":       "[Global]\naudience_json = \"x\"\n",
		"audience_json list":         "[Global]\naudience_json = [\"x\", \"y\"]\n[Issuer A]\nissuer = https://a.example/\nbase_path = /data\n",
		"garbage":                    "[Global]\naudience = a\nthis is not ini\n[Issuer A]\nissuer = https://a.example/\nbase_path = /data\n",
		"unterminated section":       "[Issuer A\nissuer = https://a.example/\n",
		"long line":                  "[Global]\naudience = " + strings.Repeat("a", 250) + "\n[Issuer A]\nissuer = https://a.example/\nbase_path = /data\n",
		"missing mapfile":            "[Issuer A]\nissuer = https://a.example/\nbase_path = /data\nname_mapfile = /nonexistent.json\n",
		"mapfile":                    "[Issuer A]\nissuer = https://a.example/\nbase_path = /data\nname_mapfile = " + mapfile + "\n",
		"empty":                      "",
		"CRLF and BOM":               "\ufeff[Issuer A]\r\nissuer = https://a.example/\r\nbase_path = /data\r\n",
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		text := cases[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wantIssuers, wantFailed, wantLine := xrootdView(t, text)
			var got []string
			gotFailed, gotLine := false, 0
			f, err := ParseINIWith("/st.cfg", []byte(text), lim)
			if pe, ok := err.(*ParseError); ok {
				gotFailed, gotLine = true, pe.INILine
			} else {
				c := Interpret(f, func(p string) ([]byte, error) { return os.ReadFile(p) })
				gotFailed = c.Fatal
				for _, is := range c.Issuers {
					got = append(got, is.Issuer.Value)
				}
				sort.Strings(got)
			}
			if gotFailed != wantFailed || gotLine != wantLine {
				t.Errorf("refused %v (line %d), xrootd %v (line %d)", gotFailed, gotLine, wantFailed, wantLine)
			}
			if !wantFailed && strings.Join(got, " ") != strings.Join(wantIssuers, " ") {
				t.Errorf("issuers %q, xrootd configured %q", got, wantIssuers)
			}
		})
	}
}

// xrootdLimits are the inih limits of the installed xrootd ("v5.5.3" on
// stderr of xrootd -v).
func xrootdLimits(t *testing.T) Limits {
	out, _ := exec.Command("xrootd", "-v").CombinedOutput()
	m := regexp.MustCompile(`v(\d+)\.(\d+)\.(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("xrootd -v: %q", out)
	}
	v := [3]int{}
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	if v[0] < 5 || v[0] == 5 && (v[1] < 6 || v[1] == 6 && v[2] < 2) {
		return Legacy
	}
	return Current
}
