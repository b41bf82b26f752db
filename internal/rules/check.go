package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// over is what a rule iterates.
type over int

const (
	overServices over = iota
	overTrusts
	overBans
	overSettings
)

var overByName = map[string]over{"services": overServices, "trusts": overTrusts, "bans": overBans, "settings": overSettings}

func overNames() []string {
	return []string{"services", "trusts", "bans", "settings"}
}

// itemVar is the name expressions know the current item by.
func (o over) itemVar() string {
	return [...]string{"service", "trust", "ban", "setting"}[o]
}

// plural is the word for the items in messages.
func (o over) plural() string { return overNames()[o] }

func (o over) schema() *schema {
	return [...]*schema{serviceSchema(), trustSchema(), banSchema(), settingSchema()}[o]
}

// needs records what of host.services the expressions of the set read:
// those objects are every service of the host with, in full, every
// trust, so a host builds only the attributes read (a when over
// [for s in host.services : s.kind] costs one string per service).
type needs struct {
	// hostServices: host.services is read at all; full: as whole
	// objects; attrs: else, the attributes read of its elements.
	hostServices, full bool
	attrs              map[string]bool
}

// attr notes that an attribute of the services is read.
func (n *needs) attr(name string) {
	if n.attrs == nil {
		n.attrs = map[string]bool{}
	}
	n.hostServices = true
	n.attrs[name] = true
}

// whole notes that the services are read as whole objects.
func (n *needs) whole() { n.hostServices, n.full = true, true }

// The roots every expression sees besides the item.
var hostRoots = []string{"site", "host", "local"}

// scope is what one attribute's expression may refer to.
type scope struct {
	attr  string
	roots []string
	// item is true for expressions evaluated per item.
	item bool
}

func (s *Set) scopes(o over) map[string]scope {
	item := append(slices.Clone(hostRoots), o.itemVar())
	if o != overServices {
		item = append(item, "service")
	}
	out := map[string]scope{"when": {attr: "when", roots: hostRoots}}
	for _, a := range []string{"where", "assert", "message", "expected", "actual"} {
		out[a] = scope{attr: a, roots: item, item: true}
	}
	return out
}

// rootType is the type of a root variable.
func (s *Set) rootType(o over, name string) cty.Type {
	switch name {
	case "site":
		return siteType()
	case "host":
		return hostType()
	case "local":
		return s.locals.Type()
	case "service":
		return serviceSchema().typ
	}
	return o.schema().typ
}

// check checks a parsed rule's expressions and compiles them.
func (s *Set) check(p parsed) hcl.Diagnostics {
	r := p.rule
	var diags hcl.Diagnostics
	sc := s.scopes(r.over)
	progs := map[string]**program{"when": &r.when, "where": &r.where, "assert": &r.assert, "message": &r.message, "expected": &r.expected, "actual": &r.actual}
	for _, name := range []string{"when", "where", "assert", "message", "expected", "actual"} {
		a, ok := p.attrs[name]
		if !ok {
			continue
		}
		expr, ok := a.Expr.(hclsyntax.Expression)
		if !ok {
			continue
		}
		d := s.checkExpr(r, expr, sc[name])
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		*progs[name] = &program{attr: name, expr: expr}
	}
	if diags.HasErrors() {
		return diags
	}
	c := newCompiler(s, r)
	for _, pr := range []*program{r.where, r.assert, r.message, r.expected, r.actual} {
		if pr != nil {
			pr.eval = c.compile(pr.expr)
		}
	}
	for _, pr := range []*program{r.where, r.assert} {
		if pr != nil {
			pr.native = c.nativeBool(pr.expr)
		}
	}
	r.vars = c.nvars
	r.judges = judges(r, p.src)
	return nil
}

// judges renders what the rule judges from its own source text.
func judges(r *Rule, src []byte) string {
	text := func(p *program) string {
		rng := p.expr.Range()
		return strings.Join(strings.Fields(string(rng.SliceBytes(src))), " ")
	}
	var b strings.Builder
	if r.when != nil {
		fmt.Fprintf(&b, "on hosts where %s: ", text(r.when))
	}
	fmt.Fprintf(&b, "each of the %s", r.over.plural())
	if r.where != nil {
		fmt.Fprintf(&b, " where %s", text(r.where))
	}
	fmt.Fprintf(&b, " must satisfy %s", text(r.assert))
	return b.String()
}

