package finding

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func TestExitPolicy(t *testing.T) {
	fs := []Finding{
		{Check: "a", Severity: vocab.Critical, Status: vocab.StatusWaived},
		{Check: "b", Severity: vocab.Medium, Status: vocab.StatusFail},
		{Check: "c", Severity: vocab.Info, Status: vocab.StatusFail},
	}
	tests := []struct {
		threshold vocab.Severity
		want      bool
	}{{vocab.Info, true}, {vocab.Medium, true}, {vocab.High, false}, {vocab.Critical, false}}
	for _, tc := range tests {
		if got := AtOrAbove(fs, tc.threshold); got != tc.want {
			t.Errorf("AtOrAbove(%s) = %v, want %v (a waived critical must not count)", tc.threshold, got, tc.want)
		}
	}
	if w, ok := Worst(fs); !ok || w != vocab.Medium {
		t.Errorf("Worst = %s %v, want medium", w, ok)
	}
	s := Summarize(fs)
	if s.Total != 3 || s.Failed != 2 || s.Waived != 1 || s.BySeverity["critical"] != 0 || s.BySeverity["medium"] != 1 {
		t.Errorf("Summarize = %+v", s)
	}
	Sort(fs)
	if fs[0].Check != "a" || fs[2].Check != "c" {
		t.Errorf("Sort: %v %v %v", fs[0].Check, fs[1].Check, fs[2].Check)
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint("issuer-dev-vo", "/etc/xrootd/scitokens.cfg", "https://wlcg.cloud.cnaf.infn.it/")
	if len(a) != 16 || a != Fingerprint("issuer-dev-vo", "/etc/xrootd/scitokens.cfg", "https://wlcg.cloud.cnaf.infn.it/") {
		t.Errorf("fingerprint not stable: %s", a)
	}
	// The parts are separated, so shifting text between them changes it.
	if a == Fingerprint("issuer-dev-vo", "/etc/xrootd/scitokens.cfghttps://wlcg.cloud.cnaf.infn.it/", "") {
		t.Error("fingerprint ignores field boundaries")
	}
}

func TestAggregate(t *testing.T) {
	f := func(check, svc, inst, file string, line int, key string, sev vocab.Severity) Finding {
		return Finding{Check: check, Service: svc, Instance: inst, File: file, Line: line, Key: key, Severity: sev, Status: vocab.StatusFail}
	}
	const st = "/etc/xrootd/scitokens.cfg"
	in := []Finding{
		f("issuer-dev-vo", "eos", "", st, 6, "https://wlcg/", vocab.Critical),
		f("issuer-dev-vo", "xrootd", "clustered", st, 6, "https://wlcg/", vocab.Critical),
		f("issuer-dev-vo", "xrootd", "standalone", st, 6, "https://wlcg/", vocab.Critical),
		f("token-in-url", "xrootd", "a", "/etc/xrootd/a.cfg", 3, "header2cgi", vocab.Info),
		f("token-in-url", "xrootd", "b", "/etc/xrootd/a.cfg", 3, "header2cgi", vocab.Medium),
		f("audience-unchecked", "arc-ce", "", "/etc/arc.conf", 8, "audience-unchecked", vocab.High),
		f("audience-unchecked", "arc-ce", "", "/etc/arc.conf", 12, "audience-unchecked", vocab.High),
		f("issuer-dev-vo", "dcache", "", "/etc/dcache/gplazma.conf", 2, "https://wlcg/", vocab.Critical),
		f("scan-incomplete", "xrootd", "", "/x", 0, "", vocab.High),
		f("scan-incomplete", "xrootd", "", "/x", 0, "", vocab.High),
	}
	out := Aggregate(in)
	var got []string
	for _, g := range out {
		line := fmt.Sprintf("%s %s %s %s", g.Check, g.Severity, g.Place().Label(), g.Location())
		for _, p := range g.Also {
			line += " + " + p.Label() + " " + p.Location()
		}
		got = append(got, line)
	}
	want := []string{
		"issuer-dev-vo critical eos /etc/xrootd/scitokens.cfg:6 + xrootd (clustered) /etc/xrootd/scitokens.cfg:6 + xrootd (standalone) /etc/xrootd/scitokens.cfg:6",
		// The most severe place leads; the others follow.
		"token-in-url medium xrootd (b) /etc/xrootd/a.cfg:3 + xrootd (a) /etc/xrootd/a.cfg:3",
		"audience-unchecked high arc-ce /etc/arc.conf:8 + arc-ce /etc/arc.conf:12",
		// Another file is another problem; findings without a key stay apart.
		"issuer-dev-vo critical dcache /etc/dcache/gplazma.conf:2",
		"scan-incomplete high xrootd /x",
		"scan-incomplete high xrootd /x",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Aggregate =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
