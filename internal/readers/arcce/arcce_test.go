package arcce

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/readers/hostfacts"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func setting(s inventory.Service, key string) string {
	v, _ := s.Setting(key)
	return strings.Join(v.Values, " ")
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"dpkg database wins", map[string]string{"/etc/arc.conf": "[authtokens]\n", "/var/lib/dpkg/status": "Package: other\nVersion: 1.0\n\nPackage: nordugrid-arc-arex\nStatus: install ok installed\nVersion: 7.1.1-1\n"}, "7"},
		{"authtokensgen means 7", map[string]string{"/etc/arc.conf": "[authgroup:a]\nauthtokensgen = iss=\"x\"\n"}, "7"},
		{"[authtokens] means 6", map[string]string{"/etc/arc.conf": "[authtokens]\n"}, "6"},
		{"unknown", map[string]string{"/etc/arc.conf": "[common]\n"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testkit.Host(t, "arc.example.org", tc.files)
			// The packages the tree records, as the scan gives them.
			h.Packages, _ = hostfacts.Packages(h.FS)
			svcs, err := Read(h)
			if err != nil || len(svcs) != 1 {
				t.Fatal(svcs, err)
			}
			if got := setting(svcs[0], "arc.version"); got != tc.want {
				t.Errorf("version = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTrustsAndAccess(t *testing.T) {
	conf := `[authtokens]
[authgroup: pilots]
-authtokens = bad https://atlas-auth.cern.ch/ * * *
authtokens = 7dee https://atlas-auth.cern.ch/ https://arc.example.org compute.create *
authtokens = * https://dteam-auth.cern.ch/ * * *
-authtokens = late https://dteam-auth.cern.ch/ * * *
[mapping]
map_to_user = pilots atlasprd:atlas
[arex/ws/jobs]
allowaccess = pilots
denyaccess = pilots
denyaccess = ghost
`
	svcs, err := Read(testkit.Host(t, "arc.example.org", map[string]string{"/etc/arc.conf": conf}))
	if err != nil || len(svcs) != 1 {
		t.Fatal(svcs, err)
	}
	s := svcs[0]
	if !s.TokensEnabled || len(s.Trusts) != 2 {
		t.Fatalf("service = %+v", s)
	}
	a, d := s.Trusts[0], s.Trusts[1]
	if a.Issuer != "https://atlas-auth.cern.ch/" || strings.Join(a.Subjects, "") != "7dee" || !a.AudienceChecked || a.Account != "atlasprd" || a.AccountSource.Line != 8 || !a.HasStrategy(inventory.StrategyCapability) || a.HasStrategy(inventory.StrategyIssuerWide) {
		t.Errorf("pinned trust = %+v", a)
	}
	if !d.AnySubject || d.AudienceChecked || !d.HasStrategy(inventory.StrategyIssuerWide) {
		t.Errorf("issuer-only trust = %+v", d)
	}
	// The ban before the positive rule works; the one after the issuer-wide
	// rule is shadowed; the denyaccess after allowaccess of the same group
	// is shadowed.
	var shadowed []int
	for _, b := range s.Bans {
		if !b.ShadowedBy.IsZero() {
			shadowed = append(shadowed, b.Source.Line)
		}
	}
	if len(s.Bans) < 3 || len(shadowed) < 2 || shadowed[0] != 6 || shadowed[1] != 11 {
		t.Errorf("bans = %+v", s.Bans)
	}
	if len(s.Dangling) != 1 || s.Dangling[0].Name != "authgroup ghost" || s.Dangling[0].Source.Line != 12 {
		t.Errorf("dangling = %+v", s.Dangling)
	}
	if got := setting(s, "arex/ws/jobs.access"); got != "allowaccess:pilots denyaccess:pilots denyaccess:ghost" {
		t.Errorf("access = %q", got)
	}
}

// TestCorpus reads every real arc.conf: no panic; unrendered templates
// are reported.
func TestCorpus(t *testing.T) {
	files := testkit.Corpus(t, "arc", "*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "arc.example.org", map[string]string{"/etc/arc.conf": string(data)}))
			if err != nil || len(svcs) != 1 {
				t.Fatal(svcs, err)
			}
			if strings.HasPrefix(filepath.Base(f), "TEMPLATE-") && len(svcs[0].Problems) == 0 {
				t.Error("template read without a problem")
			}
		})
	}
}

// TestBansWithOverlaps: a ban is dead for every token an earlier rule
// already decides, fully when that rule admits all the ban targets,
// partly when the rules only overlap; the finding names a token that
// slips through.
func TestBansWithOverlaps(t *testing.T) {
	const atlas, dteam = "https://atlas-auth.cern.ch/", "https://dteam-auth.cern.ch/"
	tests := []struct {
		name, conf string
		want       string // "identity|shadowed by line|partly|slips through", "" for no shadowed ban
	}{
		{"ban after a broader rule in one authgroup", "[authgroup: a]\nauthtokens = * " + atlas + " * * *\n-authtokens = bad " + atlas + " * * *\n",
			"sub bad iss " + atlas + "|2|false|sub bad, iss " + atlas + ", aud any, scope any, wlcg.groups any"},
		{"ban first works", "[authgroup: a]\n-authtokens = bad " + atlas + " * * *\nauthtokens = * " + atlas + " * * *\n", ""},
		{"deny after an overlapping allow (narrower audience)", "[authgroup: ok]\nauthtokens = * " + atlas + " https://ce:443 * *\n[authgroup: banned]\nauthtokens = bad " + atlas + " * * *\n[arex/ws/jobs]\nallowaccess = ok\ndenyaccess = banned\n",
			"denyaccess banned: sub bad iss " + atlas + "|6|true|sub bad, iss " + atlas + ", aud https://ce:443, scope any, wlcg.groups any"},
		{"deny of another issuer is not shadowed", "[authgroup: ok]\nauthtokens = * " + atlas + " * * *\n[authgroup: banned]\nauthtokens = bad " + dteam + " * * *\n[arex/ws/jobs]\nallowaccess = ok\ndenyaccess = banned\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "arc.example.org", map[string]string{ConfigFile: tc.conf}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %v, %v", svcs, err)
			}
			var got []string
			for _, b := range svcs[0].Bans {
				if !b.ShadowedBy.IsZero() {
					got = append(got, fmt.Sprintf("%s|%d|%v|%s", b.Identity, b.ShadowedBy.Line, b.Partly, b.SlipsThrough))
				}
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("shadowed bans =\n%s\nwant\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
}
