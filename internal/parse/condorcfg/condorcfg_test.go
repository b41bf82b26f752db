package condorcfg

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func read(t testing.TB, files map[string]string) *Config {
	p := NewParser(testkit.HostFS(t, files), Options{})
	p.File("/c.conf", inventory.Source{})
	return p.Config()
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		key      string
		want     string // expanded value
		line     int
		problems string
	}{
		{"last assignment wins, names case-insensitive", map[string]string{"/c.conf": "ALLOW_WRITE = a\nallow_write = b\n"}, "ALLOW_WRITE", "b", 2, ""},
		{"expansion with default", map[string]string{"/c.conf": "X = $(NOPE:dflt) $(Y)\nY = late\n"}, "X", "dflt late", 1, ""},
		{"self-reference takes the previous value", map[string]string{"/c.conf": "A = one\nA = $(A) two\nA = $(a) three\n"}, "A", "one two three", 3, ""},
		{"self-reference with nothing before", map[string]string{"/c.conf": "A = $(A:base) two\n"}, "A", "base two", 1, ""},
		{"HTCondor-CE audience recipe", map[string]string{"/c.conf": "COLLECTOR_HOST = ce.example.org:9619\nSCITOKENS_SERVER_AUDIENCE = $(COLLECTOR_HOST)\nSCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) condor://$(COLLECTOR_HOST)\n"}, "SCITOKENS_SERVER_AUDIENCE", "ce.example.org:9619 condor://ce.example.org:9619", 3, ""},
		{"continuation", map[string]string{"/c.conf": "A = one, \\\n  two\n"}, "A", "one, two", 1, ""},
		{"multi-line value", map[string]string{"/c.conf": "A @=end\n  line1\n  line2\n@end\nB = 2\n"}, "A", "line1\n  line2", 1, ""},
		{"if / elif / else / endif, nested", map[string]string{"/c.conf": "F = false\nif $(F)\nA = 1\nelif defined F\n  if version >= 9.0\n    A = 2\n  else\n    A = 3\n  endif\nelse\nA = 4\nendif\n"}, "A", "2", 6, ""},
		{"negation", map[string]string{"/c.conf": "if ! defined NOPE\nA = yes\nendif\n"}, "A", "yes", 2, ""},
		{"daemon prefix is its own name", map[string]string{"/c.conf": "SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS = FS,SCITOKENS\n"}, "SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "FS,SCITOKENS", 1, ""},
		{"include file and directory", map[string]string{"/c.conf": "include : /d\nA = $(A) main\n", "/d/20.conf": "A = $(A) b\n", "/d/10.conf": "A = a\n", "/d/30.conf.rpmnew": "A = never\n", "/d/.x": "A = never\n"}, "A", "a b main", 2, ""},
		{"include ifexist of a missing file", map[string]string{"/c.conf": "include ifexist : /nope\nA = 1\n"}, "A", "1", 2, ""},
		{"include command is recorded, never run", map[string]string{"/c.conf": "include command : /bin/make-config\nA = 1\n"}, "A", "1", 2, ""},
		{"a trailing | in a plain value is part of the value", map[string]string{"/c.conf": "A = /bin/echo hi |\n"}, "A", "/bin/echo hi |", 1, ""},
		{"use security:recommended", map[string]string{"/c.conf": "use security:recommended\n"}, "ALLOW_WRITE", "*", 0, ""},
		{"metaknob arguments", map[string]string{"/c.conf": "use SECURITY : recommended_v24_0(ce, admin@*)\n"}, "ALLOW_ADMINISTRATOR", "ce@* condor@password admin@*", 0, ""},
		{"metaknob default arguments", map[string]string{"/c.conf": "use security:recommended\n"}, "ALLOW_ADMINISTRATOR", "condor@* condor@password root@*", 0, ""},
		{"a later assignment overrides a metaknob", map[string]string{"/c.conf": "use security:recommended\nALLOW_WRITE = $(USERS)\nUSERS = *@users.htcondor.org\n"}, "ALLOW_WRITE", "*@users.htcondor.org", 2, ""},
		{"unknown metaknob", map[string]string{"/c.conf": "use security:nonsense\n"}, "", "", 0, "unknown metaknob security:nonsense"},
		{"known non-security metaknob is not expanded", map[string]string{"/c.conf": "use role:submit\n"}, "", "", 0, ""},
		{"if without endif", map[string]string{"/c.conf": "if true\nA = 1\n"}, "A", "1", 2, "if without endif"},
		{"garbage line", map[string]string{"/c.conf": "this is not config\n"}, "", "", 0, "not an assignment"},
		{"include loop", map[string]string{"/c.conf": "include : /c.conf\n"}, "", "", 0, "loops back"},
		{"CRLF", map[string]string{"/c.conf": "A = 1\r\nB = 2\r\n"}, "A", "1", 1, ""},
		// A doubled backslash loses one to the join and still continues
		// across a blank line, as the joined line still ends in one.
		{"continuation across a blank line", map[string]string{"/c.conf": "A = a\\\\\n\nb\nB = 2\n"}, "A", "ab", 1, ""},
		{"includes 19 deep from the main config", chain(19), "X", "deep", 1, ""},
		{"includes 20 deep: HTCondor refuses", chain(20), "", "", 0, "includes nested too deep"},
		{"63 nested ifs", map[string]string{"/c.conf": strings.Repeat("if true\n", 63) + "A = 1\n" + strings.Repeat("endif\n", 63)}, "A", "1", 64, ""},
		{"64 nested ifs: HTCondor refuses", map[string]string{"/c.conf": strings.Repeat("if true\n", 64) + "A = 1\n"}, "A", "", 0, "if nesting too deep"},
		{"self-reference bomb", map[string]string{"/c.conf": "X = ab\n" + strings.Repeat("X = $(X)$(X)\n", 20)}, "", "", 0, "exceeds ttt-check's budget of 65536 bytes per value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := read(t, tc.files)
			var ps []string
			for _, p := range c.Problems {
				ps = append(ps, p.Reason)
			}
			got := strings.Join(ps, "; ")
			if (tc.problems == "") != (got == "") || tc.problems != "" && !strings.Contains(got, tc.problems) {
				t.Errorf("problems %q, want %q", got, tc.problems)
			}
			if tc.key == "" {
				return
			}
			v, src, ok := c.Value(tc.key)
			if !ok && tc.want != "" {
				t.Fatalf("%s not set", tc.key)
			}
			if v != tc.want {
				t.Errorf("%s = %q, want %q", tc.key, v, tc.want)
			}
			if tc.line != 0 && src.Line != tc.line {
				t.Errorf("%s set at line %d, want %d", tc.key, src.Line, tc.line)
			}
		})
	}
}

