package recipes

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Reference is the working group's reference configuration of one
// service (recipes/40-reference.hcl): the files a correct token setup
// has, as HCL templates over the host's values, with the sources they
// come from. A recipe that only says "restrict the audience" leaves the
// admin to find the syntax; the reference says what to write, for this
// host, in the service's own files.
type Reference struct {
	Service string `hcl:"service,label"`
	Title   string `hcl:"title"`
	About   string `hcl:"about,optional"`
	// Port, Area, Account and Audiences are templates over the host's
	// values (ReferenceVars); Area and Account are evaluated per VO.
	Port      hcl.Expression   `hcl:"port,optional"`
	Area      hcl.Expression   `hcl:"area,optional"`
	Account   hcl.Expression   `hcl:"account,optional"`
	Audiences hcl.Expression   `hcl:"audiences,optional"`
	Sources   []string         `hcl:"sources"`
	Files     []*ReferenceFile `hcl:"file,block"`
	Range     hcl.Range        `hcl:",def_range"`
}

// ReferenceFile is one file of a reference configuration.
type ReferenceFile struct {
	// Path is where the file lives on the host (a template: it may name
	// the VO of an each_vo file, or the host).
	Path hcl.Expression `hcl:"path"`
	// EachVO renders the file once per VO (StoRM's sa.d/<vo>.properties).
	EachVO bool `hcl:"each_vo,optional"`
	// Mode is "file" (the whole file: write it as it is) or "append"
	// (lines to add to the host's existing file).
	Mode    string         `hcl:"mode,optional"`
	About   string         `hcl:"about"`
	Sources []string       `hcl:"sources,optional"`
	Content hcl.Expression `hcl:"content"`
	Range   hcl.Range      `hcl:",def_range"`
}

// File modes of a reference file.
const (
	ModeFile   = "file"
	ModeAppend = "append"
)

// Variables a reference's port, area, account and audiences may use.
var referenceValueVars = []string{"host", "short_host", "domain", "vo", "host_area", "host_account", "host_port", "host_http_port", "port"}

// Variables a reference file's path and content may use.
var referenceFileVars = []string{"host", "short_host", "domain", "port", "audiences", "vos", "vo", "instances", "excluded"}

// Release says, for a template's has(), since() and release(), what the
// installed release of a service offers: Has reports whether a feature
// may be written, Since names the release that brought it, and Name the
// installed release ("XRootD 5.5.3-1", "" when unknown).
type Release struct {
	Has   func(feature string) bool
	Since func(feature string) string
	Name  string
}

// staticFuncs are the functions every recipe template may call whatever
// the release: the string and list functions of HCL's standard library,
// and regex_escape for HTCondor-CE mapfile patterns. Built once; the
// release functions (releaseFuncs) sit in a child context.
var staticFuncs = &hcl.EvalContext{Functions: map[string]function.Function{
	"join":       stdlib.JoinFunc,
	"upper":      stdlib.UpperFunc,
	"lower":      stdlib.LowerFunc,
	"replace":    stdlib.ReplaceFunc,
	"format":     stdlib.FormatFunc,
	"length":     stdlib.LengthFunc,
	"contains":   stdlib.ContainsFunc,
	"substr":     stdlib.SubstrFunc,
	"trimsuffix": stdlib.TrimSuffixFunc,
	"trimprefix": stdlib.TrimPrefixFunc,
	"concat":     stdlib.ConcatFunc,
	"distinct":   stdlib.DistinctFunc,
	"lookup":     stdlib.LookupFunc,
	// regex_escape writes a string as HTCondor-CE's own mapfile examples
	// do: every character that is not a letter or digit escaped. A
	// placeholder (<issuer>) stays readable.
	"regex_escape": stringFunc("s", func(s string) string {
		if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
			return s
		}
		var b strings.Builder
		for _, c := range s {
			if c < 128 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		return b.String()
	}),
}}

// stringFunc is a template function of one string.
func stringFunc(name string, f func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: name, Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(f(args[0].AsString())), nil
		},
	})
}

// releaseFuncs are has(feature), since(feature), release() and known()
// for the installed release.
func releaseFuncs(rel Release) map[string]function.Function {
	if rel.Has == nil {
		rel.Has = func(string) bool { return true }
	}
	if rel.Since == nil {
		rel.Since = func(string) string { return "" }
	}
	return map[string]function.Function{
		"has": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "feature", Type: cty.String}},
			Type:   function.StaticReturnType(cty.Bool),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				return cty.BoolVal(rel.Has(args[0].AsString())), nil
			},
		}),
		"since": stringFunc("feature", rel.Since),
		// known reports whether the host says which release it runs.
		"known": function.New(&function.Spec{
			Type: function.StaticReturnType(cty.Bool),
			Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.BoolVal(rel.Name != ""), nil },
		}),
		"release": function.New(&function.Spec{
			Type: function.StaticReturnType(cty.String),
			Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
				name := rel.Name
				if name == "" {
					name = "the installed release"
				}
				return cty.StringVal(name), nil
			},
		}),
	}
}

