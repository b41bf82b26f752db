package rules

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

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
