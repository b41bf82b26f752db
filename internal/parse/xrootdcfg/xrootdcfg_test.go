package xrootdcfg

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// rootMark stands for the root directory in test file contents: empty for
// the scan (host paths), the real directory for cconfig.
const rootMark = "@ROOT@"

// withRoot replaces rootMark in the contents by rootValue.
func withRoot(files map[string]string, rootValue string) map[string]string {
	out := make(map[string]string, len(files))
	for p, c := range files {
		out[p] = strings.ReplaceAll(c, rootMark, rootValue)
	}
	return out
}

func root(t testing.TB, files map[string]string) *hostfs.FS {
	t.Helper()
	return testkit.HostFS(t, withRoot(files, ""))
}

// render prints directives as "line name args" ("file:line …" outside
// /c.cfg), a trailing condition as "if …".
func render(c *Config) string {
	var b strings.Builder
	for _, d := range c.Directives {
		at := fmt.Sprint(d.Source.Line)
		if d.Source.File != "/c.cfg" {
			at = d.Source.String()
		}
		fmt.Fprintln(&b, strings.TrimRight(at+" "+words(d), " "))
	}
	return b.String()
}

// words is the directive as cconfig echoes it.
func words(d Directive) string {
	w := append([]string{d.Name}, d.Args...)
	if d.If != nil {
		w = append(append(w, "if"), d.If...)
	}
	return strings.Join(w, " ")
}

func problems(c *Config) string {
	var s []string
	for _, p := range c.Problems {
		s = append(s, fmt.Sprintf("%s: %s", p.Source, p.Reason))
	}
	return strings.Join(s, "\n")
}

var opt = Options{Host: "red.example.org", Instance: "alpha", Program: "xrootd"}

type parseCase struct {
	name  string
	files map[string]string
	want  string   // rendered directives
	probs []string // fragments each problem must contain, in order; nil: none
	// noOracle: cconfig reads this case differently on purpose (the
	// environment, tab-reading components) or cannot (symlinks in --root).
	noOracle string
}

