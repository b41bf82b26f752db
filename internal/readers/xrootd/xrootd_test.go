package xrootd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/readers"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/xrootdcfg"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

const sci = "[Global]\naudience = https://xrd.example.org:1094\n\n[Issuer ATLAS]\nissuer = https://atlas-auth.cern.ch/\nbase_path = /data/atlas\ndefault_user = xrootd\n"

func TestRead(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		check func(t *testing.T, svcs []inventory.Service)
	}{
		{"no /etc/xrootd: not installed", map[string]string{"/etc/hostname": "x\n"}, func(t *testing.T, svcs []inventory.Service) {
			if len(svcs) != 0 {
				t.Errorf("services = %+v", svcs)
			}
		}},
		{"instances; scitokens.cfg is no instance", map[string]string{
			"/etc/xrootd/xrootd-clustered.cfg": "all.export /data\n", "/etc/xrootd/other.cfg": "all.export /x\n",
			"/etc/xrootd/scitokens.cfg": sci, "/etc/xrootd/renamed-tokens.cfg": "# tokens\n" + sci,
		}, func(t *testing.T, svcs []inventory.Service) {
			var names []string
			for _, s := range svcs {
				names = append(names, s.Instance)
				if s.TokensEnabled {
					t.Errorf("%s: tokens enabled without the plugin", s.Instance)
				}
			}
			if strings.Join(names, " ") != "other clustered" { // file order
				t.Errorf("instances = %v", names)
			}
		}},
		{"default plugin config and the trust", map[string]string{
			"/etc/xrootd/xrootd-a.cfg":  "all.export /data\nofs.authorize 1\nofs.authlib ++ libXrdAccSciTokens.so\n",
			"/etc/xrootd/scitokens.cfg": sci,
		}, func(t *testing.T, svcs []inventory.Service) {
			s := svcs[0]
			if !s.TokensEnabled || s.TokensSource.String() != "/etc/xrootd/xrootd-a.cfg:3" || len(s.Trusts) != 1 {
				t.Fatalf("service = %+v", s)
			}
			tr := s.Trusts[0]
			if tr.Issuer != "https://atlas-auth.cern.ch/" || tr.Source.String() != "/etc/xrootd/scitokens.cfg:5" || !tr.AnySubject ||
				!tr.AudienceChecked || tr.AudienceSource.Line != 2 || tr.Account != "xrootd" || tr.AccountSource.Line != 7 ||
				strings.Join(tr.BasePaths, ",") != "/data/atlas" || tr.PathSource.Line != 6 ||
				strings.Join(strategies(tr), " ") != "capability" || tr.StrategySource.Line != 4 {
				t.Errorf("trust = %+v", tr)
			}
			if on, _ := s.Setting("scitokens.onmissing"); strings.Join(on.Values, "") != "passthrough" || on.Source.Line != 0 {
				t.Errorf("onmissing = %+v", on)
			}
		}},
		{"config= elsewhere, ztn, settings", map[string]string{
			"/etc/xrootd/xrootd-a.cfg": "set cfg = /opt/tok.ini\nall.role server\nall.role manager\nxrootd.trace all\nxrootd.trace -all\nhttp.header2cgi Authorization authz\nsec.protocol ztn\nofs.authlib libXrdAccSciTokens.so config=$(cfg)\n",
			"/opt/tok.ini":             sci,
		}, func(t *testing.T, svcs []inventory.Service) {
			s := svcs[0]
			if len(s.Trusts) != 1 || !strings.Contains(strings.Join(s.ConfigFiles, " "), "/opt/tok.ini") {
				t.Fatalf("service = %+v", s)
			}
			role, _ := s.Setting("all.role")
			trace, _ := s.Setting("xrootd.trace")
			if strings.Join(role.Values, " ") != "manager" || role.Source.Line != 3 || strings.Join(trace.Values, " ") != "-all" || trace.Source.Line != 5 {
				t.Errorf("role %+v trace %+v", role, trace)
			}
		}},
		// Each trace directive replaces the one before it (xtrace stores
		// its options whole); pss.debug has none and is "on".
		{"a repeated trace directive replaces the earlier one", map[string]string{
			"/etc/xrootd/xrootd-a.cfg": "http.trace debug\nxrootd.trace fs\nhttp.trace auth\npss.trace all\npss.debug\nxrd.trace off\nxrd.trace conn\n",
		}, func(t *testing.T, svcs []inventory.Service) {
			var got []string
			for _, st := range svcs[0].Settings {
				got = append(got, fmt.Sprintf("%s=%s@%d", st.Key, strings.Join(st.Values, " "), st.Source.Line))
			}
			if want := "http.trace=auth@3 xrootd.trace=fs@2 pss.trace=all@4 pss.debug=on@5 xrd.trace=conn@7"; strings.Join(got, " ") != want {
				t.Errorf("settings = %s, want %s", strings.Join(got, " "), want)
			}
		}},
		{"ztn alone enables tokens", map[string]string{"/etc/xrootd/xrootd-a.cfg": "sec.protocol ztn\n"}, func(t *testing.T, svcs []inventory.Service) {
			if !svcs[0].TokensEnabled || svcs[0].TokensSource.Line != 1 {
				t.Errorf("service = %+v", svcs[0])
			}
		}},
		// What xrootd 5.5.3 does (LIVE.md): default_user applies only to
		// scope-authorized requests, so authdb rights for it are not
		// issuer-wide, but the name stays on the connection.
		{"authdb rights for the default user are carried over, not issuer-wide", map[string]string{
			"/etc/xrootd/xrootd-a.cfg":  "acc.authdb /etc/xrootd/auth_file\nofs.authlib ++ libXrdAccSciTokens.so\n",
			"/etc/xrootd/auth_file":     "u xrootd /data a\n",
			"/etc/xrootd/scitokens.cfg": sci,
		}, func(t *testing.T, svcs []inventory.Service) {
			tr := svcs[0].Trusts[0]
			if tr.HasStrategy(inventory.StrategyIssuerWide) || tr.CarriedAccount != "xrootd" || tr.CarriedSource.String() != "/etc/xrootd/auth_file:1" || !tr.AccountNameOnly {
				t.Errorf("trust = %+v", tr)
			}
			// No group rule and no mapfile: the group and mapping
			// strategies authorize nothing.
			if strings.Join(strategies(tr), " ") != "capability" {
				t.Errorf("strategies = %v", strategies(tr))
			}
		}},
		{"an authdb organisation rule is issuer-wide", map[string]string{
			"/etc/xrootd/xrootd-a.cfg":  "acc.authdb /etc/xrootd/auth_file\nofs.authlib ++ libXrdAccSciTokens.so\n",
			"/etc/xrootd/auth_file":     "o https://atlas-auth.cern.ch/ /data/atlas lr\n",
			"/etc/xrootd/scitokens.cfg": sci + "authorization_strategy = capability\n",
		}, func(t *testing.T, svcs []inventory.Service) {
			tr := svcs[0].Trusts[0]
			if !tr.HasStrategy(inventory.StrategyIssuerWide) || tr.StrategySource.String() != "/etc/xrootd/auth_file:1" || !strings.Contains(tr.WideGrant, "/data/atlas lr") {
				t.Errorf("trust = %+v", tr)
			}
		}},
		{"a catch-all name_mapfile rule is issuer-wide; group rules make groups authorize", map[string]string{
			"/etc/xrootd/xrootd-a.cfg":  "acc.authdb /etc/xrootd/auth_file\nofs.authlib ++ libXrdAccSciTokens.so\n",
			"/etc/xrootd/auth_file":     "u xrootd /data a\n",
			"/etc/xrootd/map.json":      `[{"group": "/atlas/production", "result": "prod"}, {"result": "xrootd"}]`,
			"/etc/xrootd/scitokens.cfg": sci + "name_mapfile = /etc/xrootd/map.json\n",
		}, func(t *testing.T, svcs []inventory.Service) {
			tr := svcs[0].Trusts[0]
			if !tr.HasStrategy(inventory.StrategyIssuerWide) || !strings.Contains(tr.WideGrant, "rights of xrootd") || strings.Join(strategies(tr), " ") != "capability group mapping issuer-wide" {
				t.Errorf("trust = %+v", tr)
			}
		}},
		{"the multiuser plugin makes the name a local user", map[string]string{
			"/etc/xrootd/xrootd-a.cfg":  "ofs.osslib ++ libXrdMultiuser.so\nofs.authlib ++ libXrdAccSciTokens.so\n",
			"/etc/xrootd/scitokens.cfg": sci,
		}, func(t *testing.T, svcs []inventory.Service) {
			if tr := svcs[0].Trusts[0]; tr.AccountNameOnly || tr.Account != "xrootd" {
				t.Errorf("trust = %+v", tr)
			}
		}},
		{"missing plugin config and name_mapfile", map[string]string{
			"/etc/xrootd/xrootd-a.cfg":  "ofs.authlib ++ libXrdAccSciTokens.so config=/nope.cfg\n",
			"/etc/xrootd/xrootd-b.cfg":  "ofs.authlib ++ libXrdAccSciTokens.so\n",
			"/etc/xrootd/scitokens.cfg": sci + "name_mapfile = /etc/xrootd/map.json\n",
		}, func(t *testing.T, svcs []inventory.Service) {
			if len(svcs[0].Problems) != 1 || svcs[0].Problems[0].Source.File != "/nope.cfg" {
				t.Errorf("a: problems %+v", svcs[0].Problems)
			}
			if len(svcs[1].Problems) != 1 || !strings.Contains(svcs[1].Problems[0].Reason, "name_mapfile") {
				t.Errorf("b: problems %+v", svcs[1].Problems)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "xrd.example.org", tc.files))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, svcs)
		})
	}
}

