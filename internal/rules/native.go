package rules

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The native layer evaluates the most common filters and assertions
// (attribute compared with a constant, membership, a regular expression,
// logic over those) on Go values, without building a single go-cty
// value. It answers only when the answer is plain: every operand read,
// known, not null and within budget. Anything else (an error to report,
// an unusual value) makes it decline (ok false), and the expression is
// evaluated by the go-cty path, which reports what HCL would. Where it
// answers, it answers what that path would, which the differential test
// checks.

// boolNative, stringNative and intNative evaluate natively; ok false
// declines.
type (
	boolNative   func(f *frame) (v, ok bool)
	stringNative func(f *frame) (string, bool)
	intNative    func(f *frame) (int, bool)
)

func unwrap(e hclsyntax.Expression) hclsyntax.Expression {
	for {
		switch x := e.(type) {
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		case *hclsyntax.TemplateWrapExpr:
			e = x.Wrapped
		default:
			return e
		}
	}
}

// itemAttr finds the attribute a one-step traversal of the item or its
// service reads.
func (c *compiler) itemAttr(e hclsyntax.Expression) (a *attr, isService, ok bool) {
	t, isT := e.(*hclsyntax.ScopeTraversalExpr)
	if !isT || len(t.Traversal) != 2 {
		return nil, false, false
	}
	root := t.Traversal.RootName()
	if _, shadowed := c.lookup(root); shadowed || !hasString(c.itemVars, root) {
		return nil, false, false
	}
	step, isAttr := t.Traversal[1].(hcl.TraverseAttr)
	if !isAttr {
		return nil, false, false
	}
	sch := c.rule.over.schema()
	if isService = root == "service"; isService {
		sch = serviceSchema()
	}
	i, found := sch.byName[step.Name]
	if !found {
		return nil, false, false
	}
	return &sch.attrs[i], isService, true
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *compiler) nativeBool(e hclsyntax.Expression) boolNative {
	e = unwrap(e)
	if !c.itemDependent(e) {
		op := c.operand(e)
		if op.konst != nil {
			if op.konst.Type() != cty.Bool || op.konst.IsNull() {
				return nil
			}
			b := isTrue(*op.konst)
			return func(*frame) (bool, bool) { return b, true }
		}
		slot := op.slot
		return func(f *frame) (bool, bool) {
			s := &f.slots[slot]
			if s.diags.HasErrors() || s.v.Type() != cty.Bool || s.v.IsNull() || !s.v.IsKnown() {
				return false, false
			}
			return isTrue(s.v), true
		}
	}
	switch x := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		a, isService, ok := c.itemAttr(x)
		if !ok || a.kind != kindBool {
			return nil
		}
		field := a.field[0]
		return func(f *frame) (bool, bool) {
			return f.value(isService).Field(field).Bool(), true
		}
	case *hclsyntax.UnaryOpExpr:
		if x.Op != hclsyntax.OpLogicalNot {
			return nil
		}
		inner := c.nativeBool(x.Val)
		if inner == nil {
			return nil
		}
		return func(f *frame) (bool, bool) {
			v, ok := inner(f)
			return !v, ok
		}
	case *hclsyntax.BinaryOpExpr:
		return c.nativeBinary(x)
	case *hclsyntax.FunctionCallExpr:
		return c.nativeCall(x)
	}
	return nil
}

