package scan

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// applyPatch applies scan --diff's output (the diff and its comment
// lines) to the tree under root with patch -p0, else git apply; it skips
// the test when neither is installed.
func applyPatch(t *testing.T, root string, text []byte) {
	t.Helper()
	if p, err := exec.LookPath("patch"); err == nil {
		cmd := exec.Command(p, "-d", root, "-p0", "-F0", "--batch", "--forward", "--no-backup-if-mismatch")
		cmd.Stdin = bytes.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch -p0: %v\n%s\n--- the diff:\n%s", err, out, text)
		}
		return
	}
	g, err := exec.LookPath("git")
	if err != nil {
		t.Skip("neither patch nor git is installed: the diff cannot be applied")
	}
	cmd := exec.Command(g, "apply", "-p0", "-")
	cmd.Dir = root
	rel := string(text)
	cmd.Stdin = strings.NewReader(rel)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s\n--- the diff:\n%s", err, out, rel)
	}
}

// TestDiffRoundTrip applies what `scan --diff` prints to a copy of every
// fixture host that fails, with patch -p0, and scans the copy again:
// every finding the diff claims to fix is gone, and no finding at medium
// or above appears that the host did not have.
func TestDiffRoundTrip(t *testing.T) {
	applied := 0
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			root := testkit.CopyTree(t, filepath.Join(fixtures, name))
			s, err := New(Config{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Now: scanDay, FailOn: vocab.Medium, Logs: true}
			before, err := s.Run(opts)
			if err != nil {
				t.Fatal(err)
			}
			p := s.Diff(before)
			if p.Diff == "" {
				for _, f := range p.Fixed {
					t.Errorf("%s %s claims a fix without a diff", f.Check, f.Location())
				}
				return
			}
			applied++
			var out bytes.Buffer
			if err := output.PatchText(&out, p, before.Host, output.Options{}); err != nil {
				t.Fatal(err)
			}
			applyPatch(t, root, out.Bytes())
			s, err = New(Config{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			after, err := s.Run(opts)
			if err != nil {
				t.Fatal(err)
			}
			was := map[string]bool{}
			for _, f := range before.Findings {
				was[f.Fingerprint] = true
			}
			now := map[string]finding.Finding{}
			for _, f := range after.Findings {
				if f.Status == vocab.StatusFail {
					now[f.Fingerprint] = f
				}
				if f.Status == vocab.StatusFail && !was[f.Fingerprint] && f.Severity >= vocab.Medium {
					t.Errorf("new %s %s at %s: %s", f.Severity, f.Check, f.Location(), f.Message)
				}
			}
			var fixed []string
			for _, f := range p.Fixed {
				fixed = append(fixed, f.Check+" "+f.Location())
				if g, still := now[f.Fingerprint]; still {
					t.Errorf("%s at %s is still there after the diff: %s", f.Check, f.Location(), g.Message)
				}
			}
			sort.Strings(fixed)
			t.Logf("fixed: %s", strings.Join(fixed, "; "))
		})
	}
	if applied == 0 {
		t.Error("no fixture host got a diff")
	}
}

// TestDiffReadOnly checks that rendering the diff changes nothing on the
// host: every file of the fixture keeps its bytes.
func TestDiffReadOnly(t *testing.T) {
	root := testkit.CopyTree(t, filepath.Join(fixtures, "demo"))
	snapshot := func() map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				data, _ := os.ReadFile(p)
				m[p] = string(data)
			}
			return nil
		})
		return m
	}
	want := snapshot()
	s, err := New(Config{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium})
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Diff(rep); p.Diff == "" {
		t.Fatal("the demo host gets no diff")
	}
	got := snapshot()
	if len(got) != len(want) {
		t.Fatalf("%d files after --diff, %d before", len(got), len(want))
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("%s changed", p)
		}
	}
}
