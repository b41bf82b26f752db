package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileCase is one host built to hurt whoever reads it.
type hostileCase struct {
	name string
	// files is the host's tree (testkit.WriteTree: "->" makes a link).
	files func() map[string]string
	// after runs once the tree is written (chmod, links testkit cannot
	// make).
	after func(t testing.TB, root string)
	// recipes makes the tree a --recipes directory (at its top) instead
	// of a host; the scan must refuse it with an error holding want.
	recipes bool
	// unprivileged cases need a user root's permissions do not bypass.
	unprivileged bool
	// want is a fragment of the reason of the scan-incomplete finding the
	// case must produce ("" when the case must only finish: its input is
	// valid, merely big). file is the host file that finding names, and
	// line whether it names a line of it.
	want, file string
	line       bool
	// service is the service the finding is about, when one must be.
	service string
}

const (
	ceConfig  = "/etc/condor-ce/condor_config"
	ceMapfile = "/etc/condor-ce/condor_mapfile"
	arcConf   = "/etc/arc.conf"
	dcConf    = "/etc/dcache/dcache.conf"
	gplazma   = "/etc/dcache/gplazma.conf"
	stormYML  = "/etc/storm/webdav/config/application.yml"
	xrdConfig = "/etc/xrootd/xrootd-a.cfg"
)

// ceTokens makes HTCondor-CE accept tokens, so that its mapfile is judged.
const ceTokens = "SEC_DEFAULT_AUTHENTICATION_METHODS = SCITOKENS\n"

// gplazmaTokens is a gPlazma configuration that accepts tokens.
const gplazmaTokens = "auth optional oidc\nmap sufficient multimap\n"

// stormApp is a StoRM WebDAV application.yml with one issuer.
const stormApp = "oauth:\n  issuers:\n    - name: wlcg\n      issuer: https://wlcg.cloud.cnaf.infn.it/\n"

func repeat(format string, n int, args func(i int) []any) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if args == nil {
			b.WriteString(format)
			continue
		}
		fmt.Fprintf(&b, format, args(i)...)
	}
	return b.String()
}

// nested is an ARC 7 authtokensgen expression whose right side nests
// depth levels deep: (a|b) & ((a|b) & (…)).
func nested(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, `(iss="https://a%d.example/" | iss="https://b%d.example/") & (`, i, i)
	}
	b.WriteString(`sub="x"`)
	b.WriteString(strings.Repeat(")", depth))
	return b.String()
}

