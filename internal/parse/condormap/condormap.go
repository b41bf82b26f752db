// Package condormap reads HTCondor's certificate mapfile (CERTIFICATE_MAPFILE)
// with `@include` of files and directories, keeping file:line for every
// rule. Rules are `METHOD PRINCIPAL CANONICAL`; PRINCIPAL is a regular
// expression between slashes (`/…/`, required by HTCondor-CE with
// CERTIFICATE_MAPFILE_ASSUME_HASH_KEYS), or a literal, quoted when it holds
// blanks. HTCondor uses the first rule of a method that matches, in file
// order with includes expanded in place.
package condormap

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Rule is one mapping rule.
type Rule struct {
	// Method is the authentication method, upper case (SCITOKENS, GSI, SSL…).
	Method string
	// Principal is the pattern or literal as written, without its
	// delimiters; Regex says which.
	Principal string
	Regex     bool
	// Canonical is the identity the rule maps to (a user, user@domain, or
	// a regex substitution such as \1).
	Canonical string
	Source    inventory.Source
}

// Map is a parsed mapfile.
type Map struct {
	Rules    []Rule
	Files    []string
	Problems []inventory.Problem
}

// Read parses file and its includes.
func Read(fsys *hostfs.FS, file string) *Map {
	r := &reader{fsys: fsys, m: &Map{}}
	r.file(file, inventory.Source{})
	return r.m
}

type reader struct {
	fsys  *hostfs.FS
	m     *Map
	stack []string
}

func (r *reader) problem(src inventory.Source, format string, a ...any) {
	r.m.Problems = append(r.m.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
}

func (r *reader) file(name string, from inventory.Source) {
	for _, f := range r.stack {
		if f == name {
			r.problem(from, "@include of %s loops back", name)
			return
		}
	}
	st, err := r.fsys.Stat(name)
	if err != nil {
		src := from
		if src.IsZero() {
			src = inventory.Source{File: name}
		}
		r.problem(src, "cannot read mapfile %s: %v", name, err)
		return
	}
	if st.IsDir() {
		entries, err := r.fsys.ReadDir(name)
		if err != nil {
			r.problem(from, "cannot read mapfile directory %s: %v", name, err)
			return
		}
		var names []string
		for _, e := range entries {
			// HTCondor reads a directory's files in lexical order; it
			// skips the same backup and leftover names as config dirs.
			n := e.Name()
			if strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") || strings.HasSuffix(n, ".rpmsave") || strings.HasSuffix(n, ".rpmnew") || strings.HasPrefix(n, "#") {
				continue
			}
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			r.file(path.Join(name, n), from)
		}
		return
	}
	data, err := r.fsys.ReadFile(name)
	if err != nil {
		r.problem(from, "cannot read mapfile %s: %v", name, err)
		return
	}
	r.m.Files = append(r.m.Files, name)
	// The content is looked at as bytes and copied into a string once: a
	// CE's mapfile can be many megabytes.
	if bytes.IndexByte(data, 0) >= 0 {
		r.problem(inventory.Source{File: name}, "binary content (NUL bytes): not a mapfile")
		return
	}
	if bytes.Contains(data, []byte("<%")) || bytes.Contains(data, []byte("{{")) {
		r.problem(inventory.Source{File: name}, "an unrendered ERB/Jinja template: rules are placeholders")
	}
	r.stack = append(r.stack, name)
	defer func() { r.stack = r.stack[:len(r.stack)-1] }()
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	r.m.Rules = slices.Grow(r.m.Rules, len(lines))
	for i, line := range lines {
		src := inventory.Source{File: name, Line: i + 1}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "@include"); ok {
			target := strings.TrimSpace(rest)
			if target == "" {
				r.problem(src, "@include without a path")
				continue
			}
			r.file(target, src)
			continue
		}
		rule, err := parseRule(line)
		if err != nil {
			r.problem(src, "%v", err)
			continue
		}
		rule.Source = src
		r.m.Rules = append(r.m.Rules, rule)
	}
}

func parseRule(line string) (Rule, error) {
	method, rest, ok := strings.Cut(line, " ")
	if !ok {
		method, rest, ok = strings.Cut(line, "\t")
	}
	if !ok {
		return Rule{}, fmt.Errorf("rule %q has no principal and canonical name", truncate(line))
	}
	rule := Rule{Method: strings.ToUpper(method)}
	rest = strings.TrimSpace(rest)
	var principal string
	switch {
	case strings.HasPrefix(rest, "/"):
		end := closing(rest, '/')
		if end < 0 {
			return Rule{}, fmt.Errorf("regular expression without a closing '/': %q", truncate(rest))
		}
		principal, rest = rest[1:end], rest[end+1:]
		rule.Regex = true
		// Flags after the closing slash (e.g. /…/i) are HTCondor options.
		if i := strings.IndexAny(rest, " \t"); i > 0 {
			if flags := rest[:i]; strings.Trim(flags, "i") == "" {
				principal = "(?i)" + principal
			}
			rest = rest[i:]
		}
	case strings.HasPrefix(rest, `"`):
		end := closing(rest, '"')
		if end < 0 {
			return Rule{}, fmt.Errorf("quoted principal without a closing quote: %q", truncate(rest))
		}
		principal, rest = rest[1:end], rest[end+1:]
	default:
		var ok bool
		principal, rest, ok = strings.Cut(rest, " ")
		if !ok {
			return Rule{}, fmt.Errorf("rule %q has no canonical name", truncate(line))
		}
	}
	rule.Principal = principal
	rule.Canonical = strings.TrimSpace(rest)
	if rule.Canonical == "" {
		return Rule{}, fmt.Errorf("rule %q has no canonical name", truncate(line))
	}
	return rule, nil
}

// closing finds the delimiter that ends s[0]'s token, skipping escaped ones.
func closing(s string, delim byte) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case delim:
			return i
		}
	}
	return -1
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
