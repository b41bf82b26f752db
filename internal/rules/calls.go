package rules

import (
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// The compiled forms of function calls, with the fast paths the common
// rules need.

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
		sch = serviceSchema()
	}
	i, ok := sch.byName[step.Name]
	if !ok || sch.attrs[i].kind != kindStrings {
		return nil
	}
	field := sch.attrs[i].field
	return func(f *frame) (strList, bool) {
		l := strList{rv: f.value(isService).FieldByIndex(field)}
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

// smallInts are the numbers length() returns most, made once, on first
// use (not at start-up, which every command pays): a go-cty number is a
// big.Float, two allocations each.
var smallInts = sync.OnceValue(func() []cty.Value {
	out := make([]cty.Value, 256)
	for i := range out {
		out[i] = cty.NumberIntVal(int64(i))
	}
	return out
})

// smallIndex finds the integer a value of smallInts stands for.
var smallIndex = sync.OnceValue(func() map[cty.Value]int {
	ints := smallInts()
	m := make(map[cty.Value]int, len(ints))
	for i, v := range ints {
		m[v] = i
	}
	return m
})

// smallInt is the integer v stands for when v is one of smallInts.
func smallInt(v cty.Value) (int, bool) {
	if v.Type() != cty.Number || v.IsMarked() {
		// Map keys must hash: a structural or marked value does not.
		return 0, false
	}
	i, ok := smallIndex()[v]
	return i, ok
}

// canonical replaces a small integer constant with its smallInts value.
func canonical(v cty.Value) cty.Value {
	if v.Type() != cty.Number || v.IsNull() || !v.IsKnown() {
		return v
	}
	if i, acc := v.AsBigFloat().Int64(); acc == big.Exact && i >= 0 && i < int64(len(smallInts())) {
		return smallInts()[i]
	}
	return v
}

func intVal(n int) cty.Value {
	if n >= 0 && n < len(smallInts()) {
		return smallInts()[n]
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
