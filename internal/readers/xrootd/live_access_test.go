package xrootd_test

import (
	"net/http"
	"testing"
)

// TestLiveOnMissing: onmissing passthrough, deny and allow, each with an
// auth_file that grants nothing and one that grants everybody read access
// to /data/atlas. authz-onmissing-allow claims allow authorizes every
// request whose token is missing or does not grant the operation.
func TestLiveOnMissing(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	read := kit.token(t, trustedIssuer, liveAudience, "storage.read:/")
	identity := kit.token(t, trustedIssuer, liveAudience, "openid")
	foreign := kit.token(t, untrustedIssuer, liveAudience, "storage.read:/")

	var names []string
	cfgs := map[string]liveConfig{}
	for _, om := range []string{"passthrough", "deny", "allow"} {
		for _, db := range []struct{ name, text string }{{"empty authdb", ""}, {"u * /data/atlas lr", "u * /data/atlas lr\n"}} {
			n := "onmissing = " + om + " + " + db.name
			names = append(names, n)
			cfgs[n] = liveConfig{SciTokens: atlasOnly("onmissing = "+om+"\n", "default_user = xrootd\nauthorization_strategy = capability\n"), AuthDB: db.text}
		}
	}
	hosts := startAll(t, kit, names, cfgs)
	hello := "/data/atlas/hello.txt"
	//                 passthrough  deny      allow
	seen := runCases(t, names, hosts, []liveCase{
		{"token whose scope authorizes the read", http.MethodGet, hello, read, []int{200, 200, 200, 200, 200, 200}},
		{"no token", http.MethodGet, hello, "", []int{403, 200, 403, 403, 200, 200}},
		{"token without storage scope", http.MethodGet, hello, identity, []int{403, 200, 403, 403, 200, 200}},
		// A token xrootd rejects counts as no token (GenerateAcls fails,
		// Access calls OnMissing).
		{"token of an untrusted issuer", http.MethodGet, hello, foreign, []int{403, 200, 403, 403, 200, 200}},
		{"no token, write", http.MethodPut, "/data/atlas/anon-HOST.txt", "", []int{403, 403, 403, 403, 200, 200}},
		{"no token, write outside every base_path", http.MethodPut, "/data/other/anon-HOST.txt", "", []int{403, 403, 403, 403, 200, 200}},
	})
	for _, n := range names {
		exposed := seen["no token, write"][n] == 200
		t.Run(n+"/ttt-check", func(t *testing.T) {
			tttSays(t, hosts[n], "authz-onmissing-allow", "a write without token succeeds", exposed)
		})
	}
}

// TestLiveAudience: audiences listed (xrootd-wg-recipe), listed with the
// WLCG any audience (xrootd-redirector), and none at all (xrootd-authz).
// audience-unchecked claims that without a list "a token minted for any
// other service is accepted"; audience-any that XRootD accepts the any
// audience whatever is configured.
func TestLiveAudience(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	listed := kit.token(t, trustedIssuer, liveAudience, "storage.read:/")
	other := kit.token(t, trustedIssuer, "https://elsewhere.example.org", "storage.read:/")
	wlcgAny := kit.token(t, trustedIssuer, anyAudience, "storage.read:/")
	anyWLCG := kit.token(t, trustedIssuer, "ANY", "storage.read:/")
	anySciTokens := mintArgs(t, kit.k, kit.cache, trustedIssuer, "--claim", "aud=ANY", "--claim", "scope=read:/", "--claim", "sub="+subject, "--profile", "scitokens2")
	// The WLCG and SciTokens 2.0 profiles require aud: a token without
	// one is a SciTokens 1.0 token.
	noAud := kit.signed(t, map[string]any{"iss": trustedIssuer, "scope": "read:/", "-aud": true, "-wlcg.ver": true})

	const (
		recipe  = "audience listed"
		withAny = "audience listed with " + anyAudience
		none    = "no audience"
	)
	names := []string{recipe, withAny, none}
	issuer := "default_user = xrootd\nauthorization_strategy = capability\n"
	hosts := startAll(t, kit, names, map[string]liveConfig{
		recipe:  {SciTokens: atlasOnly("", issuer)},
		withAny: {SciTokens: "[Global]\naudience = " + anyAudience + ", https://itest.example.org:1094, " + liveAudience + "\n\n[Issuer ATLAS]\nissuer = " + trustedIssuer + "\nbase_path = /data/atlas\n" + issuer},
		none:    {SciTokens: "[Global]\n\n[Issuer ATLAS]\nissuer = " + trustedIssuer + "\nbase_path = /data/atlas\n" + issuer},
	})
	hello := "/data/atlas/hello.txt"
	seen := runCases(t, names, hosts, []liveCase{
		{"aud listed", http.MethodGet, hello, listed, []int{200, 200, 403}},
		// scitokens-cpp checks a present aud claim even when no audience is
		// configured; only the any audiences pass then.
		{"aud of another service", http.MethodGet, hello, other, []int{403, 403, 403}},
		{"aud " + anyAudience + " (WLCG token)", http.MethodGet, hello, wlcgAny, []int{200, 200, 200}},
		{"aud ANY (SciTokens 2.0 token)", http.MethodGet, hello, anySciTokens, []int{200, 200, 200}},
		{"aud ANY (WLCG token)", http.MethodGet, hello, anyWLCG, []int{403, 403, 403}},
		// aud is a critical claim only when audiences are configured.
		{"no aud claim (SciTokens 1.0 token)", http.MethodGet, hello, noAud, []int{403, 403, 200}},
	})
	t.Run(none+"/ttt-check", func(t *testing.T) {
		tttSays(t, hosts[none], "audience-unchecked", "a token for another service is accepted", seen["aud of another service"][none] == 200)
	})
	t.Run(recipe+"/ttt-check", func(t *testing.T) {
		tttSays(t, hosts[recipe], "audience-unchecked", "a token for another service is accepted", seen["aud of another service"][recipe] == 200)
	})
	t.Run(withAny+"/ttt-check", func(t *testing.T) {
		tttSays(t, hosts[withAny], "audience-any", "a WLCG any-audience token is accepted", seen["aud "+anyAudience+" (WLCG token)"][withAny] == 200)
	})
}

