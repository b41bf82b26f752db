package fleet

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func mkResult(host, scanned, recipes string, findings string, issuers ...string) string {
	var trusts []string
	for _, i := range issuers {
		trusts = append(trusts, fmt.Sprintf(`{"issuer": %q}`, i))
	}
	return fmt.Sprintf(`{"schema_version": "1.2.0", "host": %q, "scanned_at": %q, "recipes": {"version": %q},
"inventory": {"services": [{"name": "xrootd", "trusts": [%s]}]}, "findings": [%s]}`, host, scanned, recipes, strings.Join(trusts, ","), findings)
}

func mkFinding(check, sev, status, waiver string) string {
	w := ""
	if waiver != "" {
		w = fmt.Sprintf(`, "waiver": {"reason": "r", "expires": %q}`, waiver)
	}
	return fmt.Sprintf(`{"check": %q, "severity": %q, "status": %q, "fingerprint": "0000000000000000"%s}`, check, sev, status, w)
}

func TestAggregate(t *testing.T) {
	files := map[string]string{
		"a/clean.json":  mkResult("clean.example.org", "2026-11-22T06:00:00Z", "2026.11.0", "", "https://atlas-auth.cern.ch/"),
		"a/bad.json":    mkResult("bad.example.org", "2026-11-22T06:00:00Z", "2026.11.0", mkFinding("issuer-dev-vo", "critical", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2026-12-01"), "https://wlcg.cloud.cnaf.infn.it/", "https://atlas-auth.cern.ch/"),
		"b/medium.json": mkResult("medium.example.org", "2026-10-01T06:00:00Z", "2026.10.0", mkFinding("token-in-url", "medium", "fail", "")+","+mkFinding("token-in-url", "medium", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2027-06-01")),
		"b/broken.json": "{not json",
		"b/notes.txt":   "ignored",
	}
	dir := testkit.HostTree(t, files)
	list, err := Files([]string{dir})
	if err != nil || len(list) != 4 {
		t.Fatalf("Files = %v %v", list, err)
	}
	r := Aggregate(list, Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: "2026.11.0", DevelopmentIssuers: []string{"https://wlcg.cloud.cnaf.infn.it/"}})
	var order []string
	for _, h := range r.Hosts {
		order = append(order, h.Host)
	}
	if strings.Join(order, " ") != "bad.example.org medium.example.org clean.example.org" {
		t.Errorf("worst first: %v", order)
	}
	m := r.Hosts[1]
	if m.Checks["token-in-url"] != 2 || !m.Stale || !m.OldRecipes || m.Worst != "medium" {
		t.Errorf("medium host = %+v", m)
	}
	if len(r.Expiring) != 1 || r.Expiring[0].Host != "bad.example.org" {
		t.Errorf("expiring = %+v", r.Expiring)
	}
	if got := strings.Join(r.Development["https://wlcg.cloud.cnaf.infn.it/"], ","); got != "bad.example.org" {
		t.Errorf("development VO hosts = %q", got)
	}
	if len(r.Issuers["https://atlas-auth.cern.ch/"]) != 2 || len(r.Errors) != 1 {
		t.Errorf("issuers %+v errors %v", r.Issuers, r.Errors)
	}
}

// BenchmarkAggregate10k aggregates 10,000 host results (the fleet target:
// seconds, with memory for the aggregate only).
func BenchmarkAggregate10k(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for i := 0; i < 10000; i++ {
		f := filepath.Join(dir, fmt.Sprintf("h%05d.json", i))
		body := mkResult(fmt.Sprintf("h%05d.example.org", i), "2026-11-22T06:00:00Z", "2026.11.0",
			mkFinding("issuer-dev-vo", "critical", "fail", "")+","+mkFinding("audience-any", "low", "waived", "2026-12-01")+","+mkFinding("token-in-url", "medium", "fail", ""),
			"https://wlcg.cloud.cnaf.infn.it/", "https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/")
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := Aggregate(files, Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: "2026.11.0"})
		if len(r.Hosts) != 10000 {
			b.Fatal(len(r.Hosts))
		}
	}
}
