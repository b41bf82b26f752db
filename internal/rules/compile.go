package rules

import (
	"fmt"
	"math/big"
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
		sch = serviceSchema
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
			cache := f.itemCache
			if isService {
				cache = f.svcCache
			}
			if *cache == nil {
				*cache = make([]cached, len(c.set.cached[sch]))
			}
			cv := &(*cache)[top]
			if !cv.done {
				v := f.itemV
				if isService {
					v = f.svcV
				}
				if val, err = path[0].value(v, f.h.budget.String); err == nil {
					cv.v, cv.done = val, true
				}
			} else {
				val = cv.v
			}
		} else {
			v := f.itemV
			if isService {
				v = f.svcV
			}
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

// call compiles function calls: can() around anything, contains() with a
// list that is constant on the host (a Go set), can(regex()) with a
// constant pattern (compiled once), and any other function called
// directly on the compiled arguments.
func (c *compiler) call(e *hclsyntax.FunctionCallExpr) evalFn {
	if e.ExpandFinal {
		return nil
	}
	switch e.Name {
	case "try":
		return nil
	case "can":
		if len(e.Args) != 1 {
			return nil
		}
		if fn := c.canRegex(e.Args[0]); fn != nil {
			return fn
		}
		inner := c.compile(e.Args[0])
		return func(f *frame) (cty.Value, hcl.Diagnostics) {
			_, d := inner(f)
			return cty.BoolVal(!d.HasErrors()), nil
		}
	case "contains":
		if len(e.Args) == 2 {
			if fn := c.contains(e); fn != nil {
				return fn
			}
			if fn := c.containsIn(e); fn != nil {
				return fn
			}
		}
	case "setintersection", "setunion", "setsubtract":
		if op := c.setOp(e); op != nil {
			generic := c.genericCall(e)
			return func(f *frame) (cty.Value, hcl.Diagnostics) {
				var vals []cty.Value
				if _, ok := op(f, func(k string) { vals = append(vals, cty.StringVal(k)) }); !ok {
					return generic(f)
				}
				if len(vals) == 0 {
					return cty.SetValEmpty(cty.String), nil
				}
				return cty.SetVal(vals), nil
			}
		}
	case "length":
		if len(e.Args) == 1 {
			if fn := c.length(e); fn != nil {
				return fn
			}
		}
	}
	return c.genericCall(e)
}

// genericCall calls a function directly on the compiled arguments.
func (c *compiler) genericCall(e *hclsyntax.FunctionCallExpr) evalFn {
	fn, ok := c.set.funcs[e.Name]
	if !ok {
		return nil
	}
	// Each argument is converted to its parameter's type first, as HCL
	// does (setintersection takes sets; a list converts); a constant one
	// once, here.
	args := make([]evalFn, len(e.Args))
	types := make([]cty.Type, len(e.Args))
	for i, a := range e.Args {
		if ps := fn.Params(); i < len(ps) {
			types[i] = ps[i].Type
		} else if vp := fn.VarParam(); vp != nil {
			types[i] = vp.Type
		}
		op := c.operand(a)
		args[i] = op.eval
		if op.konst != nil && types[i] != cty.NilType {
			if cv, err := convert.Convert(*op.konst, types[i]); err == nil {
				args[i] = func(*frame) (cty.Value, hcl.Diagnostics) { return cv, nil }
			}
		}
	}
	name, rng := e.Name, e.Range()
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		vals := make([]cty.Value, len(args))
		var diags hcl.Diagnostics
		for i, a := range args {
			v, d := a(f)
			diags = append(diags, d...)
			if !d.HasErrors() && types[i] != cty.NilType && types[i] != cty.DynamicPseudoType {
				cv, err := convert.Convert(v, types[i])
				if err != nil {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid function argument",
						Detail: fmt.Sprintf("Invalid value for argument %d of %q: %s.", i+1, name, err), Subject: e.Args[i].StartRange().Ptr()})
				}
				v = cv
			}
			vals[i] = v
		}
		if diags.HasErrors() {
			return cty.DynamicVal, diags
		}
		v, err := fn.Call(vals)
		if err != nil {
			return cty.DynamicVal, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Error in function call",
				Detail: fmt.Sprintf("Call to function %q failed: %s.", name, err), Subject: &rng})
		}
		return v, diags
	}
}

