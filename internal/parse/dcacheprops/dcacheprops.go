// Package dcacheprops reads dCache configuration files — dcache.conf,
// layout files and the properties defaults — with file:line for every
// property: `key = value`, backslash continuation, `#` comments, the
// annotations of the defaults (`(deprecated)key`, `(forbidden)key`,
// `(one-of?a|b)key`), map properties `key!name`, and the layout's
// `[domain]` and `[domain/service]` scopes. `${key}` is expanded at lookup.
package dcacheprops

import (
	"regexp"
	"strings"
	"sync"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Property is one assignment.
type Property struct {
	Key, Value string
	// Annotation is the text in parentheses before the key, if any.
	Annotation string
	// Scope is "" (global), "domain" or "domain/service" in a layout.
	Scope  string
	Source inventory.Source
}

// annotationRE and refRE are compiled on first use: every command links
// this parser, few read dCache layouts.
var annotationRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\(([^)]*)\)`) })

// Parse reads one file.
func Parse(path string, data []byte) []Property {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var out []Property
	scope := ""
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimSpace(lines[i])
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + strings.TrimSpace(lines[i])
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' && strings.HasSuffix(line, "]") {
			scope = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		p := Property{Scope: scope, Source: inventory.Source{File: path, Line: start}}
		if m := annotationRE().FindStringSubmatch(line); m != nil {
			p.Annotation, line = m[1], strings.TrimSpace(line[len(m[0]):])
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		p.Key, p.Value = strings.TrimSpace(key), strings.TrimSpace(value)
		out = append(out, p)
	}
	return out
}

// Sections returns a layout's scope headers, `[domain]` and
// `[domain/service]`, each as a Property with only its Scope and Source:
// a service runs where its header is, with or without properties below.
func Sections(path string, data []byte) []Property {
	var out []Property
	for i, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if len(l) > 1 && l[0] == '[' && strings.HasSuffix(l, "]") {
			out = append(out, Property{Scope: strings.TrimSpace(l[1 : len(l)-1]), Source: inventory.Source{File: path, Line: i + 1}})
		}
	}
	return out
}

// Set is the effective properties of one service, last assignment wins.
type Set struct {
	props map[string]Property
	order []string
}

// NewSet starts with defaults (name → value).
func NewSet(defaults map[string]string) *Set {
	s := &Set{props: map[string]Property{}}
	for k, v := range defaults {
		s.props[k] = Property{Key: k, Value: v}
	}
	return s
}

// Apply adds properties whose scope is one of scopes.
func (s *Set) Apply(props []Property, scopes ...string) {
	for _, p := range props {
		for _, sc := range scopes {
			if p.Scope == sc {
				if _, seen := s.props[p.Key]; !seen {
					s.order = append(s.order, p.Key)
				}
				s.props[p.Key] = p
				break
			}
		}
	}
}

// Get returns a property's expanded value.
func (s *Set) Get(key string) (string, Property, bool) {
	p, ok := s.props[key]
	if !ok {
		return "", Property{}, false
	}
	return s.Expand(p.Value), p, true
}

// Keys returns the keys with the given prefix in first-assignment order.
func (s *Set) Keys(prefix string) []string {
	var out []string
	for _, k := range s.order {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

var refRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^}]+)\}`) })

// Expand replaces ${key} with effective values (bounded recursion).
func (s *Set) Expand(v string) string {
	for i := 0; i < 10 && strings.Contains(v, "${"); i++ {
		next := refRE().ReplaceAllStringFunc(v, func(m string) string {
			if p, ok := s.props[m[2:len(m)-1]]; ok {
				return p.Value
			}
			return m
		})
		if next == v {
			break
		}
		v = next
	}
	return v
}
