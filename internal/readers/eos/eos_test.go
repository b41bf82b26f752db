package eos

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestCorpus(t *testing.T) {
	corpus := testkit.SharedPath(t, "corpus", "eos")
	st, err := os.ReadFile(filepath.Join(corpus, "doc-scitokens.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"doc-mgm-http-token-xrd.cf.mgm", "official-xrd.cf.mgm", "official-xrd.cf.fst", "TEMPLATE-eos-charts-mgm-configmap.yaml"} {
		t.Run(name, func(t *testing.T) {
			mgm, err := os.ReadFile(filepath.Join(corpus, name))
			if err != nil {
				t.Fatal(err)
			}
			svcs, err := Read(testkit.Host(t, "eos.example.org", map[string]string{MGMConfig: string(mgm), "/etc/xrootd/scitokens.cfg": string(st)}))
			if err != nil || len(svcs) != 1 || svcs[0].Name != "eos" {
				t.Fatalf("Read = %+v %v", svcs, err)
			}
			s := svcs[0]
			switch {
			case strings.HasPrefix(name, "TEMPLATE-"):
				if len(s.Problems) == 0 {
					t.Error("template read without a problem")
				}
			case name == "doc-mgm-http-token-xrd.cf.mgm":
				if !s.TokensEnabled || len(s.Trusts) != 1 || s.Trusts[0].Issuer != "https://wlcg.cloud.cnaf.infn.it/" || strings.Join(s.Trusts[0].BasePaths, "") != "/" {
					t.Errorf("EOS doc MGM = %+v", s)
				}
			}
		})
	}
	if svcs, _ := Read(testkit.Host(t, "eos.example.org", map[string]string{"/etc/hostname": "x"})); len(svcs) != 0 {
		t.Error("EOS found without /etc/xrd.cf.mgm")
	}
}