var parseCases = []parseCase{
	{name: "comments, blanks and repeated directives; an inline # is a word",
		files: map[string]string{"/c.cfg": "# c\n\n   # indented comment\nofs.authorize 1\n  ofs.authorize 0\nxrootd.trace all\nxrootd.trace -all\nhttp.trace all # debugging\n"},
		want:  "4 ofs.authorize 1\n5 ofs.authorize 0\n6 xrootd.trace all\n7 xrootd.trace -all\n8 http.trace all # debugging\n"},
	{name: "the forms of set",
		files: map[string]string{"/c.cfg": "set a=1\nset b =2\nset c= 3\nset d = 4 5\nset l =\nset -v\nall.a $a $b $c $d $l\n"},
		want:  "7 all.a 1 2 3 4\n"},
	{name: "substitution: $x $(x) ${x} $[x], escapes, $[undefined] is silent",
		files: map[string]string{"/c.cfg": "set x = foo\nall.a $x $(x) ${x} $[x] pre$(x)post \\$x a\\\\b $[nope] $-x\n"},
		want:  "2 all.a foo foo foo foo prefoopost $x a\\b $-x\n"},
	{name: "variable names are letters and digits: $my_v is $my and _v",
		files: map[string]string{"/c.cfg": "set my_v = 1\nall.b $my_v $(my_v) c\n"},
		want:  "2 all.b _v c\n",
		probs: []string{"variable my is not defined", "\"$(my_v)\" is malformed"}},
	{name: "undefined variable: the word is dropped",
		files: map[string]string{"/c.cfg": "all.a $(nope) b\n"},
		want:  "1 all.a b\n", probs: []string{"variable nope is not defined"}},
	{name: "a lone $ is a reference to the empty name; $$ is $",
		files: map[string]string{"/c.cfg": "all.d $ $$ x\n"},
		want:  "1 all.d $ x\n", probs: []string{"variable  is not defined", "variable  is not defined"}},
	{name: "set without '=' is refused",
		files: map[string]string{"/c.cfg": "set x foo\nall.a $x\n"},
		want:  "2 all.a\n", probs: []string{"missing '=' after set x", "variable x is not defined"}},
	{name: "set = $NAME reads the environment: setenv exports, what follows the reference is dropped",
		files: map[string]string{"/c.cfg": "set a = 1\nsetenv G = $(a)\nset h = $G\nset i = $(G)z\nall.a $h $i\n"},
		want:  "5 all.a 1 1\n"},
	{name: "set = $NAME of an environment the scan cannot see",
		files:    map[string]string{"/c.cfg": "set pwd = $PWD\nall.a $(pwd)/x\n"},
		want:     "2 all.a /x\n",
		probs:    []string{"environment variable PWD, which the scan cannot see"},
		noOracle: "cconfig's environment differs from xrootd's"},
	{name: "set from a value file",
		files: map[string]string{"/c.cfg": "set v < @ROOT@/val\nall.a $v\n", "/val": "from-file"},
		want:  "2 all.a from-file\n"},
	{name: "setenv may not set XRD variables",
		files: map[string]string{"/c.cfg": "setenv XRDFOO = 1\n"},
		probs: []string{"may not start with 'XRD'"}},
	{name: "backslash continuation: blank and comment lines between are skipped",
		files: map[string]string{"/c.cfg": "ofs.authlib ++ libXrdAccSciTokens.so \\\n\n# a comment\n   config=/x.cfg\nall.b 1\n"},
		want:  "1 ofs.authlib ++ libXrdAccSciTokens.so config=/x.cfg\n5 all.b 1\n"},
	{name: "continuation quirks: blanks after the backslash, a lone first word",
		files: map[string]string{"/c.cfg": "all.c q\\ \n r\nall.d\\\n s\nall.e \\\nall.f 1\n"},
		want:  "1 all.c q r\n3 all.d s\n5 all.e all.f 1\n"},
	{name: "a lone backslash is an empty directive name continued by the next line",
		files: map[string]string{"/c.cfg": "\\\nall.a 1\n"},
		want:  "1  all.a 1\n"},
	{name: "if host / else if / else",
		files: map[string]string{"/c.cfg": "if red.example.org\nall.role manager\nelse if *.example.org\nall.role supervisor\nelse\nall.role server\nfi\n"},
		want:  "2 all.role manager\n"},
	{name: "else if with one wildcard",
		files: map[string]string{"/c.cfg": "if blue.example.org\nall.role manager\nelse if red*.org\nall.role supervisor\nelse\nall.role server\nfi\n"},
		want:  "4 all.role supervisor\n"},
	{name: "else branch",
		files: map[string]string{"/c.cfg": "if blue.*\nall.role manager\nelse\nall.role server\nfi\n"},
		want:  "4 all.role server\n"},
	{name: "host lists, named (exact, no wildcards) and exec",
		files: map[string]string{"/c.cfg": "if blue.example.org red.example.org named beta alpha\nall.a 1\nfi\nif red.example.org named beta\nall.b 2\nfi\nif named alp*\nall.c 3\nfi\nif exec cmsd\ncms.x 4\nfi\nif red.* exec cmsd xrootd\nall.d 5\nfi\n"},
		want:  "2 all.a 1\n14 all.d 5\n"},
	{name: "defined and && chains",
		files: map[string]string{"/c.cfg": "set v = 1\nif defined ?v ?w\nall.a 1\nfi\nif defined ?w\nall.b 2\nfi\nif defined ?v && named alpha\nall.c 3\nfi\nif defined ?v && exec cmsd xrootd && named beta alpha\nall.d 4\nfi\nsetenv E = 1\nif defined ?~E\nall.e 5\nfi\n"},
		want:  "3 all.a 1\n9 all.c 3\n12 all.d 4\n16 all.e 5\n"},
	{name: "a variable as the host condition",
		files: map[string]string{"/c.cfg": "set r = red.example.org\nif $(r)\nall.role manager\nfi\n"},
		want:  "3 all.role manager\n"},
	{name: "missing fi still applies the taken branch",
		files: map[string]string{"/c.cfg": "all.a 1\nif red.example.org\nall.b 2\n"},
		want:  "1 all.a 1\n3 all.b 2\n", probs: []string{"missing 'fi' for the last 'if'"}},
	{name: "missing fi after a branch not taken swallows the rest",
		files: map[string]string{"/c.cfg": "if blue\nall.a 1\n"},
		probs: []string{"/c.cfg:1: missing 'fi' for this 'if'"}},
	{name: "if does not nest (taken)",
		files: map[string]string{"/c.cfg": "if *\nif blue\nall.a 1\nelse\nall.b 2\nfi\nall.c 3\nfi\nall.d 4\n"},
		want:  "5 all.b 2\n7 all.c 3\n9 all.d 4\n",
		probs: []string{"/c.cfg:2: 'if' inside an 'if'", "/c.cfg:8: 'fi' without a preceding 'if'"}},
	{name: "if does not nest (not taken): the inner fi ends the outer if",
		files: map[string]string{"/c.cfg": "if blue\nif *\nall.a 1\nfi\nall.c 3\nfi\nall.d 4\n"},
		want:  "5 all.c 3\n7 all.d 4\n", probs: []string{"/c.cfg:6: 'fi' without"}},
	{name: "stray else and fi; else junk",
		files: map[string]string{"/c.cfg": "else\nall.a 1\nfi\nall.b 2\nif red.example.org\nall.c 3\nelse junk\nall.d 4\nfi\nif blue\nall.e 5\nelse foo\nall.f 6\nfi\n"},
		want:  "2 all.a 1\n4 all.b 2\n6 all.c 3\n13 all.f 6\n",
		probs: []string{"/c.cfg:1: 'else' without", "/c.cfg:3: 'fi' without", "/c.cfg:12: 'else foo' is invalid"}},
	{name: "a second naked else",
		files: map[string]string{"/c.cfg": "if blue\nelse\nall.e 5\nelse\nall.f 6\nfi\n"},
		want:  "3 all.e 5\n5 all.f 6\n", probs: []string{"/c.cfg:4: 'else' without"}},
	{name: "continue is a jump: the rest of the file is never read",
		files: map[string]string{"/c.cfg": "all.a 1\ncontinue @ROOT@/inc.cfg\nall.c 3\n", "/inc.cfg": "all.b 2\n"},
		want:  "1 all.a 1\n/inc.cfg:1 all.b 2\n"},
	{name: "continue in a continued file stops reading",
		files: map[string]string{"/c.cfg": "continue @ROOT@/inc.cfg\nall.c 3\n", "/inc.cfg": "all.b 2\ncontinue @ROOT@/two.cfg\nall.bb 3\n", "/two.cfg": "all.z 1\n"},
		want:  "/inc.cfg:1 all.b 2\n", probs: []string{"/inc.cfg:2: 'continue' in a file reached by 'continue'"}},
	{name: "continue a directory: byte order, leftovers, hidden, executable and subdirectories skipped",
		files: map[string]string{"/c.cfg": "all.a 1\ncontinue @ROOT@/d/\nall.c 3\n",
			"/d/10-a.cfg": "all.x 1\n", "/d/20-b.cfg~": "all.y 1\n", "/d/30.rpmorig": "all.y 2\n", "/d/40.dpkg-new": "all.y 3\n",
			"/d/50.sh": "+x:all.y 4\n", "/d/.h": "all.y 5\n", "/d/sub/x.cfg": "all.y 6\n", "/d/B.cfg": "all.y 7\n",
			"/d/60.rpmnew": "all.y 8\n", "/d/70.rpmsave": "all.y 9\n", "/d/80.dpkg-dist": "all.y 10\n", "/d/90.dpkg-old": "all.y 11\n", "/d/95.cfsaved": "all.y 12\n"},
		want: "1 all.a 1\n/d/10-a.cfg:1 all.x 1\n/d/30.rpmorig:1 all.y 2\n/d/40.dpkg-new:1 all.y 3\n/d/B.cfg:1 all.y 7\n"},
	{name: "continue a directory keeping only *suffix files",
		files: map[string]string{"/c.cfg": "continue @ROOT@/d/ *.cfg *new\n", "/d/10-a.cfg": "all.x 1\n", "/d/40.dpkg-new": "all.y 3\n", "/d/50.conf": "all.y 4\n"},
		want:  "/d/10-a.cfg:1 all.x 1\n/d/40.dpkg-new:1 all.y 3\n"},
	{name: "a continuation line runs on into the next file of the directory",
		files: map[string]string{"/c.cfg": "continue @ROOT@/d/\n", "/d/a.cfg": "all.x 1 \\\n", "/d/b.cfg": "all.y 2\n"},
		want:  "/d/a.cfg:1 all.x 1 all.y 2\n"},
	{name: "continue to an empty directory silently ends the configuration",
		files: map[string]string{"/c.cfg": "all.a 1\ncontinue @ROOT@/e/\nall.c 3\n", "/e/": ""},
		want:  "1 all.a 1\n", probs: []string{"/c.cfg:2: continue /e/: the directory holds no configuration file, so xrootd silently stops"}},
	{name: "continue with a condition; ?path may be missing; a bare continue is ignored",
		files: map[string]string{"/c.cfg": "continue\nall.a 1\ncontinue @ROOT@/inc.cfg if blue\nall.b 2\ncontinue ?@ROOT@/nonexistent\nall.c 3\ncontinue @ROOT@/inc.cfg if red* named alpha\nall.d 4\n", "/inc.cfg": "all.z 1\n"},
		want:  "2 all.a 1\n4 all.b 2\n6 all.c 3\n/inc.cfg:1 all.z 1\n"},
	{name: "continue expects if",
		files: map[string]string{"/c.cfg": "continue @ROOT@/inc.cfg junk\nall.b 2\n", "/inc.cfg": "all.z 1\n"},
		probs: []string{"continue expects 'if' but found \"junk\""}},
	{name: "continue inside if stops reading",
		files: map[string]string{"/c.cfg": "if *\ncontinue @ROOT@/inc.cfg\nfi\nall.b 2\n", "/inc.cfg": "all.z 1\n"},
		probs: []string{"/c.cfg:2: 'continue' inside 'if'-'fi'"}},
	{name: "continue a missing file",
		files: map[string]string{"/c.cfg": "all.a 1\ncontinue @ROOT@/nope.cfg\nall.c 1\n"},
		want:  "1 all.a 1\n", probs: []string{"/c.cfg:2: cannot read /nope.cfg (no such file or directory)"}},
	{name: "continue back to the file itself reads it twice, then stops",
		files: map[string]string{"/c.cfg": "all.a 1\ncontinue @ROOT@/c.cfg\n"},
		want:  "1 all.a 1\n1 all.a 1\n",
		probs: []string{"/c.cfg:2: continue goes back to /c.cfg", "/c.cfg:2: 'continue' in a file reached by 'continue'"}},
	{name: "continue through a symlink loop",
		files:    map[string]string{"/c.cfg": "continue /l.cfg\n", "/l.cfg": "->l.cfg"},
		probs:    []string{"too many levels of symbolic links"},
		noOracle: "the link resolves inside --root only"},
	{name: "continue with a relative path",
		files:    map[string]string{"/c.cfg": "continue inc.cfg\nall.a 1\n"},
		probs:    []string{"relative path"},
		noOracle: "relative to cconfig's working directory"},
	{name: "a trailing if on roles, managers and ports",
		files: map[string]string{"/c.cfg": "all.role manager if blue*\nall.role server if red.* named alpha\nall.manager m1:1213 if named beta\nxrd.port 1094 if exec xrootd\nall.role  supervisor\nall.export /data if blue\n"},
		want:  "2 all.role server if red.* named alpha\n4 xrd.port 1094 if exec xrootd\n5 all.role supervisor\n6 all.export /data if blue\n"},
	{name: "message templates are not substituted",
		files: map[string]string{"/c.cfg": "set a = 1\nofs.notifymsg $a $(b)\n"},
		want:  "2 ofs.notifymsg $a $(b)\n"},
	{name: "tabs are part of words, except for sec.* and acc.*",
		files:    map[string]string{"/c.cfg": "\t# a tab-indented comment\nofs.authlib\t++ lib.so\n\tofs.authorize\nsec.protocol\tztn\n\tacc.authdb /etc/auth\nall.a x\ty\n"},
		want:     "1 \t# a tab-indented comment\n2 ofs.authlib\t++ lib.so\n3 \tofs.authorize\n4 sec.protocol ztn\n5 acc.authdb /etc/auth\n6 all.a x\ty\n",
		probs:    []string{"/c.cfg:2: tab in \"ofs.authlib\\t++\"", "/c.cfg:3: tab in \"\\tofs.authorize\"", "/c.cfg:6: tab in \"x\\ty\""},
		noOracle: "cconfig reads every directive with tabs as part of words"},
	{name: "a NUL byte ends the file",
		files: map[string]string{"/c.cfg": "all.a 1\nall.b x\x00y\nall.c 3\n"},
		want:  "1 all.a 1\n2 all.b x\n", probs: []string{"/c.cfg:2: NUL byte"}},
	{name: "CRLF keeps the carriage return",
		files: map[string]string{"/c.cfg": "ofs.authlib ++ lib.so config=/x.cfg\r\n"},
		want:  "1 ofs.authlib ++ lib.so config=/x.cfg\r\n", probs: []string{"CRLF"}},
	{name: "binary file",
		files: map[string]string{"/c.cfg": "\x00\x01\x02binary"},
		probs: []string{"/c.cfg:1: NUL byte"}},
	{name: "invalid UTF-8 is reported and read",
		files: map[string]string{"/c.cfg": "all.a \xff\xfe\n"},
		want:  "1 all.a \xff\xfe\n", probs: []string{"invalid UTF-8"}},
	{name: "empty file",
		files: map[string]string{"/c.cfg": ""}},
	{name: "words over 511 bytes are dropped; long values are cut",
		files: map[string]string{"/c.cfg": "all.a x " + strings.Repeat("y", 600) + " z\nset v = " + strings.Repeat("v", 300) + "\nall.e $v$v\n"},
		want:  "1 all.a x z\n3 all.e " + strings.Repeat("v", 511) + "\n", probs: []string{"/c.cfg:1: word longer than 511 bytes"}},
	{name: "the configuration file itself is missing",
		files: map[string]string{"/other.cfg": ""}, probs: []string{"/c.cfg: cannot read the configuration file (no such file or directory)"}, noOracle: "cconfig needs a file"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Parse(root(t, tc.files), "/c.cfg", opt)
			if got := render(cfg); got != tc.want {
				t.Errorf("directives:\n%s\nwant:\n%s", got, tc.want)
			}
			if len(cfg.Problems) != len(tc.probs) {
				t.Fatalf("problems:\n%s\nwant %d: %q", problems(cfg), len(tc.probs), tc.probs)
			}
			for i, want := range tc.probs {
				if got := fmt.Sprintf("%s: %s", cfg.Problems[i].Source, cfg.Problems[i].Reason); !strings.Contains(got, want) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got, want)
				}
			}
		})
	}
}

