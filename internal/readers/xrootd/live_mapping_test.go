package xrootd_test

import (
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The live tests of the mapping and authorization checks: each starts real
// xrootd 5.5.3 on configs like the checks' failing and passing fixtures
// and asserts the HTTP status of requests whose outcome the finding
// claims. LIVE.md gives the results and the upstream code behind them.

// liveAudiences is the audience line of every live config.
const liveAudiences = "audience = https://itest.example.org:1094, " + liveAudience + "\n"

// atlasOnly is a scitokens.cfg trusting ATLAS for /data/atlas, with more
// [Global] and [Issuer ATLAS] lines.
func atlasOnly(global, issuer string) string {
	return "[Global]\n" + liveAudiences + global + "\n[Issuer ATLAS]\nissuer = " + trustedIssuer + "\nbase_path = /data/atlas\n" + issuer
}

// wgRecipeAuthFile is the auth_file the WG recipe's XRootD setup carries
// (the xrootd-wg-recipe fixture had it before ttt-check learnt what it
// exposes): rights for the default_user name.
const wgRecipeAuthFile = "u xrootd /data a\n"

// groupAuthFile gives ATLAS tokens with the group /atlas, and the name
// xrootd, rights: a group rule for a compound identity, as in the
// xrootd-authz fixture.
const groupAuthFile = "= atlasgrp o: https://atlas-auth.cern.ch/ g: /atlas\nx atlasgrp /data/atlas a\nu xrootd /data/atlas a\n"

// A case of a table over several hosts: the request and, per host, the
// status xrootd answers.
type liveCase struct {
	name   string
	method string
	path   string
	token  string
	want   []int
}

// runCases runs every case against every host (fresh connections) and
// returns the statuses seen, by case and host.
func runCases(t *testing.T, names []string, hosts map[string]liveHost, cases []liveCase) map[string]map[string]int {
	t.Helper()
	seen := map[string]map[string]int{}
	for _, tc := range cases {
		seen[tc.name] = map[string]int{}
		for i, name := range names {
			path := strings.ReplaceAll(tc.path, "HOST", strconv.Itoa(i))
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				got, _, _ := send(t, fresh, tc.method, hosts[name].url(path), tc.token)
				seen[tc.name][name] = got
				if got != tc.want[i] {
					t.Errorf("%s %s = %d, want %d", tc.method, path, got, tc.want[i])
				}
			})
		}
	}
	return seen
}

// startAll starts one host per config, in the order of names.
func startAll(t *testing.T, kit tokenKit, names []string, cfgs map[string]liveConfig) map[string]liveHost {
	t.Helper()
	hosts := map[string]liveHost{}
	for _, n := range names {
		hosts[n] = startLive(t, kit, cfgs[n])
	}
	return hosts
}

