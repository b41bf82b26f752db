package rules

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Why a compiler: HCL evaluates an expression by walking it with go-cty
// values, and a rule over a large host evaluates its filter and
// assertion once per item. Measured on this code base, `trust.issuer ==
// "…"` costs about 4 µs that way and can(regex(…)) about 45 µs (the
// pattern is compiled on every call): 50 rules over 1000 trusts would
// take most of a second. The compiler turns the common shapes (attribute
// reads, comparisons, logic, templates, calls) into Go closures that
// read the inventory's Go structs directly, folds what does not depend
// on the item into constants (once per set, or once per host), and
// hands everything else to HCL itself, on whole objects, so that every
// expression means exactly what HCL says it means. The differential
// test (compile_test.go) holds the two to the same results.

// evalFn evaluates a compiled expression for the frame's item.
type evalFn func(f *frame) (cty.Value, hcl.Diagnostics)

// program is one of a rule's expressions, checked and compiled.
type program struct {
	attr string
	expr hclsyntax.Expression
	eval evalFn
	// native, when set, answers plain cases without go-cty values.
	native boolNative
}

// test evaluates a where or assert for the frame's item.
func (p *program) test(f *frame) (bool, *hcl.Diagnostic) {
	if p.native != nil {
		if b, ok := p.native(f); ok {
			return b, nil
		}
	}
	v, d := p.eval(f)
	return truth(p, v, d)
}

// compiler compiles the expressions of one rule.
type compiler struct {
	set      *Set
	rule     *Rule
	itemVars []string
	types    *hcl.EvalContext
	// scope are the variables of the for expressions being compiled,
	// innermost last; each has a slot in the frame's vars.
	scope []forVar
	nvars int
}

// forVar is a for expression's key or value variable; a native one is
// a Go string in the frame's strs (see nativeCount), else a value in its
// vars.
type forVar struct {
	name   string
	idx    int
	native bool
}

// lookup finds the innermost for variable of that name.
func (c *compiler) lookup(name string) (forVar, bool) {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if c.scope[i].name == name {
			return c.scope[i], true
		}
	}
	return forVar{}, false
}

func newCompiler(s *Set, r *Rule) *compiler {
	c := &compiler{set: s, rule: r, itemVars: []string{r.over.itemVar()}}
	if r.over != overServices {
		c.itemVars = append(c.itemVars, "service")
	}
	c.types = s.typeContext(r.over, s.scopes(r.over)["assert"], false)
	return c
}

// operand is a compiled expression and, when it does not depend on the
// item, where its value is: a constant of the set, or a slot computed
// once per host.
type operand struct {
	eval  evalFn
	konst *cty.Value
	slot  int
}

// itemDependent reports whether e reads the current item, its service
// or a variable of an enclosing for expression.
func (c *compiler) itemDependent(e hclsyntax.Expression) bool {
	for _, t := range e.Variables() {
		if _, ok := c.lookup(t.RootName()); ok || slices.Contains(c.itemVars, t.RootName()) {
			return true
		}
	}
	return false
}

// typeOf is e's type on every host (DynamicPseudoType when it cannot
// be told before evaluation).
func (c *compiler) typeOf(e hclsyntax.Expression) cty.Type {
	v, d := e.Value(c.types)
	if d.HasErrors() {
		return cty.DynamicPseudoType
	}
	if ty := v.Type(); ty != cty.DynamicPseudoType {
		return ty
	}
	// go-cty gives up on a result type when an argument's type is not
	// known (contains() of a for expression over the unknown site), even
	// for functions that return one type whatever their arguments.
	if call, ok := e.(*hclsyntax.FunctionCallExpr); ok {
		if ty, ok := returns[call.Name]; ok {
			return ty
		}
	}
	return cty.DynamicPseudoType
}