func strategies(t inventory.Trust) []string {
	var s []string
	for _, x := range t.Strategies {
		s = append(s, string(x))
	}
	return s
}

// TestEOSMGMCorpus adapts the EOS MGM config of the EOS docs with its
// scitokens.cfg: the same reader serves EOS (issue: EOS reader).
func TestEOSMGMCorpus(t *testing.T) {
	mgm, err1 := os.ReadFile(testkit.SharedPath(t, "corpus", "eos", "doc-mgm-http-token-xrd.cf.mgm"))
	st, err2 := os.ReadFile(testkit.SharedPath(t, "corpus", "eos", "doc-scitokens.cfg"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	h := testkit.Host(t, "xrd.example.org", map[string]string{"/etc/xrd.cf.mgm": string(mgm), "/etc/xrootd/scitokens.cfg": string(st)})
	cfg := xrootdcfg.Parse(h.FS, "/etc/xrd.cf.mgm", xrootdcfg.Options{Host: h.Name, Program: "xrootd"})
	svc := Adapt(h, "eos", "", cfg)
	if !svc.TokensEnabled || len(svc.Trusts) != 1 {
		t.Fatalf("EOS MGM read as %+v", svc)
	}
	if tr := svc.Trusts[0]; tr.Issuer != "https://wlcg.cloud.cnaf.infn.it/" || strings.Join(tr.BasePaths, ",") != "/" || tr.Account != "dteam001" {
		t.Errorf("trust = %+v", tr)
	}
	if trace, ok := svc.Setting("http.trace"); !ok || !strings.Contains(strings.Join(trace.Values, " "), "all") {
		t.Errorf("http.trace not read: %+v", svc.Settings)
	}
}

// TestCorpusConfigs reads every xrootd-language file of the corpus as an
// instance config: no panic, and every directive keeps its line.
func TestCorpusConfigs(t *testing.T) {
	files := testkit.Corpus(t, "xrootd", "*.cfg*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			h := testkit.Host(t, "xrd.example.org", map[string]string{"/etc/xrootd/xrootd-c.cfg": string(data)})
			svcs, err := Read(h)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range svcs {
				for _, st := range s.Settings {
					if st.Source.Line == 0 && st.Key != "scitokens.onmissing" {
						t.Errorf("setting %s without a line", st.Key)
					}
				}
			}
		})
	}
}

