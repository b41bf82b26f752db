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

// scrubCopy returns a deep copy of *x with Scrub applied to every string
// (named string types, map keys and values too). It walks the value by
// reflection so that a field added to the model later is covered without
// anyone remembering to add it; results are memoised per call, since
// reports repeat titles, fixes and paths many times. The caller's value
// is never modified.
func scrubCopy[T any](x *T) T {
	m := &stringMapper{fn: cachedScrub, memo: map[string]string{}}
	return m.copy(reflect.ValueOf(x).Elem()).Interface().(T)
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

func (m *stringMapper) copy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		out, ok := m.memo[s]
		if !ok {
			out = m.fn(s)
			m.memo[s] = out
		}
		n := reflect.New(v.Type()).Elem()
		n.SetString(out)
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				n.Field(i).Set(m.copy(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			// A setting's words come one per element ("-password",
			// "<value>"): the word after a secret's key is the secret.
			if v.Type().Elem().Kind() == reflect.String && i > 0 && redact.IsSecretKey(v.Index(i-1).String()) {
				x := reflect.New(v.Type().Elem()).Elem()
				x.SetString(Redacted)
				n.Index(i).Set(x)
				continue
			}
			n.Index(i).Set(m.copy(v.Index(i)))
		}
		return n
	case reflect.Array:
		n := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(m.copy(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			n.SetMapIndex(m.copy(it.Key()), m.copy(it.Value()))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(m.copy(v.Elem()))
		return n
	}
	return v
}
