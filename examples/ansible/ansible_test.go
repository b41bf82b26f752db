package ansible_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlaybook runs the example playbook with Debian's ansible against
// three fixture snapshots as inventory hosts (connection local): the play
// fails for the deviating hosts, every result is fetched, and the fleet
// report names all hosts, worst first.
func TestPlaybook(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ansible-playbook")
	}
	playbook, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Skip("ansible not installed: apt-get install ansible (.ci/run does)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ttt-check")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/ttt-check")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	fixtures, _ := filepath.Abs("../../fixtures/hosts")
	results := filepath.Join(dir, "results")
	inventory := filepath.Join(dir, "inventory.ini")
	hosts := map[string]string{"clean": "xrootd-wg-recipe", "redirector": "xrootd-redirector", "ce": "htcondor-ce-osg"}
	var inv strings.Builder
	inv.WriteString("[grid]\n")
	for name, fixture := range hosts {
		inv.WriteString(name + " ansible_connection=local ttt_check_root=" + filepath.Join(fixtures, fixture) + "\n")
	}
	if err := os.WriteFile(inventory, []byte(inv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(playbook, "-i", inventory, "ttt-check.yml",
		"-e", "ttt_check_bin="+bin, "-e", "ttt_check_results="+results, "-e", "ansible_python_interpreter=/usr/bin/python3")
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_LOCAL_TEMP="+filepath.Join(dir, "tmp"), "ANSIBLE_HOME="+filepath.Join(dir, "home"))
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err == nil {
		t.Fatalf("the play succeeded although two hosts deviate:\n%s", out)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("ansible-playbook: %v (want exit 2, failed hosts)\n%s", err, out)
	}
	recap := string(out[strings.LastIndex(string(out), "PLAY RECAP"):])
	for name, want := range map[string]string{"clean": "failed=0", "redirector": "failed=1", "ce": "failed=1"} {
		line := ""
		for _, l := range strings.Split(recap, "\n") {
			if strings.HasPrefix(l, name+" ") {
				line = l
			}
		}
		if !strings.Contains(line, want) {
			t.Errorf("%s: recap %q, want %s", name, line, want)
		}
	}
	for name := range hosts {
		if _, err := os.Stat(filepath.Join(results, name+".json")); err != nil {
			t.Errorf("result of %s not fetched: %v", name, err)
		}
	}
	html, err := os.ReadFile(filepath.Join(results, "fleet.html"))
	if err != nil {
		t.Fatalf("fleet report: %v\n%s", err, out)
	}
	for _, h := range []string{"redirector.example.org", "osgce.example.edu", "xrd01.example.org"} {
		if !strings.Contains(string(html), h) {
			t.Errorf("fleet report lacks %s", h)
		}
	}
}