// returns are the functions whose result type never depends on their
// arguments (go-cty declares them with StaticReturnType, or always
// returns that type).
var returns = map[string]cty.Type{
	"can": cty.Bool, "contains": cty.Bool,
	"length": cty.Number, "strlen": cty.Number,
	"chomp": cty.String, "format": cty.String, "indent": cty.String, "join": cty.String, "lower": cty.String,
	"upper": cty.String, "title": cty.String, "replace": cty.String, "regex_replace": cty.String, "strrev": cty.String,
	"substr": cty.String, "trim": cty.String, "trimprefix": cty.String, "trimsuffix": cty.String, "trimspace": cty.String,
	"jsonencode": cty.String, "tostring": cty.String, "tobool": cty.Bool, "tonumber": cty.Number,
}

func (c *compiler) compile(e hclsyntax.Expression) evalFn { return c.operand(e).eval }

func (c *compiler) operand(e hclsyntax.Expression) operand {
	if !c.itemDependent(e) {
		if v, d := e.Value(c.types); !d.HasErrors() && v.IsWhollyKnown() {
			v = canonical(v)
			return operand{eval: func(*frame) (cty.Value, hcl.Diagnostics) { return v, nil }, konst: &v, slot: -1}
		}
		i := len(c.rule.slots)
		c.rule.slots = append(c.rule.slots, e)
		return operand{eval: func(f *frame) (cty.Value, hcl.Diagnostics) { s := &f.slots[i]; return s.v, s.diags }, slot: i}
	}
	return operand{eval: c.dependent(e), slot: -1}
}

func (c *compiler) dependent(e hclsyntax.Expression) evalFn {
	switch e := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return c.compile(e.Expression)
	case *hclsyntax.TemplateWrapExpr:
		return c.compile(e.Wrapped)
	case *hclsyntax.ScopeTraversalExpr:
		if fn := c.traversal(e); fn != nil {
			return fn
		}
	case *hclsyntax.BinaryOpExpr:
		if fn := c.binary(e); fn != nil {
			return fn
		}
	case *hclsyntax.UnaryOpExpr:
		if e.Op == hclsyntax.OpLogicalNot && c.typeOf(e.Val) == cty.Bool {
			val := c.compile(e.Val)
			return func(f *frame) (cty.Value, hcl.Diagnostics) {
				v, d := val(f)
				if d.HasErrors() {
					return cty.UnknownVal(cty.Bool), d
				}
				switch {
				case v.IsNull():
					return cty.UnknownVal(cty.Bool), nullOperand(e.Val)
				case !v.IsKnown():
					return cty.UnknownVal(cty.Bool), d
				}
				return cty.BoolVal(!isTrue(v)), d
			}
		}
	case *hclsyntax.ConditionalExpr:
		if fn := c.conditional(e); fn != nil {
			return fn
		}
	case *hclsyntax.FunctionCallExpr:
		if fn := c.call(e); fn != nil {
			return fn
		}
	case *hclsyntax.TemplateExpr:
		if fn := c.template(e); fn != nil {
			return fn
		}
	case *hclsyntax.ForExpr:
		if fn := c.forExpr(e); fn != nil {
			return fn
		}
	}
	return c.fallback(e)
}

// fallback evaluates e with HCL itself, on the item and its service as
// objects holding the attributes e reads (built once per host and item).
func (c *compiler) fallback(e hclsyntax.Expression) evalFn {
	item, svc := c.shapes(e)
	scope := slices.Clone(c.scope)
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		ctx, d := f.bind(item, svc)
		if d.HasErrors() {
			return cty.DynamicVal, d
		}
		if len(scope) > 0 {
			// A child per call: for variables may shadow a root (a for
			// over "site"), and must not outlive their loop.
			ctx = ctx.NewChild()
			ctx.Variables = make(map[string]cty.Value, len(scope))
			for _, v := range scope {
				ctx.Variables[v.name] = f.vars[v.idx]
			}
		}
		return e.Value(ctx)
	}
}

