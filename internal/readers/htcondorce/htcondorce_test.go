package htcondorce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestLiteralIdentity(t *testing.T) {
	tests := []struct {
		pattern, issuer, subject string
	}{
		{`^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3\-6ab8\-4fe2\-9e4c\-58039c21d817$`, "https://atlas-auth.cern.ch/", "7dee38a3-6ab8-4fe2-9e4c-58039c21d817"},
		{`^https\:\/\/scitokens\.org\/osg\-connect,`, "https://scitokens.org/osg-connect", ""},
		{`^https:\/\/scitokens.org\/osg-connect,.*`, "https://scitokens.org/osg-connect", ""},
		{`https:\/\/cms-auth.cern.ch\/,bad55f4e$`, "https://cms-auth.cern.ch/", "bad55f4e"},
		// Not anchored at the end: subjects starting abc, and an
		// issuer's own subjects (UUIDs) never extend another: pinned.
		{`^https\:\/\/x\/,abc`, "https://x/", "abc"},
		{`.*`, "", ""},
		{`^https:\/\/(atlas|cms)-auth\.cern\.ch\/,`, "", ""},
		{`^https:\/\/x\/,(?!bad).*$`, "https://x/", ""},
		{`^\w+,x$`, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			got := literalIdentity(tc.pattern)
			if got.issuer != tc.issuer || got.subject != tc.subject {
				t.Errorf("literalIdentity = %+v, want issuer %q subject %q", got, tc.issuer, tc.subject)
			}
		})
	}
}

func TestRead(t *testing.T) {
	svcs, err := Read(testkit.Host(t, "ce.example.org", map[string]string{"/etc/hostname": "x"}))
	if err != nil || len(svcs) != 0 {
		t.Fatalf("no CE: %+v %v", svcs, err)
	}
	h := testkit.Host(t, "ce.example.org", map[string]string{
		"/etc/condor-ce/condor_config":           "LOCAL_CONFIG_DIR = /etc/condor-ce/config.d\n",
		"/etc/condor-ce/config.d/01.conf":        "SEC_DEFAULT_AUTHENTICATION_METHODS = FS, SCITOKENS\nCOLLECTOR_HOST = $(FULL_HOSTNAME):9619\nSCITOKENS_SERVER_AUDIENCE = $(COLLECTOR_HOST)\n",
		"/etc/condor-ce/config.d/02.conf":        "SCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) condor://$(COLLECTOR_HOST)\nCERTIFICATE_MAPFILE = /etc/condor-ce/my_mapfile\n",
		"/etc/condor-ce/config.d/03.conf.rpmnew": "SEC_DEFAULT_AUTHENTICATION_METHODS = GSI\n",
		"/etc/condor-ce/my_mapfile":              "SCITOKENS /^https\\:\\/\\/dteam\\-auth\\.cern\\.ch\\/,/ dteam001\nSCITOKENS /^https\\:\\/\\/dteam\\-auth\\.cern\\.ch\\/,bad$/ x@banned.htcondor.org\nSCITOKENS /^https\\:\\/\\/cms\\-auth\\.cern\\.ch\\/,ok$/ x@banned.htcondor.org\n",
	})
	svcs, err = Read(h)
	if err != nil || len(svcs) != 1 {
		t.Fatalf("Read = %+v, %v", svcs, err)
	}
	s := svcs[0]
	if !s.TokensEnabled || s.TokensSource.String() != "/etc/condor-ce/config.d/01.conf:1" || len(s.Legacy) != 0 {
		t.Errorf("tokens %v at %s, legacy %+v", s.TokensEnabled, s.TokensSource, s.Legacy)
	}
	if len(s.Trusts) != 1 {
		t.Fatalf("trusts = %+v", s.Trusts)
	}
	tr := s.Trusts[0]
	if tr.Issuer != "https://dteam-auth.cern.ch/" || !tr.AnySubject || tr.Account != "dteam001" || tr.Source.String() != "/etc/condor-ce/my_mapfile:1" ||
		strings.Join(tr.Audiences, " ") != "ce.example.org:9619 condor://ce.example.org:9619" || tr.AudienceSource.String() != "/etc/condor-ce/config.d/02.conf:1" {
		t.Errorf("trust = %+v", tr)
	}
	if len(s.Bans) != 2 || s.Bans[0].ShadowedBy.String() != "/etc/condor-ce/my_mapfile:1" || !s.Bans[1].ShadowedBy.IsZero() {
		t.Errorf("bans = %+v", s.Bans)
	}
}

// TestCorpus runs every real HTCondor-CE config and mapfile of the corpus
// through the reader as a site file: no panic, templates reported.
func TestCorpus(t *testing.T) {
	files := testkit.Corpus(t, "htcondor-ce", "*")
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "REFERENCE") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(base, func(t *testing.T) {
			target := "/etc/condor-ce/config.d/50-site.conf"
			if strings.Contains(base, "mapfile") {
				target = "/etc/condor-ce/condor_mapfile"
			}
			svcs, err := Read(testkit.Host(t, "ce.example.org", map[string]string{"/etc/condor-ce/condor_config": "", target: string(data)}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %+v, %v", svcs, err)
			}
			if strings.HasPrefix(base, "TEMPLATE-") && strings.Contains(string(data), "<%") && len(svcs[0].Problems) == 0 {
				t.Error("template read without a problem")
			}
		})
	}
}

// TestCommandsNeverRun: HTCondor-CE's own router-defaults generator is a
// note (it prints JOB_ROUTER_* only); any other command whose output would
// be read as configuration is a problem that can hide token trust.
func TestCommandsNeverRun(t *testing.T) {
	tests := []struct {
		name, conf     string
		wantUnaffected bool
		wantReason     string
	}{
		{"vendor router defaults", "LOCAL_CONFIG_FILE = /usr/share/condor-ce/condor_ce_router_defaults|\n", true, "job-router defaults generator"},
		{"site command", "LOCAL_CONFIG_FILE = /usr/local/bin/make-ce-config --all |\n", false, `"/usr/local/bin/make-ce-config --all" and reads its output as configuration`},
		{"include command", "include command : /usr/local/bin/make-ce-config\n", false, "include command runs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "ce.example.org", map[string]string{
				MainConfig:                          "LOCAL_CONFIG_DIR = /etc/condor-ce/config.d\n",
				"/etc/condor-ce/config.d/01-x.conf": tc.conf,
			}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %v, %v", svcs, err)
			}
			var got []inventory.Problem
			for _, p := range svcs[0].Problems {
				if strings.Contains(p.Reason, "runs") {
					got = append(got, p)
				}
			}
			if len(got) != 1 || got[0].TrustUnaffected != tc.wantUnaffected || !strings.Contains(got[0].Reason, tc.wantReason) || got[0].Source.String() != "/etc/condor-ce/config.d/01-x.conf:1" {
				t.Errorf("problems = %+v", got)
			}
		})
	}
}
