package checks

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// The layout this file enforces: every check a finding can name by id is
// in checks/<id>.go (dashes as underscores) with its table test in
// checks/<id>_test.go, so that a reader of a finding's id finds its logic
// and its cases without a search.

// sharedFiles hold no check: the registry and the exported API, and
// helpers several checks use.
var sharedFiles = []string{"audiences.go", "checks.go", "edits.go", "fixes.go", "helpers.go", "issuers.go", "memo.go", "patterns.go", "releases.go"}

// raisedHere are ids of checks not run on services whose findings this
// package still builds, with the function that builds them; their file
// holds that function instead of a Check.
var raisedHere = map[string]string{vocab.CheckLogsTokenLeaked: "LogFindings"}

// checkFile is the file a check id lives in.
func checkFile(id string) string { return strings.ReplaceAll(id, "-", "_") + ".go" }

// source is what the registry rules need of the package's files, by base
// name.
type source struct {
	// checks are the ids of the Check declarations in each non-test file.
	checks map[string][]string
	// funcs are the top-level functions of each non-test file.
	funcs map[string][]string
	// tests are the names of the test files.
	tests []string
}

// parseSource type-checks the non-test files of dir so that check ids
// written as constants (vocab.CheckScanIncomplete) are read as the
// strings they are.
func parseSource(dir string) (source, error) {
	src := source{checks: map[string][]string{}, funcs: map[string][]string{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return src, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		switch {
		case !strings.HasSuffix(name, ".go"):
		case strings.HasSuffix(name, "_test.go"):
			src.tests = append(src.tests, name)
		default:
			f, err := parser.ParseFile(fset, dir+"/"+name, nil, 0)
			if err != nil {
				return src, err
			}
			files = append(files, f)
			src.checks[name] = nil
		}
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check("checks", fset, files, info); err != nil {
		return src, err
	}
	for _, f := range files {
		name := fset.Position(f.Pos()).Filename
		name = name[strings.LastIndex(name, "/")+1:]
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					src.funcs[name] = append(src.funcs[name], d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for _, v := range vs.Values {
						if id, ok := checkID(v, info); ok {
							src.checks[name] = append(src.checks[name], id)
						}
					}
				}
			}
		}
	}
	return src, nil
}

// checkID returns the id of a Check{ID: …} literal.
func checkID(e ast.Expr, info *types.Info) (string, bool) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	if typ, ok := lit.Type.(*ast.Ident); !ok || typ.Name != "Check" {
		return "", false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
			if v := info.Types[kv.Value].Value; v != nil && v.Kind() == constant.String {
				return constant.StringVal(v), true
			}
		}
	}
	return "", false
}

// layoutProblems lists where the files disagree with the registered ids.
func layoutProblems(src source, registered []string) []string {
	var out []string
	for _, id := range registered {
		file := checkFile(id)
		ids, ok := src.checks[file]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("check %s is registered but has no file %s", id, file))
		case !slices.Contains(ids, id):
			out = append(out, fmt.Sprintf("%s does not declare check %s (a Check{ID: %q, …})", file, id, id))
		}
	}
	for _, file := range slices.Sorted(maps.Keys(src.checks)) {
		ids := src.checks[file]
		id := strings.ReplaceAll(strings.TrimSuffix(file, ".go"), "_", "-")
		switch {
		case slices.Contains(sharedFiles, file):
			if len(ids) > 0 {
				out = append(out, fmt.Sprintf("shared file %s declares check(s) %s; a check lives in its own file", file, strings.Join(ids, ", ")))
			}
			continue
		case raisedHere[id] != "":
			if !slices.Contains(src.funcs[file], raisedHere[id]) {
				out = append(out, fmt.Sprintf("%s does not declare %s, which raises %s", file, raisedHere[id], id))
			}
		case !slices.Contains(registered, id):
			out = append(out, fmt.Sprintf("%s is a check file for %s, which is not registered in all (or list it in sharedFiles)", file, id))
		}
		for _, other := range ids {
			if other != id {
				out = append(out, fmt.Sprintf("%s declares check %s, which belongs in %s", file, other, checkFile(other)))
			}
		}
		if test := strings.TrimSuffix(file, ".go") + "_test.go"; !slices.Contains(src.tests, test) {
			out = append(out, fmt.Sprintf("%s has no table test %s", file, test))
		}
	}
	return out
}