// shapes says which attributes of the item and of its service e reads:
// "*" for the whole object (e uses it as a value, or indexes it by a
// computed key), a sorted comma-separated list of names, or "" for none.
// Whole trust objects cost tens of microseconds each; the few attributes
// an expression reads cost one.
func (c *compiler) shapes(e hclsyntax.Expression) (item, svc string) {
	attrs := map[string]map[string]bool{}
	whole := map[string]bool{}
	for _, t := range e.Variables() {
		root := t.RootName()
		if !slices.Contains(c.itemVars, root) {
			continue
		}
		if attrs[root] == nil {
			attrs[root] = map[string]bool{}
		}
		if len(t) < 2 {
			whole[root] = true
			continue
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			whole[root] = true
			continue
		}
		attrs[root][a.Name] = true
	}
	shape := func(root string) string {
		switch {
		case whole[root]:
			return "*"
		case attrs[root] == nil:
			return ""
		}
		return strings.Join(sortedKeys(attrs[root]), ",")
	}
	item = shape(c.rule.over.itemVar())
	if c.rule.over != overServices {
		svc = shape("service")
	}
	return item, svc
}

// traversal reads item.attr… straight from the inventory's Go structs.
func (c *compiler) traversal(e *hclsyntax.ScopeTraversalExpr) evalFn {
	root := e.Traversal.RootName()
	if v, ok := c.lookup(root); ok {
		if v.native {
			return nil
		}
		rest := hcl.Traversal(e.Traversal[1:])
		return func(f *frame) (cty.Value, hcl.Diagnostics) {
			if len(rest) == 0 {
				return f.vars[v.idx], nil
			}
			return rest.TraverseRel(f.vars[v.idx])
		}
	}
	sch, isService := c.rule.over.schema(), root == "service"
	if isService {
		sch = serviceSchema()
	}
	steps := e.Traversal[1:]
	var path []*attr
	cur, i := sch, 0
	for i < len(steps) {
		a, ok := steps[i].(hcl.TraverseAttr)
		if !ok {
			break
		}
		ai, ok := cur.byName[a.Name]
		if !ok {
			return nil
		}
		at := &cur.attrs[ai]
		if at.kind == kindObjects {
			// Lists of objects come from the cached whole object: built
			// per item they would cost a list per evaluation.
			break
		}
		path = append(path, at)
		i++
		if at.kind != kindObject || i == len(steps) {
			break
		}
		cur = at.nested
	}
	if len(path) == 0 {
		return nil
	}
	rest := hcl.Traversal(steps[i:])
	rng := e.SrcRange
	top := c.set.cacheIndex(sch, path[0].name)
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		var val cty.Value
		var err error
		if len(path) == 1 {
			// One attribute of the item: converted once per host and
			// item, whichever rule reads it first.
			cache := f.cache(isService)
			if *cache == nil {
				*cache = make([]cached, len(c.set.cached[sch]))
			}
			cv := &(*cache)[top]
			if !cv.done {
				v := f.value(isService)
				if val, err = path[0].value(v, f.h.budget.String); err == nil {
					cv.v, cv.done = val, true
				}
			} else {
				val = cv.v
			}
		} else {
			v := f.value(isService)
			for _, a := range path[:len(path)-1] {
				v = v.FieldByIndex(a.field)
			}
			val, err = path[len(path)-1].value(v, f.h.budget.String)
		}
		if err != nil {
			return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "value over budget", Detail: err.Error(), Subject: &rng}}
		}
		if len(rest) == 0 {
			return val, nil
		}
		return rest.TraverseRel(val)
	}
}

