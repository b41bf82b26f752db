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