func (c *compiler) nativeBinary(e *hclsyntax.BinaryOpExpr) boolNative {
	switch e.Op {
	case hclsyntax.OpLogicalAnd, hclsyntax.OpLogicalOr:
		l, r := c.nativeBool(e.LHS), c.nativeBool(e.RHS)
		if l == nil || r == nil {
			return nil
		}
		and := e.Op == hclsyntax.OpLogicalAnd
		return func(f *frame) (bool, bool) {
			lv, ok := l(f)
			if !ok {
				return false, false
			}
			if lv != and {
				// false && … and true || … are decided (HCL drops the
				// other side's errors in that case too).
				return lv, true
			}
			return r(f)
		}
	case hclsyntax.OpEqual, hclsyntax.OpNotEqual:
		negate := e.Op == hclsyntax.OpNotEqual
		if l, r := c.nativeString(e.LHS), c.nativeString(e.RHS); l != nil && r != nil {
			return func(f *frame) (bool, bool) {
				lv, ok := l(f)
				if !ok {
					return false, false
				}
				rv, ok := r(f)
				return (lv == rv) != negate, ok
			}
		}
		if l, r := c.nativeBool(e.LHS), c.nativeBool(e.RHS); l != nil && r != nil {
			return func(f *frame) (bool, bool) {
				lv, ok := l(f)
				if !ok {
					return false, false
				}
				rv, ok := r(f)
				return (lv == rv) != negate, ok
			}
		}
		if l, r := c.nativeInt(e.LHS), c.nativeInt(e.RHS); l != nil && r != nil {
			return func(f *frame) (bool, bool) {
				lv, ok := l(f)
				if !ok {
					return false, false
				}
				rv, ok := r(f)
				return (lv == rv) != negate, ok
			}
		}
	case hclsyntax.OpGreaterThan, hclsyntax.OpGreaterThanOrEqual, hclsyntax.OpLessThan, hclsyntax.OpLessThanOrEqual:
		l, r := c.nativeInt(e.LHS), c.nativeInt(e.RHS)
		if l == nil || r == nil {
			return nil
		}
		op := e.Op
		return func(f *frame) (bool, bool) {
			lv, ok := l(f)
			if !ok {
				return false, false
			}
			rv, ok := r(f)
			switch op {
			case hclsyntax.OpGreaterThan:
				return lv > rv, ok
			case hclsyntax.OpGreaterThanOrEqual:
				return lv >= rv, ok
			case hclsyntax.OpLessThan:
				return lv < rv, ok
			}
			return lv <= rv, ok
		}
	}
	return nil
}

func (c *compiler) nativeCall(e *hclsyntax.FunctionCallExpr) boolNative {
	if e.ExpandFinal {
		return nil
	}
	switch {
	case e.Name == "contains" && len(e.Args) == 2:
		val := c.nativeString(e.Args[1])
		if val == nil {
			return nil
		}
		if !c.itemDependent(e.Args[0]) {
			// A list constant on the host: a set.
			op := c.operand(e.Args[0])
			var konst map[string]struct{}
			if op.konst != nil {
				if konst = stringSet(*op.konst); konst == nil {
					return nil
				}
			}
			slot := op.slot
			return func(f *frame) (bool, bool) {
				set := konst
				if set == nil {
					s := &f.slots[slot]
					if s.diags.HasErrors() {
						return false, false
					}
					if set = s.stringSet(); set == nil {
						return false, false
					}
				}
				v, ok := val(f)
				_, in := set[v]
				return in, ok
			}
		}
		list := c.strs(e.Args[0])
		if list == nil {
			return nil
		}
		return func(f *frame) (bool, bool) {
			l, ok := list(f)
			if !ok {
				return false, false
			}
			v, ok := val(f)
			for i := range l.Len() {
				if l.At(i) == v {
					return true, ok
				}
			}
			return false, ok
		}
	case e.Name == "can" && len(e.Args) == 1:
		call, ok := unwrap(e.Args[0]).(*hclsyntax.FunctionCallExpr)
		if !ok || call.Name != "regex" || len(call.Args) != 2 || call.ExpandFinal {
			return nil
		}
		s := c.nativeString(call.Args[1])
		if s == nil || c.itemDependent(call.Args[0]) {
			return nil
		}
		pat := c.operand(call.Args[0])
		var konst *regexp.Regexp
		if pat.konst != nil {
			if pat.konst.Type() != cty.String || pat.konst.IsNull() {
				return nil
			}
			re, err := compilePattern(pat.konst.AsString())
			if err != nil {
				return nil
			}
			konst = re
		}
		slot := pat.slot
		return func(f *frame) (bool, bool) {
			re := konst
			if re == nil {
				if re = f.slots[slot].regexp(); re == nil {
					return false, false
				}
			}
			v, ok := s(f)
			return ok && re.MatchString(v), ok
		}
	}
	return nil
}

