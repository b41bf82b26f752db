// Package puppet_test checks the ttt_check Puppet module with Debian's
// puppet: it validates, its defaults compile and apply with --noop, and on
// a fixture host it scans only when a watched configuration changes —
// a second apply changes nothing — and fails the run on a deviating one.
package puppet_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// puppetRun runs puppet with its state in dir (nothing under /etc/puppet
// or /var/lib/puppet) and returns the combined output and the exit code.
func puppetRun(t *testing.T, puppet, dir string, args ...string) (string, int) {
	t.Helper()
	state := []string{"--confdir", filepath.Join(dir, "conf"), "--vardir", filepath.Join(dir, "var"), "--codedir", filepath.Join(dir, "code"),
		"--logdir", filepath.Join(dir, "log"), "--rundir", filepath.Join(dir, "run"), "--color", "false"}
	cmd := exec.Command(puppet, append(args[:1:1], append(state, args[1:]...)...)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("puppet %s: %v", args[0], err)
		}
		code = ee.ExitCode()
	}
	// Facter cannot read /proc/1/environ in some sandboxes; that noise is
	// not the module's.
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.Contains(l, "/proc/1/environ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), code
}

func TestModule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs puppet (-short)")
	}
	puppet := testkit.Program(t, "puppet", "puppet")
	module, err := filepath.Abs("ttt_check")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	t.Run("validate", func(t *testing.T) {
		manifests, _ := filepath.Glob(filepath.Join(module, "*", "*.pp"))
		if len(manifests) < 3 {
			t.Fatalf("manifests %v", manifests)
		}
		if out, code := puppetRun(t, puppet, dir, append([]string{"parser", "validate"}, manifests...)...); code != 0 {
			t.Errorf("puppet parser validate: exit %d\n%s", code, out)
		}
		templates, _ := filepath.Glob(filepath.Join(module, "templates", "*.epp"))
		if out, code := puppetRun(t, puppet, dir, append([]string{"epp", "validate"}, templates...)...); code != 0 {
			t.Errorf("puppet epp validate: exit %d\n%s", code, out)
		}
	})

	modulepath := filepath.Dir(module)
	t.Run("noop defaults", func(t *testing.T) {
		// What a real host would get, without touching this one: the
		// package, the profile, the timer, and a scan on the changes.
		manifest := filepath.Join(dir, "defaults.pp")
		if err := os.WriteFile(manifest, []byte("class { 'ttt_check': site => 'TEST-SITE', vos => ['atlas', 'dteam'] }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, code := puppetRun(t, puppet, dir, "apply", "--noop", "--detailed-exitcodes", "--modulepath", modulepath, manifest)
		t.Logf("%s", out)
		if code != 0 && code != 2 {
			t.Fatalf("puppet apply --noop: exit %d", code)
		}
		for _, want := range []string{
			"Package[ttt-check]/ensure: current_value",
			"File[/etc/ttt-check/site.toml]/ensure: current_value 'absent', should be 'file' (noop)",
			"File[/etc/systemd/system/ttt-check.timer.d/schedule.conf]/ensure",
			"Service[ttt-check.timer]/ensure",
			"Exec[ttt-check post-deploy scan]: Would have triggered 'refresh'",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("noop output lacks %q", want)
			}
		}
	})

	t.Run("apply on a fixture host", func(t *testing.T) {
		if os.Getuid() != 0 {
			t.Skip("the module manages root-owned files: run as root (CI does)")
		}
		bin := filepath.Join(dir, "ttt-check")
		if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/ttt-check").CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
		fixtures, _ := filepath.Abs("../../fixtures/hosts")
		host := filepath.Join(dir, "host")
		if out, err := exec.Command("cp", "-r", filepath.Join(fixtures, "xrootd-wg-recipe"), host).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v\n%s", err, out)
		}
		// The host's XRootD config is about to be deployed by Puppet.
		cfg := filepath.Join(host, "etc/xrootd/scitokens.cfg")
		if err := os.WriteFile(cfg, []byte("# not yet deployed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		state := filepath.Join(dir, "state")
		manifest := func(source string) string {
			file := filepath.Join(dir, "site.pp")
			text := `file { '` + cfg + `':
  ensure => file,
  mode   => '0644',
  source => '` + source + `',
}
class { 'ttt_check':
  site           => 'EXAMPLE-T2',
  vos            => ['atlas', 'cms', 'dteam'],
  severity       => { 'issuer-dteam-missing' => 'info' },
  waivers        => [{ check => 'audience-any', service => 'xrootd', reason => 'testbed', expires => '2099-12-31' }],
  watch          => [File['` + cfg + `']],
  manage_package => false,
  manage_timer   => false,
  root           => '` + host + `',
  bin            => '` + bin + `',
  config_dir     => '` + filepath.Join(host, "etc/ttt-check") + `',
  state_dir      => '` + state + `',
}
`
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return file
		}
		apply := func(m string) (string, int) {
			out, code := puppetRun(t, puppet, dir, "apply", "--detailed-exitcodes", "--modulepath", modulepath, m)
			t.Logf("puppet apply: exit %d\n%s", code, out)
			return out, code
		}
		const scan = "Exec[ttt-check post-deploy scan]"
		recipe := manifest(filepath.Join(fixtures, "xrootd-wg-recipe/etc/xrootd/scitokens.cfg"))

		// 1. The deploy changes the config and writes the profile: the scan
		// runs and passes (exit 2: changes, no failures).
		out, code := apply(recipe)
		if code != 2 || !strings.Contains(out, scan+": Triggered 'refresh'") {
			t.Fatalf("first apply: exit %d, want 2 with the scan triggered", code)
		}
		if _, err := os.Stat(filepath.Join(state, "post-deploy.json")); err != nil {
			t.Errorf("the scan wrote no JSON: %v", err)
		}
		profile, _ := os.ReadFile(filepath.Join(host, "etc/ttt-check/site.toml"))
		for _, want := range []string{`site        = "EXAMPLE-T2"`, `vos         = ["atlas", "cms", "dteam"]`, `"issuer-dteam-missing" = "info"`, "expires = 2099-12-31"} {
			if !strings.Contains(string(profile), want) {
				t.Errorf("site.toml lacks %q:\n%s", want, profile)
			}
		}

		// 2. Nothing changed: nothing runs, nothing changes (exit 0).
		out, code = apply(recipe)
		if code != 0 || strings.Contains(out, scan) {
			t.Errorf("second apply: exit %d, want 0 and no scan", code)
		}

		// 3. A deviating config is deployed: the scan fails the run with
		// its report in the log (exit 6: changes and failures).
		out, code = apply(manifest(filepath.Join(fixtures, "xrootd-issuers/etc/xrootd/scitokens.cfg")))
		if code != 6 || !strings.Contains(out, "issuer-dev-vo") {
			t.Errorf("deviating deploy: exit %d, want 6 with the report's issuer-dev-vo in the log", code)
		}
	})
}
