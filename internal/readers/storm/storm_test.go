package storm

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/readers/hostfacts"
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
	// orgsGrantWritePermission absent: the code's default (true) applies,
	// but without the read grant it opens nothing (writes need both).
	if tr.HasStrategy(inventory.StrategyIssuerWide) {
		t.Errorf("a write grant without the read grant taken as access: %+v", tr)
	}
	h = testkit.Host(t, "storm.example.org", map[string]string{
		ApplicationYML:              "oauth:\n  issuers:\n  - name: a\n    issuer: https://atlas-auth.cern.ch/\n",
		SADir + "/atlas.properties": "name=atlas\naccessPoints=/atlas\norgs=https://atlas-auth.cern.ch/\n",
	})
	svcs, _ = Read(h)
	tr = svcs[0].Trusts[0]
	if !tr.HasStrategy(inventory.StrategyIssuerWide) || tr.WideGrant != "read and write access to storage area atlas" || tr.StrategySource.Line != 3 || !strings.HasSuffix(tr.StrategySource.File, "atlas.properties") {
		// At the orgs line (3), which hands the area to the issuer.
		t.Errorf("absent orgsGrant*Permission not taken as true: %+v", tr)
	}
}

func TestEnvironment(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"drop-in quoting", map[string]string{SystemdDropIns + "/storm-webdav.conf": "[Service]\nEnvironment=\"A=1\" B=2 \"C=x y\"\nEnvironment=D=a\"b c\"d \"\" E=\n"},
			"A=1|B=2|C=x y|D=ab cd|E="},
		// Tabs do not separate, as this reader always had it.
		{"tab", map[string]string{SystemdDropIns + "/storm-webdav.conf": "Environment=A=1\tB=2\n"}, "A=1\tB=2"},
		{"drop-in wins over sysconfig", map[string]string{Sysconfig: "export A=\"old\"\n# B=no\nC='c'\n", SystemdDropIns + "/x.conf": "Environment=A=new\n"},
			"A=new|C=c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := environment(testkit.Host(t, "storm.example.org", tc.files), &inventory.Service{})
			var got []string
			for k, v := range env {
				got = append(got, k+"="+v)
			}
			sort.Strings(got)
			if strings.Join(got, "|") != tc.want {
				t.Errorf("environment = %q, want %q", strings.Join(got, "|"), tc.want)
			}
		})
	}
}

// TestUnitEnvironment reads the environment as systemd builds it for the
// unit on the host: an /etc/sysconfig file the unit does not load never
// reaches StoRM, and the scan says so; an EnvironmentFile= it does load
// counts, with later lines winning as in systemd.
func TestUnitEnvironment(t *testing.T) {
	const unitFile = "/usr/lib/systemd/system/storm-webdav.service"
	yml := "oauth:\n  issuers:\n  - name: a\n    issuer: https://atlas-auth.cern.ch/\n    enforce-audience-checks: ${AUD_CHECK:false}\n    audiences:\n    - https://storm.example.org\n"
	tests := []struct {
		name    string
		files   map[string]string
		checked bool   // enforce-audience-checks as StoRM resolves it
		note    string // fragment of the note about an ignored file
	}{
		{"unit without EnvironmentFile ignores sysconfig", map[string]string{
			unitFile: "[Service]\nExecStart=java -jar x\n", Sysconfig: "AUD_CHECK=true\n",
		}, false, "/etc/sysconfig/storm-webdav is not read: storm-webdav.service (/usr/lib/systemd/system/storm-webdav.service) loads no EnvironmentFile= naming it"},
		{"drop-in sets it", map[string]string{
			unitFile: "[Service]\nExecStart=java -jar x\n", SystemdDropIns + "/storm-webdav.conf": "[Service]\nEnvironment=\"AUD_CHECK=true\"\n",
		}, true, ""},
		{"unit loading sysconfig", map[string]string{
			unitFile: "[Service]\nEnvironmentFile=-/etc/sysconfig/storm-webdav\nExecStart=java -jar x\n", Sysconfig: "AUD_CHECK=true\n",
		}, true, ""},
		{"no unit on the host: sysconfig as meant", map[string]string{Sysconfig: "AUD_CHECK=true\n"}, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.files[ApplicationYML] = yml
			tc.files[SADir+"/atlas.properties"] = "name=atlas\naccessPoints=/atlas\norgs=https://atlas-auth.cern.ch/\nwlcgScopeAuthzEnabled=true\n"
			h := testkit.Host(t, "storm.example.org", tc.files)
			h.Unit = func(name string) inventory.Unit { return hostfacts.Unit(h.FS, name, h.Name) }
			svcs, err := Read(h)
			if err != nil || len(svcs) != 1 || len(svcs[0].Trusts) != 1 {
				t.Fatalf("Read = %+v %v", svcs, err)
			}
			if got := svcs[0].Trusts[0].AudienceChecked; got != tc.checked {
				t.Errorf("audience checked = %v, want %v", got, tc.checked)
			}
			var notes []string
			for _, p := range svcs[0].Problems {
				notes = append(notes, p.Reason)
				if !p.TrustUnaffected {
					t.Errorf("an ignored environment file is a note, not an unread config: %+v", p)
				}
			}
			if got := strings.Join(notes, "\n"); (tc.note == "") != (got == "") || !strings.Contains(got, tc.note) {
				t.Errorf("notes = %q, want %q", got, tc.note)
			}
		})
	}
}

