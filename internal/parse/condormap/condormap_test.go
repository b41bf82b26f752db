package condormap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		{"include loop", "@include /m\n", "loops back"},
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
	f.Fuzz(func(t *testing.T, data []byte) {
		m := Read(testkit.HostFS(t, map[string]string{"/m": string(data)}), "/m")
		for _, r := range m.Rules {
			if r.Canonical == "" || r.Source.Line < 1 {
				t.Fatalf("rule without canonical or line: %+v", r)
			}
		}
	})
}