// TestLivePaths: base_path = / (xrootd-authz's DTEAM) against a base path
// per VO (xrootd-wg-recipe), how 5.5.3 matches scope paths, and
// restricted_path.
func TestLivePaths(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	const dteam = "https://dteam-auth.cern.ch/"
	dteamRead := kit.token(t, dteam, liveAudience, "storage.read:/")
	dteamModify := kit.token(t, dteam, liveAudience, "storage.modify:/")
	// 5.5.3 gives storage.modify no stat, which an HTTP DELETE needs first.
	dteamRW := kit.token(t, dteam, liveAudience, "storage.read:/ storage.modify:/")
	atlasRead := kit.token(t, trustedIssuer, liveAudience, "storage.read:/")
	atlasPub := kit.token(t, trustedIssuer, liveAudience, "storage.read:/pub")
	atlasPublic := kit.token(t, trustedIssuer, liveAudience, "storage.read:/public")

	const (
		root       = "DTEAM base_path = /"
		perVO      = "DTEAM base_path = /data/dteam"
		restricted = "ATLAS restricted_path = /public"
	)
	names := []string{root, perVO, restricted}
	dteamCfg := func(base string) string {
		return atlasOnly("", "authorization_strategy = capability\n") +
			"\n[Issuer DTEAM]\nissuer = " + dteam + "\nbase_path = " + base + "\nauthorization_strategy = capability\n"
	}
	hosts := startAll(t, kit, names, map[string]liveConfig{
		root:       {SciTokens: dteamCfg("/")},
		perVO:      {SciTokens: dteamCfg("/data/dteam")},
		restricted: {SciTokens: atlasOnly("", "restricted_path = /public\nauthorization_strategy = capability\n")},
	})
	seen := runCases(t, names, hosts, []liveCase{
		{"DTEAM storage.read:/ reads its own area", http.MethodGet, "/data/dteam/d.txt", dteamRead, []int{200, 200, 403}},
		{"DTEAM storage.read:/ reads ATLAS data", http.MethodGet, "/data/atlas/hello.txt", dteamRead, []int{200, 403, 403}},
		{"DTEAM storage.modify:/ writes into ATLAS's area", http.MethodPut, "/data/atlas/dteam-HOST.txt", dteamModify, []int{200, 403, 403}},
		{"DTEAM storage.modify:/ alone cannot delete (no stat)", http.MethodDelete, "/data/atlas/delete-me.txt", dteamModify, []int{403, 403, 403}},
		{"DTEAM storage.read:/ storage.modify:/ deletes ATLAS data", http.MethodDelete, "/data/atlas/delete-me.txt", dteamRW, []int{200, 403, 403}},
		// 5.5.3 compares paths as strings (XrdAccRules::apply): base_path
		// /data/atlas also covers /data/atlas-other, scope /pub covers
		// /public.
		{"ATLAS storage.read:/ reads the sibling /data/atlas-other", http.MethodGet, "/data/atlas-other/secret.txt", atlasRead, []int{200, 200, 403}},
		{"ATLAS storage.read:/pub reads /data/atlas/public", http.MethodGet, "/data/atlas/public/pub.txt", atlasPub, []int{200, 200, 403}},
		// restricted_path in 5.5.3 keeps only scopes at or below it: a
		// storage.read:/ token loses everything.
		{"ATLAS storage.read:/ under restricted_path", http.MethodGet, "/data/atlas/hello.txt", atlasRead, []int{200, 200, 403}},
		{"ATLAS storage.read:/public under restricted_path", http.MethodGet, "/data/atlas/public/pub.txt", atlasPublic, []int{200, 200, 200}},
	})
	for _, n := range names[:2] {
		exposed := seen["DTEAM storage.read:/ reads ATLAS data"][n] == 200
		t.Run(n+"/ttt-check", func(t *testing.T) { tttSays(t, hosts[n], "storage-path-root", "DTEAM tokens read ATLAS data", exposed) })
	}
}

