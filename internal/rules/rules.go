package rules

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Prefix puts site rules in a namespace of their own: a site rule "x" is
// reported as check "site/x", so that it never collides with an id the
// working group gives a check later.
const Prefix = "site/"

// MaxFileSize bounds a rule file: rules are a page of policy, and a
// bigger file is a mistake (or a hostile snapshot).
const MaxFileSize = 1 << 20

// MaxRules bounds the rules of a set.
const MaxRules = 1000

// maxForDepth bounds how deep for expressions nest: two levels already
// compare every trust with every other; three would multiply a large
// inventory past any useful time.
const maxForDepth = 2

// idPattern is what a rule id may be: the WG's id alphabet, so that
// "site/<id>" reads like every other check id.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`) })

// File is one rule file: the name diagnostics and findings show, the
// directory its test roots are relative to (on this machine; "" for the
// host's own rules, whose tests are never run by a scan), and its bytes.
type File struct {
	Name string
	Dir  string
	Data []byte
}

// Set is a loaded and checked set of site rules.
type Set struct {
	rules  []*Rule
	locals cty.Value
	funcs  map[string]function.Function
	// needs says which whole objects some expression reads, so that a
	// host builds only those (building them is the expensive part).
	needs needs
	// cached are the attributes compiled expressions read, by schema,
	// with their place in an item's cache (see cacheIndex).
	cached map[*schema]map[string]int
}

// Rule is one site rule.
type Rule struct {
	// ID is the id as written; CheckID is what findings carry.
	ID          string
	Title       string
	Severity    vocab.Severity
	Rationale   string
	Remediation string
	References  []string
	// Over is what the rule iterates: services, trusts, bans or settings.
	Over string
	// File and Line are where the rule block starts.
	File string
	Line int
	// Tests are the rule's own test cases (ttt-check rules test).
	Tests []Test

	over                      over
	when, where, assert       *program
	message, expected, actual *program
	slots                     []hcl.Expression
	vars                      int
	judges                    string
	checkID                   string
}

// CheckID is the id the rule's findings carry: "site/" + ID.
func (r *Rule) CheckID() string {
	if r.checkID == "" {
		return Prefix + r.ID
	}
	return r.checkID
}

// Source is file:line of the rule block.
func (r *Rule) Source() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// Judges says in the rule's own words what it judges: what it iterates,
// its filter and its assertion.
func (r *Rule) Judges() string { return r.judges }

// Test is one test case of a rule: a host, given as a directory tree or
// as inline files, and the places the rule's findings must be at.
type Test struct {
	Name string
	// Root is a host tree, as written (relative to BaseDir unless
	// absolute); Files an inline snapshot instead (host path → content).
	Root    string
	BaseDir string
	Files   map[string]string
	// Hostname is the host's name, when the tree does not say it.
	Hostname string
	// Expect are the places (file:line) of the rule's findings, in any
	// order; Unmatched says the rule must match no item on the host.
	Expect    []string
	Unmatched bool
	File      string
	Line      int
}

// Rules returns the rules, sorted by id.
func (s *Set) Rules() []*Rule { return s.rules }

// Rule returns the rule a check id ("site/x") names.
func (s *Set) Rule(checkID string) (*Rule, bool) {
	id, ok := strings.CutPrefix(checkID, Prefix)
	if !ok || s == nil {
		return nil, false
	}
	for _, r := range s.rules {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// Error carries diagnostics with file:line:col positions.
type Error struct {
	Diags hcl.Diagnostics
}

// Error renders every diagnostic as "file:line:col: summary; detail".
func (e *Error) Error() string {
	var b strings.Builder
	for i, d := range e.Diags {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(describe(d))
	}
	return b.String()
}

func describe(d *hcl.Diagnostic) string {
	var b strings.Builder
	if d.Subject != nil {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString("; ")
		b.WriteString(d.Detail)
	}
	return b.String()
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "rule", LabelNames: []string{"id"}},
	{Type: "locals"},
}}

var ruleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title", Required: true},
		{Name: "severity", Required: true},
		{Name: "rationale", Required: true},
		{Name: "remediation", Required: true},
		{Name: "references"},
		{Name: "over", Required: true},
		{Name: "when"},
		{Name: "where"},
		{Name: "assert", Required: true},
		{Name: "message", Required: true},
		{Name: "expected"},
		{Name: "actual"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "test", LabelNames: []string{"name"}}},
}

var testSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "root"},
	{Name: "files"},
	{Name: "hostname"},
	{Name: "expect"},
	{Name: "unmatched"},
}}

// parsed is a rule block before its expressions are checked.
type parsed struct {
	rule  *Rule
	attrs hcl.Attributes
	src   []byte
	rng   hcl.Range
}

