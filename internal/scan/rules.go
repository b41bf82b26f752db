package scan

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/rules"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// loadRules reads and checks the site rules: the *.hcl files of dir on
// this machine (--rules), or else the host's own DefaultRulesDir through
// its filesystem. No rules is not an error; --rules naming a directory
// without any is.
func loadRules(fsys *hostfs.FS, dir string) (*rules.Set, error) {
	var files []rules.File
	if dir != "" {
		var err error
		if files, err = readRuleDir(dir); err != nil {
			return nil, fmt.Errorf("read site rules: %w", err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("read site rules: %s has no *.hcl files", dir)
		}
	} else {
		names, err := fsys.Glob(DefaultRulesDir, "*.hcl")
		if err != nil {
			return nil, fmt.Errorf("read site rules: %w", err)
		}
		for _, name := range names {
			data, err := fsys.ReadFileMax(name, rules.MaxFileSize)
			if err != nil {
				return nil, fmt.Errorf("read site rules: %w", err)
			}
			files = append(files, rules.File{Name: name, Data: data})
		}
		if len(files) == 0 {
			return nil, nil
		}
	}
	set, err := rules.Load(files)
	if err != nil {
		return nil, fmt.Errorf("invalid site rules:\n%w", err)
	}
	return set, nil
}

// readRuleDir reads the *.hcl files of an operator's directory, in name
// order, with the directory kept for the test roots they name.
func readRuleDir(dir string) ([]rules.File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []rules.File
	for _, e := range entries {
		if ok, _ := path.Match("*.hcl", e.Name()); !ok {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := readRegular(p, rules.MaxFileSize)
		if err != nil {
			return nil, err
		}
		files = append(files, rules.File{Name: p, Dir: dir, Data: data})
	}
	return files, nil
}

// readRegular reads a file of at most max bytes that is a regular file:
// a FIFO or a device in a rules directory must not hang or feed the scan.
// It is opened non-blocking and checked again once open, in case it was
// swapped in between.
func readRegular(p string, max int64) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file (%s)", p, hostfs.Kind(st.Mode()))
	}
	if st.Size() > max {
		return nil, fmt.Errorf("read %s: %d bytes, more than the %d a rule file may have", p, st.Size(), max)
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st2, err := f.Stat(); err != nil || !os.SameFile(st, st2) || !st2.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: it changed while being opened", p)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("read %s: more than the %d bytes a rule file may have", p, max)
	}
	return data, nil
}

// RulesTestConfig says which site rules `ttt-check rules test` runs.
type RulesTestConfig struct {
	// Dir holds the rule files (*.hcl) on this machine.
	Dir string
	// RecipesDir replaces the embedded recipes, as for scan.
	RecipesDir string
	// Now is the scan time of every case; zero means the current time.
	Now time.Time
}

// RuleTestResult is the outcome of one test case of a site rule.
type RuleTestResult struct {
	// Rule is the check id (site/ID); Test the case's name; Source the
	// case's file:line.
	Rule, Test, Source string
	// Failures say why the case failed; none when it passed.
	Failures []string
}

// Passed reports whether the case passed.
func (r RuleTestResult) Passed() bool { return len(r.Failures) == 0 }

// RunRuleTests runs the test cases the rules of a directory carry: each
// case scans its host (a tree, or an inline snapshot written to a
// temporary directory) with the whole set and the host's own site
// profile, and compares the places of the rule's findings with the ones
// the case expects. A case also fails when the rule matches nothing on
// its host unless it says so (unmatched = true): a clean result from a
// rule that judged nothing proves nothing. The error is for what makes
// the cases meaningless (invalid rules, a missing host tree, a rule that
// fails on a host), not for failing cases.
func RunRuleTests(cfg RulesTestConfig) ([]RuleTestResult, error) {
	set, err := loadRecipes(cfg.RecipesDir)
	if err != nil {
		return nil, err
	}
	rs, err := loadRules(nil, cfg.Dir)
	if err != nil {
		return nil, err
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	var out []RuleTestResult
	for _, r := range rs.Rules() {
		for _, tc := range r.Tests {
			res, err := runRuleTest(set, rs, r, tc, cfg.Now)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: test %q of %s: %w", tc.File, tc.Line, tc.Name, r.CheckID(), err)
			}
			out = append(out, res)
		}
	}
	return out, nil
}

func runRuleTest(set *recipes.Set, rs *rules.Set, r *rules.Rule, tc rules.Test, now time.Time) (RuleTestResult, error) {
	res := RuleTestResult{Rule: r.CheckID(), Test: tc.Name, Source: fmt.Sprintf("%s:%d", tc.File, tc.Line)}
	root := tc.Root
	if tc.Files != nil {
		tmp, err := os.MkdirTemp("", "ttt-check-rule-test-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(tmp)
		if err := writeSnapshot(tmp, tc.Files); err != nil {
			return res, err
		}
		root = tmp
	} else if !filepath.IsAbs(root) {
		root = filepath.Join(tc.BaseDir, root)
	}
	s, err := open(Config{Root: root, Hostname: tc.Hostname}, set, rs)
	if err != nil {
		return res, err
	}
	rep, stats, err := s.run(Options{Now: now, FailOn: vocab.Medium, AllInstances: true})
	if err != nil {
		return res, err
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		if f.Check != r.CheckID() {
			continue
		}
		got[f.Location()] = f.Message
		for _, p := range f.Also {
			got[p.Location()] = f.Message
		}
	}
	for _, e := range tc.Expect {
		if _, ok := got[e]; !ok {
			res.Failures = append(res.Failures, "no finding at "+e)
		}
	}
	var unexpected []string
	for place, msg := range got {
		if !slices.Contains(tc.Expect, place) {
			unexpected = append(unexpected, "unexpected finding at "+place+": "+msg)
		}
	}
	slices.Sort(unexpected)
	res.Failures = append(res.Failures, unexpected...)
	st := stats[r.CheckID()]
	matched := st.Applied && st.Matched > 0
	switch {
	case tc.Unmatched && matched:
		res.Failures = append(res.Failures, fmt.Sprintf("the rule matched %d of the host's %d %s; the case says it matches none", st.Matched, st.Items, r.Over))
	case !tc.Unmatched && !matched:
		why := "its when is false here"
		if st.Applied {
			why = fmt.Sprintf("its where selects none of the host's %d %s", st.Items, r.Over)
		}
		res.Failures = append(res.Failures, "the rule matched nothing on this host ("+why+"), so a clean result proves nothing; give the case a host the rule applies to, or say unmatched = true")
	}
	return res, nil
}

// writeSnapshot writes an inline host snapshot (host path → content)
// under dir.
func writeSnapshot(dir string, files map[string]string) error {
	for p, content := range files {
		real := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(p, "/")))
		if !strings.HasPrefix(real, dir+string(filepath.Separator)) {
			return fmt.Errorf("write %s: outside the snapshot", p)
		}
		if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := os.WriteFile(real, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}