// binary compiles comparisons and logic whose operand types are known.
func (c *compiler) binary(e *hclsyntax.BinaryOpExpr) evalFn {
	switch e.Op {
	case hclsyntax.OpEqual, hclsyntax.OpNotEqual:
		l, r := c.compile(e.LHS), c.compile(e.RHS)
		negate := e.Op == hclsyntax.OpNotEqual
		return func(f *frame) (cty.Value, hcl.Diagnostics) {
			lv, ld := l(f)
			rv, rd := r(f)
			if ld.HasErrors() || rd.HasErrors() {
				return cty.UnknownVal(cty.Bool), append(ld, rd...)
			}
			var eq cty.Value
			switch lt, rt := lv.Type(), rv.Type(); {
			case lv.IsNull() || rv.IsNull() || !lv.IsKnown() || !rv.IsKnown() || !lt.Equals(rt):
				eq = lv.Equals(rv)
			case lt == cty.String:
				eq = cty.BoolVal(lv.AsString() == rv.AsString())
			case lt == cty.Bool:
				eq = cty.BoolVal(isTrue(lv) == isTrue(rv))
			case lt == cty.Number:
				// go-cty compares numbers through big.Float.Int, which
				// allocates; small integers are one value each here.
				li, lok := smallInt(lv)
				ri, rok := smallInt(rv)
				if lok && rok {
					eq = cty.BoolVal(li == ri)
				} else {
					eq = lv.Equals(rv)
				}
			default:
				eq = lv.Equals(rv)
			}
			if negate && eq.IsKnown() {
				eq = cty.BoolVal(!isTrue(eq))
			}
			return eq, append(ld, rd...)
		}
	case hclsyntax.OpLogicalAnd, hclsyntax.OpLogicalOr:
		lt, rt := c.typeOf(e.LHS), c.typeOf(e.RHS)
		if (lt != cty.Bool && lt != cty.DynamicPseudoType) || (rt != cty.Bool && rt != cty.DynamicPseudoType) {
			return nil
		}
		return c.logic(e, e.Op == hclsyntax.OpLogicalAnd, lt == cty.Bool && rt == cty.Bool)
	case hclsyntax.OpGreaterThan, hclsyntax.OpGreaterThanOrEqual, hclsyntax.OpLessThan, hclsyntax.OpLessThanOrEqual:
		if c.typeOf(e.LHS) != cty.Number || c.typeOf(e.RHS) != cty.Number {
			return nil
		}
		l, r := c.compile(e.LHS), c.compile(e.RHS)
		op := e.Op
		return func(f *frame) (cty.Value, hcl.Diagnostics) {
			lv, ld := l(f)
			rv, rd := r(f)
			if ld.HasErrors() || rd.HasErrors() {
				return cty.UnknownVal(cty.Bool), append(ld, rd...)
			}
			if lv.IsNull() || rv.IsNull() {
				return cty.UnknownVal(cty.Bool), nullOperand(e)
			}
			switch op {
			case hclsyntax.OpGreaterThan:
				return lv.GreaterThan(rv), nil
			case hclsyntax.OpGreaterThanOrEqual:
				return lv.GreaterThanOrEqualTo(rv), nil
			case hclsyntax.OpLessThan:
				return lv.LessThan(rv), nil
			}
			return lv.LessThanOrEqualTo(rv), nil
		}
	}
	return nil
}

// logic is && and || as HCL evaluates them: HCL evaluates both sides,
// converts both to bool (a side that cannot be is an error whatever the
// other says), and then a side that decides the result on its own
// (false for &&, true for ||) wins even over an error on the other side.
// When both sides are known to be bools no conversion can fail, and
// evaluating the right side only when the left does not decide gives the
// same values and the same errors; otherwise both are evaluated, as HCL
// does.
func (c *compiler) logic(e *hclsyntax.BinaryOpExpr, and, typed bool) evalFn {
	l, r := c.compile(e.LHS), c.compile(e.RHS)
	decides := func(v cty.Value, d hcl.Diagnostics) bool {
		// A known, non-null bool that is false for && or true for ||.
		return !d.HasErrors() && ((and && v == cty.False) || (!and && v == cty.True))
	}
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		lv, ld := l(f)
		if typed && decides(lv, ld) {
			return lv, ld
		}
		rv, rd := r(f)
		if !typed {
			var conv hcl.Diagnostics
			lv, conv = toBool(lv, ld, e.LHS, conv)
			rv, conv = toBool(rv, rd, e.RHS, conv)
			if conv.HasErrors() {
				return cty.UnknownVal(cty.Bool), append(append(conv, ld...), rd...)
			}
		}
		lk := !ld.HasErrors() && lv.IsKnown()
		rk := !rd.HasErrors() && rv.IsKnown()
		switch {
		case !lk && !rk:
			if !ld.HasErrors() {
				return cty.UnknownVal(cty.Bool), ld
			}
			return cty.UnknownVal(cty.Bool), append(ld, rd...)
		case decides(lv, ld):
			return lv, ld
		case decides(rv, rd):
			return rv, rd
		case !lk:
			return cty.UnknownVal(cty.Bool), ld
		case !rk:
			return cty.UnknownVal(cty.Bool), rd
		case lv.IsNull() || rv.IsNull():
			return cty.UnknownVal(cty.Bool), nullOperand(e)
		}
		return rv, append(ld, rd...)
	}
}

