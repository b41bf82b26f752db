// Package ansible_test runs the ttt_check role's playbooks with Debian's
// ansible against fixture snapshots as inventory hosts (connection local),
// and ansible-lint over them.
package ansible_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// setup builds ttt-check and returns it with a scratch directory.
func setup(t *testing.T) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs ansible-playbook (-short)")
	}
	testkit.Program(t, "ansible-playbook", "ansible")
	dir = t.TempDir()
	bin = filepath.Join(dir, "ttt-check")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/ttt-check")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin, dir
}

// playbook runs one of the example playbooks from workdir (the directory
// a user runs ansible-playbook in) and returns its output and exit code.
// As root the role becomes root with su (CI has no sudo); otherwise it
// does not become.
func playbook(t *testing.T, dir, workdir, inventory, book string, vars ...string) (string, int) {
	t.Helper()
	abs, err := filepath.Abs(book)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-i", inventory, abs, "-e", "ansible_python_interpreter=/usr/bin/python3"}
	if os.Getuid() == 0 {
		args = append(args, "-e", "ansible_become_method=su")
	} else {
		args = append(args, "-e", "ttt_check_become=false")
	}
	for _, v := range vars {
		args = append(args, "-e", v)
	}
	cmd := exec.Command("ansible-playbook", args...)
	cmd.Dir = workdir
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_HOST_KEY_CHECKING=False",
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(dir, "tmp"), "ANSIBLE_HOME="+filepath.Join(dir, "home"), "PWD="+workdir)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("ansible-playbook: %v", err)
		}
		code = ee.ExitCode()
	}
	t.Logf("ansible-playbook %s: exit %d\n%s", book, code, out)
	return string(out), code
}

// recap returns host -> its PLAY RECAP line.
func recap(out string) map[string]string {
	lines := map[string]string{}
	i := strings.LastIndex(out, "PLAY RECAP")
	if i < 0 {
		return lines
	}
	for _, l := range strings.Split(out[i:], "\n")[1:] {
		if f := strings.Fields(l); len(f) > 2 && f[1] == ":" {
			lines[f[0]] = l
		}
	}
	return lines
}

