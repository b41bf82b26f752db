package xrdauthdb

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	db := Parse("/etc/xrootd/auth_file", []byte("# comment\nu xrootd /data a\n= atlasgrp o: https://atlas-auth.cern.ch/ g: /atlas\nx atlasgrp /data/atlas lr \\\n  /data/atlas/tmp -w\no\thttps://dteam-auth.cern.ch/ /data/dteam lr\nu * /public rl\nq bogus /x r\ng /cms /data/cms\n"))
	var got []string
	for _, r := range db.Rules {
		got = append(got, fmt.Sprintf("%d %c %s %v %v", r.Source.Line, r.Type, r.ID, r.Grants, r.Spec))
	}
	want := []string{
		"2 u xrootd [{/data a}] map[]",
		"3 = atlasgrp [] map[g:/atlas o:https://atlas-auth.cern.ch/]",
		"4 x atlasgrp [{/data/atlas lr} {/data/atlas/tmp -w}] map[]",
		"6 o https://dteam-auth.cern.ch/ [{/data/dteam lr}] map[]",
		"7 u * [{/public rl}] map[]",
		"9 g /cms [] map[]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var reasons []string
	for _, p := range db.Problems {
		reasons = append(reasons, fmt.Sprintf("%d %s", p.Source.Line, p.Reason))
	}
	if len(reasons) != 2 || !strings.Contains(reasons[0], `8 unknown authorization record type "q"`) || !strings.Contains(reasons[1], `9 path "/data/cms" has no privileges`) {
		t.Errorf("problems = %v", reasons)
	}
	if r, ok := db.Granting('o', "https://dteam-auth.cern.ch/"); !ok || r.Source.Line != 6 {
		t.Errorf("Granting(o, dteam) = %+v %v", r, ok)
	}
	if _, ok := db.Granting('u', "nobody"); ok {
		t.Error("Granting finds a rule for nobody")
	}
	x := db.Compound(func(spec map[string]string) bool {
		return spec["o"] == "https://atlas-auth.cern.ch/" && spec["g"] != ""
	})
	if len(x) != 1 || x[0].Source.Line != 4 {
		t.Errorf("Compound = %+v", x)
	}
}

// TestTemplates: a word that does not start with '/' names a template
// (XrdAccAuthFile::getPP), which the record takes whole, with no
// privileges after it; the WG's compound-identity recipe and Bristol's
// Authfile are written that way.
func TestTemplates(t *testing.T) {
	tests := []struct {
		name, db string
		want     string // grants of the last rule
		problem  string
	}{
		{"template alone", "t w /data/grid/wlcg a /data/grid lr\n= tk o: https://wlcg.cloud.cnaf.infn.it/ g: /wlcg\nx tk w\n", "[{/data/grid/wlcg a} {/data/grid lr}]", ""},
		{"paths then a template", "t rd /xrootd/cms/ lr\nx cmssgm /xrootd/cms/store/user/sam/ a \\\n /store/temp/user/ a \\\n rd\n", "[{/xrootd/cms/store/user/sam/ a} {/store/temp/user/ a} {/xrootd/cms/ lr}]", ""},
		{"two templates", "t a /x a\nt b /y lr\ng /vo a b\n", "[{/x a} {/y lr}]", ""},
		{"template defined below", "u bob later\nt later /x a\n", "[{/x a}]", `template "later" is not defined above`},
		{"escaped object id", "u bob \\obj r\n", "[{obj r}]", ""},
		{"path without privileges", "u bob /x a /y\n", "[{/x a}]", `path "/y" has no privileges`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := Parse("/etc/xrootd/auth_file", []byte(tc.db))
			last := db.Rules[len(db.Rules)-1]
			if tc.name == "template defined below" {
				last = db.Rules[0]
				if got := fmt.Sprint(db.Rules[1].Grants); got != tc.want {
					t.Errorf("template grants = %s, want %s", got, tc.want)
				}
				if len(last.Grants) != 0 {
					t.Errorf("rule before its template grants %v", last.Grants)
				}
			} else if got := fmt.Sprint(last.Grants); got != tc.want {
				t.Errorf("grants = %s, want %s", got, tc.want)
			}
			var problems []string
			for _, p := range db.Problems {
				problems = append(problems, p.Reason)
			}
			if got := strings.Join(problems, "; "); (tc.problem == "") != (got == "") || !strings.Contains(got, tc.problem) {
				t.Errorf("problems = %q, want %q", got, tc.problem)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("u xrootd /data a\n= g o: x g: y\nx g /d r\n"))
	f.Add([]byte("u\n=\nx a b c\n\\\n\x00"))
	f.Add([]byte(strings.Repeat("= g o: x\nx g /d r\n", 100))) // many compound identities
	f.Fuzz(func(t *testing.T, data []byte) {
		db := Parse("/f", data)
		for _, r := range db.Rules {
			if r.Source.Line < 1 {
				t.Fatalf("rule without a line: %+v", r)
			}
		}
	})
}

// TestTemplatesAfterALookup: a template defined after an earlier one was
// used is still found (the lookup index grows with the file).
func TestTemplatesAfterALookup(t *testing.T) {
	db := Parse("/etc/xrootd/Authfile", []byte("t first /a lr\nu alice first\nt second /b lr\nu bob second\n"))
	if len(db.Problems) != 0 {
		t.Fatalf("problems: %+v", db.Problems)
	}
	if r := db.Find('u', "bob"); len(r) != 1 || len(r[0].Grants) != 1 || r[0].Grants[0].Path != "/b" {
		t.Errorf("bob = %+v", r)
	}
}
