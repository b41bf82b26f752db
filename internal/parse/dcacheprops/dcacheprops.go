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

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
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

var annotationRE = regexp.MustCompile(`^\(([^)]*)\)`)

// Parse reads one file. It stops at budget.Statements properties, with a
// problem at the first one left out.
func Parse(path string, data []byte) ([]Property, []inventory.Problem) {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var out []Property
	scope := ""
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimSpace(lines[i])
		if strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			// Joined in one buffer: concatenating line by line would
			// copy the whole value again for every continuation line.
			buf := []byte(line)
			for len(buf) > 0 && buf[len(buf)-1] == '\\' && i+1 < len(lines) {
				i++
				buf = append(buf[:len(buf)-1], strings.TrimSpace(lines[i])...)
			}
			line = string(buf)
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' && strings.HasSuffix(line, "]") {
			scope = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		p := Property{Scope: scope, Source: inventory.Source{File: path, Line: start}}
		if m := annotationRE.FindStringSubmatch(line); m != nil {
			p.Annotation, line = m[1], strings.TrimSpace(line[len(m[0]):])
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if len(out) >= budget.Statements {
			return out, []inventory.Problem{budget.Problem(p.Source, "the properties of "+path, budget.Statements, "statements", "this property and the ones after it are not read")}
		}
		p.Key, p.Value = strings.TrimSpace(key), strings.TrimSpace(value)
		out = append(out, p)
	}
	return out, nil
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
	// expanded counts what expansions produced (budget.Expansion);
	// problems are the expansions that went over a budget, once per
	// property.
	expanded budget.Counter
	problems []inventory.Problem
	over     map[inventory.Source]bool
}

// Problems are the expansions that went over a budget so far.
func (s *Set) Problems() []inventory.Problem { return s.problems }

// NewSet starts with defaults (name → value).
func NewSet(defaults map[string]string) *Set {
	s := &Set{props: map[string]Property{}, over: map[inventory.Source]bool{}}
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
	return s.expand(p.Value, p.Source), p, true
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

var refRE = regexp.MustCompile(`\$\{([^}]+)\}`)

// Expand replaces ${key} with effective values (bounded recursion). A
// value that grows past budget.Value is cut there, and once the expansions
// of the set have produced budget.Expansion bytes they yield nothing
// more: dCache itself bounds neither (dmg.util.Formats.replaceKeywords
// only stops a key from expanding inside itself), so a few hundred bytes
// of nested references would otherwise expand into gigabytes.
func (s *Set) Expand(v string) string { return s.expand(v, inventory.Source{}) }

func (s *Set) expand(v string, src inventory.Source) string {
	for i := 0; i < 10 && strings.Contains(v, "${"); i++ {
		b := budget.NewBuilder(&s.expanded)
		rest := v
		for rest != "" {
			m := refRE.FindStringSubmatchIndex(rest)
			if m == nil {
				b.WriteString(rest)
				break
			}
			repl := rest[m[0]:m[1]]
			if p, ok := s.props[rest[m[2]:m[3]]]; ok {
				repl = p.Value
			}
			if !b.WriteString(rest[:m[0]]) || !b.WriteString(repl) {
				break
			}
			rest = rest[m[1]:]
		}
		next := b.String()
		if b.Over {
			if !s.over[src] {
				s.over[src] = true
				s.problems = append(s.problems, inventory.Problem{Source: src, Reason: b.Reason("the expansion of this property", "the value is cut there, and what it decides is not judged")})
			}
			return next
		}
		if next == v {
			break
		}
		v = next
	}
	return v
}
