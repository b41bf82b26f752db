package condormap

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestRead(t *testing.T) {
	m := Read(testkit.HostFS(t, map[string]string{
		"/etc/condor_mapfile":         "# comment\n@include /etc/mapfiles.d/\n@include /usr/mapfiles.d/\n",
		"/etc/mapfiles.d/90-ban.conf": "SCITOKENS /^a,b$/ u@banned.htcondor.org\n",
		"/etc/mapfiles.d/10-tok.conf": "SCITOKENS /^https\\:\\/\\/x\\/,/ user1\nSCITOKENS \"https://x/,with space\" user2\nSSL /CN=a\\/b/ user3\nSCITOKENS /i-flag/i user4\n",
		"/etc/mapfiles.d/20.conf~":    "SCITOKENS /skipped/ never\n",
		"/usr/mapfiles.d/50.conf":     "CLAIMTOBE /.*/ anonymous@claimtobe\nFS /(.*)/ \\1\nbroken\n",
	}), "/etc/condor_mapfile")
	var got []string
	for _, r := range m.Rules {
		got = append(got, r.Source.String()+" "+r.Method+" "+r.Principal+" -> "+r.Canonical)
	}
	want := []string{
		"/etc/mapfiles.d/10-tok.conf:1 SCITOKENS ^https\\:\\/\\/x\\/, -> user1",
		"/etc/mapfiles.d/10-tok.conf:2 SCITOKENS https://x/,with space -> user2",
		"/etc/mapfiles.d/10-tok.conf:3 SSL CN=a\\/b -> user3",
		"/etc/mapfiles.d/10-tok.conf:4 SCITOKENS (?i)i-flag -> user4",
		"/etc/mapfiles.d/90-ban.conf:1 SCITOKENS ^a,b$ -> u@banned.htcondor.org",
		"/usr/mapfiles.d/50.conf:1 CLAIMTOBE .* -> anonymous@claimtobe",
		"/usr/mapfiles.d/50.conf:2 FS (.*) -> \\1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(m.Problems) != 1 || m.Problems[0].Source.String() != "/usr/mapfiles.d/50.conf:3" {
		t.Errorf("problems = %+v", m.Problems)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"missing file", "", "cannot read mapfile"},
		// HTCondor reads an included file with allow_include false: a
		// file including itself is read twice, the second time without
		// its @include.
		{"include loop", "@include /m\n", "@include in a file read through @include"},
		{"unclosed regex", "SCITOKENS /abc user\n", "closing '/'"},
		{"unclosed quote", "SCITOKENS \"abc user\n", "closing quote"},
		{"no canonical", "SCITOKENS /abc/\n", "no canonical"},
		{"template", "SCITOKENS /<%= @issuer %>/ x\n", "unrendered"},
		{"method without principal", "SCITOKENS\n", "no principal"},
		// HTCondor skips a line it cannot parse; a banner of ';' (UNL's
		// puppet mapfile) names no method and maps nothing.
		{"banner line", ";=====\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			if tc.content != "" {
				files["/m"] = tc.content
			}
			m := Read(testkit.HostFS(t, files), "/m")
			var ps []string
			for _, p := range m.Problems {
				ps = append(ps, p.Reason)
			}
			if !strings.Contains(strings.Join(ps, ";"), tc.want) || (tc.want == "") != (len(ps) == 0) {
				t.Errorf("problems %v, want %q", ps, tc.want)
			}
		})
	}
}

