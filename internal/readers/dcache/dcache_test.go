package dcache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestLayoutScopes(t *testing.T) {
	h := testkit.Host(t, "dc.example.org", map[string]string{
		DcacheConf:                    "gplazma.oidc.audience-targets = global\n",
		"/etc/dcache/layouts/dc.conf": "[core]\n[core/gplazma]\ngplazma.oidc.provider!atlas = https://atlas-auth.cern.ch/ -profile=wlcg -prefix=/data/atlas -suppress=offline -authz-id=\"uid:2999 username:atlas_oidc\"\ngplazma.oidc.audience-targets = \"https://dc.example.org\" dc.example.org\n[pools/pool]\ngplazma.oidc.provider!other = https://x/\n",
		"/etc/dcache/gplazma.conf":    "auth optional oidc\n",
	})
	svcs, err := Read(h)
	if err != nil || len(svcs) != 1 {
		t.Fatalf("Read = %+v %v", svcs, err)
	}
	s := svcs[0]
	if len(s.Trusts) != 1 {
		t.Fatalf("trusts = %+v (the pool domain's provider must not count)", s.Trusts)
	}
	tr := s.Trusts[0]
	if tr.Issuer != "https://atlas-auth.cern.ch/" || strings.Join(tr.BasePaths, "") != "/data/atlas" || tr.Account != "atlas_oidc" ||
		strings.Join(tr.Audiences, " ") != "https://dc.example.org dc.example.org" || !tr.AudienceChecked || !tr.HasStrategy(inventory.StrategyCapability) || tr.Source.Line != 3 {
		t.Errorf("trust = %+v", tr)
	}
	if !s.TokensEnabled {
		t.Error("oidc plugin not seen")
	}
}

func TestCorpus(t *testing.T) {
	files := testkit.Corpus(t, "dcache", "*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			target := DcacheConf
			switch {
			case strings.Contains(base, "gplazma.conf"):
				target = "/etc/dcache/gplazma.conf"
			case strings.Contains(base, "layout"):
				target = "/etc/dcache/layouts/dc.conf"
			case strings.Contains(base, "multi"):
				target = "/etc/dcache/multi-mapfile"
			}
			svcs, err := Read(testkit.Host(t, "dc.example.org", map[string]string{target: string(data), "/etc/dcache/gplazma.conf": "auth optional oidc\nmap sufficient multimap\n"}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %+v %v", svcs, err)
			}
			if strings.HasPrefix(base, "TEMPLATE-") && len(svcs[0].Problems) == 0 {
				t.Error("template read without a problem")
			}
		})
	}
}
