package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// A schema is an inventory struct as rule expressions see it: one
// attribute per JSON field, by its JSON name, so that what a rule writes
// is what `ttt-check inventory --format json` shows. It is derived from
// the struct tags by reflection rather than written out, so that a field
// added to the inventory reaches the rules without a second list to keep
// in step. Every attribute is always present (an empty string, list or
// false where JSON would omit it): a rule's types never depend on a host.
type schema struct {
	goType reflect.Type
	attrs  []attr
	byName map[string]int
	typ    cty.Type
}

// attrKind is how an attribute's Go value becomes a cty value.
type attrKind int

const (
	kindString attrKind = iota
	kindBool
	kindNumber
	kindStrings // a slice of strings (or of a string type)
	kindObject  // a nested struct
	kindObjects // a slice of structs
	kindDerived // computed, not a field
)

type attr struct {
	name   string
	field  []int
	kind   attrKind
	typ    cty.Type
	nested *schema // kindObject, kindObjects
	derive func(reflect.Value) string
}

var (
	schemasMu sync.Mutex
	schemas   = map[reflect.Type]*schema{}
)

// derived are attributes that are not JSON fields but that rules need
// and could not write themselves without string tricks.
var derived = map[reflect.Type][]attr{
	reflect.TypeFor[inventory.Service](): {{
		name: "label", kind: kindDerived, typ: cty.String,
		derive: func(v reflect.Value) string {
			if v.CanAddr() {
				// A pointer in an interface: no copy of the service.
				return v.Addr().Interface().(*inventory.Service).Label()
			}
			return v.Interface().(inventory.Service).Label()
		},
	}},
}

// schemaFor returns the schema of struct type t, building it once.
func schemaFor(t reflect.Type) *schema {
	schemasMu.Lock()
	defer schemasMu.Unlock()
	return buildSchema(t)
}

func buildSchema(t reflect.Type) *schema {
	if s, ok := schemas[t]; ok {
		return s
	}
	s := &schema{goType: t, byName: map[string]int{}}
	schemas[t] = s
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			// Unit.Env is never rendered (values may be secrets), and
			// rules see what the JSON inventory shows, nothing more.
			continue
		}
		a := attr{name: name, field: f.Index}
		switch ft := f.Type; {
		case ft.Kind() == reflect.String:
			a.kind, a.typ = kindString, cty.String
		case ft.Kind() == reflect.Bool:
			a.kind, a.typ = kindBool, cty.Bool
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
			a.kind, a.typ = kindNumber, cty.Number
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			a.kind, a.typ = kindStrings, cty.List(cty.String)
		case ft.Kind() == reflect.Struct:
			a.kind, a.nested = kindObject, buildSchema(ft)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			a.kind, a.nested = kindObjects, buildSchema(ft.Elem())
		default:
			panic(fmt.Sprintf("rules: %s.%s: no rule type for %s", t.Name(), f.Name, ft))
		}
		s.byName[name] = len(s.attrs)
		s.attrs = append(s.attrs, a)
	}
	for _, d := range derived[t] {
		s.byName[d.name] = len(s.attrs)
		s.attrs = append(s.attrs, d)
	}
	types := map[string]cty.Type{}
	for i := range s.attrs {
		a := &s.attrs[i]
		switch a.kind {
		case kindObject:
			a.typ = a.nested.objectType()
		case kindObjects:
			a.typ = cty.List(a.nested.objectType())
		}
		types[a.name] = a.typ
	}
	s.typ = cty.Object(types)
	return s
}

// objectType is the schema's cty type; a schema under construction (a
// recursive struct, which the inventory does not have) would panic here.
func (s *schema) objectType() cty.Type {
	if s.typ == cty.NilType {
		panic("rules: recursive inventory type " + s.goType.Name())
	}
	return s.typ
}

// names lists the attribute names, sorted, for messages and docs.
func (s *schema) names() []string {
	out := make([]string, 0, len(s.attrs))
	for _, a := range s.attrs {
		out = append(out, a.name)
	}
	sort.Strings(out)
	return out
}

// budgetError is a value over the string budget a rule may evaluate.
type budgetError struct {
	attr string
	size int
	max  int
}

// Error says which value is how much over the budget.
func (e *budgetError) Error() string {
	return fmt.Sprintf("%s is %d bytes long, more than the %d bytes a rule evaluates", e.attr, e.size, e.max)
}

