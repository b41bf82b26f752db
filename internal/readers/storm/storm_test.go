package storm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestDefaultsAndPlaceholders(t *testing.T) {
	h := testkit.Host(t, "storm.example.org", map[string]string{
		ApplicationYML:              "oauth:\n  issuers:\n  - name: a\n    issuer: ${ISS:https://atlas-auth.cern.ch/}\n    enforce-audience-checks: ${AUD_CHECK:false}\n    audiences:\n    - https://storm.example.org\n",
		Sysconfig:                   "AUD_CHECK=true\n",
		SADir + "/atlas.properties": "name=atlas\naccessPoints=/atlas\norgs=https://atlas-auth.cern.ch/\norgsGrantReadPermission=false\nwlcgScopeAuthzEnabled=true\n",
	})
	svcs, err := Read(h)
	if err != nil || len(svcs) != 1 || len(svcs[0].Trusts) != 1 {
		t.Fatalf("Read = %+v %v", svcs, err)
	}
	tr := svcs[0].Trusts[0]
	if tr.Issuer != "https://atlas-auth.cern.ch/" || !tr.AudienceChecked || tr.AudienceSource.Line != 5 {
		t.Errorf("placeholders not resolved from /etc/sysconfig: %+v", tr)
	}
	// orgsGrantWritePermission absent: the code's default (true) applies.
	if !tr.HasStrategy(inventory.StrategyIssuerWide) || tr.StrategySource.Line != 0 || !strings.HasSuffix(tr.StrategySource.File, "atlas.properties") {
		t.Errorf("absent orgsGrantWritePermission not taken as true: %+v", tr)
	}
}

func TestCorpus(t *testing.T) {
	files := testkit.Corpus(t, "storm", "*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			target := ApplicationYML
			if strings.Contains(f, "properties") {
				target = SADir + "/x.properties"
			}
			svcs, err := Read(testkit.Host(t, "storm.example.org", map[string]string{target: string(data)}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %+v %v", svcs, err)
			}
			if strings.HasPrefix(filepath.Base(f), "TEMPLATE-") && len(svcs[0].Problems) == 0 {
				t.Error("template read without a problem")
			}
			if filepath.Base(f) == "test-sa.d-wlcg.properties" {
				var keys []string
				for _, u := range svcs[0].UnknownKeys {
					keys = append(keys, u.Key+"->"+u.Nearest)
				}
				if strings.Join(keys, " ") != "orgsGrantReadPermissions->orgsGrantReadPermission orgsGrantWritePermissions->orgsGrantWritePermission" {
					t.Errorf("unknown keys = %v", keys)
				}
			}
		})
	}
}