func TestInstanceDefaultsToAnon(t *testing.T) {
	fsys := root(t, map[string]string{"/c.cfg": "if named anon\nall.a 1\nfi\n"})
	if got := render(Parse(fsys, "/c.cfg", Options{Host: "h"})); got != "2 all.a 1\n" {
		t.Errorf("directives = %q", got)
	}
	if got := render(Parse(fsys, "/c.cfg", Options{Host: "h", Instance: "x"})); got != "" {
		t.Errorf("directives = %q", got)
	}
}

func TestEnvironment(t *testing.T) {
	fsys := root(t, map[string]string{"/c.cfg": "set n = $XRDNAME\nset site = $SITE\nall.a $(n) $(site)\nif defined ?~SITE\nall.b 1\nfi\n"})
	cfg := Parse(fsys, "/c.cfg", Options{Host: "h", Instance: "alpha", Env: map[string]string{"SITE": "T2_XX"}})
	if got := render(cfg); got != "3 all.a alpha T2_XX\n5 all.b 1\n" || len(cfg.Problems) != 0 {
		t.Errorf("directives = %q, problems %s", got, problems(cfg))
	}
}

func TestFilesInOrder(t *testing.T) {
	cfg := Parse(root(t, map[string]string{"/c.cfg": "\n\ncontinue /d/\n", "/d/b.cfg": "\nhttp.trace all\n", "/d/a.cfg": "xrd.port 1\n"}), "/c.cfg", Options{})
	if strings.Join(cfg.Files, " ") != "/c.cfg /d/a.cfg /d/b.cfg" {
		t.Errorf("files = %v", cfg.Files)
	}
	if d, ok := cfg.Last("http.trace"); !ok || d.Source.String() != "/d/b.cfg:2" {
		t.Errorf("http.trace at %v", d.Source)
	}
}