// TestPoliciesNeedFineGrainedAuthz: a storage area evaluates
// storm.authz.policies only with fineGrainedAuthzEnabled=true
// (FineGrainedAuthzManager abstains otherwise): there a deny bans nobody
// and a permit to anyone opens nothing.
func TestPoliciesNeedFineGrainedAuthz(t *testing.T) {
	const policies = "storm:\n  authz:\n    policies:\n" +
		"    - sa: atlas\n      actions: [write, delete]\n      effect: deny\n      description: ban\n      principals:\n      - type: jwt-subject\n        params:\n          iss: https://atlas-auth.cern.ch/\n          sub: 0a1b2c3d\n" +
		"    - sa: atlas\n      actions: [all]\n      effect: permit\n      description: open\n      principals:\n      - type: anyone\n"
	for _, tc := range []struct {
		name, props, inert string
		open               bool
	}{
		{"fine-grained on", "fineGrainedAuthzEnabled=true\n", "", true},
		{"fine-grained off by default", "", "storage area atlas does not evaluate policies: fineGrainedAuthzEnabled is not true (/etc/storm/webdav/sa.d/atlas.properties)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "storm.example.org", map[string]string{
				ApplicationYML:              policies,
				SADir + "/atlas.properties": "name=atlas\naccessPoints=/atlas\n" + tc.props,
			}))
			if err != nil || len(svcs) != 1 || len(svcs[0].Bans) != 1 {
				t.Fatalf("Read = %+v, %v", svcs, err)
			}
			if got := svcs[0].Bans[0].Inert; got != tc.inert {
				t.Errorf("inert = %q, want %q", got, tc.inert)
			}
			_, open := svcs[0].Setting("open-access")
			if open != tc.open {
				t.Errorf("open-access = %v, want %v", open, tc.open)
			}
		})
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

// TestPolicyBans: StoRM applies the first policy that applies, so a deny
// after a permit for the same requests never applies to them.
func TestPolicyBans(t *testing.T) {
	const head = "storm:\n  authz:\n    policies:\n"
	const permitIssuer = "    - sa: atlas\n      actions: [all]\n      effect: permit\n      description: ATLAS tokens\n      principals:\n      - type: jwt-issuer\n        params:\n          iss: https://atlas-auth.cern.ch/\n"
	const denySubject = "    - sa: atlas\n      actions: [write, delete]\n      effect: deny\n      description: ban a stolen robot token\n      principals:\n      - type: jwt-subject\n        params:\n          iss: https://atlas-auth.cern.ch/\n          sub: 0a1b2c3d\n"
	const permitRead = "    - sa: atlas\n      actions: [list, read]\n      effect: permit\n      description: public read\n      paths: [/public/**]\n      principals:\n      - type: anyone\n"
	const permitGroup = "    - sa: atlas\n      actions: [all]\n      effect: permit\n      description: production group\n      principals:\n      - type: jwt-group\n        params:\n          iss: https://atlas-auth.cern.ch/\n          group: /atlas/production\n"
	tests := []struct {
		name, policies, want string
	}{
		{"deny after a permit for the whole issuer", permitIssuer + denySubject,
			"deny policy \"ban a stolen robot token\" (jwt-subject iss=https://atlas-auth.cern.ch/ sub=0a1b2c3d)|line 4|partly false|a token of https://atlas-auth.cern.ch/ with subject 0a1b2c3d doing write/delete on every path of storage area atlas"},
		{"deny first works", denySubject + permitIssuer, ""},
		{"a permit for other actions and paths does not shadow", permitRead + denySubject, ""},
		{"a deny for the whole VO after the permits is the default rule, not a ban", permitIssuer + "    - sa: atlas\n      actions: [all]\n      effect: deny\n      description: deny the rest\n      principals:\n      - type: vo\n        params:\n          vo: atlas\n", ""},
		{"a permit for a group the subject may hold shadows partly", permitGroup + denySubject, "deny policy \"ban a stolen robot token\" (jwt-subject iss=https://atlas-auth.cern.ch/ sub=0a1b2c3d)|line 4|partly true|a token of https://atlas-auth.cern.ch/ with subject 0a1b2c3d doing write/delete on every path of storage area atlas"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "storm.example.org", map[string]string{ApplicationYML: head + tc.policies}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %v, %v", svcs, err)
			}
			var got []string
			for _, b := range svcs[0].Bans {
				if !b.ShadowedBy.IsZero() {
					got = append(got, fmt.Sprintf("%s|line %d|partly %v|%s", b.Identity, b.ShadowedBy.Line, b.Partly, b.SlipsThrough))
				}
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("shadowed =\n%s\nwant\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
}