// forExpr compiles [for k, v in coll : value if cond], the tuple form
// (the object form goes to HCL). HCL evaluates the if clause once with
// unknown k and v before iterating, and fails on its errors even for an
// empty collection; that can only differ from iterating when a part of
// the clause that does not read k or v can fail on the item, so such
// clauses go to HCL too.
func (c *compiler) forExpr(e *hclsyntax.ForExpr) evalFn {
	loop := c.forLoop(e)
	if loop == nil {
		return nil
	}
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		vals := []cty.Value{}
		_, known, diags := loop(f, func(v cty.Value) { vals = append(vals, v) })
		if !known {
			return cty.DynamicVal, diags
		}
		return cty.TupleVal(vals), diags
	}
}

// loopFn runs a compiled for expression, handing each value to emit
// (when not nil) and counting them; false means the result is not known
// (HCL's DynamicVal).
type loopFn func(f *frame, emit func(cty.Value)) (int, bool, hcl.Diagnostics)

// forLoop compiles the loop of a tuple-producing for expression.
func (c *compiler) forLoop(e *hclsyntax.ForExpr) loopFn {
	if e.KeyExpr != nil || e.Group {
		return nil
	}
	coll := c.compile(e.CollExpr)
	ct := c.typeOf(e.CollExpr)
	keyTy, valTy := cty.DynamicPseudoType, cty.DynamicPseudoType
	switch {
	case ct.IsListType():
		keyTy, valTy = cty.Number, ct.ElementType()
	case ct.IsSetType():
		keyTy, valTy = ct.ElementType(), ct.ElementType()
	case ct.IsMapType():
		keyTy, valTy = cty.String, ct.ElementType()
	}
	saved, depth := c.types, len(c.scope)
	defer func() { c.types, c.scope = saved, c.scope[:depth] }()
	c.types = saved.NewChild()
	c.types.Variables = map[string]cty.Value{e.ValVar: cty.UnknownVal(valTy)}
	key := forVar{idx: -1}
	if e.KeyVar != "" {
		key = forVar{name: e.KeyVar, idx: c.nvars}
		c.nvars++
		c.scope = append(c.scope, key)
		c.types.Variables[e.KeyVar] = cty.UnknownVal(keyTy)
	}
	val := forVar{name: e.ValVar, idx: c.nvars}
	c.nvars++
	c.scope = append(c.scope, val)
	var cond evalFn
	if e.CondExpr != nil {
		if !c.safeClause(e.CondExpr) {
			return nil
		}
		cond = c.compile(e.CondExpr)
	}
	value := c.compile(e.ValExpr)
	condRange, collRange := hcl.Range{}, e.CollExpr.Range()
	if e.CondExpr != nil {
		condRange = e.CondExpr.Range()
	}
	strs := c.strs(e.CollExpr)
	if !ct.IsListType() {
		strs = nil
	}
	return func(f *frame, emit func(cty.Value)) (int, bool, hcl.Diagnostics) {
		n, known := 0, true
		var diags hcl.Diagnostics
		step := func(k, v cty.Value) {
			if key.idx >= 0 {
				f.vars[key.idx] = k
			}
			f.vars[val.idx] = v
			if cond != nil {
				include, d := cond(f)
				diags = append(diags, d...)
				if include.IsNull() {
					if known {
						diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid 'for' condition",
							Detail: "The value of the 'if' clause must not be null.", Subject: &condRange})
					}
					known = false
					return
				}
				if !include.IsKnown() {
					known = false
					return
				}
				b, err := convert.Convert(include, cty.Bool)
				if err != nil {
					if known {
						diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid 'for' condition",
							Detail: fmt.Sprintf("The 'if' clause value is invalid: %s.", err), Subject: &condRange})
					}
					known = false
					return
				}
				if !isTrue(b) {
					return
				}
			}
			x, d := value(f)
			diags = append(diags, d...)
			n++
			if emit != nil {
				emit(x)
			}
		}
		if strs != nil {
			// A list of strings of the item (trust.base_paths): its
			// strings, without go-cty's iterator and index keys.
			if l, ok := strs(f); ok {
				for i := range l.Len() {
					step(intVal(i), cty.StringVal(l.At(i)))
				}
				return n, known, diags
			}
		}
		cv, cd := coll(f)
		diags = append(diags, cd...)
		switch {
		case cv.IsNull():
			return 0, false, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Iteration over null value",
				Detail: "A null value cannot be used as the collection in a 'for' expression.", Subject: &collRange})
		case cv.Type() == cty.DynamicPseudoType:
			return 0, false, diags
		case !cv.CanIterateElements():
			return 0, false, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Iteration over non-iterable value",
				Detail: fmt.Sprintf("A value of type %s cannot be used as the collection in a 'for' expression.", cv.Type().FriendlyName()), Subject: &collRange})
		case !cv.IsKnown():
			return 0, false, diags
		}
		for it := cv.ElementIterator(); it.Next(); {
			step(it.Element())
		}
		return n, known, diags
	}
}

