package output

import (
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/ttt-wg/ttt-check/internal/redact"
)

// Redacted is what a secret is replaced with.
const Redacted = redact.Redacted

// Redact replaces secret-looking substrings with [REDACTED] (see package
// redact).
func Redact(s string) string { return redact.Redact(s) }

// Scrub is Redact plus the escaping of what a terminal would interpret
// (see package redact): what every string that leaves the tool goes
// through.
func Scrub(s string) string { return redact.Scrub(s) }

// scrubCopy returns a copy of *x with Scrub applied to every string
// (named string types, map keys and values too). It walks the value by
// reflection so that a field added to the model later is covered without
// anyone remembering to add it; results are memoised per call, since
// reports repeat titles, fixes and paths many times. The caller's value
// is never modified: every slice, map and pointer that holds a string is
// copied before a string in it changes; those that cannot hold one are
// shared with it.
func scrubCopy[T any](x *T) T {
	m := &stringMapper{fn: cachedScrub, memo: map[string]string{}}
	c := *x
	m.scrub(reflect.ValueOf(&c).Elem())
	return c
}

// scrubAny is scrubCopy for a value of any type.
func scrubAny(v any) any {
	if v == nil {
		return nil
	}
	m := &stringMapper{fn: cachedScrub, memo: map[string]string{}}
	c := reflect.New(reflect.TypeOf(v)).Elem()
	c.Set(reflect.ValueOf(v))
	m.scrub(c)
	return c.Interface()
}

// scrubCache keeps Scrub's results across the documents of one process:
// a scan of many hosts repeats the recipes' titles, fixes and most
// messages in every report. It stops growing at scrubCacheMax entries.
var (
	scrubCache   sync.Map
	scrubEntries atomic.Int64
)

const scrubCacheMax = 1 << 16

// cachedScrub is Scrub through scrubCache.
func cachedScrub(s string) string {
	if v, ok := scrubCache.Load(s); ok {
		return v.(string)
	}
	out := Scrub(s)
	if len(s) <= 4096 && scrubEntries.Load() < scrubCacheMax {
		if _, loaded := scrubCache.LoadOrStore(s, out); !loaded {
			scrubEntries.Add(1)
		}
	}
	return out
}

// stringMapper applies fn to every string of a value.
type stringMapper struct {
	fn   func(string) string
	memo map[string]string
}

// str is fn(s), memoised.
func (m *stringMapper) str(s string) string {
	out, ok := m.memo[s]
	if !ok {
		out = m.fn(s)
		m.memo[s] = out
	}
	return out
}

// scrub applies fn in place to every string reachable from v, which is
// addressable and the caller's own copy: a slice, map or pointer it
// shares with the original is replaced by a copy before anything under it
// changes.
func (m *stringMapper) scrub(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" {
			if out := m.str(s); out != s {
				v.SetString(out)
			}
		}
	case reflect.Struct:
		for _, i := range planOf(v.Type()).fields {
			m.scrub(v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() || !planOf(v.Type()).strings {
			return
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(n, v)
		words := v.Type().Elem().Kind() == reflect.String
		for i := 0; i < n.Len(); i++ {
			// A setting's words come one per element ("-password",
			// "<value>"): the word after a secret's key is the secret.
			if words && i > 0 && redact.IsSecretKey(v.Index(i-1).String()) {
				n.Index(i).SetString(Redacted)
				continue
			}
			m.scrub(n.Index(i))
		}
		v.Set(n)
	case reflect.Array:
		// Arrays are values: v is already a copy.
		if planOf(v.Type()).strings {
			for i := 0; i < v.Len(); i++ {
				m.scrub(v.Index(i))
			}
		}
	case reflect.Map:
		if v.IsNil() || !planOf(v.Type()).strings {
			return
		}
		t := v.Type()
		n := reflect.MakeMapWithSize(t, v.Len())
		it := v.MapRange()
		for it.Next() {
			k := reflect.New(t.Key()).Elem()
			k.Set(it.Key())
			m.scrub(k)
			e := reflect.New(t.Elem()).Elem()
			e.Set(it.Value())
			m.scrub(e)
			n.SetMapIndex(k, e)
		}
		v.Set(n)
	case reflect.Pointer:
		if v.IsNil() || !planOf(v.Type()).strings {
			return
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(v.Elem())
		m.scrub(n.Elem())
		v.Set(n)
	}
}

// plan is what scrub needs to know of a type: whether a value of it can
// hold a string (interfaces are not followed: the model has none), and
// for a struct which exported fields can.
type plan struct {
	strings bool
	fields  []int
}

// plans caches plan per type (reflect.Type → *plan): a report walks the
// same few dozen types thousands of times.
var plans sync.Map

func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{strings: holdsStrings(t, map[reflect.Type]bool{})}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && holdsStrings(f.Type, map[reflect.Type]bool{}) {
				p.fields = append(p.fields, i)
			}
		}
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

// holdsStrings reports whether a value of type t can hold a string;
// visiting breaks the cycle of a type that contains itself (which holds
// strings if anything else in it does).
func holdsStrings(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if visiting[t] {
		return false
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.String:
		return true
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && holdsStrings(f.Type, visiting) {
				return true
			}
		}
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return holdsStrings(t.Elem(), visiting)
	case reflect.Map:
		return holdsStrings(t.Key(), visiting) || holdsStrings(t.Elem(), visiting)
	}
	return false
}