func TestRecords(t *testing.T) {
	recs, probs := Records("/etc/xrootd/auth_file", []byte("# c\nu *\t/issuer lr\n\nu xrootd /a a \\\n   /b rl\n= id o: https://x/ g: /g\n"))
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d %s", r.Source.Line, strings.Join(r.Words, "|")))
	}
	want := "2 u|*|/issuer|lr\n4 u|xrootd|/a|a|/b|rl\n6 =|id|o:|https://x/|g:|/g"
	if strings.Join(got, "\n") != want || len(probs) != 0 {
		t.Errorf("records:\n%s\nwant:\n%s\nproblems %v", strings.Join(got, "\n"), want, probs)
	}
}

// cconfigLines runs XRootD's own preprocessor: its directives on stderr as
// words joined by blanks, and whether it reported an error (rc 8).
func cconfigLines(t *testing.T, file, host, name string) ([]string, bool) {
	t.Helper()
	args := []string{"-c", file, "-h", host, "-x", "xrootd"}
	if name != "" {
		args = append(args, "-n", name)
	}
	cmd := exec.Command("cconfig", args...)
	// No environment but a short resolver timeout: cconfig looks the
	// host name up, and an unanswered query would cost 5 s.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "RES_OPTIONS=timeout:1 attempts:1"}
	out, err := cmd.CombinedOutput()
	failed := false
	if ee, ok := err.(*exec.ExitError); ok {
		failed = ee.ExitCode() == 8
	} else if err != nil {
		t.Fatalf("cconfig: %v", err)
	}
	stamp := regexp.MustCompile(`^\d{6} \d\d:\d\d:\d\d \d+ `)
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		first := strings.SplitN(l, " ", 2)[0]
		if l == "" || stamp.MatchString(l) || strings.HasPrefix(l, "cconfig") || strings.HasPrefix(l, "Config continuing") ||
			first == "continue" || first == "if" || first == "else" {
			continue
		}
		lines = append(lines, normal(l))
	}
	return lines, failed
}