// TestSecurityTemplatesMatchHTCondor compares the embedded SECURITY
// metaknobs with HTCondor's parameter table.
// chain is a config that includes /i1.conf, which includes /i2.conf, and
// so on, n deep; the last sets X.
func chain(n int) map[string]string {
	files := map[string]string{"/c.conf": "include : /i1.conf\n"}
	for i := 1; i < n; i++ {
		files[fmt.Sprintf("/i%d.conf", i)] = fmt.Sprintf("include : /i%d.conf\n", i+1)
	}
	files[fmt.Sprintf("/i%d.conf", n)] = "X = deep\n"
	return files
}

// TestBudgets: an include fan-out and expansion bombs stop at their
// budgets, with a problem at the line that went over.
func TestBudgets(t *testing.T) {
	fanout := map[string]string{"/c.conf": "include : /f0.conf\n"}
	for i := 0; i < 15; i++ {
		fanout[fmt.Sprintf("/f%d.conf", i)] = strings.Repeat(fmt.Sprintf("include : /f%d.conf\n", i+1), 2)
	}
	fanout["/f15.conf"] = "X = 1\n"
	c := read(t, fanout)
	if len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Reason, "budget of 1000 file reads") || c.Problems[0].Source.Line == 0 {
		t.Errorf("fan-out: problems = %+v", c.Problems)
	}
	if len(c.Files) != budget.Visits {
		t.Errorf("fan-out: %d files read, want %d", len(c.Files), budget.Visits)
	}

	c = read(t, map[string]string{"/c.conf": "A0 = " + strings.Repeat("a", 1000) + "\nA1 = " + strings.Repeat("$(A0)", 100) + "\nA2 = " + strings.Repeat("$(A1)", 100) + "\n"})
	v, _, _ := c.Value("A2")
	if len(v) != budget.Value || len(c.Problems) != 1 || c.Problems[0].Source.String() != "/c.conf:3" || !strings.Contains(c.Problems[0].Reason, "per value") {
		t.Errorf("lookup bomb: %d bytes, problems = %+v", len(v), c.Problems)
	}
	for i := 0; i < 2; i++ {
		for _, n := range c.Names() {
			c.Value(n)
		}
	}
	if len(c.Problems) != 2 {
		t.Errorf("want A1 and A2 over, each once: %+v", c.Problems)
	}

	var many strings.Builder
	many.WriteString("A0 = " + strings.Repeat("a", 60000) + "\nA1 = $(A0)\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&many, "B%d = $(A1)\n", i)
	}
	c = read(t, map[string]string{"/c.conf": many.String()})
	for _, n := range c.Names() {
		c.Value(n)
	}
	if len(c.Problems) == 0 || !strings.Contains(c.Problems[0].Reason, "bytes in all") {
		t.Errorf("many values: problems = %+v", c.Problems)
	}
}