// toBool converts an operand as HCL does before a logical operator.
func toBool(v cty.Value, d hcl.Diagnostics, e hclsyntax.Expression, conv hcl.Diagnostics) (cty.Value, hcl.Diagnostics) {
	if d.HasErrors() {
		return v, conv
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return cty.UnknownVal(cty.Bool), append(conv, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid operand",
			Detail: fmt.Sprintf("Unsuitable value for operand: %s.", err), Subject: e.Range().Ptr()})
	}
	return b, conv
}

// conditional compiles cond ? a : b when both results have one primitive
// type, so that no type unification can change the chosen value.
func (c *compiler) conditional(e *hclsyntax.ConditionalExpr) evalFn {
	tt, ft := c.typeOf(e.TrueResult), c.typeOf(e.FalseResult)
	if c.typeOf(e.Condition) != cty.Bool || !tt.IsPrimitiveType() || !tt.Equals(ft) {
		return nil
	}
	cond, yes, no := c.compile(e.Condition), c.compile(e.TrueResult), c.compile(e.FalseResult)
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		cv, d := cond(f)
		if d.HasErrors() {
			return cty.UnknownVal(tt), d
		}
		if cv.IsNull() {
			return cty.UnknownVal(tt), hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Null condition",
				Detail: "The condition value is null. Conditions must either be true or false.", Subject: e.Condition.Range().Ptr()}}
		}
		if !cv.IsKnown() {
			return cty.UnknownVal(tt), d
		}
		var v cty.Value
		var vd hcl.Diagnostics
		if isTrue(cv) {
			v, vd = yes(f)
		} else {
			v, vd = no(f)
		}
		return v, append(d, vd...)
	}
}

// template compiles string templates whose parts are primitive values.
func (c *compiler) template(e *hclsyntax.TemplateExpr) evalFn {
	parts := make([]evalFn, len(e.Parts))
	for i, p := range e.Parts {
		if !c.typeOf(p).IsPrimitiveType() {
			return nil
		}
		parts[i] = c.compile(p)
	}
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		var b strings.Builder
		var diags hcl.Diagnostics
		for i, p := range parts {
			v, d := p(f)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if !v.IsKnown() {
				return cty.UnknownVal(cty.String), diags
			}
			if v.IsNull() {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid template interpolation value",
					Detail: "The expression result is null. Cannot include a null value in a string template.", Subject: e.Parts[i].Range().Ptr()})
				continue
			}
			s, err := convert.Convert(v, cty.String)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid template interpolation value",
					Detail: fmt.Sprintf("Cannot include the given value in a string template: %s.", err), Subject: e.Parts[i].Range().Ptr()})
				continue
			}
			b.WriteString(s.AsString())
		}
		if diags.HasErrors() {
			return cty.UnknownVal(cty.String), diags
		}
		return cty.StringVal(b.String()), diags
	}
}

func nullOperand(e hclsyntax.Expression) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid operand", Detail: "Unsuitable value: argument must not be null.", Subject: e.Range().Ptr()}}
}

// slot is the value, on one host, of an expression that does not depend
// on the item, with what the compiled calls derive from it.
type slot struct {
	v     cty.Value
	diags hcl.Diagnostics
	set   map[string]struct{}
	list  []string
	re    *regexp.Regexp
	// listOK says list is usable (a list of strings).
	listOK bool
	// setDone and reDone say the derived value was computed (nil may be
	// the answer).
	setDone, reDone, listDone bool
}