// value is attribute a of struct value v as a cty value; strings longer
// than maxString are refused rather than cut, since a cut issuer would
// compare differently from the real one.
func (a *attr) value(v reflect.Value, maxString int) (cty.Value, error) {
	if a.kind == kindDerived {
		return str(a.name, a.derive(v), maxString)
	}
	f := v.FieldByIndex(a.field)
	switch a.kind {
	case kindString:
		return str(a.name, f.String(), maxString)
	case kindBool:
		return cty.BoolVal(f.Bool()), nil
	case kindNumber:
		return cty.NumberIntVal(f.Int()), nil
	case kindStrings:
		if f.Len() == 0 {
			return cty.ListValEmpty(cty.String), nil
		}
		out := make([]cty.Value, f.Len())
		for i := range out {
			s, err := str(a.name, f.Index(i).String(), maxString)
			if err != nil {
				return cty.NilVal, err
			}
			out[i] = s
		}
		return cty.ListVal(out), nil
	case kindObject:
		return a.nested.object(f, maxString)
	case kindObjects:
		return objectList(a.nested, f, maxString)
	}
	panic("rules: unknown attribute kind")
}

// objectList is a slice of structs as a list of objects.
func objectList(s *schema, v reflect.Value, maxString int) (cty.Value, error) {
	if v.Len() == 0 {
		return cty.ListValEmpty(s.typ), nil
	}
	out := make([]cty.Value, v.Len())
	for i := range out {
		o, err := s.object(v.Index(i), maxString)
		if err != nil {
			return cty.NilVal, err
		}
		out[i] = o
	}
	return cty.ListVal(out), nil
}

func str(name, s string, max int) (cty.Value, error) {
	if max > 0 && len(s) > max {
		return cty.NilVal, &budgetError{attr: name, size: len(s), max: max}
	}
	return cty.StringVal(s), nil
}

// object is struct value v as a cty object. It is the slow path (a map
// and a value per attribute); compiled expressions read single
// attributes instead, and only fall back to whole objects when an
// expression needs one.
func (s *schema) object(v reflect.Value, maxString int) (cty.Value, error) {
	m := make(map[string]cty.Value, len(s.attrs))
	for i := range s.attrs {
		a := &s.attrs[i]
		x, err := a.value(v, maxString)
		if err != nil {
			return cty.NilVal, err
		}
		m[a.name] = x
	}
	return cty.ObjectVal(m), nil
}

// partial is struct value v as an object of the named attributes only:
// what an expression HCL evaluates reads of it (see compiler.shapes).
func (s *schema) partial(v reflect.Value, names []string, maxString int) (cty.Value, error) {
	m := make(map[string]cty.Value, len(names))
	for _, n := range names {
		i, ok := s.byName[n]
		if !ok {
			continue
		}
		x, err := s.attrs[i].value(v, maxString)
		if err != nil {
			return cty.NilVal, err
		}
		m[n] = x
	}
	return cty.ObjectVal(m), nil
}

// The schemas of what rules iterate and see, made on first use by
// reflection over the inventory's types: at start-up, which every command
// pays, they were half of the package's initialisation.
var (
	serviceSchema = sync.OnceValue(func() *schema { return schemaFor(reflect.TypeFor[inventory.Service]()) })
	trustSchema   = sync.OnceValue(func() *schema { return schemaFor(reflect.TypeFor[inventory.Trust]()) })
	banSchema     = sync.OnceValue(func() *schema { return schemaFor(reflect.TypeFor[inventory.Ban]()) })
	settingSchema = sync.OnceValue(func() *schema { return schemaFor(reflect.TypeFor[inventory.Setting]()) })
	packageSchema = sync.OnceValue(func() *schema { return schemaFor(reflect.TypeFor[inventory.Package]()) })
	unitSchema    = sync.OnceValue(func() *schema { return schemaFor(reflect.TypeFor[inventory.Unit]()) })
)

// siteType is the site profile as rules see it (resolved for the host).
var siteType = sync.OnceValue(func() cty.Type {
	return cty.Object(map[string]cty.Type{
		"name":        cty.String,
		"environment": cty.String,
		"assumed":     cty.Bool,
		"vos":         cty.List(cty.String),
		"vos_stated":  cty.Bool,
		"issuers":     cty.List(issuerType()),
	})
})

var issuerType = sync.OnceValue(func() cty.Type {
	return cty.Object(map[string]cty.Type{"issuer": cty.String, "name": cty.String, "contact": cty.String})
})

// hostType is the host as rules see it: its name, every service, and
// the packages and systemd units the services use.
var hostType = sync.OnceValue(func() cty.Type {
	return cty.Object(map[string]cty.Type{
		"name":          cty.String,
		"hostname_from": cty.String,
		"services":      cty.List(serviceSchema().typ),
		"packages":      cty.List(packageSchema().typ),
		"units":         cty.List(unitSchema().typ),
	})
})