// checkExpr reports, with positions, everything about an expression that
// cannot work on any host: references to unknown variables, attributes or
// functions, calls with the wrong number of arguments, for expressions
// nested too deep, and a result of the wrong type. HCL's own evaluation
// over unknown values of the right types finds most of it; the walks
// before it find what can() and try() would otherwise swallow.
func (s *Set) checkExpr(r *Rule, expr hclsyntax.Expression, sc scope) (diags hcl.Diagnostics) {
	defer func() {
		// HCL and go-cty panic on a few odd expressions; that is an
		// invalid rule, not a crash.
		if p := recover(); p != nil {
			rng := expr.Range()
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid " + sc.attr, Detail: fmt.Sprintf("the expression cannot be evaluated: %v", p), Subject: &rng})
		}
	}()
	errAt := func(rng hcl.Range, summary, detail string) {
		rr := rng
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rr})
	}
	depth := 0
	hclsyntax.VisitAll(expr, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			fn, ok := s.funcs[n.Name]
			if !ok {
				errAt(n.NameRange, "call to unknown function", fmt.Sprintf("there is no function named %q%s; rules have go-cty's standard library and can and try, nothing that reads files, the network or the clock", n.Name, suggest(n.Name, sortedKeys(s.funcs))))
				return nil
			}
			if msg := arity(fn, len(n.Args), n.ExpandFinal); msg != "" {
				errAt(n.Range(), "wrong number of arguments", fmt.Sprintf("%s %s", n.Name, msg))
			}
		case *hclsyntax.ForExpr:
			if d := forDepth(n); d > depth {
				depth = d
			}
		}
		return nil
	})
	if depth > maxForDepth {
		errAt(expr.Range(), "for expressions nested too deep", fmt.Sprintf("%d levels; rules nest at most %d, so that a large inventory cannot make a rule run for hours", depth, maxForDepth))
	}
	for _, t := range expr.Variables() {
		root := t.RootName()
		if !slices.Contains(sc.roots, root) {
			errAt(t.SourceRange(), "unknown variable", fmt.Sprintf("there is no variable named %q in %s; it sees %s", root, sc.attr, strings.Join(sc.roots, ", ")))
			continue
		}
		diags = append(diags, checkTraversal(t, s.rootType(r.over, root))...)
	}
	s.noteNeeds(expr)
	if diags.HasErrors() {
		return diags
	}
	v, d := expr.Value(s.typeContext(r.over, sc, false))
	diags = append(diags, d...)
	// Inside for expressions over unknown lists HCL evaluates nothing;
	// with lists of one unknown element it does, which finds mistyped
	// attributes of the elements. Only that is taken from this pass: a
	// fixed index like values[1] would fail on the one-element list.
	_, d = expr.Value(s.typeContext(r.over, sc, true))
	for _, x := range d {
		if x.Summary == "Unsupported attribute" && !slices.ContainsFunc(diags, func(y *hcl.Diagnostic) bool { return sameDiag(x, y) }) {
			diags = append(diags, x)
		}
	}
	if diags.HasErrors() {
		return diags
	}
	ty := v.Type()
	switch sc.attr {
	case "when", "where", "assert":
		if ty != cty.Bool && ty != cty.DynamicPseudoType {
			errAt(expr.Range(), "invalid "+sc.attr, fmt.Sprintf("%s must be true or false, not %s", sc.attr, ty.FriendlyName()))
		}
	default:
		if !ty.IsPrimitiveType() && ty != cty.DynamicPseudoType {
			errAt(expr.Range(), "invalid "+sc.attr, fmt.Sprintf("%s must be a string, not %s", sc.attr, ty.FriendlyName()))
		}
	}
	return diags
}

func sameDiag(a, b *hcl.Diagnostic) bool {
	return a.Summary == b.Summary && a.Subject != nil && b.Subject != nil && a.Subject.String() == b.Subject.String()
}

// forDepth is how deep for expressions nest under n, n included.
func forDepth(n hclsyntax.Node) int {
	deepest := 0
	hclsyntax.VisitAll(n, func(c hclsyntax.Node) hcl.Diagnostics {
		if f, ok := c.(*hclsyntax.ForExpr); ok && f != n {
			if d := forDepth(f); d > deepest {
				deepest = d
			}
		}
		return nil
	})
	return deepest + 1
}

// arity says what is wrong with a call's argument count, or "".
func arity(fn function.Function, n int, expand bool) string {
	params := len(fn.Params())
	switch {
	case expand:
		return ""
	case n < params:
		return fmt.Sprintf("takes %d argument(s), not %d", params, n)
	case n > params && fn.VarParam() == nil:
		return fmt.Sprintf("takes %d argument(s), not %d", params, n)
	}
	return ""
}