// unsorted names the first check of list that comes before its
// predecessor, or "" when the list is sorted by id.
func unsorted(list []Check) string {
	for i := 1; i < len(list); i++ {
		if cmp.Compare(list[i-1].ID, list[i].ID) >= 0 {
			return fmt.Sprintf("%s after %s", list[i].ID, list[i-1].ID)
		}
	}
	return ""
}

func TestRegistryMatchesFiles(t *testing.T) {
	src, err := parseSource(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range layoutProblems(src, IDs()) {
		t.Error(p)
	}
	if u := unsorted(all); u != "" {
		t.Errorf("all is not sorted by id: %s", u)
	}
	for id := range raisedHere {
		if !slices.Contains(metadataOnly, id) {
			t.Errorf("%s is raised here but not in metadataOnly, so Validate does not ask the recipes for it", id)
		}
	}
}

func TestLayoutProblems(t *testing.T) {
	// layout is a package that follows the rules, for the cases to break.
	layout := func() source {
		return source{
			checks: map[string][]string{"checks.go": nil, "helpers.go": nil, "issuer_wildcard.go": {"issuer-wildcard"}, "scan_incomplete.go": {"scan-incomplete"}, "logs_token_leaked.go": nil},
			funcs:  map[string][]string{"logs_token_leaked.go": {"LogFindings", "orNone"}},
			tests:  []string{"checks_test.go", "issuer_wildcard_test.go", "scan_incomplete_test.go", "logs_token_leaked_test.go"},
		}
	}
	registered := []string{"issuer-wildcard", "scan-incomplete"}
	tests := []struct {
		name       string
		edit       func(*source)
		registered []string
		want       string // a fragment of the only problem; empty: none
	}{
		{"layout as it should be", func(*source) {}, registered, ""},
		{"registered id without a file", func(s *source) { delete(s.checks, "issuer_wildcard.go") }, registered,
			"check issuer-wildcard is registered but has no file issuer_wildcard.go"},
		{"file without its id's declaration", func(s *source) { s.checks["scan_incomplete.go"] = nil }, registered,
			"scan_incomplete.go does not declare check scan-incomplete"},
		{"check file of an id that is not registered", func(*source) {}, []string{"scan-incomplete"},
			"issuer_wildcard.go is a check file for issuer-wildcard, which is not registered"},
		{"check declared in a shared file", func(s *source) { s.checks["helpers.go"] = []string{"helper-check"} }, registered,
			"shared file helpers.go declares check(s) helper-check"},
		{"check declared in another check's file", func(s *source) {
			s.checks["issuer_wildcard.go"] = append(s.checks["issuer_wildcard.go"], "issuer-wildcard-too")
		}, registered, "issuer_wildcard.go declares check issuer-wildcard-too, which belongs in issuer_wildcard_too.go"},
		{"check file without a test", func(s *source) {
			s.tests = slices.DeleteFunc(s.tests, func(n string) bool { return n == "scan_incomplete_test.go" })
		}, registered,
			"scan_incomplete.go has no table test scan_incomplete_test.go"},
		{"file of a finding raised here without its function", func(s *source) { s.funcs["logs_token_leaked.go"] = []string{"orNone"} }, registered,
			"logs_token_leaked.go does not declare LogFindings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := layout()
			tc.edit(&src)
			got := layoutProblems(src, tc.registered)
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("problems %q, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Errorf("problems %q, want one naming %q", got, tc.want)
			}
		})
	}
}

func TestUnsorted(t *testing.T) {
	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"sorted", []string{"access-open", "audience-any", "issuer-dev-vo"}, ""},
		{"out of order", []string{"access-open", "issuer-dev-vo", "audience-any"}, "audience-any after issuer-dev-vo"},
		{"duplicate", []string{"access-open", "access-open"}, "access-open after access-open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var list []Check
			for _, id := range tc.ids {
				list = append(list, Check{ID: id})
			}
			if got := unsorted(list); got != tc.want {
				t.Errorf("unsorted = %q, want %q", got, tc.want)
			}
		})
	}
}