// safeClause reports whether every part of a for expression's if clause
// that reads the item but no for variable is a plain attribute read,
// which cannot fail (see forExpr).
func (c *compiler) safeClause(e hclsyntax.Expression) bool {
	safe := true
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		x, ok := n.(hclsyntax.Expression)
		if !ok || !safe {
			return nil
		}
		readsFor, readsItem := false, false
		for _, t := range x.Variables() {
			if _, ok := c.lookup(t.RootName()); ok {
				readsFor = true
			} else if slices.Contains(c.itemVars, t.RootName()) {
				readsItem = true
			}
		}
		if readsItem && !readsFor {
			if _, ok := x.(*hclsyntax.ScopeTraversalExpr); !ok {
				safe = false
			}
		}
		return nil
	})
	return safe
}

// canRegex is can(regex(pattern, s)) with a constant pattern: true when
// the pattern matches s, which is when regex() returns instead of
// failing.
func (c *compiler) canRegex(arg hclsyntax.Expression) evalFn {
	call, ok := arg.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "regex" || len(call.Args) != 2 || call.ExpandFinal || c.typeOf(call.Args[1]) != cty.String {
		return nil
	}
	pat := c.operand(call.Args[0])
	if pat.konst == nil && pat.slot < 0 {
		return nil
	}
	var konst *regexp.Regexp
	if pat.konst != nil {
		if pat.konst.Type() != cty.String || pat.konst.IsNull() {
			return nil
		}
		re, err := regexp.Compile(pat.konst.AsString())
		if err != nil {
			return nil
		}
		konst = re
	}
	s := c.compile(call.Args[1])
	slot := pat.slot
	generic := c.compile(arg)
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		re := konst
		if re == nil {
			re = f.slots[slot].regexp()
		}
		v, d := s(f)
		if re == nil || d.HasErrors() || v.IsNull() || !v.IsKnown() {
			_, d := generic(f)
			return cty.BoolVal(!d.HasErrors()), nil
		}
		return cty.BoolVal(re.MatchString(v.AsString())), nil
	}
}

// contains is contains(list, value) with a list constant on the host and
// a string value: a set lookup instead of a scan.
func (c *compiler) contains(e *hclsyntax.FunctionCallExpr) evalFn {
	list := c.operand(e.Args[0])
	if list.konst == nil && list.slot < 0 {
		return nil
	}
	var konst map[string]struct{}
	if list.konst != nil {
		if konst = stringSet(*list.konst); konst == nil {
			return nil
		}
	}
	val := c.compile(e.Args[1])
	slot := list.slot
	fn := c.set.funcs["contains"]
	rng := e.Range()
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		set := konst
		var lv cty.Value
		var ld hcl.Diagnostics
		if set == nil {
			s := &f.slots[slot]
			set, lv, ld = s.stringSet(), s.v, s.diags
		} else {
			lv = *list.konst
		}
		v, d := val(f)
		if set != nil && !ld.HasErrors() && !d.HasErrors() && v.Type() == cty.String && !v.IsNull() && v.IsKnown() {
			_, in := set[v.AsString()]
			return cty.BoolVal(in), nil
		}
		diags := append(ld, d...)
		if diags.HasErrors() {
			return cty.DynamicVal, diags
		}
		r, err := fn.Call([]cty.Value{lv, v})
		if err != nil {
			return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Error in function call",
				Detail: fmt.Sprintf("Call to function %q failed: %s.", "contains", err), Subject: &rng}}
		}
		return r, nil
	}
}

// strList is a list of strings read without go-cty: an item's
// attribute (a reflect slice) or a constant.
type strList struct {
	rv   reflect.Value
	list []string
}

// Len is the number of strings.
func (l strList) Len() int {
	if !l.rv.IsValid() {
		return len(l.list)
	}
	return l.rv.Len()
}

// At is string i.
func (l strList) At(i int) string {
	if !l.rv.IsValid() {
		return l.list[i]
	}
	return l.rv.Index(i).String()
}

// strsFn reads a list of strings; false means "ask go-cty" (an error, a
// value over budget, anything unusual).
type strsFn func(f *frame) (strList, bool)