// FuzzRead feeds arbitrary instance configs, plugin configs and authdbs
// through the whole reader: it must never panic, and every trust it
// reports names an issuer and where it came from.
func FuzzRead(f *testing.F) {
	f.Add([]byte("acc.authdb /etc/xrootd/auth_file\nofs.authlib ++ libXrdAccSciTokens.so\n"), []byte(sci), []byte("u xrootd /data a\nu * /x -rw\n"))
	f.Add([]byte("sec.protocol ztn\nofs.authlib libXrdAccSciTokens.so config=/etc/xrootd/scitokens.cfg\n"), []byte("[Issuer A]\nissuer=x\nbase_path=,\n"), []byte("u"))
	// The hostile-input suite's shapes, small: a substitution bomb, an
	// authdb of many compound identities.
	f.Add([]byte("set a = "+strings.Repeat("x", 500)+"\nacc.authdb /etc/xrootd/auth_file\nofs.authlib ++ libXrdAccSciTokens.so\nall.export"+strings.Repeat(" $a", 300)+"\n"), []byte(sci), []byte(strings.Repeat("= g o: https://a/\nx g /d a\n", 100)))
	// One tree per worker, rewritten for each input: a temporary tree per
	// input makes fuzzing, and the minimising of a large input, crawl.
	tree := testkit.NewFuzzTree(f)
	f.Fuzz(func(t *testing.T, cfg, st, authdb []byte) {
		h := readers.Host{Name: "xrd.example.org", FS: tree.Write(t, map[string][]byte{"/etc/xrootd/xrootd-f.cfg": cfg, "/etc/xrootd/scitokens.cfg": st, "/etc/xrootd/auth_file": authdb})}
		svcs, err := Read(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range svcs {
			for _, tr := range s.Trusts {
				if tr.Issuer == "" || tr.Source.IsZero() {
					t.Fatalf("trust without issuer or source: %+v", tr)
				}
			}
		}
	})
}

// TestMacaroonLifetime: the longest macaroon an instance mints or
// accepts, as XrdMacaroons reads macaroons.maxduration.
func TestMacaroonLifetime(t *testing.T) {
	tests := []struct {
		name, cfg string
		want      string // "" when nothing is recorded
	}{
		{"no macaroons", "macaroons.maxduration 3600\n", ""},
		{"handler, default 24 h", "xrd.protocol XrdHttp:1094 libXrdHttp.so\nhttp.exthandler xrdmacaroons libXrdMacaroons.so\n", "86400 macaroons.maxduration@2"},
		{"authorization library, default", "ofs.authlib ++ libXrdMacaroons.so\n", "86400 macaroons.maxduration@1"},
		{"EOS MGM", "mgmofs.macaroonslib /usr/lib64/libXrdMacaroons.so /usr/lib64/libXrdAccSciTokens.so\n", "86400 macaroons.maxduration@1"},
		// The production XCache of issue 19: about 371 days.
		{"XCache maxduration", "http.exthandler xrdmacaroons libXrdMacaroons.so\nmacaroons.maxduration 32054400\n", "32054400@2"},
		{"the last one wins", "macaroons.maxduration 600\nofs.authlib ++ libXrdMacaroons.so\nmacaroons.maxduration 90000\n", "90000@3"},
		// strtoll takes the leading integer; 0 or less sets no limit.
		{"leading integer", "ofs.authlib ++ libXrdMacaroons.so\nmacaroons.maxduration 3600s\n", "3600@2"},
		{"no limit", "ofs.authlib ++ libXrdMacaroons.so\nmacaroons.maxduration -1\n", "0@2"},
		{"not a number: refused", "ofs.authlib ++ libXrdMacaroons.so\nmacaroons.maxduration forever\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svcs, err := Read(testkit.Host(t, "xrd.example.org", map[string]string{"/etc/xrootd/xrootd-a.cfg": tc.cfg}))
			if err != nil || len(svcs) != 1 {
				t.Fatalf("Read = %v, %v", svcs, err)
			}
			got := ""
			if s, ok := svcs[0].Setting("macaroon.max-lifetime-seconds"); ok {
				got = fmt.Sprintf("%s@%d", strings.Join(s.Values, " "), s.Source.Line)
			}
			if got != tc.want {
				t.Errorf("macaroon lifetime = %q, want %q", got, tc.want)
			}
		})
	}
}