func TestSecurityTemplatesMatchHTCondor(t *testing.T) {
	data, err := os.ReadFile(testkit.SharedPath(t, "corpus", "htcondor-ce", "REFERENCE-htcondor-param_info.in"))
	if err != nil {
		t.Fatal(err)
	}
	norm := func(body string) string {
		var out []string
		for _, l := range strings.Split(body, "\n") {
			l = strings.Join(strings.Fields(l), " ")
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	}
	re := regexp.MustCompile(`(?ms)^\[\$SECURITY\.([A-Za-z0-9_]+)\]\n(?:[a-z]+\s*=.*?\n)*default\s*:\s*@end\n(.*?)\n@end`)
	found := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		found[strings.ToUpper(m[1])] = norm(m[2])
	}
	for name, body := range securityTemplates {
		ref, ok := found[name]
		if !ok {
			t.Errorf("SECURITY.%s is not in HTCondor's table", name)
			continue
		}
		if norm(body) != ref {
			t.Errorf("SECURITY.%s differs from HTCondor's:\n--- embedded\n%s\n--- param_info.in\n%s", name, norm(body), ref)
		}
	}
	for name := range found {
		if _, ok := securityTemplates[name]; !ok {
			t.Errorf("HTCondor has SECURITY.%s, which is not embedded", name)
		}
	}
	for cat, names := range knownTemplates {
		for _, n := range names {
			if !regexp.MustCompile(`(?mi)^\[\$` + cat + `\.` + n + `\]`).Match(data) {
				t.Errorf("%s.%s is not in HTCondor's table", cat, n)
			}
		}
	}
}

// TestCorpus reads every real HTCondor-CE config of the corpus (ERB
// templates included: they are reported, not misread as values).
func TestCorpus(t *testing.T) {
	files := testkit.Corpus(t, "htcondor-ce", "*")
	n := 0
	for _, f := range files {
		base := filepath.Base(f)
		if strings.Contains(base, "mapfile") || strings.HasPrefix(base, "REFERENCE") || strings.Contains(base, "mapfiles.d") || strings.Contains(base, "job_routes") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n++
		t.Run(base, func(t *testing.T) {
			c := read(t, map[string]string{"/c.conf": string(data)})
			if strings.HasPrefix(base, "TEMPLATE-") && strings.Contains(string(data), "<%") && len(c.Problems) == 0 {
				t.Errorf("ERB template read without a problem")
			}
			if strings.HasPrefix(base, "official-05-ce-auth") {
				if v, _, _ := c.Value("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS"); v != "FS,SCITOKENS,SSL" {
					t.Errorf("SCHEDD write methods = %q", v)
				}
			}
		})
	}
	if n == 0 {
		t.Skip("corpus absent")
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range testkit.CorpusFiles("htcondor-ce", "*.conf") {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("A = $(A)$(A)\nif $(A)\nelif\nelse\nelse\nendif\nendif\nuse security:recommended($(1+), x\nB @=t\n"))
	// The hostile-input suite's shapes, small: a self-reference bomb,
	// a lookup bomb, an include of itself, nested ifs, a continuation.
	f.Add([]byte("X = ab\n" + strings.Repeat("X = $(X)$(X)\n", 17) + "Y = $(X)\n"))
	f.Add([]byte("A0 = " + strings.Repeat("a", 100) + "\nA1 = " + strings.Repeat("$(A0)", 30) + "\nA2 = " + strings.Repeat("$(A1)", 30) + "\nB = $(A2)$(A2)\n"))
	f.Add([]byte("include : /c.conf\ninclude ifexist : /c.conf\nA = 1\n"))
	f.Add([]byte(strings.Repeat("if true\n", 70) + "A = 1\n"))
	f.Add([]byte("A = a \\\n" + strings.Repeat("  b \\\n", 200) + "  c\n"))
	// One tree per worker, rewritten for each input: a temporary tree per
	// input makes fuzzing, and the minimising of a large input, crawl.
	tree := testkit.NewFuzzTree(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := NewParser(tree.Write(t, map[string][]byte{"/c.conf": data}), Options{})
		p.File("/c.conf", inventory.Source{})
		c := p.Config()
		for _, n := range c.Names() {
			c.Value(n)
		}
	})
}

func TestCommandsAreRecordedNeverRun(t *testing.T) {
	c := read(t, map[string]string{"/c.conf": "A = 1\ninclude command : /usr/bin/make-config --x\n"})
	if len(c.Commands) != 1 || c.Commands[0].Command != "/usr/bin/make-config --x" || c.Commands[0].Via != "include command" || c.Commands[0].Source.String() != "/c.conf:2" {
		t.Errorf("commands = %+v", c.Commands)
	}
	for _, tc := range []struct {
		source string
		want   bool
	}{{"/usr/share/condor-ce/condor_ce_router_defaults|", true}, {"/bin/gen | ", true}, {"/etc/condor-ce/local.conf", false}, {"a|b", false}} {
		if got := IsCommand(tc.source); got != tc.want {
			t.Errorf("IsCommand(%q) = %v, want %v", tc.source, got, tc.want)
		}
	}
}