// checkTraversal follows a traversal's attribute names through the types,
// so that a mistyped attribute is an error even where can() or try()
// would turn it into false.
func checkTraversal(t hcl.Traversal, ty cty.Type) hcl.Diagnostics {
	for _, step := range t[1:] {
		var name string
		switch st := step.(type) {
		case hcl.TraverseAttr:
			name = st.Name
		case hcl.TraverseIndex:
			switch {
			case ty.IsListType() || ty.IsMapType():
				ty = ty.ElementType()
				continue
			case ty.IsObjectType() && st.Key.Type() == cty.String && st.Key.IsKnown() && !st.Key.IsNull():
				name = st.Key.AsString()
			default:
				return nil
			}
		default:
			return nil
		}
		switch {
		case ty.IsObjectType():
			if !ty.HasAttribute(name) {
				rng := step.SourceRange()
				return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unsupported attribute",
					Detail: fmt.Sprintf("this object has no attribute %q%s (see the attribute names of `ttt-check inventory --format json`)", name, suggest(name, sortedKeys(ty.AttributeTypes()))), Subject: &rng}}
			}
			ty = ty.AttributeType(name)
		case ty.IsMapType():
			ty = ty.ElementType()
		default:
			return nil
		}
	}
	return nil
}

// noteNeeds records what of host.services an expression reads. Reads it
// understands: host.services[i].attr, [for s in host.services : … s.attr
// …], host.services[*].attr and length(host.services); any other use
// (the list or an element passed to a function, host as a whole) needs
// whole objects.
func (s *Set) noteNeeds(expr hclsyntax.Expression) {
	isServices := func(e hclsyntax.Expression) bool {
		t, ok := e.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(t.Traversal) != 2 || t.Traversal.RootName() != "host" {
			return false
		}
		a, ok := t.Traversal[1].(hcl.TraverseAttr)
		return ok && a.Name == "services"
	}
	// elementAttrs notes the attributes read of a variable that stands
	// for one service.
	elementAttrs := func(name string, exprs ...hclsyntax.Expression) {
		for _, e := range exprs {
			if e == nil {
				continue
			}
			for _, t := range e.Variables() {
				if t.RootName() != name {
					continue
				}
				if a, ok := traversalAttr(t, 1); ok {
					s.needs.attr(a)
				} else {
					s.needs.whole()
				}
			}
		}
	}
	understood := map[hclsyntax.Expression]bool{}
	// counted are for expressions whose elements length() only counts:
	// [for s in host.services : s if …] reads what the if reads.
	counted := map[*hclsyntax.ForExpr]bool{}
	hclsyntax.VisitAll(expr, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.ForExpr:
			if isServices(n.CollExpr) {
				understood[n.CollExpr] = true
				if v, ok := n.ValExpr.(*hclsyntax.ScopeTraversalExpr); counted[n] && ok && len(v.Traversal) == 1 && v.Traversal.RootName() == n.ValVar {
					elementAttrs(n.ValVar, n.KeyExpr, n.CondExpr)
				} else {
					elementAttrs(n.ValVar, n.KeyExpr, n.ValExpr, n.CondExpr)
				}
			}
		case *hclsyntax.SplatExpr:
			if isServices(n.Source) {
				understood[n.Source] = true
				if t, ok := n.Each.(*hclsyntax.RelativeTraversalExpr); ok && len(t.Traversal) > 0 {
					if a, ok := t.Traversal[0].(hcl.TraverseAttr); ok {
						s.needs.attr(a.Name)
						break
					}
				}
				s.needs.whole()
			}
		case *hclsyntax.FunctionCallExpr:
			if n.Name == "length" && len(n.Args) == 1 && isServices(n.Args[0]) {
				understood[n.Args[0]] = true
				s.needs.hostServices = true
			}
			if n.Name == "length" && len(n.Args) == 1 {
				if f, ok := n.Args[0].(*hclsyntax.ForExpr); ok {
					counted[f] = true
				}
			}
		}
		return nil
	})
	hclsyntax.VisitAll(expr, func(n hclsyntax.Node) hcl.Diagnostics {
		t, ok := n.(*hclsyntax.ScopeTraversalExpr)
		if !ok || t.Traversal.RootName() != "host" || understood[t] {
			return nil
		}
		if len(t.Traversal) < 2 {
			s.needs.whole()
			return nil
		}
		a, ok := t.Traversal[1].(hcl.TraverseAttr)
		switch {
		case !ok:
			s.needs.whole()
		case a.Name != "services":
		default:
			// host.services[i].attr reads attr; anything else the list.
			if _, isIndex := traversalStep(t.Traversal, 2).(hcl.TraverseIndex); isIndex {
				if name, ok := traversalAttr(t.Traversal, 3); ok {
					s.needs.attr(name)
					return nil
				}
			}
			s.needs.whole()
		}
		return nil
	})
}