// TestLiveIssuers: the issuer sections of xrootd-issuers (retired ATLAS
// hostname, CMS without trailing slash, the development VO, an
// unsupported VO, site issuers, a typo) against xrootd-wg-recipe's.
// Trust is the exact iss string: what the issuer-* checks claim.
func TestLiveIssuers(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	tok := func(iss string) string { return kit.token(t, iss, liveAudience, "storage.read:/") }

	cases := []struct {
		check string
		liveCase
	}{
		{"issuer-near-miss", liveCase{"CMS token (iss with the slash)", http.MethodGet, "/data/cms/c.txt", tok("https://cms-auth.cern.ch/"), []int{403, 200, 403}}},
		{"issuer-near-miss", liveCase{"token whose iss lacks the slash", http.MethodGet, "/data/cms/c.txt", tok("https://cms-auth.cern.ch"), []int{200, 403, 403}}},
		{"issuer-near-miss", liveCase{"token whose iss is in demo's letter case", http.MethodGet, "/data/cms/c.txt", tok("https://CMS-auth.cern.ch/"), []int{403, 403, 200}}},
		{"issuer-near-miss", liveCase{"token of the typo issuer atlice-auth", http.MethodGet, "/data/alice/a.txt", tok("https://atlice-auth.cern.ch/"), []int{200, 403, 403}}},
		{"issuer-legacy", liveCase{"ATLAS token of the current hostname", http.MethodGet, "/data/atlas/hello.txt", tok(trustedIssuer), []int{403, 200, 403}}},
		{"issuer-legacy", liveCase{"token of the retired ATLAS hostname", http.MethodGet, "/data/atlas/hello.txt", tok("https://atlas-auth.web.cern.ch/"), []int{200, 403, 403}}},
		{"issuer-dev-vo", liveCase{"token of the development VO", http.MethodGet, "/data/wlcg/w.txt", tok(untrustedIssuer), []int{200, 403, 403}}},
		{"issuer-unsupported-vo", liveCase{"LHCb token on a site without LHCb", http.MethodGet, "/data/lhcb/l.txt", tok("https://lhcb-auth.cern.ch/"), []int{200, 403, 403}}},
		{"issuer-unknown", liveCase{"token of an issuer without contact", http.MethodGet, "/data/other/secret.txt", tok("https://iam.nocontact.example.org/"), []int{200, 403, 403}}},
		// A missing trust is no exposure: the VO's tokens are refused.
		{"issuer-dteam-missing", liveCase{"DTeam token", http.MethodGet, "/data/dteam/d.txt", tok("https://dteam-auth.cern.ch/"), []int{403, 200, 403}}},
	}
	const (
		issuers = "xrootd-issuers"
		recipe  = "xrootd-wg-recipe"
		demoCMS = "demo's [Issuer CMS] (https://CMS-auth.cern.ch/)"
	)
	names := []string{issuers, recipe, demoCMS}
	hosts := startAll(t, kit, names, map[string]liveConfig{
		issuers: {SciTokens: fixtureFile(t, "xrootd-issuers", "etc/xrootd/scitokens.cfg"), SiteTOML: fixtureFile(t, issuers, "etc/ttt-check/site.toml")},
		recipe:  {SciTokens: fixtureFile(t, recipe, "etc/xrootd/scitokens.cfg")},
		demoCMS: {SciTokens: "[Global]\n" + liveAudiences + "\n[Issuer CMS]\nissuer = https://CMS-auth.cern.ch/\nbase_path = /data/cms\nauthorization_strategy = capability\n"},
	})
	var lc []liveCase
	for _, c := range cases {
		lc = append(lc, c.liveCase)
	}
	seen := runCases(t, names, hosts, lc)
	// A check's exposure on a host: it accepts a token of the check's
	// cases that the WG recipe refuses.
	exposed := map[string]map[string]bool{}
	var checks []string
	for _, c := range cases {
		if c.want[1] == 200 {
			continue // the recipe trusts it: a missing trust, no exposure
		}
		if exposed[c.check] == nil {
			exposed[c.check] = map[string]bool{}
			checks = append(checks, c.check)
		}
		for _, n := range names {
			exposed[c.check][n] = exposed[c.check][n] || seen[c.name][n] == 200
		}
	}
	for _, check := range checks {
		for _, n := range names {
			t.Run(n+"/ttt-check "+check, func(t *testing.T) {
				tttSays(t, hosts[n], check, "accepts a token the WG recipe refuses", exposed[check][n])
			})
		}
	}
}