func (c *compiler) nativeString(e hclsyntax.Expression) stringNative {
	e = unwrap(e)
	if !c.itemDependent(e) {
		op := c.operand(e)
		if op.konst != nil {
			if op.konst.Type() != cty.String || op.konst.IsNull() {
				return nil
			}
			s := op.konst.AsString()
			return func(*frame) (string, bool) { return s, true }
		}
		slot := op.slot
		return func(f *frame) (string, bool) {
			s := &f.slots[slot]
			if s.diags.HasErrors() || s.v.Type() != cty.String || s.v.IsNull() || !s.v.IsKnown() {
				return "", false
			}
			return s.v.AsString(), true
		}
	}
	if t, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && len(t.Traversal) == 1 {
		if v, ok := c.lookup(t.Traversal.RootName()); ok {
			if !v.native {
				return nil
			}
			return func(f *frame) (string, bool) { return f.strs[v.idx], true }
		}
	}
	a, isService, ok := c.itemAttr(e)
	if !ok || a.kind != kindString {
		return nil
	}
	field := a.field[0]
	return func(f *frame) (string, bool) {
		s := f.value(isService).Field(field).String()
		return s, len(s) <= f.h.budget.String
	}
}

func (c *compiler) nativeInt(e hclsyntax.Expression) intNative {
	e = unwrap(e)
	if !c.itemDependent(e) {
		op := c.operand(e)
		if op.konst == nil {
			return nil
		}
		i, ok := smallInt(*op.konst)
		if !ok {
			return nil
		}
		return func(*frame) (int, bool) { return i, true }
	}
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "length" || len(call.Args) != 1 || call.ExpandFinal {
		return nil
	}
	arg := unwrap(call.Args[0])
	if inner, ok := arg.(*hclsyntax.FunctionCallExpr); ok && !inner.ExpandFinal && (inner.Name == "setintersection" || inner.Name == "setunion" || inner.Name == "setsubtract") {
		if op := c.setOp(inner); op != nil {
			return func(f *frame) (int, bool) { return op(f, nil) }
		}
		return nil
	}
	if ty := c.typeOf(arg); ty.IsListType() && ty.ElementType() == cty.String {
		if l := c.strs(arg); l != nil {
			return func(f *frame) (int, bool) {
				list, ok := l(f)
				return list.Len(), ok
			}
		}
	}
	if fe, ok := arg.(*hclsyntax.ForExpr); ok {
		if n := c.nativeCount(fe); n != nil {
			return n
		}
		if loop := c.forLoop(fe); loop != nil {
			return func(f *frame) (int, bool) {
				n, known, d := loop(f, nil)
				return n, known && !d.HasErrors()
			}
		}
	}
	return nil
}

// nativeCount is length([for v in list : v if cond]) over a list of
// strings of the item (trust.base_paths) with a native condition: it
// counts, with the loop variable a Go string. The value expression must
// be the variable itself, which cannot fail; the condition either
// answers for every element or the whole count declines.
func (c *compiler) nativeCount(e *hclsyntax.ForExpr) intNative {
	if e.KeyExpr != nil || e.Group || e.KeyVar != "" {
		return nil
	}
	if v, ok := unwrap(e.ValExpr).(*hclsyntax.ScopeTraversalExpr); !ok || len(v.Traversal) != 1 || v.Traversal.RootName() != e.ValVar {
		return nil
	}
	if !c.typeOf(e.CollExpr).IsListType() {
		return nil
	}
	list := c.strs(e.CollExpr)
	if list == nil {
		return nil
	}
	if e.CondExpr == nil {
		return func(f *frame) (int, bool) {
			l, ok := list(f)
			return l.Len(), ok
		}
	}
	saved, depth := c.types, len(c.scope)
	defer func() { c.types, c.scope = saved, c.scope[:depth] }()
	c.types = saved.NewChild()
	c.types.Variables = map[string]cty.Value{e.ValVar: cty.UnknownVal(cty.String)}
	v := forVar{name: e.ValVar, idx: c.nvars, native: true}
	c.nvars++
	c.scope = append(c.scope, v)
	cond := c.nativeBool(e.CondExpr)
	if cond == nil {
		return nil
	}
	return func(f *frame) (int, bool) {
		l, ok := list(f)
		if !ok {
			return 0, false
		}
		n := 0
		for i := range l.Len() {
			f.strs[v.idx] = l.At(i)
			b, ok := cond(f)
			if !ok {
				return 0, false
			}
			if b {
				n++
			}
		}
		return n, true
	}
}