// normal joins a line's blank-separated words with single blanks.
func normal(s string) string { return strings.Join(blankFields(s), " ") }

// fatal reports whether the problems include one xrootd does not start
// with, as cconfig's rc 8 does.
func fatal(c *Config) bool {
	for _, p := range c.Problems {
		if strings.Contains(p.Reason, "does not start") {
			return true
		}
	}
	return false
}

// TestAgainstCconfig runs every TestParse case and every xrootd-language
// file of the corpus through cconfig, XRootD's own preprocessor, and
// compares the directives, and whether xrootd would refuse the file.
func TestAgainstCconfig(t *testing.T) {
	if _, err := exec.LookPath("cconfig"); err != nil {
		t.Skip("cconfig not installed: apt-get install xrootd-server (.ci/run does)")
	}
	for _, tc := range parseCases {
		if tc.noOracle != "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			testkit.WriteTree(t, dir, withRoot(tc.files, dir))
			want, wantFatal := cconfigLines(t, filepath.Join(dir, "c.cfg"), opt.Host, opt.Instance)
			cfg := Parse(root(t, tc.files), "/c.cfg", opt)
			compare(t, cfg, want, wantFatal)
		})
	}
	// The fixture hosts' instance configs always take part (the bad-*
	// hosts hold links out of the tree); the real-world corpus when
	// ../shared is beside the repository.
	var files []string
	fixtureCfgs, _ := filepath.Glob("../../../fixtures/hosts/*/etc/xrootd/xrootd-*.cfg")
	for _, f := range fixtureCfgs {
		if !strings.Contains(f, "/bad-") {
			files = append(files, f)
		}
	}
	for _, pattern := range []struct{ dir, glob string }{{"xrootd", "*.cfg"}, {"xrootd", "*.cfg.plugin"}, {"eos", "*xrd.cf.*"}} {
		files = append(files, testkit.CorpusFiles(pattern.dir, pattern.glob)...)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if iniFile(data) {
			continue
		}
		for _, host := range []string{"red.example.org", "blue.other.org"} {
			for _, name := range []string{"", "alpha"} {
				t.Run(filepath.Base(file)+"@"+host+"/"+name, func(t *testing.T) {
					t.Parallel()
					dir := t.TempDir()
					testkit.WriteTree(t, dir, map[string]string{"/c.cfg": string(data)})
					want, wantFatal := cconfigLines(t, filepath.Join(dir, "c.cfg"), host, name)
					cfg := Parse(root(t, map[string]string{"/c.cfg": string(data)}), "/c.cfg", Options{Host: host, Instance: name, Program: "xrootd"})
					if regexp.MustCompile(`(?m)^\s*continue\s`).Match(data) {
						t.Skip("continues to host paths, which differ between the scan's root and this machine")
					}
					// The corpus reads some values from xrootd's
					// environment ($PWD in XRootD's own test configs),
					// which cconfig here has not: both fail, the
					// scan says why.
					compare(t, cfg, want, wantFatal)
				})
			}
		}
	}
}