// Eval evaluates a recipe expression with the given variables, for the
// installed release rel: a string, a list of strings, or "" when the
// recipe leaves the attribute out. Errors carry the recipe's file:line.
func Eval(expr hcl.Expression, vars map[string]cty.Value, rel Release) (cty.Value, error) {
	if expr == nil {
		return cty.NullVal(cty.String), nil
	}
	ctx := staticFuncs.NewChild()
	ctx.Variables, ctx.Functions = vars, releaseFuncs(rel)
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NilVal, &Error{Diags: diags}
	}
	return v, nil
}

// EvalString evaluates a recipe expression to a string ("" when absent
// or null).
func EvalString(expr hcl.Expression, vars map[string]cty.Value, rel Release) (string, error) {
	v, err := Eval(expr, vars, rel)
	if err != nil {
		return "", err
	}
	if v.IsNull() {
		return "", nil
	}
	if v.Type() == cty.Number {
		return v.AsBigFloat().Text('f', -1), nil
	}
	if v.Type() != cty.String {
		return "", fmt.Errorf("%s: want a string, got %s", expr.Range(), v.Type().FriendlyName())
	}
	return v.AsString(), nil
}

// EvalStrings evaluates a recipe expression to a list of strings.
func EvalStrings(expr hcl.Expression, vars map[string]cty.Value, rel Release) ([]string, error) {
	v, err := Eval(expr, vars, rel)
	if err != nil || v.IsNull() {
		return nil, err
	}
	if !v.CanIterateElements() {
		return nil, fmt.Errorf("%s: want a list of strings, got %s", expr.Range(), v.Type().FriendlyName())
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return nil, fmt.Errorf("%s: want a list of strings", expr.Range())
		}
		out = append(out, e.AsString())
	}
	return out, nil
}

// present reports whether an optional expression attribute was written
// (gohcl gives an absent one a null static expression).
func present(expr hcl.Expression) bool {
	if expr == nil {
		return false
	}
	r := expr.Range()
	return r.Start.Byte != r.End.Byte
}

// checkVars reports the variables an expression uses that its context
// does not define, so that a typo in a recipe template is an error when
// the recipes load, with file:line, not a broken fix at scan time.
func checkVars(expr hcl.Expression, allowed []string, what string) hcl.Diagnostics {
	if !present(expr) {
		return nil
	}
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	for _, tr := range expr.Variables() {
		name := tr.RootName()
		if slices.Contains(allowed, name) || seen[name] {
			continue
		}
		seen[name] = true
		r := tr.SourceRange()
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "unknown variable " + name + " in " + what,
			Detail: "known: " + strings.Join(allowed, ", "), Subject: &r})
	}
	return diags
}

// buildReferences validates the reference blocks and indexes them by
// service.
func buildReferences(set *Set, refs []*Reference) hcl.Diagnostics {
	var diags hcl.Diagnostics
	set.References = map[string]*Reference{}
	for _, r := range refs {
		rr := r.Range
		if _, dup := set.References[r.Service]; dup {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "duplicate reference " + r.Service, Subject: &rr})
			continue
		}
		if _, ok := set.Services[r.Service]; !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "reference for unknown service " + r.Service, Detail: "declare service \"" + r.Service + "\" { … }", Subject: &rr})
		}
		if len(r.Sources) == 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "reference " + r.Service + " has no sources", Detail: "cite the pages the configuration comes from", Subject: &rr})
		}
		for name, e := range map[string]hcl.Expression{"port": r.Port, "area": r.Area, "account": r.Account, "audiences": r.Audiences} {
			diags = append(diags, checkVars(e, referenceValueVars, "reference "+r.Service+" "+name)...)
		}
		for _, f := range r.Files {
			fr := f.Range
			switch f.Mode {
			case "":
				f.Mode = ModeFile
			case ModeFile, ModeAppend:
			default:
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid mode " + f.Mode, Detail: "file or append", Subject: &fr})
			}
			diags = append(diags, checkVars(f.Path, referenceFileVars, "reference "+r.Service+" file path")...)
			diags = append(diags, checkVars(f.Content, referenceFileVars, "reference "+r.Service+" file content")...)
		}
		set.References[r.Service] = r
	}
	return diags
}

// ReferenceServices are the services with a reference configuration,
// sorted.
func (s *Set) ReferenceServices() []string {
	out := make([]string, 0, len(s.References))
	for name := range s.References {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
