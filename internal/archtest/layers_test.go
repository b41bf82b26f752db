package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

const module = "github.com/ttt-wg/ttt-check"

// imports maps every package of the module (by path relative to the
// module, e.g. "internal/parse/arcconf") to the module packages its
// non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root := testkit.RepoRoot()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "fixtures") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(path, module+"/"); ok {
				out[rel] = append(out[rel], dep)
			}
		}
		if _, ok := out[rel]; !ok {
			out[rel] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func under(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }

// rule says which module packages a layer may not import, or the only
// ones it may.
type rule struct {
	layer   string   // what the rule is about, for messages
	pkgs    []string // the layer's packages (prefixes)
	forbid  []string // packages it must not import (prefixes)
	only    []string // when set: the only module packages it may import
	because string
}

var rules = []rule{
	{layer: "parsers", pkgs: []string{"internal/parse"},
		forbid:  []string{"internal/readers", "internal/services", "checks", "recipes", "internal/site", "internal/rules", "internal/output", "internal/scan", "internal/finding", "internal/fleet", "internal/logsearch", "internal/cli"},
		because: "a parser reads one file format, with positions; it knows nothing of services, checks, profiles or outputs"},
	{layer: "readers", pkgs: []string{"internal/readers"},
		forbid:  []string{"checks", "recipes", "internal/site", "internal/rules", "internal/output", "internal/scan", "internal/finding", "internal/fleet", "internal/services", "internal/cli"},
		because: "a reader turns a service's files into the inventory; it never judges"},
	{layer: "checks", pkgs: []string{"checks"},
		forbid:  []string{"internal/parse", "internal/readers", "internal/services", "internal/hostfs", "internal/logsearch", "internal/site", "internal/rules", "internal/output", "internal/scan", "internal/fleet", "internal/cli"},
		because: "a check judges the service-neutral inventory; it never sees a file format or a host"},
	{layer: "outputs", pkgs: []string{"internal/output"},
		forbid:  []string{"internal/parse", "internal/readers", "internal/services", "checks", "recipes", "internal/site", "internal/rules", "internal/scan", "internal/hostfs", "internal/logsearch", "internal/cli"},
		because: "an output renders a finished document and knows nothing of services"},
	{layer: "the data model", pkgs: []string{"internal/inventory", "internal/vocab", "internal/finding", "internal/catalog"},
		only:    []string{"internal/inventory", "internal/vocab"},
		because: "the model every layer shares depends on no layer"},
	{layer: "the reference", pkgs: []string{"internal/reference"},
		only:    []string{"recipes", "internal/inventory", "internal/catalog", "internal/version", "internal/vocab"},
		because: "the reference renders the recipes with a host's values; it never reads files, judges or writes output"},
	{layer: "the fixer", pkgs: []string{"internal/fix"},
		only:    []string{"internal/finding", "internal/hostfs", "internal/inventory", "internal/vocab"},
		because: "the fixer lays the findings' edits over the host's files; it never judges, parses a format or writes"},
	{layer: "the CLI", pkgs: []string{"internal/cli"},
		only:    []string{"internal/scan", "internal/output", "internal/fleet"},
		because: "commands call the pipeline's entry, the output registry and the fleet aggregation only"},
	{layer: "main", pkgs: []string{"cmd"},
		only:    []string{"internal/cli"},
		because: "main only runs the command tree and exits"},
	{layer: "site rules", pkgs: []string{"internal/rules"},
		only:    []string{"internal/inventory", "internal/finding", "internal/vocab"},
		because: "the rule engine judges the inventory with the site's HCL; it reads no host (the scan hands it the files), knows no file format, check or output"},
}

// violations lists every import of graph that breaks a rule, and every
// rule that matches no package (a rule left behind by a move).
func violations(graph map[string][]string, rules []rule) []string {
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	var out []string
	for _, r := range rules {
		matched := 0
		for _, p := range pkgs {
			inLayer := false
			for _, l := range r.pkgs {
				inLayer = inLayer || under(p, l)
			}
			if !inLayer {
				continue
			}
			matched++
			for _, dep := range graph[p] {
				bad := false
				for _, f := range r.forbid {
					bad = bad || under(dep, f)
				}
				if r.only != nil {
					allowed := false
					for _, o := range r.only {
						allowed = allowed || under(dep, o)
					}
					// Packages of the same layer may use each other.
					for _, l := range r.pkgs {
						allowed = allowed || under(dep, l)
					}
					bad = bad || !allowed
				}
				if bad {
					out = append(out, r.layer+": "+p+" imports "+dep+"; "+r.because)
				}
			}
		}
		if matched == 0 {
			out = append(out, "rule for "+r.layer+" matches no package: update the rule with the layout")
		}
	}
	return out
}

// TestLayerRules enforces the import rules of ARCHITECTURE.md over the
// real import graph of the module's non-test files.
func TestLayerRules(t *testing.T) {
	for _, v := range violations(imports(t), rules) {
		t.Error(v)
	}
}

// TestViolationsAreFound checks the checker: a made-up graph that breaks
// each rule once yields one violation per rule.
func TestViolationsAreFound(t *testing.T) {
	graph := map[string][]string{
		"internal/parse/arcconf":   {"internal/inventory", "internal/readers"},
		"internal/readers/arcce":   {"internal/parse/arcconf", "checks"},
		"checks":                   {"recipes", "internal/parse/arcconf"},
		"internal/output":          {"internal/finding", "internal/services"},
		"internal/finding":         {"internal/vocab", "recipes"},
		"internal/reference":       {"recipes", "internal/hostfs"},
		"internal/fix":             {"internal/finding", "checks"},
		"internal/cli":             {"internal/scan", "internal/site"},
		"cmd/ttt-check":            {"internal/cli", "internal/scan"},
		"internal/scan":            {"checks", "internal/readers/arcce"},
		"internal/parse/condorcfg": {"internal/hostfs"},
		"internal/rules":           {"internal/inventory", "internal/hostfs"},
	}
	got := violations(graph, rules)
	if len(got) != len(rules) {
		t.Fatalf("violations = %d, want one per rule (%d):\n%s", len(got), len(rules), strings.Join(got, "\n"))
	}
	for i, r := range rules {
		if !strings.HasPrefix(got[i], r.layer+": ") {
			t.Errorf("violation %d = %q, want one of %s", i, got[i], r.layer)
		}
	}
	if v := violations(map[string][]string{"other": nil}, rules[:1]); len(v) != 1 || !strings.Contains(v[0], "matches no package") {
		t.Errorf("a rule matching nothing is not reported: %v", v)
	}
}
