package scan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/catalog"
	"github.com/ttt-wg/ttt-check/internal/reference"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// stockHosts are the vendors' packaged configs of every service, without
// any token setup (fixtures/hosts/<svc>-stock).
var stockHosts = map[string]string{
	"xrootd":       "xrootd-stock",
	"eos":          "eos-stock",
	"htcondor-ce":  "htcondor-ce-stock",
	"arc-ce":       "arc-ce-stock",
	"dcache":       "dcache-stock",
	"storm-webdav": "storm-webdav-stock",
}

// layReference writes a rendered reference configuration into a host
// tree: whole files replace the host's, "append" files are added to the
// end of the host's file (created when absent).
func layReference(t *testing.T, root string, ref *catalog.Reference) {
	t.Helper()
	for _, f := range ref.Files {
		real := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
			t.Fatal(err)
		}
		data := []byte(f.Content)
		if f.Mode == "append" {
			old, err := os.ReadFile(real)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			if len(old) > 0 && !strings.HasSuffix(string(old), "\n") {
				old = append(old, '\n')
			}
			data = append(old, data...)
		}
		if err := os.WriteFile(real, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReferenceOnStockHost renders every service's reference
// configuration for its stock host (the vendor's packaged files, nothing
// of tokens), lays it over a copy of that host and scans the copy with
// every packaged instance judged as if it ran: the recipe's own output
// must scan clean (nothing at medium or above, nothing left unread) and
// trust every VO it was rendered for.
func TestReferenceOnStockHost(t *testing.T) {
	if len(stockHosts) != len(ServiceNames()) {
		t.Fatalf("a stock host for every service: %v vs %v", stockHosts, ServiceNames())
	}
	for _, svc := range ServiceNames() {
		t.Run(svc, func(t *testing.T) {
			root := testkit.CopyTree(t, filepath.Join(fixtures, stockHosts[svc]))
			s, err := New(Config{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := s.Reference(svc, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ref.Files) == 0 || len(ref.VOs) == 0 {
				t.Fatalf("empty reference: %+v", ref)
			}
			layReference(t, root, ref)
			s, err = New(Config{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium, AllInstances: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				if f.Status == vocab.StatusFail && (f.Severity >= vocab.Medium || f.Check == vocab.CheckScanIncomplete && f.Severity > vocab.Info) {
					t.Errorf("%s %s %s: %s", f.Severity, f.Check, f.Location(), f.Message)
				}
			}
			trusted := map[string]bool{}
			for _, is := range rep.Inventory.Services {
				if is.Name != svc {
					continue
				}
				for _, tr := range is.Trusts {
					trusted[tr.Issuer] = true
				}
			}
			set := embedded(t)
			for _, vo := range ref.VOs {
				// A compute element pins subjects; a VO that publishes none
				// is left for the site to pin (a commented line).
				if svc == "htcondor-ce" && len(set.VOs[vo].RobotSubjects) == 0 {
					continue
				}
				if !trusted[set.VOs[vo].Issuer] {
					t.Errorf("the rendered configuration does not trust %s (%s)", vo, set.VOs[vo].Issuer)
				}
			}
		})
	}
}

// TestReferenceChoices checks the choices a reference is rendered with:
// the VOs (given, from the profile, or the default), the host's own
// values, and the errors that name what is known.
func TestReferenceChoices(t *testing.T) {
	tests := []struct {
		name, host, service string
		vos                 []string
		wantVOs             string
		want, err           string
	}{
		{name: "profile VOs", host: "xrootd-wg-recipe", service: "xrootd", wantVOs: "atlas cms dteam", want: "base_path = /data/atlas"},
		{name: "default VOs without a profile", host: "xrootd-stock", service: "xrootd", wantVOs: "alice atlas cms dteam lhcb", want: "roots://se01.example.org:1094"},
		{name: "given VOs", host: "xrootd-stock", service: "xrootd", vos: []string{"dteam"}, wantVOs: "dteam", want: "[Issuer DTEAM]"},
		{name: "release lacks authorization_strategy", host: "xrootd-stock", service: "xrootd", vos: []string{"atlas"}, wantVOs: "atlas", want: "# authorization_strategy = capability\n# (read from XRootD 5.7.0 on; XRootD 5.5.3-1 ignores it)"},
		{name: "host area kept", host: "eos-wg-recipe", service: "eos", wantVOs: "atlas cms dteam", want: "base_path = /eos/atlas"},
		{name: "host http port", host: "eos-wg-recipe", service: "eos", wantVOs: "atlas cms dteam", want: "https://eosmgm.example.org:9000"},
		{name: "ARC 6 release", host: "arc-ce-stock", service: "arc-ce", vos: []string{"atlas"}, wantVOs: "atlas", want: "[authtokens]"},
		{name: "ARC 7 by its options", host: "arc7-wg-recipe", service: "arc-ce", wantVOs: "atlas cms dteam", want: "tokenscopes = wlcg"},
		{name: "a subject the host pins", host: "htcondor-ce-wg-recipe", service: "htcondor-ce", wantVOs: "atlas cms dteam", want: `SCITOKENS /^https\:\/\/dteam\-auth\.cern\.ch\/,3f0c7a52\-4c1e\-4e7b\-9a0d\-2b6f8e1d5c47$/ dteam001`},
		{name: "dcache prefix from the host", host: "dcache-wg-recipe", service: "dcache", wantVOs: "atlas cms dteam", want: "-prefix=/pnfs/example.org/data/cms"},
		{name: "unknown service", host: "xrootd-stock", service: "dpm", err: `unknown service "dpm" (known: arc-ce, dcache, eos, htcondor-ce, storm-webdav, xrootd)`},
		{name: "unknown VO", host: "xrootd-stock", service: "xrootd", vos: []string{"belle"}, err: `unknown VO "belle" (known: alice, atlas, cms, dteam, dune, egi, fermilab, lhcb, wlcg)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Root: filepath.Join(fixtures, tc.host)})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := s.Reference(tc.service, tc.vos)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				var unknown *reference.ErrUnknownService
				if tc.service == "dpm" && !errors.As(err, &unknown) {
					t.Errorf("unknown service is %T", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(ref.VOs, " "); got != tc.wantVOs {
				t.Errorf("VOs %q, want %q", got, tc.wantVOs)
			}
			var all strings.Builder
			for _, f := range ref.Files {
				all.WriteString(f.Content)
			}
			if !strings.Contains(all.String(), tc.want) {
				t.Errorf("rendered files lack %q:\n%s", tc.want, all.String())
			}
		})
	}
}
