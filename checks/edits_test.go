package checks

import (
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// TestLineRewrites pins the line rewrites the edits are made of: each
// keeps what the admin wrote around the value it changes.
func TestLineRewrites(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"ini value", withValue("onmissing = allow", "=", "passthrough"), "onmissing = passthrough"},
		{"ini value, no spaces", withValue("base_path=/", "=", "/data/atlas"), "base_path=/data/atlas"},
		{"yaml value keeps the indent", withValue("    max-token-lifetime-sec: 43200", ":", "3600"), "    max-token-lifetime-sec: 3600"},
		{"dCache option set", withOption(`p = https://x/ -profile=wlcg -prefix=/ -authz-id="uid:1 gid:1"`, "-prefix", "/pnfs/x/atlas"), `p = https://x/ -profile=wlcg -prefix=/pnfs/x/atlas -authz-id="uid:1 gid:1"`},
		{"dCache quoted option removed whole", withOption(`p = https://x/ -non-authz-id="uid:2 gid:2 username:a" -profile=wlcg`, "-non-authz-id", ""), `p = https://x/ -profile=wlcg`},
		{"suppress audience only", withoutSuppress(`p = https://x/ -suppress=audience,offline -profile=wlcg`), `p = https://x/ -suppress=offline -profile=wlcg`},
		{"suppress option removed", withoutSuppress(`p = https://x/ -suppress=audience -profile=wlcg`), `p = https://x/ -profile=wlcg`},
		{"ARC 6 audience field", withARCAudience("authtokens = * https://atlas-auth.cern.ch/ * * *", "https://ce.example.org"), "authtokens = * https://atlas-auth.cern.ch/ https://ce.example.org * *"},
		{"ARC 7 audience term", withARCAudience(`authtokensgen = (iss="https://a/")`, "https://ce.example.org"), `authtokensgen = (iss="https://a/") & (aud="https://ce.example.org")`},
		{"ARC rule that names its audience", withARCAudience("authtokens = * https://a/ https://ce * *", "https://ce2"), "authtokens = * https://a/ https://ce * *"},
		{"quoted fields", strings.Join(quotedFields(`a -x="1 2" b`), "|"), `a|-x="1 2"|b`},
		{"legacy name", shortWhat("[authtokens] block, removed in ARC 7: its validator …"), "[authtokens] block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got  %q\nwant %q", tc.got, tc.want)
			}
		})
	}
}

// TestEditsNeedWhatTheReaderSaw: without the recorded line text (or with
// a line that continues on the next one) no edit is made, and sections
// are removed up to their last line that holds something.
func TestEditsNeedWhatTheReaderSaw(t *testing.T) {
	src := inventory.Source{File: "/etc/x.cfg", Line: 2}
	sec := inventory.Section{File: "/etc/x.cfg", Name: "Issuer WLCG", Start: 5, Lines: []string{"[Issuer WLCG]", "issuer = https://wlcg.cloud.cnaf.infn.it/", "", "# next", ""}}
	tests := []struct {
		name string
		svc  inventory.Service
		want []finding.Edit
	}{
		{"not recorded", inventory.Service{}, nil},
		{"continued line", inventory.Service{Lines: map[inventory.Source]string{src: `http.trace all \`}}, nil},
		{"recorded", inventory.Service{Lines: map[inventory.Source]string{src: "http.trace all"}}, []finding.Edit{{File: "/etc/x.cfg", Op: finding.EditReplace, Line: 2, Old: []string{"http.trace all"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []finding.Edit
			if e, ok := replaceLine(tc.svc, src); ok {
				got = append(got, e)
			}
			if len(got) != len(tc.want) || len(got) == 1 && !got[0].Equal(tc.want[0]) {
				t.Errorf("edits %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("section removal", func(t *testing.T) {
		e := removeSection(sec)
		if e.Line != 5 || len(e.Old) != 3 || e.Old[2] != "" {
			t.Errorf("removal %+v: want the header, the issuer line and the blank line after, not the next section's comment", e)
		}
		add := addToSection(sec, "authorization_strategy = capability")
		if add.Op != finding.EditInsertAfter || add.Line != 6 || add.Old[0] != sec.Lines[1] {
			t.Errorf("addition %+v: want it after the issuer line", add)
		}
	})
}