// strs compiles e to a strsFn when e is an attribute of the item (or its
// service) that is a list of strings, or a list of strings constant on
// the host; nil otherwise.
func (c *compiler) strs(e hclsyntax.Expression) strsFn {
	for {
		p, ok := e.(*hclsyntax.ParenthesesExpr)
		if !ok {
			break
		}
		e = p.Expression
	}
	if !c.itemDependent(e) {
		op := c.operand(e)
		if op.konst != nil {
			list, ok := stringList(*op.konst)
			if !ok {
				return nil
			}
			return func(*frame) (strList, bool) { return strList{list: list}, true }
		}
		slot := op.slot
		return func(f *frame) (strList, bool) {
			list, ok := f.slots[slot].stringList()
			return strList{list: list}, ok
		}
	}
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) != 2 {
		return nil
	}
	root := t.Traversal.RootName()
	if _, shadowed := c.lookup(root); shadowed {
		return nil
	}
	step, ok := t.Traversal[1].(hcl.TraverseAttr)
	if !ok {
		return nil
	}
	sch, isService := c.rule.over.schema(), root == "service"
	if isService {
		sch = serviceSchema
	}
	i, ok := sch.byName[step.Name]
	if !ok || sch.attrs[i].kind != kindStrings {
		return nil
	}
	field := sch.attrs[i].field
	return func(f *frame) (strList, bool) {
		v := f.itemV
		if isService {
			v = f.svcV
		}
		l := strList{rv: v.FieldByIndex(field)}
		for j := range l.Len() {
			if len(l.At(j)) > f.h.budget.String {
				return strList{}, false
			}
		}
		return l, true
	}
}

// stringList is the strings of a known list, set or tuple of strings.
func stringList(v cty.Value) ([]string, bool) {
	if stringSet(v) == nil {
		return nil, false
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e.AsString())
	}
	return out, true
}

// containsIn is contains(list, value) with a list of strings read from
// the item (trust.strategies) and a string value: a loop over the
// strings instead of a call.
func (c *compiler) containsIn(e *hclsyntax.FunctionCallExpr) evalFn {
	if c.typeOf(e.Args[1]) != cty.String {
		return nil
	}
	list := c.strs(e.Args[0])
	if list == nil {
		return nil
	}
	val := c.compile(e.Args[1])
	generic := c.genericCall(e)
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		l, ok := list(f)
		v, d := val(f)
		if !ok || d.HasErrors() || v.IsNull() || !v.IsKnown() {
			return generic(f)
		}
		want := v.AsString()
		for i := range l.Len() {
			if l.At(i) == want {
				return cty.True, nil
			}
		}
		return cty.False, nil
	}
}

// setOp is setintersection, setunion and setsubtract over lists of
// strings, in Go: go-cty hashes every element of every argument on each
// call, which made length(setintersection(trust.audiences,
// local.aliases)) > 0 cost tens of microseconds per trust. The lists
// are a handful of strings, so scans beat maps.
func (c *compiler) setOp(e *hclsyntax.FunctionCallExpr) func(f *frame, emit func(string)) (int, bool) {
	if len(e.Args) < 2 || (e.Name == "setsubtract" && len(e.Args) != 2) {
		return nil
	}
	args := make([]strsFn, len(e.Args))
	for i, a := range e.Args {
		if args[i] = c.strs(a); args[i] == nil {
			return nil
		}
	}
	union, intersect := e.Name == "setunion", e.Name == "setintersection"
	return func(f *frame, emit func(string)) (int, bool) {
		var buf [4]strList
		lists := buf[:0]
		n := 0
		for _, a := range args {
			l, ok := a(f)
			if !ok {
				return 0, false
			}
			lists = append(lists, l)
		}
		// seen reports whether k occurs in lists before list li, index i.
		seen := func(k string, li, i int) bool {
			for x := 0; x <= li; x++ {
				end := lists[x].Len()
				if x == li {
					end = i
				}
				for j := range end {
					if lists[x].At(j) == k {
						return true
					}
				}
			}
			return false
		}
		in := func(k string, l strList) bool {
			for j := range l.Len() {
				if l.At(j) == k {
					return true
				}
			}
			return false
		}
		for li, l := range lists {
			if !union && li > 0 {
				break
			}
			for i := range l.Len() {
				k := l.At(i)
				if seen(k, li, i) {
					continue
				}
				keep := true
				if !union {
					for _, other := range lists[1:] {
						if in(k, other) != intersect {
							keep = false
							break
						}
					}
				}
				if keep {
					n++
					if emit != nil {
						emit(k)
					}
				}
			}
		}
		return n, true
	}
}