var cases = []hostileCase{
	// Include fan-out and depth.
	{
		name: "htcondor-include-fanout",
		files: func() map[string]string {
			m := map[string]string{ceConfig: ceTokens + "include : /etc/condor-ce/f0.conf\n"}
			for i := 0; i < 22; i++ {
				m[fmt.Sprintf("/etc/condor-ce/f%d.conf", i)] = repeat("include : /etc/condor-ce/f%d.conf\n", 2, func(int) []any { return []any{i + 1} })
			}
			m["/etc/condor-ce/f22.conf"] = "X = 1\n"
			return m
		},
		want: "budget", file: "/etc/condor-ce/f", line: true, service: "htcondor-ce",
	},
	{
		name: "htcondor-include-deep",
		files: func() map[string]string {
			m := map[string]string{ceConfig: ceTokens + "include : /etc/condor-ce/f0.conf\n"}
			for i := 0; i < 40; i++ {
				m[fmt.Sprintf("/etc/condor-ce/f%d.conf", i)] = fmt.Sprintf("include : /etc/condor-ce/f%d.conf\n", i+1)
			}
			m["/etc/condor-ce/f40.conf"] = "X = 1\n"
			return m
		},
		want: "nested too deep", file: "/etc/condor-ce/f", line: true, service: "htcondor-ce",
	},
	{
		name: "htcondor-if-nesting",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens + strings.Repeat("if true\n", 100000) + "X = 1\n"}
		},
		want: "if nesting too deep", file: ceConfig, line: true, service: "htcondor-ce",
	},
	{
		name: "htcondor-mapfile-include-fanout",
		files: func() map[string]string {
			m := map[string]string{ceConfig: ceTokens, ceMapfile: "@include /etc/condor-ce/m0\n"}
			for i := 0; i < 22; i++ {
				m[fmt.Sprintf("/etc/condor-ce/m%d", i)] = repeat("@include /etc/condor-ce/m%d\n", 2, func(int) []any { return []any{i + 1} }) +
					fmt.Sprintf("SCITOKENS /^https\\:\\/\\/m%d\\.example\\/,/ user%d\n", i, i)
			}
			return m
		},
		want: "@include", file: "/etc/condor-ce/m0", line: true, service: "htcondor-ce",
	},
	{
		name: "htcondor-mapfile-include-dir-loop",
		files: func() map[string]string {
			return map[string]string{
				ceConfig: ceTokens, ceMapfile: "@include /etc/condor-ce/mapfiles.d/\n",
				"/etc/condor-ce/mapfiles.d/10.conf": "SCITOKENS /^https\\:\\/\\/a\\.example\\/,/ a\n",
				"/etc/condor-ce/mapfiles.d/a":       "->.", "/etc/condor-ce/mapfiles.d/b": "->.",
			}
		},
	},
	{
		name: "htcondor-mapfile-include-visits",
		files: func() map[string]string {
			return map[string]string{
				ceConfig: ceTokens, ceMapfile: strings.Repeat("@include /etc/condor-ce/mapfiles.d/\n", 5000),
				"/etc/condor-ce/mapfiles.d/10.conf": "SCITOKENS /^https\\:\\/\\/a\\.example\\/,/ a\n",
			}
		},
		want: "budget", file: ceMapfile, line: true, service: "htcondor-ce",
	},
	{
		name: "xrootd-continue-dir-fanout",
		files: func() map[string]string {
			m := map[string]string{xrdConfig: "continue /etc/xrootd/d/\n"}
			for i := 0; i < 3000; i++ {
				m[fmt.Sprintf("/etc/xrootd/d/f%04d.cfg", i)] = "all.export /data\n"
			}
			return m
		},
		want: "budget", file: xrdConfig, line: true, service: "xrootd",
	},

	// Expansion bombs.
	{
		name: "xrootd-subst-bomb",
		files: func() map[string]string {
			line := strings.Repeat(" $a", 600) + " \\\n"
			return map[string]string{xrdConfig: "set a = " + strings.Repeat("x", 500) + "\nall.export" + strings.Repeat(line, 8000) + " /end\n"}
		},
		want: "budget", file: xrdConfig, line: true, service: "xrootd",
	},
	{
		name: "htcondor-selfref-bomb",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens + "X = ab\n" + strings.Repeat("X = $(X)$(X)\n", 28) + "ALLOW_WRITE = $(X)\n"}
		},
		want: "budget", file: ceConfig, line: true, service: "htcondor-ce",
	},
	{
		name: "htcondor-lookup-bomb",
		files: func() map[string]string {
			var b strings.Builder
			b.WriteString(ceTokens + "A0 = " + strings.Repeat("a", 60000) + "\n")
			for i := 1; i <= 6; i++ {
				fmt.Fprintf(&b, "A%d = %s\n", i, strings.Repeat(fmt.Sprintf("$(A%d)", i-1), 10))
			}
			b.WriteString("ALLOW_WRITE = $(A6)\n")
			return map[string]string{ceConfig: b.String()}
		},
		want: "budget", file: ceConfig, line: true, service: "htcondor-ce",
	},
	{
		name: "dcache-expand-bomb",
		files: func() map[string]string {
			var b strings.Builder
			b.WriteString("p0 = xxxxxxxxxx\n")
			for i := 1; i <= 9; i++ {
				fmt.Fprintf(&b, "p%d = %s\n", i, strings.Repeat(fmt.Sprintf("${p%d}", i-1), 10))
			}
			b.WriteString("dcache.layout = ${p9}\n")
			return map[string]string{dcConf: b.String(), gplazma: gplazmaTokens}
		},
		want: "budget", file: dcConf, line: true, service: "dcache",
	},
	{
		name: "storm-expand-bomb",
		files: func() map[string]string {
			return map[string]string{
				"/etc/systemd/system/storm-webdav.service.d/env.conf": "[Service]\nEnvironment=A=" + strings.Repeat("${A}", 100) + "\n",
				stormYML: "oauth:\n  issuers:\n    - name: wlcg\n      issuer: ${A}\n",
			}
		},
		want: "budget", file: stormYML, line: true, service: "storm-webdav",
	},

	// Long continuations: valid, only big; they must read in linear time.
	{
		name: "htcondor-continuation-100k",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens + "ALLOW_WRITE = a \\\n" + strings.Repeat("  b \\\n", 100000) + "  c\n"}
		},
	},
	{
		name: "dcache-continuation-100k",
		files: func() map[string]string {
			return map[string]string{dcConf: "dcache.log.level.x = a \\\n" + strings.Repeat("  b \\\n", 100000) + "  c\n", gplazma: gplazmaTokens}
		},
	},
	{
		name: "storm-properties-continuation-100k",
		files: func() map[string]string {
			return map[string]string{stormYML: stormApp, "/etc/storm/webdav/sa.d/a.properties": "name=a\norgs=https://wlcg.cloud.cnaf.infn.it/, \\\n" + strings.Repeat("  x, \\\n", 100000) + "  y\n"}
		},
	},
	{
		name: "storm-unit-continuation-100k",
		files: func() map[string]string {
			return map[string]string{stormYML: stormApp,
				"/usr/lib/systemd/system/storm-webdav.service": "[Service]\nEnvironment=A=b \\\n" + strings.Repeat("  C=d \\\n", 100000) + "  E=f\n"}
		},
	},
	{
		name: "xrootd-continuation-100k",
		files: func() map[string]string {
			return map[string]string{xrdConfig: "all.export /a \\\n" + strings.Repeat("  /b \\\n", 100000) + "  /c\n"}
		},
	},

	// ARC 7 authtokensgen.
	{
		name: "arc-authtokensgen-nested",
		files: func() map[string]string {
			return map[string]string{arcConf: "[authgroup:g]\nauthtokensgen = " + nested(90) + "\n[mapping]\nmap_to_user = g nobody\n"}
		},
		want: "alternatives", file: arcConf, line: true, service: "arc-ce",
	},
	{
		name: "arc-ban-shadows",
		files: func() map[string]string {
			return map[string]string{arcConf: "[authgroup:g]\n" +
				repeat("+authtokens = * https://a%d.example/ * * *\n", 4000, func(i int) []any { return []any{i} }) +
				repeat("-authtokens = * https://b%d.example/ * * *\n", 4000, func(i int) []any { return []any{i} }) +
				"[mapping]\nmap_to_user = g nobody\n"}
		},
		want: "budget", file: arcConf, line: true, service: "arc-ce",
	},
	{
		name: "arc-blocks-100k",
		files: func() map[string]string {
			blocks := repeat("[authgroup:g%d]\nauthtokens = * https://a.example/ * * *\n", 50000, func(i int) []any { return []any{i} })
			return map[string]string{arcConf: blocks + blocks}
		},
		want: "budget", file: arcConf, line: true, service: "arc-ce",
	},

	// Files at the size cap, one statement per line: linear, but each
	// statement must not cost more than a few times its bytes.
	{
		name: "xrootd-lines-800k",
		files: func() map[string]string {
			return map[string]string{xrdConfig: repeat("all.export /d%d\n", 800000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: xrdConfig, line: true, service: "xrootd",
	},
	{
		name: "htcondor-lines-1m",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens + repeat("A%d = x\n", 1000000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: ceConfig, line: true, service: "htcondor-ce",
	},
	{
		name: "dcache-lines-1m",
		files: func() map[string]string {
			return map[string]string{dcConf: repeat("a%d = x\n", 1000000, func(i int) []any { return []any{i} }), gplazma: gplazmaTokens,
				"/etc/dcache/multi-mapfile": repeat("op:p%d username:u\n", 500000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: dcConf, line: true, service: "dcache",
	},
	{
		name: "storm-properties-1m",
		files: func() map[string]string {
			return map[string]string{stormYML: stormApp, "/etc/storm/webdav/sa.d/a.properties": repeat("k%d=v\n", 1000000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: "/etc/storm/webdav/sa.d/a.properties", line: true, service: "storm-webdav",
	},
	{
		name: "xrootd-scitokens-keys-1m",
		files: func() map[string]string {
			return map[string]string{xrdConfig: "ofs.authlib ++ libXrdAccSciTokens.so\n",
				"/etc/xrootd/scitokens.cfg": "[Global]\naudience = x\n[Issuer a]\nissuer = https://a.example/\nbase_path = /a\n" + repeat("k%d = v\n", 1000000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: "/etc/xrootd/scitokens.cfg", line: true, service: "xrootd",
	},
	{
		name: "xrootd-authdb-1m",
		files: func() map[string]string {
			return map[string]string{xrdConfig: "ofs.authorize\nacc.authdb /etc/xrootd/auth_file\nofs.authlib ++ libXrdAccSciTokens.so\n",
				"/etc/xrootd/scitokens.cfg": "[Issuer a]\nissuer = https://a.example/\nbase_path = /a\n",
				"/etc/xrootd/auth_file":     repeat("u u%d /d%d a\n", 700000, func(i int) []any { return []any{i, i} })}
		},
		want: "budget", file: "/etc/xrootd/auth_file", line: true, service: "xrootd",
	},
	{
		name: "arc-options-1m",
		files: func() map[string]string {
			return map[string]string{arcConf: "[authgroup:g]\n" + repeat("authtokens = * https://a%d.example/ * * *\n", 300000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: arcConf, line: true, service: "arc-ce",
	},

	// Big HTCondor mapfiles.
	{
		name: "htcondor-mapfile-rules-100k",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens, ceMapfile: repeat("SCITOKENS /^https\\:\\/\\/iss%d\\.example\\.org\\/,sub%d$/ user%d\n", 100000, func(i int) []any { return []any{i % 50, i, i} })}
		},
		// Big but valid: budget.Rules is 100,000, the size issue 17 asks
		// the readers to take in a second (htcondor-mapfile-lines-1m
		// goes over it).
	},
	{
		name: "htcondor-mapfile-lines-1m",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens, ceMapfile: repeat("SSL u%06d u\n", 1000000, func(i int) []any { return []any{i} })}
		},
		want: "budget", file: ceMapfile, line: true, service: "htcondor-ce",
	},
	{
		name: "htcondor-mapfile-bans-20k",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens, ceMapfile: "SCITOKENS /^https\\:\\/\\/good\\.example\\/,/ good\n" +
				repeat("SCITOKENS /^https\\:\\/\\/bad%d\\.example\\/,sub%d$/ x@banned.htcondor.org\n", 20000, func(i int) []any { return []any{i, i} })}
		},
		// Valid: anchored patterns are indexed by their literal prefix,
		// so each ban is tested against the few rules that share it.
	},
	{
		// Unanchored patterns cannot be indexed: every ban tests every
		// earlier one, 2,000 × 2,000, until budget.Matches stops it.
		name: "htcondor-mapfile-bans-unindexed",
		files: func() map[string]string {
			return map[string]string{ceConfig: ceTokens, ceMapfile: repeat("SCITOKENS /iss%d\\.example\\/,/ good\n", 2000, func(i int) []any { return []any{i} }) +
				repeat("SCITOKENS /^https\\:\\/\\/bad%d\\.example\\/,sub%d$/ x@banned.htcondor.org\n", 2000, func(i int) []any { return []any{i, i} })}
		},
		want: "budget", file: ceMapfile, line: true, service: "htcondor-ce",
	},

	// Nesting that would overflow a recursive parser's stack.
	{
		name:    "recipes-hcl-nesting",
		recipes: true,
		files: func() map[string]string {
			return map[string]string{"/00-bomb.hcl": "x = " + strings.Repeat("[", 100000) + "\n"}
		},
		want: "nest",
	},
	{
		name: "site-toml-nesting",
		files: func() map[string]string {
			return map[string]string{"/etc/ttt-check/site.toml": "x = " + strings.Repeat("[", 100000) + "\n"}
		},
		want: "nest",
	},

	// What cannot be read is not absent.
	{
		name: "arc-conf-symlink-self-loop",
		files: func() map[string]string {
			return map[string]string{arcConf: "->arc.conf"}
		},
		want: "too many levels of symbolic links", file: arcConf, service: "arc-ce",
	},
	{
		name: "dcache-conf-symlink-loop",
		files: func() map[string]string {
			return map[string]string{dcConf: "->dcache.conf", gplazma: gplazmaTokens, "/etc/dcache/multi-mapfile": "op:wlcg username:wlcg\n"}
		},
		want: "too many levels of symbolic links", file: dcConf, service: "dcache",
	},
	{
		name: "dcache-dir-permission-denied",
		files: func() map[string]string {
			return map[string]string{dcConf: "dcache.layout = l\n", gplazma: gplazmaTokens}
		},
		after: func(t testing.TB, root string) {
			chmod(t, filepath.Join(root, "etc/dcache"), 0)
		},
		unprivileged: true,
		want:         "permission denied", file: dcConf, service: "dcache",
	},
	{
		name: "dcache-multimap-garbage",
		files: func() map[string]string {
			return map[string]string{dcConf: "", gplazma: gplazmaTokens,
				"/etc/dcache/multi-mapfile": "op:wlcg username:wlcg\nthis line is garbage and has a s3cr3t-token-value at its end\n"}
		},
		want: "multimap", file: "/etc/dcache/multi-mapfile", line: true, service: "dcache",
	},
	{
		name: "htcondor-config-symlink-loop",
		files: func() map[string]string {
			return map[string]string{ceConfig: "->condor_config"}
		},
		want: "too many levels of symbolic links", file: ceConfig, service: "htcondor-ce",
	},
	{
		name: "eos-mgm-symlink-loop",
		files: func() map[string]string {
			return map[string]string{"/etc/xrd.cf.mgm": "->xrd.cf.mgm"}
		},
		want: "too many levels of symbolic links", file: "/etc/xrd.cf.mgm", service: "eos",
	},
	{
		name: "storm-application-symlink-loop",
		files: func() map[string]string {
			return map[string]string{stormYML: "->application.yml"}
		},
		want: "too many levels of symbolic links", file: stormYML, service: "storm-webdav",
	},
	{
		name: "storm-sa-permission-denied",
		files: func() map[string]string {
			return map[string]string{stormYML: stormApp, "/etc/storm/webdav/sa.d/a.properties": "name=a\norgs=https://wlcg.cloud.cnaf.infn.it/\n"}
		},
		after: func(t testing.TB, root string) {
			chmod(t, filepath.Join(root, "etc/storm/webdav/sa.d"), 0)
		},
		unprivileged: true,
		want:         "permission denied", file: "/etc/storm/webdav/sa.d", service: "storm-webdav",
	},
	{
		name: "xrootd-dir-permission-denied",
		files: func() map[string]string {
			return map[string]string{xrdConfig: "all.export /data\n"}
		},
		after: func(t testing.TB, root string) {
			chmod(t, filepath.Join(root, "etc/xrootd"), 0)
		},
		unprivileged: true,
		want:         "permission denied", file: "/etc/xrootd", service: "xrootd",
	},
}

func chmod(t testing.TB, p string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	// t.TempDir's cleanup must be able to remove what is under it.
	t.Cleanup(func() { os.Chmod(p, 0o755) })
}