// TestLiveDefaultUser: what default_user gives a token, with the WG
// recipe's auth_file (u xrootd /data a) and with an allow-all rule
// (u * /data lr). mapping-issuer-wide claims that with the default
// strategy every token of the issuer gets default_user's authdb rights
// whatever its scopes; 5.5.3 applies default_user only when a scope
// authorizes the request — but then leaves it on the connection.
func TestLiveDefaultUser(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	read := kit.token(t, trustedIssuer, liveAudience, "storage.read:/")
	identity := kit.token(t, trustedIssuer, liveAudience, "openid offline_access")
	elsewhere := kit.token(t, trustedIssuer, liveAudience, "storage.read:/elsewhere")
	foreign := kit.token(t, untrustedIssuer, liveAudience, "storage.read:/")

	const (
		flagged  = "default strategy + u xrootd /data a"
		recipe   = "xrootd-wg-recipe (capability) + u xrootd /data a"
		allUsers = "default strategy + u * /data lr"
		noRights = "default strategy + no authdb rights"
		noUser   = "no default_user + u xrootd /data a"
	)
	names := []string{flagged, recipe, allUsers, noRights, noUser}
	defaultUser := atlasOnly("onmissing = passthrough\n", "map_subject = False\ndefault_user = xrootd\n")
	hosts := startAll(t, kit, names, map[string]liveConfig{
		flagged: {SciTokens: defaultUser, AuthDB: "u xrootd /data a\n"},
		recipe: {SciTokens: fixtureFile(t, "xrootd-wg-recipe", "etc/xrootd/scitokens.cfg"),
			AuthDB: wgRecipeAuthFile},
		allUsers: {SciTokens: defaultUser, AuthDB: "u * /data lr\n"},
		noRights: {SciTokens: defaultUser},
		noUser:   {SciTokens: atlasOnly("onmissing = passthrough\n", "map_subject = False\n"), AuthDB: "u xrootd /data a\n"},
	})

	hello := "/data/atlas/hello.txt"
	seen := runCases(t, names, hosts, []liveCase{
		{"token whose scope authorizes the read", http.MethodGet, hello, read, []int{200, 200, 200, 200, 200}},
		// default_user is not applied: the authdb sees an entity without
		// a name (XrdAccAccess::Access: name "*", not a user), so
		// `u xrootd` does not match, while `u *` matches everybody.
		{"token without storage scope", http.MethodGet, hello, identity, []int{403, 403, 200, 403, 403}},
		{"token whose scope is for another path", http.MethodGet, hello, elsewhere, []int{403, 403, 200, 403, 403}},
		{"no token", http.MethodGet, hello, "", []int{403, 403, 200, 403, 403}},
		{"no token, write", http.MethodPut, "/data/atlas/anon-HOST.txt", "", []int{403, 403, 403, 403, 403}},
	})
	for _, n := range names {
		exposed := seen["token without storage scope"][n] == 200
		t.Run(n+"/ttt-check", func(t *testing.T) {
			tttSays(t, hosts[n], "mapping-issuer-wide", "a token without storage scope reads", exposed)
		})
	}

	// On one keep-alive connection (davix, gfal2 and FTS keep them), the
	// request.name a scoped token set stays on the connection's entity:
	// a later request without a token, or with a token xrootd rejects,
	// reaches the authdb as default_user. (XrdHttp closes the connection
	// after a 403, so only a request that succeeded can leave a name.)
	type step struct {
		method, path, token string
	}
	sticky := []struct {
		name        string
		first, then step
		want        []int
	}{
		{"read token, then a write without token outside the token's scope",
			step{http.MethodGet, hello, read}, step{http.MethodPut, "/data/other/sticky-HOST.txt", ""}, []int{200, 200, 403, 403, 403}},
		{"read token, then a token of an untrusted issuer",
			step{http.MethodGet, hello, read}, step{http.MethodGet, "/data/other/secret.txt", foreign}, []int{200, 200, 200, 403, 403}},
		{"read token, then a delete without token",
			step{http.MethodGet, hello, read}, step{http.MethodDelete, "/data/other/secret.txt", ""}, []int{200, 200, 403, 403, 403}},
	}
	escalated := map[string]bool{}
	for _, sc := range sticky {
		for i, n := range names {
			t.Run("same connection/"+n+"/"+sc.name, func(t *testing.T) {
				c := session()
				h := hosts[n]
				if got, _, _ := send(t, c, sc.first.method, h.url(sc.first.path), sc.first.token); got != 200 {
					t.Fatalf("first %s %s = %d, want 200", sc.first.method, sc.first.path, got)
				}
				path := strings.ReplaceAll(sc.then.path, "HOST", strconv.Itoa(i))
				got, _, reused := send(t, c, sc.then.method, h.url(path), sc.then.token)
				if !reused {
					t.Fatal("the second request did not reuse the connection")
				}
				if got != sc.want[i] {
					t.Errorf("%s %s on the same connection = %d, want %d", sc.then.method, path, got, sc.want[i])
				}
				if sc.then.method == http.MethodPut && got == 200 {
					escalated[n] = true
				}
			})
		}
	}
	for _, n := range names {
		t.Run("same connection/"+n+"/ttt-check", func(t *testing.T) {
			tttSays(t, hosts[n], "mapping-issuer-wide", "a scoped read lets the next request write as default_user", escalated[n])
		})
	}
}

