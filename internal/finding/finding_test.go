package finding

import (
	"encoding/json"
	"testing"
)

func TestSeverity(t *testing.T) {
	for _, name := range SeverityNames() {
		s, err := ParseSeverity(name)
		if err != nil || s.String() != name {
			t.Errorf("ParseSeverity(%s) = %v, %v", name, s, err)
		}
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != High {
		t.Errorf("case-insensitive parse failed: %v %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
	b, _ := json.Marshal(struct{ S Severity }{Critical})
	if string(b) != `{"S":"critical"}` {
		t.Errorf("JSON = %s", b)
	}
}

func TestExitPolicy(t *testing.T) {
	fs := []Finding{
		{Check: "a", Severity: Critical, Status: StatusWaived},
		{Check: "b", Severity: Medium, Status: StatusFail},
		{Check: "c", Severity: Info, Status: StatusFail},
	}
	tests := []struct {
		threshold Severity
		want      bool
	}{{Info, true}, {Medium, true}, {High, false}, {Critical, false}}
	for _, tc := range tests {
		if got := AtOrAbove(fs, tc.threshold); got != tc.want {
			t.Errorf("AtOrAbove(%s) = %v, want %v (a waived critical must not count)", tc.threshold, got, tc.want)
		}
	}
	if w, ok := Worst(fs); !ok || w != Medium {
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