// Load parses and checks rule files. Every problem is reported at once,
// with file:line:col: syntax errors, unknown blocks and attributes,
// unknown variables, attributes and functions, and expressions whose
// type cannot be what their attribute needs.
func Load(files []File) (_ *Set, err error) {
	defer func() {
		// Should HCL or go-cty panic on an odd expression that
		// checkExpr's own recovery did not cover, the rules are invalid;
		// the tool does not crash.
		if p := recover(); p != nil {
			err = fmt.Errorf("site rules cannot be loaded: %v", p)
		}
	}()
	var diags hcl.Diagnostics
	errAt := func(r hcl.Range, summary, detail string) {
		rr := r
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rr})
	}
	var (
		rules      []parsed
		localExprs = map[string]*hcl.Attribute{}
	)
	seen := map[string]hcl.Range{}
	for _, f := range files {
		if len(f.Data) > MaxFileSize {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "rule file too large",
				Detail: fmt.Sprintf("%s is %d bytes; a rule file may have %d", f.Name, len(f.Data), MaxFileSize)})
			continue
		}
		file, d := hclsyntax.ParseConfig(f.Data, f.Name, hcl.InitialPos)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		content, d := file.Body.Content(fileSchema)
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			switch b.Type {
			case "locals":
				attrs, d := b.Body.JustAttributes()
				diags = append(diags, d...)
				for name, a := range attrs {
					if prev, dup := localExprs[name]; dup {
						errAt(a.NameRange, "duplicate local "+name, fmt.Sprintf("local.%s is already defined at %s", name, prev.NameRange))
						continue
					}
					localExprs[name] = a
				}
			case "rule":
				id := b.Labels[0]
				if !idPattern().MatchString(id) {
					errAt(b.LabelRanges[0], "invalid rule id "+fmt.Sprintf("%q", id), "ids are lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters")
					continue
				}
				if prev, dup := seen[id]; dup {
					errAt(b.LabelRanges[0], "duplicate rule "+id, "rule "+id+" is already defined at "+prev.String())
					continue
				}
				seen[id] = b.DefRange
				content, d := b.Body.Content(ruleSchema)
				diags = append(diags, d...)
				if d.HasErrors() {
					continue
				}
				r := &Rule{ID: id, File: f.Name, Line: b.DefRange.Start.Line, checkID: Prefix + id}
				diags = append(diags, readMeta(r, content.Attributes)...)
				for _, tb := range content.Blocks {
					t, d := readTest(tb, f, r)
					diags = append(diags, d...)
					if t != nil {
						r.Tests = append(r.Tests, *t)
					}
				}
				rules = append(rules, parsed{rule: r, attrs: content.Attributes, src: f.Data, rng: b.DefRange})
			}
		}
	}
	if len(rules) > MaxRules {
		errAt(rules[MaxRules].rng, "too many rules", fmt.Sprintf("%d rules; a set may have %d", len(rules), MaxRules))
	}
	set := &Set{funcs: functions()}
	locals, d := evalLocals(localExprs, set.funcs)
	diags = append(diags, d...)
	set.locals = locals
	if diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	for _, p := range rules {
		diags = append(diags, set.check(p)...)
	}
	if diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	for _, p := range rules {
		set.rules = append(set.rules, p.rule)
	}
	sort.Slice(set.rules, func(i, j int) bool { return set.rules[i].ID < set.rules[j].ID })
	return set, nil
}

// constant evaluates an attribute that may not refer to anything: rule
// metadata and test cases are data, not policy.
func constant(a *hcl.Attribute) (cty.Value, hcl.Diagnostics) {
	if vars := a.Expr.Variables(); len(vars) > 0 {
		r := vars[0].SourceRange()
		return cty.NilVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "variables not allowed here",
			Detail: a.Name + " is a constant; only where, assert, when and the message templates see the inventory", Subject: &r}}
	}
	return a.Expr.Value(nil)
}

func constString(a *hcl.Attribute) (string, hcl.Diagnostics) {
	v, diags := constant(a)
	if diags.HasErrors() {
		return "", diags
	}
	if v.IsNull() || !v.Type().Equals(cty.String) {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "invalid " + a.Name, Detail: a.Name + " must be a string", Subject: a.Expr.Range().Ptr()}}
	}
	return v.AsString(), nil
}