// length is length(x): of a set operation without building the set, of
// a list of strings without go-cty, or of any collection value.
func (c *compiler) length(e *hclsyntax.FunctionCallExpr) evalFn {
	generic := c.genericCall(e)
	if call, ok := e.Args[0].(*hclsyntax.FunctionCallExpr); ok && !call.ExpandFinal && (call.Name == "setintersection" || call.Name == "setunion" || call.Name == "setsubtract") {
		if op := c.setOp(call); op != nil {
			return func(f *frame) (cty.Value, hcl.Diagnostics) {
				n, ok := op(f, nil)
				if !ok {
					return generic(f)
				}
				return intVal(n), nil
			}
		}
	}
	if fe, ok := e.Args[0].(*hclsyntax.ForExpr); ok && c.itemDependent(fe) {
		if loop := c.forLoop(fe); loop != nil {
			// length([for …]) counts without building the tuple.
			return func(f *frame) (cty.Value, hcl.Diagnostics) {
				n, known, d := loop(f, nil)
				switch {
				case d.HasErrors():
					return cty.DynamicVal, d
				case !known:
					return cty.UnknownVal(cty.Number), d
				}
				return intVal(n), d
			}
		}
	}
	if ty := c.typeOf(e.Args[0]); ty.IsListType() && ty.ElementType() == cty.String {
		if l := c.strs(e.Args[0]); l != nil {
			return func(f *frame) (cty.Value, hcl.Diagnostics) {
				list, ok := l(f)
				if !ok {
					return generic(f)
				}
				return intVal(list.Len()), nil
			}
		}
	}
	arg := c.compile(e.Args[0])
	return func(f *frame) (cty.Value, hcl.Diagnostics) {
		v, d := arg(f)
		if d.HasErrors() || v.IsNull() || !v.IsKnown() {
			return generic(f)
		}
		if ty := v.Type(); ty.IsListType() || ty.IsSetType() || ty.IsMapType() || ty.IsTupleType() {
			return intVal(v.LengthInt()), d
		}
		return generic(f)
	}
}

// smallInts are the numbers length() returns most, made once: a go-cty
// number is a big.Float, two allocations each.
var smallInts = func() []cty.Value {
	out := make([]cty.Value, 256)
	for i := range out {
		out[i] = cty.NumberIntVal(int64(i))
	}
	return out
}()

// smallIndex finds the integer a value of smallInts stands for.
var smallIndex = func() map[cty.Value]int {
	m := make(map[cty.Value]int, len(smallInts))
	for i, v := range smallInts {
		m[v] = i
	}
	return m
}()

// smallInt is the integer v stands for when v is one of smallInts.
func smallInt(v cty.Value) (int, bool) {
	if v.Type() != cty.Number || v.IsMarked() {
		// Map keys must hash: a structural or marked value does not.
		return 0, false
	}
	i, ok := smallIndex[v]
	return i, ok
}

// canonical replaces a small integer constant with its smallInts value.
func canonical(v cty.Value) cty.Value {
	if v.Type() != cty.Number || v.IsNull() || !v.IsKnown() {
		return v
	}
	if i, acc := v.AsBigFloat().Int64(); acc == big.Exact && i >= 0 && i < int64(len(smallInts)) {
		return smallInts[i]
	}
	return v
}

func intVal(n int) cty.Value {
	if n >= 0 && n < len(smallInts) {
		return smallInts[n]
	}
	return cty.NumberIntVal(int64(n))
}

// stringSet is the strings of a known list, set or tuple of strings, or
// nil when it holds anything else (then contains() must compare values
// the way go-cty does).
func stringSet(v cty.Value) map[string]struct{} {
	ty := v.Type()
	if v.IsNull() || !v.IsWhollyKnown() || !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType()) {
		return nil
	}
	out := make(map[string]struct{}, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return nil
		}
		out[e.AsString()] = struct{}{}
	}
	return out
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
	svc   int
	item  int
	svcV  reflect.Value
	itemV reflect.Value
	ctx   *hcl.EvalContext
	// vars and strs are the current values of for variables
	// (compiler.scope), as values or, for native loops, as strings.
	vars []cty.Value
	strs []string
	// itemCache and svcCache are the host's converted attributes of the
	// item and of its service.
	itemCache, svcCache *[]cached
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