func (s *slot) stringSet() map[string]struct{} {
	if !s.setDone {
		s.setDone = true
		if !s.diags.HasErrors() {
			s.set = stringSet(s.v)
		}
	}
	return s.set
}

func (s *slot) stringList() ([]string, bool) {
	if !s.listDone {
		s.listDone = true
		if !s.diags.HasErrors() {
			s.list, s.listOK = stringList(s.v)
		}
	}
	return s.list, s.listOK
}

func (s *slot) regexp() *regexp.Regexp {
	if !s.reDone {
		s.reDone = true
		if !s.diags.HasErrors() && s.v.Type() == cty.String && !s.v.IsNull() && s.v.IsKnown() {
			s.re, _ = regexp.Compile(s.v.AsString())
		}
	}
	return s.re
}

// frame is the evaluation state for one item.
type frame struct {
	h     *hostEnv
	rule  *Rule
	slots []slot
	// svc and item are the current item's place in the host's
	// inventory: indexes, so that moving on writes no pointer (which
	// costs during a garbage collection).
	svc  int
	item int
	ctx  *hcl.EvalContext
	// vars and strs are the current values of for variables
	// (compiler.scope), as values or, for native loops, as strings.
	vars []cty.Value
	strs []string
}

// value is the current item, or its service, as a reflect value.
func (f *frame) value(service bool) reflect.Value {
	if service {
		return f.h.vals[overServices][f.svc][0]
	}
	return f.h.vals[f.rule.over][f.svc][f.item]
}

// cache is the host's converted attributes of the item or its service.
func (f *frame) cache(service bool) *[]cached {
	if service {
		return &f.h.attrs[overServices][f.svc][0]
	}
	return &f.h.attrs[f.rule.over][f.svc][f.item]
}

// cached is an attribute value converted for a host; a value over the
// string budget is not cached, and fails each time it is read.
type cached struct {
	v    cty.Value
	done bool
}

// cacheIndex is the place of a schema's attribute in an item's cache:
// only attributes some rule reads get one, so that a host caches a few
// values per item rather than every attribute of every trust.
func (s *Set) cacheIndex(sch *schema, name string) int {
	if s.cached == nil {
		s.cached = map[*schema]map[string]int{}
	}
	m := s.cached[sch]
	if m == nil {
		m = map[string]int{}
		s.cached[sch] = m
	}
	i, ok := m[name]
	if !ok {
		i = len(m)
		m[name] = i
	}
	return i
}

// bind is the host's evaluation context with the item and its service
// bound, in the given shapes, for what the compiler hands to HCL.
func (f *frame) bind(item, svc string) (*hcl.EvalContext, hcl.Diagnostics) {
	o := f.rule.over
	if item != "" {
		v, err := f.h.object(o, f.svc, f.item, item)
		if err != nil {
			return nil, budgetDiag(f.rule, err)
		}
		f.ctx.Variables[o.itemVar()] = v
	}
	if svc != "" {
		v, err := f.h.object(overServices, f.svc, 0, svc)
		if err != nil {
			return nil, budgetDiag(f.rule, err)
		}
		f.ctx.Variables["service"] = v
	}
	return f.ctx, nil
}

func budgetDiag(r *Rule, err error) hcl.Diagnostics {
	rng := hcl.Range{Filename: r.File, Start: hcl.Pos{Line: r.Line, Column: 1}, End: hcl.Pos{Line: r.Line, Column: 1}}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "value over budget", Detail: err.Error(), Subject: &rng}}
}

// isTrue reads a known, non-null bool. go-cty's True() compares through
// Equals, which walks the value for marks: a third of a rule set's time
// went there. cty.BoolVal(b) is the value {Bool, b}, so a comparison with
// cty.True says the same (and is false for unknown, null and marked
// values, which callers have ruled out; TestIsTrue holds go-cty to it).
func isTrue(v cty.Value) bool { return v == cty.True }
