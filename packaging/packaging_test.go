// Package packaging_test checks what make build, make install and make
// package produce, judged where they are installed by the distributions'
// own tools: lintian, rpmlint, rpm, systemd-analyze (.ci/run installs them;
// each test skips with a one-line reason without them). The builds take a
// while, so they skip under -short.
package packaging_test

import (
	"bytes"
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/cli"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// goTool is the go command running this test, for make's GO.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// runMake runs make in dir with the given variables and returns its output.
func runMake(t *testing.T, dir string, args ...string) string {
	t.Helper()
	mk := testkit.Program(t, "make", "make")
	cmd := exec.Command(mk, append([]string{"--no-print-directory", "GO=" + goTool()}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// version is what packaging/version.sh says for this checkout.
func version(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(testkit.RepoRoot(), "packaging", "version.sh")).Output()
	if err != nil {
		t.Fatalf("packaging/version.sh: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestVersionScript: the version of the binary, the packages and the man
// pages comes from the git tag, and always starts with a digit.
func TestVersionScript(t *testing.T) {
	git := testkit.Program(t, "git", "git")
	repo := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	script, err := os.ReadFile(filepath.Join(testkit.RepoRoot(), "packaging", "version.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(repo, "packaging"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "packaging", "version.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	get := func() string {
		t.Helper()
		out, err := exec.Command(filepath.Join(repo, "packaging", "version.sh")).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q")
	run("add", ".")
	run("commit", "-q", "-m", "one")
	if v := get(); !regexp.MustCompile(`^0\.0\.0\+[0-9a-f]{7,}$`).MatchString(v) {
		t.Errorf("no tag: %q, want 0.0.0+<commit>", v)
	}
	run("tag", "v1.2.0")
	if v := get(); v != "1.2.0" {
		t.Errorf("at v1.2.0: %q", v)
	}
	if err := os.WriteFile(filepath.Join(repo, "packaging", "version.sh"), append(script, '\n'), 0o755); err != nil {
		t.Fatal(err)
	}
	if v := get(); v != "1.2.0+dirty" {
		t.Errorf("at v1.2.0 with changes: %q", v)
	}
	run("commit", "-q", "-am", "two")
	if v := get(); !regexp.MustCompile(`^1\.2\.0\+1\.g[0-9a-f]{7,}$`).MatchString(v) {
		t.Errorf("one commit after v1.2.0: %q", v)
	}
	run("tag", "v1.3.0-rc1")
	if v := get(); v != "1.3.0~rc1" {
		t.Errorf("at v1.3.0-rc1: %q", v)
	}
}

// TestReproducibleStaticBuild builds the binary twice with make build, the
// second time from a copy of the source tree elsewhere: the same bytes, a
// static and stripped ELF executable that says the checkout's version.
func TestReproducibleStaticBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice (-short)")
	}
	root := testkit.RepoRoot()
	v := version(t)
	tmp := t.TempDir()
	vars := []string{"VERSION=" + v, "SOURCE_DATE_EPOCH=1700000000"}
	a := filepath.Join(tmp, "a", "ttt-check")
	runMake(t, root, append(vars, "build", "BIN="+a)...)

	// The copy: every file git tracks or would track, elsewhere.
	git := testkit.Program(t, "git", "git")
	cmd := exec.Command(git, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	src := filepath.Join(tmp, "elsewhere", "src")
	for _, f := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		from := filepath.Join(root, f)
		st, err := os.Lstat(from)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or a symbolic link in a fixture
		}
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(src, f)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	b := filepath.Join(tmp, "b", "ttt-check")
	runMake(t, src, append(vars, "build", "BIN="+b)...)

	da, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, db) {
		t.Errorf("two builds of the same tree differ (%d and %d bytes)", len(da), len(db))
	}
	for _, dir := range []string{root, src, tmp} {
		if bytes.Contains(da, []byte(dir)) {
			t.Errorf("the binary contains the build path %s (-trimpath?)", dir)
		}
	}

	f, err := elf.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC {
		t.Errorf("ELF type %v, want a static executable (ET_EXEC)", f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("program header %v: dynamically linked", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("needs shared libraries %v", libs)
	}
	if f.Section(".symtab") != nil {
		t.Error("not stripped: .symtab present")
	}
	out, err := exec.Command(a, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", a, err)
	}
	if first := strings.SplitN(string(out), "\n", 2)[0]; first != "ttt-check "+v {
		t.Errorf("ttt-check version says %q, want %q", first, "ttt-check "+v)
	}
}

// TestMakeInstall: make install puts every piece under DESTDIR with the
// prefix's paths, and keeps a site profile that is already there.
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary (-short)")
	}
	root := testkit.RepoRoot()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin", "ttt-check")
	dist := filepath.Join(tmp, "dist")
	for _, tc := range []struct {
		prefix, unitdir, zsh string
	}{
		{"/usr/local", "/usr/local/lib/systemd/system", "/usr/local/share/zsh/site-functions"},
		{"/usr", "/usr/lib/systemd/system", "/usr/share/zsh/site-functions"},
	} {
		dest := filepath.Join(tmp, "dest"+strings.ReplaceAll(tc.prefix, "/", "-"))
		runMake(t, root, "install", "PREFIX="+tc.prefix, "DESTDIR="+dest, "BIN="+bin, "DIST="+dist)
		want := map[string]fs.FileMode{
			tc.prefix + "/bin/ttt-check":                                  0o755,
			tc.prefix + "/share/man/man1/ttt-check.1":                     0o644,
			tc.prefix + "/share/man/man1/ttt-check-scan.1":                0o644,
			tc.prefix + "/share/man/man5/ttt-check-site.toml.5":           0o644,
			tc.prefix + "/share/bash-completion/completions/ttt-check":    0o644,
			tc.zsh + "/_ttt-check":                                        0o644,
			tc.prefix + "/share/fish/vendor_completions.d/ttt-check.fish": 0o644,
			tc.unitdir + "/ttt-check.service":                             0o644,
			tc.unitdir + "/ttt-check.timer":                               0o644,
			tc.prefix + "/share/doc/ttt-check/README.md":                  0o644,
			"/etc/ttt-check/site.toml":                                    0o644,
			"/var/lib/ttt-check":                                          0o755 | fs.ModeDir,
		}
		for p, mode := range want {
			st, err := os.Stat(filepath.Join(dest, p))
			if err != nil {
				t.Errorf("PREFIX=%s: %v", tc.prefix, err)
				continue
			}
			if st.Mode() != mode {
				t.Errorf("PREFIX=%s: %s has mode %v, want %v", tc.prefix, p, st.Mode(), mode)
			}
		}
		unit, err := os.ReadFile(filepath.Join(dest, tc.unitdir, "ttt-check.service"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(unit), "\nExecStart="+tc.prefix+"/bin/ttt-check scan ") {
			t.Errorf("PREFIX=%s: the unit does not run %s/bin/ttt-check", tc.prefix, tc.prefix)
		}
		// A second install keeps the admin's profile.
		profile := filepath.Join(dest, "etc/ttt-check/site.toml")
		if err := os.WriteFile(profile, []byte("site = \"mine\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		runMake(t, root, "install", "PREFIX="+tc.prefix, "DESTDIR="+dest, "BIN="+bin, "DIST="+dist)
		if data, _ := os.ReadFile(profile); string(data) != "site = \"mine\"\n" {
			t.Errorf("PREFIX=%s: make install replaced an existing site profile", tc.prefix)
		}
	}
}

// TestSystemdUnit: the service runs with the least rights that work and
// systemd-analyze agrees: verify finds nothing, security rates its
// exposure at most 2.0.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile("ttt-check.service")
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string][]string{}
	for _, line := range strings.Split(string(unit), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			settings[k] = append(settings[k], v)
		}
	}
	for k, v := range map[string]string{
		"ProtectSystem":           "strict",
		"StateDirectory":          "ttt-check",
		"StateDirectoryMode":      "0755",
		"UMask":                   "0022",
		"NoNewPrivileges":         "yes",
		"PrivateTmp":              "yes",
		"PrivateNetwork":          "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectKernelLogs":       "yes",
		"RestrictAddressFamilies": "none",
		"CapabilityBoundingSet":   "CAP_DAC_READ_SEARCH",
		"SuccessExitStatus":       "1",
	} {
		if got := settings[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s=%v, want %s", k, got, v)
		}
	}
	if got := settings["SystemCallFilter"]; len(got) == 0 || got[0] != "@system-service" {
		t.Errorf("SystemCallFilter=%v, want @system-service first", got)
	}
	if rw := settings["ReadWritePaths"]; len(rw) > 0 {
		t.Errorf("ReadWritePaths=%v: the state directory (StateDirectory=) is the only writable path", rw)
	}
	// The reports are written under names node_exporter ignores and
	// renamed when complete.
	for _, out := range []string{"last.json", "ttt-check.prom"} {
		if !strings.Contains(settings["ExecStart"][0], "=/var/lib/ttt-check/"+out+".new") {
			t.Errorf("ExecStart does not write %s under a temporary name", out)
		}
		mv := "/bin/mv -f /var/lib/ttt-check/" + out + ".new /var/lib/ttt-check/" + out
		found := false
		for _, p := range settings["ExecStartPost"] {
			found = found || p == mv
		}
		if !found {
			t.Errorf("no ExecStartPost=%s", mv)
		}
	}

	analyze := testkit.Program(t, "systemd-analyze", "systemd")
	dir := t.TempDir()
	// verify wants ExecStart's program to exist: this test binary stands in
	// for /usr/bin/ttt-check. Documentation= man pages are looked up in
	// the generated pages.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	service := strings.ReplaceAll(string(unit), "ExecStart=/usr/bin/ttt-check ", "ExecStart="+self+" ")
	if err := os.WriteFile(filepath.Join(dir, "ttt-check.service"), []byte(service), 0o644); err != nil {
		t.Fatal(err)
	}
	timer, err := os.ReadFile("ttt-check.timer")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ttt-check.timer"), timer, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"verify"}
	env := os.Environ()
	if _, err := exec.LookPath("man"); err == nil {
		manpath := filepath.Join(dir, "man")
		if code := cli.Execute([]string{"docs", "--man", filepath.Join(manpath, "pages")}, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
			t.Fatalf("docs --man: exit %d", code)
		}
		for _, s := range []string{"1", "5"} {
			sec := filepath.Join(manpath, "man"+s)
			if err := os.MkdirAll(sec, 0o755); err != nil {
				t.Fatal(err)
			}
			pages, _ := filepath.Glob(filepath.Join(manpath, "pages", "*."+s))
			for _, p := range pages {
				if err := os.Rename(p, filepath.Join(sec, filepath.Base(p))); err != nil {
					t.Fatal(err)
				}
			}
		}
		env = append(env, "MANPATH="+manpath)
	} else {
		args = append(args, "--man=no")
	}
	cmd := exec.Command(analyze, append(args, filepath.Join(dir, "ttt-check.service"), filepath.Join(dir, "ttt-check.timer"))...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	out, err := exec.Command(analyze, "security", "--offline=true", "--no-pager", filepath.Join(dir, "ttt-check.service")).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for ttt-check\.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	exposure, _ := strconv.ParseFloat(string(m[1]), 64)
	t.Logf("systemd-analyze security: exposure %.1f", exposure)
	if exposure > 2.0 {
		t.Errorf("exposure %.1f, want 2.0 or lower:\n%s", exposure, out)
	}
}

// TestPackages builds the DEB and the RPM with make package (nfpm from the
// Go module proxy), judges them with lintian and rpmlint (no errors, no
// warnings beyond the explained overrides) and checks what a site admin
// meets: versions, conffile, compressed man pages, completion paths per
// distribution, the state directory, purge, summary. A second build gives
// the same bytes.
func TestPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nfpm and the packages (-short)")
	}
	lintian := testkit.Program(t, "lintian", "lintian")
	root := testkit.RepoRoot()
	v := version(t)
	tmp := t.TempDir()
	build := func(dist string) (deb, rpm string) {
		runMake(t, root, "package", "BIN="+filepath.Join(tmp, "bin", "ttt-check"), "DIST="+dist)
		debs, _ := filepath.Glob(filepath.Join(dist, "*.deb"))
		rpms, _ := filepath.Glob(filepath.Join(dist, "*.rpm"))
		if len(debs) != 1 || len(rpms) != 1 {
			t.Fatalf("make package made %v and %v", debs, rpms)
		}
		return debs[0], rpms[0]
	}
	deb, rpm := build(filepath.Join(tmp, "dist"))
	if filepath.Base(deb) != "ttt-check_"+v+"-1_amd64.deb" || filepath.Base(rpm) != "ttt-check-"+v+"-1.x86_64.rpm" {
		t.Errorf("packages %s and %s, want version %s-1", filepath.Base(deb), filepath.Base(rpm), v)
	}

	t.Run("reproducible", func(t *testing.T) {
		deb2, rpm2 := build(filepath.Join(tmp, "dist2"))
		for _, pair := range [][2]string{{deb, deb2}, {rpm, rpm2}} {
			a, _ := os.ReadFile(pair[0])
			b, _ := os.ReadFile(pair[1])
			if !bytes.Equal(a, b) {
				t.Errorf("two builds of %s differ", filepath.Base(pair[0]))
			}
		}
	})

	t.Run("lintian", func(t *testing.T) {
		// (The overrides, each explained, are in packaging/lintian-overrides;
		// --show-overrides would make lintian fail on them.)
		cmd := exec.Command(lintian, "--fail-on", "error,warning", "--display-info", deb)
		out, err := cmd.Output()
		t.Logf("lintian:\n%s", out)
		if err != nil {
			t.Errorf("lintian: %v", err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: ") {
				t.Errorf("lintian: %s", line)
			}
		}
	})

	t.Run("deb", func(t *testing.T) {
		dpkgDeb := testkit.Program(t, "dpkg-deb", "dpkg")
		field := func(name string) string {
			out, err := exec.Command(dpkgDeb, "-f", deb, name).Output()
			if err != nil {
				t.Fatalf("dpkg-deb -f %s: %v", name, err)
			}
			return strings.TrimSpace(string(out))
		}
		if got := field("Version"); got != v+"-1" {
			t.Errorf("Version: %s, want %s-1", got, v)
		}
		if got := field("Depends"); got != "" {
			t.Errorf("Depends: %s; the static binary needs nothing", got)
		}
		list, err := exec.Command(dpkgDeb, "-c", deb).Output()
		if err != nil {
			t.Fatal(err)
		}
		contents := string(list)
		for _, want := range []string{
			"-rwxr-xr-x root/root .* ./usr/bin/ttt-check\n",
			"-rw-r--r-- root/root .* ./etc/ttt-check/site.toml\n",
			"drwxr-xr-x root/root .* ./var/lib/ttt-check/\n",
			" ./usr/share/man/man1/ttt-check.1.gz\n",
			" ./usr/share/man/man1/ttt-check-scan.1.gz\n",
			" ./usr/share/man/man5/ttt-check-site.toml.5.gz\n",
			" ./usr/share/zsh/vendor-completions/_ttt-check\n",
			" ./usr/share/bash-completion/completions/ttt-check\n",
			" ./usr/share/fish/vendor_completions.d/ttt-check.fish\n",
			" ./usr/share/doc/ttt-check/copyright\n",
			" ./usr/share/doc/ttt-check/changelog.Debian.gz\n",
			" ./usr/share/doc/ttt-check/README.md.gz\n",
			" ./usr/lib/systemd/system/ttt-check.service\n",
			" ./usr/lib/systemd/system/ttt-check.timer\n",
		} {
			if !regexp.MustCompile(want).MatchString(contents) {
				t.Errorf("the DEB lacks %q", strings.TrimSpace(want))
			}
		}
		if strings.Contains(contents, "site-functions") || regexp.MustCompile(`man[15]/[^ ]*\.[15]\n`).MatchString(contents) {
			t.Errorf("the DEB has an RPM path or an uncompressed man page:\n%s", contents)
		}
		ctl := t.TempDir()
		if out, err := exec.Command(dpkgDeb, "-e", deb, ctl).CombinedOutput(); err != nil {
			t.Fatalf("dpkg-deb -e: %v\n%s", err, out)
		}
		if conf, _ := os.ReadFile(filepath.Join(ctl, "conffiles")); strings.TrimSpace(string(conf)) != "/etc/ttt-check/site.toml" {
			t.Errorf("conffiles %q, want /etc/ttt-check/site.toml", conf)
		}
		postrm, _ := os.ReadFile(filepath.Join(ctl, "postrm"))
		if !regexp.MustCompile(`(?s)purge\).*rm -rf /var/lib/ttt-check\n`).Match(postrm) {
			t.Errorf("postrm does not remove /var/lib/ttt-check on purge:\n%s", postrm)
		}
		// Each maintainer script is valid sh.
		for _, s := range []string{"postinst", "prerm", "postrm"} {
			if out, err := exec.Command("sh", "-n", filepath.Join(ctl, s)).CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", s, err, out)
			}
		}
	})

	t.Run("rpmlint", func(t *testing.T) {
		rpmlint := testkit.Program(t, "rpmlint", "rpmlint")
		// rpmlint unpacks with `rpm2cpio | cpio -id`, and nfpm's payload
		// names files /usr/...: as root, plain cpio would write them into
		// this machine's /. Keep cpio in rpmlint's directory.
		cpio, err := exec.LookPath("cpio")
		if err != nil {
			t.Skip("cpio not installed: apt-get install cpio (rpmlint depends on it)")
		}
		wrap := t.TempDir()
		script := "#!/bin/sh\nexec " + cpio + " --no-absolute-filenames \"$@\"\n"
		if err := os.WriteFile(filepath.Join(wrap, "cpio"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(rpmlint, "-c", filepath.Join(root, "packaging", "rpmlint.toml"), rpm)
		cmd.Env = append(os.Environ(), "PATH="+wrap+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		t.Logf("rpmlint:\n%s", out)
		if err != nil {
			t.Errorf("rpmlint: %v", err)
		}
		if !strings.Contains(string(out), " 0 errors, 0 warnings") {
			t.Error("rpmlint reports errors or warnings")
		}
	})

	t.Run("rpm", func(t *testing.T) {
		rpmq := testkit.Program(t, "rpm", "rpm")
		query := func(format string) string {
			cmd := exec.Command(rpmq, "-qp", "--dbpath", t.TempDir(), "--qf", format, rpm)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("rpm -qp --qf %q: %v", format, err)
			}
			return string(out)
		}
		if got := query("%{VERSION}-%{RELEASE}"); got != v+"-1" {
			t.Errorf("version %s, want %s-1", got, v)
		}
		if got := query("%{SUMMARY}"); got != "Token-trust checker for WLCG grid hosts" {
			t.Errorf("Summary %q", got)
		}
		if got := query("%{DESCRIPTION}"); !strings.Contains(got, "EOS), builds one") || !strings.Contains(got, "/var/lib/ttt-check.") {
			t.Errorf("Description cut short: %q", got)
		}
		if got := query("[%{REQUIRENAME}\n]"); strings.Contains(got, "libc.so") || strings.Contains(got, "GLIBC") {
			t.Errorf("requires glibc:\n%s", got)
		}
		files := query("[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILENAMES}\n]")
		for _, want := range []string{
			`^cn -rw-r--r-- /etc/ttt-check/site.toml$`,
			`^ -rwxr-xr-x /usr/bin/ttt-check$`,
			`^ drwxr-xr-x /var/lib/ttt-check$`,
			`^g -rw-r--r-- /var/lib/ttt-check/last.json$`,
			`^g -rw-r--r-- /var/lib/ttt-check/ttt-check.prom$`,
			`^d -rw-r--r-- /usr/share/man/man1/ttt-check.1.gz$`,
			`^d -rw-r--r-- /usr/share/man/man5/ttt-check-site.toml.5.gz$`,
			`^l -rw-r--r-- /usr/share/licenses/ttt-check/copyright$`,
			` /usr/share/zsh/site-functions/_ttt-check$`,
			` /usr/share/bash-completion/completions/ttt-check$`,
		} {
			if !regexp.MustCompile("(?m)" + want).MatchString(files) {
				t.Errorf("the RPM lacks %q in:\n%s", want, files)
			}
		}
		if strings.Contains(files, "vendor-completions") {
			t.Error("the RPM puts the zsh completion into Debian's vendor-completions")
		}
		if got := query("%{CHANGELOGNAME}"); !strings.HasSuffix(got, " - "+v+"-1") {
			t.Errorf("changelog entry %q, want one for %s-1", got, v)
		}
	})
}