// TestLivePrivilegedDefaultUser: default_user = root (xrootd-authz
// DTEAM). mapping-privileged claims such tokens get administrative
// control; 5.5.3 only names the request "root" (request.name, seen by the
// authdb and monitoring) and still writes as the xrootd user.
func TestLivePrivilegedDefaultUser(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	create := kit.token(t, trustedIssuer, liveAudience, "storage.create:/")
	xu, err := user.Lookup("xrootd")
	must(t, err)
	for _, account := range []string{"root", "xrootd"} {
		t.Run("default_user = "+account, func(t *testing.T) {
			h := startLive(t, kit, liveConfig{
				SciTokens: atlasOnly("", "map_subject = False\ndefault_user = "+account+"\nauthorization_strategy = capability\n"),
				Extra:     "scitokens.trace debug\n",
			})
			if got, _, _ := send(t, fresh, http.MethodPut, h.url("/data/atlas/upload.txt"), create); got != 200 {
				t.Fatalf("PUT with storage.create:/ = %d, want 200", got)
			}
			if n := len(h.logLines(t, "mapped_username="+account+",")); n == 0 {
				t.Errorf("log has no mapped_username=%s line", account)
			}
			st, err := os.Stat(filepath.Join(h.root, "srv/data/atlas/upload.txt"))
			must(t, err)
			owner := strconv.Itoa(int(st.Sys().(*syscall.Stat_t).Uid))
			if owner != xu.Uid {
				t.Errorf("uploaded file owner uid %s, want the xrootd user's %s", owner, xu.Uid)
			}
			tttSays(t, h, "mapping-privileged", "the upload is written as root", owner == "0")
		})
	}
}

// TestLiveSubjectMapping: map_subject, name_mapfile (sub, group and
// catch-all rules) and username_claim. A mapfile match is the one way a
// token without a scope gets an account's authdb rights in 5.5.3.
func TestLiveSubjectMapping(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	read := kit.token(t, trustedIssuer, liveAudience, "storage.read:/", "uname=alice")
	identity := kit.token(t, trustedIssuer, liveAudience, "openid")
	otherSub := kit.signed(t, map[string]any{"iss": trustedIssuer, "sub": "someone-else", "scope": "openid"})
	grouped := kit.signed(t, map[string]any{"iss": trustedIssuer, "sub": "someone-else", "scope": "openid", "wlcg.groups": []string{"/atlas/production"}})

	const (
		mapSubject = "map_subject = True + u itest /data a"
		pinned     = "name_mapfile sub+group rules + u xrootd /data a"
		catchAll   = "name_mapfile catch-all rule + u xrootd /data a"
		claim      = "username_claim = uname + u alice /data a"
	)
	names := []string{mapSubject, pinned, catchAll, claim}
	mapfile := "name_mapfile = $PREFIX/etc/xrootd/mapfile.json\n"
	hosts := startAll(t, kit, names, map[string]liveConfig{
		mapSubject: {SciTokens: atlasOnly("", "map_subject = True\n"), AuthDB: "u " + subject + " /data a\n"},
		pinned: {SciTokens: atlasOnly("", mapfile), AuthDB: "u xrootd /data a\n",
			MapFile: `[{"sub": "` + subject + `", "result": "xrootd"}, {"group": "/atlas/production", "result": "xrootd"}]`},
		catchAll: {SciTokens: atlasOnly("", mapfile), AuthDB: "u xrootd /data a\n", MapFile: `[{"result": "xrootd"}]`},
		claim: {SciTokens: atlasOnly("", "default_user = xrootd\nusername_claim = uname\n"), AuthDB: "u alice /data a\n",
			Extra: "scitokens.trace debug\n"},
	})
	hello := "/data/atlas/hello.txt"
	seen := runCases(t, names, hosts, []liveCase{
		{"mapped subject, no storage scope", http.MethodGet, hello, identity, []int{403, 200, 200, 403}},
		{"other subject, no storage scope", http.MethodGet, hello, otherSub, []int{403, 403, 200, 403}},
		{"other subject in the mapped group, no storage scope", http.MethodGet, hello, grouped, []int{403, 200, 200, 403}},
		{"mapped subject, write without storage scope", http.MethodPut, "/data/atlas/mapped-HOST.txt", identity, []int{403, 200, 200, 403}},
		// Mapfile rules match below the issuer's base_path only.
		{"mapped subject outside base_path", http.MethodGet, "/data/other/secret.txt", identity, []int{403, 403, 403, 403}},
	})
	for _, n := range names {
		exposed := seen["other subject, no storage scope"][n] == 200
		t.Run(n+"/ttt-check", func(t *testing.T) {
			tttSays(t, hosts[n], "mapping-issuer-wide", "any subject of the issuer reads without storage scope", exposed)
		})
	}

	// map_subject and username_claim name the request only when a scope
	// authorizes it, like default_user; the name then stays on the
	// connection.
	for i, n := range []string{mapSubject, claim} {
		want := []int{200, 403}[i]
		t.Run("same connection/"+n, func(t *testing.T) {
			c := session()
			if got, _, _ := send(t, c, http.MethodGet, hosts[n].url(hello), read); got != 200 {
				t.Fatalf("scoped read = %d, want 200", got)
			}
			got, _, reused := send(t, c, http.MethodPut, hosts[n].url("/data/other/sticky.txt"), "")
			if !reused {
				t.Fatal("the second request did not reuse the connection")
			}
			if got != want {
				t.Errorf("PUT without token after a scoped read = %d, want %d", got, want)
			}
		})
	}
	// username_claim arrived in XRootD 5.6.0: 5.5.3 ignores it and maps
	// to default_user.
	t.Run(claim+"/mapped name", func(t *testing.T) {
		if n := len(hosts[claim].logLines(t, "mapped_username=xrootd,")); n == 0 {
			t.Error("log has no mapped_username=xrootd line: username_claim was not ignored")
		}
		if n := len(hosts[claim].logLines(t, "mapped_username=alice")); n != 0 {
			t.Errorf("log maps to the uname claim (%d lines): username_claim works on this release", n)
		}
	})
}