func TestCorpus(t *testing.T) {
	files := testkit.Corpus(t, "htcondor-ce", "*mapfile*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			m := Read(testkit.HostFS(t, map[string]string{"/m": string(data)}), "/m")
			if strings.HasPrefix(filepath.Base(f), "TEMPLATE-") && len(m.Problems) == 0 {
				t.Error("template read without a problem")
			}
			active := 0
			for _, l := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "SCITOKENS") {
					active++
				}
			}
			if active > 0 && len(m.Rules) == 0 && len(m.Problems) == 0 {
				t.Error("SCITOKENS lines read as nothing")
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, file := range testkit.CorpusFiles("htcondor-ce", "*mapfile*") {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("SCITOKENS /\\/ x\n@include\n@include /m\nGSI \"a\\\"b\" c\n"))
	// The hostile-input suite's shapes, small: an include of a directory
	// holding itself, many includes, many bans.
	f.Add([]byte("@include /\n@include d\n" + strings.Repeat("@include /m\n", 50)))
	f.Add([]byte(strings.Repeat("SCITOKENS /^https\\:\\/\\/a\\.example\\/,s$/ x@banned.htcondor.org\n", 100)))
	// One tree per worker, rewritten for each input: a temporary tree per
	// input makes fuzzing, and the minimising of a large input, crawl.
	tree := testkit.NewFuzzTree(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m := Read(tree.Write(t, map[string][]byte{"/m": data}), "/m")
		for _, r := range m.Rules {
			if r.Canonical == "" || r.Source.Line < 1 {
				t.Fatalf("rule without canonical or line: %+v", r)
			}
		}
	})
}

// TestIncludeDepth pins HTCondor's rules for @include: a relative path
// names a file beside the including one, a directory's subdirectories are
// skipped, and a file read through @include cannot include again.
func TestIncludeDepth(t *testing.T) {
	m := Read(testkit.HostFS(t, map[string]string{
		"/etc/m":          "@include inc\n@include /etc/d\nSCITOKENS /x/ top\n",
		"/etc/inc":        "@include /etc/never\nSCITOKENS /i/ inc\n",
		"/etc/never":      "SCITOKENS /n/ never\n",
		"/etc/d/10.conf":  "SCITOKENS /d/ d\n",
		"/etc/d/sub/a":    "SCITOKENS /s/ sub\n",
		"/etc/d/self":     "->.",
		"/etc/d/x.rpmnew": "SCITOKENS /r/ rpmnew\n",
	}), "/etc/m")
	var got []string
	for _, r := range m.Rules {
		got = append(got, r.Canonical+"@"+r.Source.String())
	}
	if want := "inc@/etc/inc:2 d@/etc/d/10.conf:1 top@/etc/m:3"; strings.Join(got, " ") != want {
		t.Errorf("rules = %v, want %s", got, want)
	}
	if len(m.Problems) != 1 || m.Problems[0].Source.String() != "/etc/inc:1" || !strings.Contains(m.Problems[0].Reason, "/etc/never is not read") {
		t.Errorf("problems = %+v", m.Problems)
	}
}

// TestBudgets: reading stops at the budgets of file reads and rules, with
// a problem naming the line where it stopped.
func TestBudgets(t *testing.T) {
	var fanout, rules strings.Builder
	for i := 0; i < budget.Visits+5; i++ {
		fanout.WriteString("@include /d\n")
	}
	for i := 0; i < budget.Rules+5; i++ {
		fmt.Fprintf(&rules, "SCITOKENS /r%d/ u\n", i)
	}
	for _, tc := range []struct {
		name, content, src string
	}{
		// /m is the first read: the include on line Visits is one too many.
		{"visits", fanout.String(), fmt.Sprintf("/m:%d", budget.Visits)},
		{"rules", rules.String(), fmt.Sprintf("/m:%d", budget.Rules+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Read(testkit.HostFS(t, map[string]string{"/m": tc.content, "/d/a": "SCITOKENS /a/ a\n"}), "/m")
			if len(m.Problems) != 1 || m.Problems[0].Source.String() != tc.src || !strings.Contains(m.Problems[0].Reason, "ttt-check's budget") {
				t.Fatalf("problems = %+v, want one at %s", m.Problems, tc.src)
			}
			if len(m.Rules) > budget.Rules {
				t.Errorf("%d rules read", len(m.Rules))
			}
		})
	}
}
