package fix

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// files is a host of files in memory.
type files map[string]string

func (m files) ReadFile(name string) ([]byte, error) {
	s, ok := m[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

// failing is a failing finding with edits.
func failing(check string, edits ...finding.Edit) finding.Finding {
	return finding.Finding{Check: check, Status: vocab.StatusFail, Fingerprint: check, Edits: edits}
}

const cfg = "[Global]\nonmissing = allow\n\n[Issuer ATLAS]\nissuer = https://atlas-auth.cern.ch/\nbase_path = /\n"

func TestDiff(t *testing.T) {
	replace := func(line int, old string, new ...string) finding.Edit {
		return finding.Edit{File: "/etc/x.cfg", Op: finding.EditReplace, Line: line, Old: []string{old}, New: new}
	}
	tests := []struct {
		name     string
		host     files
		findings []finding.Finding
		diff     string
		fixed    int
		left     string // reason fragment of the first left finding
	}{
		{
			name:     "replace a line",
			host:     files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("a", replace(2, "onmissing = allow", "onmissing = passthrough"))},
			diff:     "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -1,5 +1,5 @@\n [Global]\n-onmissing = allow\n+onmissing = passthrough\n \n [Issuer ATLAS]\n issuer = https://atlas-auth.cern.ch/\n",
			fixed:    1,
		},
		{
			name: "insert after a line, and delete one far away: two hunks",
			host: files{"/etc/x.cfg": "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"},
			findings: []finding.Finding{failing("a",
				finding.Edit{File: "/etc/x.cfg", Op: finding.EditInsertAfter, Line: 1, Old: []string{"a"}, New: []string{"a2"}},
				replace(10, "j"))},
			diff:  "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -1,4 +1,5 @@\n a\n+a2\n b\n c\n d\n@@ -7,4 +8,3 @@\n g\n h\n i\n-j\n",
			fixed: 1,
		},
		{
			name:     "insert before the first line",
			host:     files{"/etc/x.cfg": "[Issuer A]\n"},
			findings: []finding.Finding{failing("a", finding.Edit{File: "/etc/x.cfg", Op: finding.EditInsertBefore, Line: 1, Old: []string{"[Issuer A]"}, New: []string{"[Global]", "audience = x", ""}})},
			diff:     "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -1,1 +1,4 @@\n+[Global]\n+audience = x\n+\n [Issuer A]\n",
			fixed:    1,
		},
		{
			name:     "append creates a missing file",
			host:     files{},
			findings: []finding.Finding{failing("a", finding.Edit{File: "/etc/new.conf", Op: finding.EditAppend, New: []string{"x = 1"}})},
			diff:     "--- /dev/null\n+++ etc/new.conf\n@@ -0,0 +1,1 @@\n+x = 1\n",
			fixed:    1,
		},
		{
			name:     "append to a file without a final newline",
			host:     files{"/etc/x.cfg": "a\nb"},
			findings: []finding.Finding{failing("a", finding.Edit{File: "/etc/x.cfg", Op: finding.EditAppend, New: []string{"c"}})},
			diff:     "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n",
			fixed:    1,
		},
		{
			name:     "a line that changed since the scan",
			host:     files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("a", replace(2, "onmissing = deny", "onmissing = passthrough"))},
			left:     "no longer reads",
		},
		{
			name:     "a finding without edits",
			host:     files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("a")},
			left:     "no mechanical fix",
		},
		{
			name:     "a removal covers a later replacement",
			host:     files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("dev", replace(6, "base_path = /")), failing("path", replace(6, "base_path = /", "base_path = /data/atlas"))},
			diff:     "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -3,4 +3,3 @@\n \n [Issuer ATLAS]\n issuer = https://atlas-auth.cern.ch/\n-base_path = /\n",
			fixed:    2,
		},
		{
			name:     "a later removal replaces an earlier replacement",
			host:     files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("path", replace(6, "base_path = /", "base_path = /data/atlas")), failing("dev", replace(6, "base_path = /"))},
			diff:     "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -3,4 +3,3 @@\n \n [Issuer ATLAS]\n issuer = https://atlas-auth.cern.ch/\n-base_path = /\n",
			fixed:    2,
		},
		{
			name:     "two different replacements of one line",
			host:     files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("a", replace(2, "onmissing = allow", "onmissing = passthrough")), failing("b", replace(2, "onmissing = allow", "onmissing = deny"))},
			diff:     "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -1,5 +1,5 @@\n [Global]\n-onmissing = allow\n+onmissing = passthrough\n \n [Issuer ATLAS]\n issuer = https://atlas-auth.cern.ch/\n",
			fixed:    1,
			left:     "overlaps the fix of a",
		},
		{
			name: "the same edit from two findings is made once",
			host: files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{
				failing("a", finding.Edit{File: "/etc/x.cfg", Op: finding.EditAppend, New: []string{"", "[Issuer DTEAM]"}}),
				failing("a2", finding.Edit{File: "/etc/x.cfg", Op: finding.EditAppend, New: []string{"", "[Issuer DTEAM]"}}),
			},
			diff:  "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -4,3 +4,5 @@\n [Issuer ATLAS]\n issuer = https://atlas-auth.cern.ch/\n base_path = /\n+\n+[Issuer DTEAM]\n",
			fixed: 2,
		},
		{
			name: "different lines appended by two findings",
			host: files{"/etc/x.cfg": "a\n"},
			findings: []finding.Finding{
				failing("a", finding.Edit{File: "/etc/x.cfg", Op: finding.EditAppend, New: []string{"b"}}),
				failing("c", finding.Edit{File: "/etc/x.cfg", Op: finding.EditAppend, New: []string{"c"}}),
			},
			diff:  "--- etc/x.cfg\n+++ etc/x.cfg\n@@ -1,1 +1,2 @@\n a\n+b\n",
			fixed: 1,
			left:  "adds to the end of /etc/x.cfg",
		},
		{
			name: "a finding whose second edit fails changes nothing",
			host: files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{failing("a",
				replace(2, "onmissing = allow", "onmissing = passthrough"),
				replace(5, "issuer = elsewhere", "issuer = x"))},
			left: "no longer reads",
		},
		{
			name: "waived and not-running findings are left alone",
			host: files{"/etc/x.cfg": cfg},
			findings: []finding.Finding{
				{Check: "a", Status: vocab.StatusWaived, Edits: []finding.Edit{replace(2, "onmissing = allow", "x")}},
				{Check: "b", Status: vocab.StatusNotRunning, Edits: []finding.Edit{replace(2, "onmissing = allow", "y")}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Diff(tc.host, tc.findings, Options{Root: "/"})
			if p.Diff != tc.diff {
				t.Errorf("diff:\n%s\nwant:\n%s", p.Diff, tc.diff)
			}
			if len(p.Fixed) != tc.fixed {
				t.Errorf("%d fixed, want %d", len(p.Fixed), tc.fixed)
			}
			switch {
			case tc.left == "" && len(p.Left) > 0:
				t.Errorf("left: %+v", p.Left)
			case tc.left != "" && (len(p.Left) == 0 || !strings.Contains(p.Left[0].Reason, tc.left)):
				t.Errorf("left %+v, want a reason with %q", p.Left, tc.left)
			}
			if p.Root != "/" {
				t.Errorf("root %q", p.Root)
			}
		})
	}
}