// TestLiveAuthorizationStrategy: group and issuer rules of the authdb
// (xrootd-authz's auth_file) for tokens without a storage scope, with and
// without authorization_strategy = capability.
func TestLiveAuthorizationStrategy(t *testing.T) {
	requireTools(t)
	t.Parallel()
	kit := newTokenKit(t)
	grouped := kit.signed(t, map[string]any{"iss": trustedIssuer, "scope": "openid", "wlcg.groups": []string{"/atlas"}})
	identity := kit.token(t, trustedIssuer, liveAudience, "openid")

	const (
		groups     = "default strategy + xrootd-authz auth_file"
		capability = "authorization_strategy = capability + xrootd-authz auth_file"
		orgRule    = "default strategy + o <issuer> /data/atlas lr"
	)
	names := []string{groups, capability, orgRule}
	authz := groupAuthFile
	hosts := startAll(t, kit, names, map[string]liveConfig{
		groups:     {SciTokens: atlasOnly("", "default_user = xrootd\n"), AuthDB: authz},
		capability: {SciTokens: atlasOnly("", "default_user = xrootd\nauthorization_strategy = capability\n"), AuthDB: authz},
		orgRule:    {SciTokens: atlasOnly("", "default_user = xrootd\n"), AuthDB: "o " + trustedIssuer + " /data/atlas lr\n"},
	})
	hello := "/data/atlas/hello.txt"
	seen := runCases(t, names, hosts, []liveCase{
		// The plugin hands the token's issuer (vorg) and wlcg.groups (grps)
		// to the authdb, whatever authorization_strategy says.
		{"wlcg.groups /atlas, no storage scope", http.MethodGet, hello, grouped, []int{200, 200, 200}},
		{"wlcg.groups /atlas, write without storage scope", http.MethodPut, "/data/atlas/group-HOST.txt", grouped, []int{200, 200, 403}},
		{"no groups, no storage scope", http.MethodGet, hello, identity, []int{403, 403, 200}},
	})
	for _, n := range names[:2] {
		exposed := seen["wlcg.groups /atlas, no storage scope"][n] == 200
		t.Run(n+"/ttt-check", func(t *testing.T) {
			tttSays(t, hosts[n], "authz-group-fallback", "a token without storage scope reads by its group", exposed)
		})
	}
	t.Run(orgRule+"/ttt-check", func(t *testing.T) {
		tttSays(t, hosts[orgRule], "mapping-issuer-wide", "any token of the issuer reads without storage scope", seen["no groups, no storage scope"][orgRule] == 200)
	})
	t.Run("5.5.3 is silent about the key", func(t *testing.T) {
		if l := hosts[capability].logLines(t, "authorization_strategy"); len(l) != 0 {
			t.Errorf("log mentions authorization_strategy: %q", l)
		}
	})
	t.Run("authorization_strategy = capability closes it", func(t *testing.T) {
		t.Skip("authorization_strategy is XRootD >= 5.7: 5.5.3 ignores it (same statuses with and without it above)")
	})
}