// TestAudit runs audit.yml over three fixture hosts from a working
// directory of its own: the play fails the two deviating hosts, every
// host's JSON lands in the relative results directory under that working
// directory (not in the checkout), and the fleet report, built on the
// control node, names all hosts.
func TestAudit(t *testing.T) {
	bin, dir := setup(t)
	fixtures, _ := filepath.Abs("../../fixtures/hosts")
	hosts := map[string]string{"clean": "xrootd-wg-recipe", "redirector": "xrootd-redirector", "ce": "htcondor-ce-osg"}
	names := make([]string, 0, len(hosts))
	for name := range hosts {
		names = append(names, name)
	}
	sort.Strings(names)
	var inv strings.Builder
	inv.WriteString("[grid]\n")
	for _, name := range names {
		inv.WriteString(name + " ansible_connection=local ttt_check_root=" + filepath.Join(fixtures, hosts[name]) + "\n")
	}
	inventory := filepath.Join(dir, "inventory.ini")
	if err := os.WriteFile(inventory, []byte(inv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	out, code := playbook(t, dir, work, inventory, "audit.yml",
		"ttt_check_bin="+bin, "ttt_check_local_bin="+bin, "ttt_check_results=results")
	if code != 2 {
		t.Fatalf("ansible-playbook: exit %d, want 2 (failed hosts)", code)
	}
	r := recap(out)
	for name, want := range map[string]string{"clean": "failed=0", "redirector": "failed=1", "ce": "failed=1"} {
		if !strings.Contains(r[name], want) {
			t.Errorf("%s: recap %q, want %s", name, r[name], want)
		}
	}
	if !strings.Contains(out, "deviation(s) at or above medium: log-token-leak") {
		t.Error("the failure message does not name the redirector's deviations")
	}
	results := filepath.Join(work, "results")
	for name := range hosts {
		if _, err := os.Stat(filepath.Join(results, name+".json")); err != nil {
			t.Errorf("result of %s not stored: %v", name, err)
		}
	}
	if _, err := os.Stat("results"); err == nil {
		t.Error("results were written into the checkout (examples/ansible/results)")
	}
	html, err := os.ReadFile(filepath.Join(results, "fleet.html"))
	if err != nil {
		t.Fatalf("fleet report: %v", err)
	}
	for _, h := range []string{"redirector.example.org", "osgce.example.edu", "xrd01.example.org"} {
		if !strings.Contains(string(html), h) {
			t.Errorf("fleet report lacks %s", h)
		}
	}
}

// TestPostDeploy runs deploy-xrootd.yml on a fixture host: the deploy and
// the profile trigger one scan, which passes; a second run changes nothing
// and scans nothing; deploying a deviating configuration fails the host
// with the scan's report.
func TestPostDeploy(t *testing.T) {
	bin, dir := setup(t)
	fixtures, _ := filepath.Abs("../../fixtures/hosts")
	host := filepath.Join(dir, "se")
	if out, err := exec.Command("cp", "-r", filepath.Join(fixtures, "xrootd-wg-recipe"), host).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(host, "etc/xrootd/scitokens.cfg"), []byte("# not yet deployed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inventory := filepath.Join(dir, "inventory.ini")
	if err := os.WriteFile(inventory, []byte("[storage]\nse ansible_connection=local ttt_check_root="+host+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := func(source string) []string {
		return []string{"ttt_check_bin=" + bin, "ttt_check_timer=false",
			"ttt_check_profile_path=" + filepath.Join(host, "etc/ttt-check/site.toml"),
			"xrootd_scitokens_source=" + filepath.Join(fixtures, source, "etc/xrootd/scitokens.cfg")}
	}
	const handler = "RUNNING HANDLER [ttt_check : Scan the host's token trust after the deploy]"

	out, code := playbook(t, dir, dir, inventory, "deploy-xrootd.yml", vars("xrootd-wg-recipe")...)
	if code != 0 || !strings.Contains(out, handler) {
		t.Fatalf("first run: exit %d, want 0 with the post-deploy scan", code)
	}
	profile, _ := os.ReadFile(filepath.Join(host, "etc/ttt-check/site.toml"))
	for _, want := range []string{`site = "praguelcg2"`, `vos = ["atlas", "cms", "dteam"]`, `"issuer-dteam-missing" = "info"`} {
		if !strings.Contains(string(profile), want) {
			t.Errorf("site.toml lacks %q:\n%s", want, profile)
		}
	}

	out, code = playbook(t, dir, dir, inventory, "deploy-xrootd.yml", vars("xrootd-wg-recipe")...)
	if r := recap(out)["se"]; code != 0 || strings.Contains(out, handler) || !strings.Contains(r, "changed=0") {
		t.Errorf("second run: exit %d, recap %q: want 0, changed=0 and no scan", code, r)
	}

	out, code = playbook(t, dir, dir, inventory, "deploy-xrootd.yml", vars("xrootd-issuers")...)
	if r := recap(out)["se"]; code != 2 || !strings.Contains(r, "failed=1") || !strings.Contains(out, "issuer-dev-vo") {
		t.Errorf("deviating deploy: exit %d, recap %q: want 2, failed=1 and the report's issuer-dev-vo", code, r)
	}
}

// TestAnsibleLint: the role and the playbooks pass ansible-lint's
// production profile.
func TestAnsibleLint(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ansible-lint (-short)")
	}
	lint := testkit.Program(t, "ansible-lint", "ansible-lint")
	cmd := exec.Command(lint, "--offline", "--nocolor", "--profile", "production")
	cmd.Env = append(os.Environ(), "ANSIBLE_HOME="+filepath.Join(t.TempDir(), "home"))
	out, err := cmd.CombinedOutput()
	t.Logf("ansible-lint:\n%s", out)
	if err != nil {
		t.Errorf("ansible-lint: %v", err)
	}
}