func compare(t *testing.T, cfg *Config, want []string, wantFatal bool) {
	t.Helper()
	var got []string
	for _, d := range cfg.Directives {
		if s := normal(words(d)); s != "" {
			got = append(got, s)
		}
	}
	var w []string
	for _, l := range want {
		if l != "" {
			w = append(w, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("directives differ from cconfig\n--- ttt-check\n%s\n--- cconfig\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	unknownEnv := strings.Contains(problems(cfg), "cannot see")
	if gotFatal := fatal(cfg); gotFatal != wantFatal && !(unknownEnv && wantFatal) {
		t.Errorf("xrootd refuses the file: ttt-check %v, cconfig %v; problems:\n%s", gotFatal, wantFatal, problems(cfg))
	}
}

// iniFile tells the SciTokens INI files of the corpus from xrootd configs.
func iniFile(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		return l[0] == '['
	}
	return false
}

// TestCorpus reads every xrootd-language file of the corpus: no panic,
// and every directive has a line.
func TestCorpus(t *testing.T) {
	files := append(testkit.Corpus(t, "xrootd", "*"), testkit.Corpus(t, "eos", "*")...)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cfg := Parse(root(t, map[string]string{"/c.cfg": string(data)}), "/c.cfg", opt)
		for _, d := range cfg.Directives {
			if d.Source.Line < 1 || d.Source.File == "" {
				t.Errorf("%s: directive without a line: %+v", f, d)
			}
		}
	}
	data, err := os.ReadFile(testkit.SharedPath(t, "corpus", "xrootd", "bristol-20-https-and-security.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Parse(root(t, map[string]string{"/c.cfg": string(data)}), "/c.cfg", opt)
	var libs []string
	for _, d := range cfg.Find("ofs.authlib") {
		libs = append(libs, fmt.Sprintf("%d:%s", d.Source.Line, strings.Join(d.Args, " ")))
	}
	if strings.Join(libs, ";") != "49:++ libXrdAccSciTokens.so config=/etc/xrootd/scitokens.cfg;50:++ libXrdMacaroons.so" {
		t.Errorf("ofs.authlib = %v", libs)
	}
	if d, ok := cfg.Last("sec.protocol"); !ok || strings.Join(d.Args, " ") != "ztn" {
		t.Errorf("last sec.protocol = %+v", d)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range append(testkit.CorpusFiles("xrootd", "*"), testkit.CorpusFiles("eos", "*")...) {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, tc := range parseCases {
		f.Add([]byte(tc.files["/c.cfg"]))
	}
	f.Add([]byte("set x = $(x)$(x)\nif $(x) named\nelse if\nelse\nelse\nfi\nfi\ncontinue /f.cfg\n\\"))
	f.Add([]byte("all.a ${unterminated $( $\nset a\\ = \\\n"))
	// The hostile-input suite's shapes, small: substitutions of a long
	// value, a continued directive, a continued directory.
	f.Add([]byte("set a = " + strings.Repeat("x", 500) + "\nall.export" + strings.Repeat(" $a", 300) + " \\\n $a $(a)\n"))
	f.Add([]byte("all.export /a \\\n" + strings.Repeat("  /b \\\n", 200) + "  /c\n"))
	f.Add([]byte("continue /d/\nall.x 2\n"))
	// One tree per worker, rewritten for each input: a temporary tree per
	// input makes fuzzing, and the minimising of a large input, crawl.
	tree := testkit.NewFuzzTree(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := tree.Write(t, map[string][]byte{"/f.cfg": data, "/d/x.cfg": []byte("continue /f.cfg\nall.x 1\n")})
		cfg := Parse(fsys, "/f.cfg", Options{Host: "h", Instance: "i", Program: "xrootd"})
		for _, d := range cfg.Directives {
			if d.Source.Line < 1 || d.Source.File == "" {
				t.Fatalf("directive without a line: %+v", d)
			}
		}
		for _, p := range cfg.Problems {
			if p.Source.File == "" || p.Reason == "" {
				t.Fatalf("problem without a file or reason: %+v", p)
			}
		}
	})
}