// traversalStep is step i of t, or nil.
func traversalStep(t hcl.Traversal, i int) hcl.Traverser {
	if i < len(t) {
		return t[i]
	}
	return nil
}

// traversalAttr is the attribute name of step i of t.
func traversalAttr(t hcl.Traversal, i int) (string, bool) {
	a, ok := traversalStep(t, i).(hcl.TraverseAttr)
	return a.Name, ok
}

// typeContext binds every root an expression may see to an unknown value
// of its type (or, with sample, to one whose lists hold one unknown
// element), so that evaluating the expression yields its type and the
// errors that no host can avoid.
func (s *Set) typeContext(o over, sc scope, sample bool) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	for _, root := range sc.roots {
		ty := s.rootType(o, root)
		switch {
		case root == "local":
			vars[root] = s.locals
		case sample:
			vars[root] = sampleOf(ty)
		default:
			vars[root] = cty.UnknownVal(ty)
		}
	}
	return &hcl.EvalContext{Variables: vars, Functions: s.funcs}
}

// sampleOf is a value of type ty whose lists hold one element and whose
// primitive values are unknown.
func sampleOf(ty cty.Type) cty.Value {
	switch {
	case ty.IsObjectType():
		m := map[string]cty.Value{}
		for name, at := range ty.AttributeTypes() {
			m[name] = sampleOf(at)
		}
		return cty.ObjectVal(m)
	case ty.IsListType():
		return cty.ListVal([]cty.Value{sampleOf(ty.ElementType())})
	}
	return cty.UnknownVal(ty)
}

// evalLocals evaluates the locals blocks of a set, in the order their
// references need: a local may refer to other locals and call functions,
// nothing else, so that it has one value on every host.
func evalLocals(exprs map[string]*hcl.Attribute, funcs map[string]function.Function) (cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	vals := map[string]cty.Value{}
	pending := sortedKeys(exprs)
	for _, name := range pending {
		for _, t := range exprs[name].Expr.Variables() {
			if t.RootName() != "local" {
				r := t.SourceRange()
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "unknown variable",
					Detail: fmt.Sprintf("a local may refer to other locals (local.NAME) only, not to %q: it has one value on every host", t.RootName()), Subject: &r})
			}
		}
	}
	if diags.HasErrors() {
		return cty.EmptyObjectVal, diags
	}
	for len(pending) > 0 {
		progress := false
		var next []string
		for _, name := range pending {
			ready := true
			for _, t := range exprs[name].Expr.Variables() {
				if ref := localName(t); ref != "" {
					if _, done := vals[ref]; !done {
						if _, defined := exprs[ref]; !defined {
							r := t.SourceRange()
							diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "unknown local",
								Detail: fmt.Sprintf("there is no local named %q%s", ref, suggest(ref, sortedKeys(exprs))), Subject: &r})
							return cty.EmptyObjectVal, diags
						}
						ready = false
					}
				}
			}
			if !ready {
				next = append(next, name)
				continue
			}
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"local": cty.ObjectVal(vals)}, Functions: funcs}
			v, d := exprs[name].Expr.Value(ctx)
			diags = append(diags, d...)
			if !d.HasErrors() {
				if err := checkSize(v); err != nil {
					r := exprs[name].Expr.Range()
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "local too large", Detail: err.Error(), Subject: &r})
				}
			}
			vals[name] = v
			progress = true
		}
		if !progress {
			a := exprs[next[0]]
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "locals refer to each other",
				Detail: "a cycle among " + strings.Join(next, ", "), Subject: a.NameRange.Ptr()})
			return cty.EmptyObjectVal, diags
		}
		pending = next
	}
	return cty.ObjectVal(vals), diags
}

// localName is NAME of a local.NAME traversal, or "".
func localName(t hcl.Traversal) string {
	if t.RootName() != "local" || len(t) < 2 {
		return ""
	}
	if a, ok := t[1].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest names the nearest known name to a mistyped one.
func suggest(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
