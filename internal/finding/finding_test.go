package finding

import (
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
	a := Fingerprint("issuer-dev-vo", "xrootd", "", "/etc/xrootd/scitokens.cfg", "https://wlcg.cloud.cnaf.infn.it/")
	if len(a) != 16 || a != Fingerprint("issuer-dev-vo", "xrootd", "", "/etc/xrootd/scitokens.cfg", "https://wlcg.cloud.cnaf.infn.it/") {
		t.Errorf("fingerprint not stable: %s", a)
	}
	// The parts are separated, so shifting text between them changes it.
	if a == Fingerprint("issuer-dev-vo", "xrootd", "/etc/xrootd/scitokens.cfg", "", "https://wlcg.cloud.cnaf.infn.it/") {
		t.Error("fingerprint ignores field boundaries")
	}
}