func constStrings(a *hcl.Attribute) ([]string, hcl.Diagnostics) {
	v, diags := constant(a)
	if diags.HasErrors() {
		return nil, diags
	}
	bad := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "invalid " + a.Name, Detail: a.Name + " must be a list of strings", Subject: a.Expr.Range().Ptr()}}
	if v.IsNull() || !(v.Type().IsTupleType() || v.Type().IsListType()) {
		return nil, bad
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || !e.Type().Equals(cty.String) {
			return nil, bad
		}
		out = append(out, e.AsString())
	}
	return out, nil
}

func readMeta(r *Rule, attrs hcl.Attributes) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, f := range []struct {
		name string
		dst  *string
	}{{"title", &r.Title}, {"rationale", &r.Rationale}, {"remediation", &r.Remediation}} {
		s, d := constString(attrs[f.name])
		diags = append(diags, d...)
		if !d.HasErrors() && strings.TrimSpace(s) == "" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "empty " + f.name, Detail: "every rule says what it is, why it matters and how to fix it", Subject: attrs[f.name].Expr.Range().Ptr()})
		}
		*f.dst = strings.TrimSpace(s)
	}
	sev, d := constString(attrs["severity"])
	diags = append(diags, d...)
	if !d.HasErrors() {
		var err error
		if r.Severity, err = vocab.ParseSeverity(sev); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid severity", Detail: err.Error(), Subject: attrs["severity"].Expr.Range().Ptr()})
		}
	}
	if a, ok := attrs["references"]; ok {
		refs, d := constStrings(a)
		diags = append(diags, d...)
		r.References = refs
	}
	over := attrs["over"]
	kw := hcl.ExprAsKeyword(over.Expr)
	o, ok := overByName[kw]
	if !ok {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid over",
			Detail: "over is one of " + strings.Join(overNames(), ", ") + ", written without quotes", Subject: over.Expr.Range().Ptr()})
	}
	r.Over, r.over = kw, o
	return diags
}

func readTest(b *hcl.Block, f File, r *Rule) (*Test, hcl.Diagnostics) {
	content, diags := b.Body.Content(testSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	t := &Test{Name: b.Labels[0], BaseDir: f.Dir, File: f.Name, Line: b.DefRange.Start.Line}
	errAt := func(rng hcl.Range, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()})
	}
	a := content.Attributes
	if x, ok := a["root"]; ok {
		var d hcl.Diagnostics
		t.Root, d = constString(x)
		diags = append(diags, d...)
	}
	if x, ok := a["hostname"]; ok {
		var d hcl.Diagnostics
		t.Hostname, d = constString(x)
		diags = append(diags, d...)
	}
	if x, ok := a["files"]; ok {
		v, d := constant(x)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
				errAt(x.Expr.Range(), "invalid files", "files maps host paths to contents: { \"/etc/xrootd/scitokens.cfg\" = <<-EOT … EOT }")
			} else {
				t.Files = map[string]string{}
				for it := v.ElementIterator(); it.Next(); {
					k, e := it.Element()
					p := k.AsString()
					switch {
					case e.IsNull() || !e.Type().Equals(cty.String):
						errAt(x.Expr.Range(), "invalid files", "the content of "+p+" must be a string")
					case !path.IsAbs(p) || path.Clean(p) != p || p == "/":
						errAt(x.Expr.Range(), "invalid files", fmt.Sprintf("%q is not a clean absolute host path", p))
					default:
						t.Files[p] = e.AsString()
					}
				}
			}
		}
	}
	if x, ok := a["expect"]; ok {
		var d hcl.Diagnostics
		t.Expect, d = constStrings(x)
		diags = append(diags, d...)
	}
	if x, ok := a["unmatched"]; ok {
		v, d := constant(x)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if v.IsNull() || !v.Type().Equals(cty.Bool) {
				errAt(x.Expr.Range(), "invalid unmatched", "unmatched is true or false")
			} else {
				t.Unmatched = v.True()
			}
		}
	}
	switch {
	case (t.Root == "") == (t.Files == nil):
		errAt(b.DefRange, "test "+t.Name+" needs a host", "give root (a host tree, relative to the rule file) or files (an inline snapshot), not both")
	case t.Unmatched && len(t.Expect) > 0:
		errAt(b.DefRange, "test "+t.Name+" contradicts itself", "a rule that matches no item has no findings: drop expect or unmatched")
	}
	for _, e := range t.Expect {
		if !strings.HasPrefix(e, "/") {
			errAt(a["expect"].Expr.Range(), "invalid expect", fmt.Sprintf("%q is not a place: write the host path and line, /etc/xrootd/scitokens.cfg:6", e))
		}
	}
	if slices.ContainsFunc(r.Tests, func(o Test) bool { return o.Name == t.Name }) {
		errAt(b.LabelRanges[0], "duplicate test "+t.Name, "")
	}
	return t, diags
}
