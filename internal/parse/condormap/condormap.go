// Package condormap reads HTCondor's certificate mapfile (CERTIFICATE_MAPFILE)
// with `@include` of files and directories, keeping file:line for every
// rule. Rules are `METHOD PRINCIPAL CANONICAL`; PRINCIPAL is a regular
// expression between slashes (`/…/`, required by HTCondor-CE with
// CERTIFICATE_MAPFILE_ASSUME_HASH_KEYS), or a literal, quoted when it holds
// blanks. HTCondor uses the first rule of a method that matches, in file
// order with includes expanded in place.
package condormap

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
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

// Read parses file and its includes, as HTCondor's
// MapFile::ParseCanonicalization does: the file may `@include` files and
// directories (a relative path names a file beside it; a directory's
// files are read in lexical order, its subdirectories skipped), but a
// file read through `@include` may not include again: HTCondor reads it
// with allow_include false, logs "@include directive not allowed" and
// ignores the line
// (https://github.com/htcondor/htcondor/blob/v25.0.13/src/condor_utils/MapFile.cpp,
// ParseCanonicalization; get_config_dir_file_list in
// src/condor_utils/condor_config.cpp). Reading stops at budget.Visits
// file reads and budget.Rules rules, with a problem saying so.
func Read(fsys *hostfs.FS, file string) *Map {
	r := &reader{fsys: fsys, m: &Map{}}
	r.file(file, inventory.Source{}, true)
	return r.m
}

type reader struct {
	fsys   *hostfs.FS
	m      *Map
	visits int
	// stopped is set once a budget ended the reading.
	stopped bool
}

func (r *reader) problem(src inventory.Source, format string, a ...any) {
	r.m.Problems = append(r.m.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
}

// excluded are the names HTCondor skips in an included directory: its
// default LOCAL_CONFIG_DIR_EXCLUDE_REGEXP (param_info.in), as for config
// directories.
func excluded(n string) bool {
	return strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") || strings.HasSuffix(n, ".rpmsave") || strings.HasSuffix(n, ".rpmnew") || strings.HasPrefix(n, "#")
}

func orFile(src inventory.Source, file string) inventory.Source {
	if src.IsZero() {
		return inventory.Source{File: file}
	}
	return src
}

// file reads one mapfile, or the files of a directory; from is the
// @include line. Only the top file may include (allowInclude).
func (r *reader) file(name string, from inventory.Source, allowInclude bool) {
	if r.stopped {
		return
	}
	st, err := r.fsys.Stat(name)
	if err != nil {
		r.problem(orFile(from, name), "cannot read mapfile %s: %v", name, err)
		return
	}
	if st.IsDir() {
		entries, err := r.fsys.ReadDir(name)
		if err != nil {
			r.problem(orFile(from, name), "cannot read mapfile directory %s: %v", name, err)
			return
		}
		var names []string
		for _, e := range entries {
			if !excluded(e.Name()) {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			full := path.Join(name, n)
			if st, err := r.fsys.Stat(full); err == nil && st.IsDir() {
				continue // get_config_dir_file_list skips directories
			}
			r.file(full, from, false)
		}
		return
	}
	if r.visits >= budget.Visits {
		r.stopped = true
		r.m.Problems = append(r.m.Problems, budget.Problem(orFile(from, name), "the @include fan-out", budget.Visits, "file reads per mapfile",
			name+" and every file included after it are not read"))
		return
	}
	r.visits++
	data, err := r.fsys.ReadFile(name)
	if err != nil {
		r.problem(orFile(from, name), "cannot read mapfile %s: %v", name, err)
		return
	}
	r.m.Files = append(r.m.Files, name)
	text := string(data)
	if strings.IndexByte(text, 0) >= 0 {
		r.problem(inventory.Source{File: name}, "binary content (NUL bytes): not a mapfile")
		return
	}
	if strings.Contains(text, "<%") || strings.Contains(text, "{{") {
		r.problem(inventory.Source{File: name}, "an unrendered ERB/Jinja template: rules are placeholders")
	}
	// Lines one at a time (TrimSpace also drops a CRLF's CR): a mapfile
	// may be large, and a slice of all its lines would double it.
	for n, rest := 1, text; rest != "" && !r.stopped; n++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		src := inventory.Source{File: name, Line: n}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if after, ok := strings.CutPrefix(line, "@include"); ok {
			target := strings.TrimSpace(after)
			switch {
			case target == "":
				r.problem(src, "@include without a path")
			case !allowInclude:
				r.problem(src, "@include in a file read through @include: HTCondor does not allow it (it logs \"@include directive not allowed in the map file\" and skips the line), so %s is not read", target)
			default:
				if !path.IsAbs(target) {
					target = path.Join(path.Dir(name), target)
				}
				r.file(target, src, false)
			}
			continue
		}
		rule, err := parseRule(line)
		if err != nil {
			// HTCondor logs "Error parsing line" and skips the line
			// (MapFile::ParseCanonicalization,
			// https://github.com/htcondor/htcondor/blob/v24.0.1/src/condor_utils/MapFile.cpp#L536-L543):
			// a line whose first word is no method name, such as a
			// ';====' banner, maps nothing and hides nothing. A line of a
			// method that is skipped is reported: the mapping it means is
			// not in force.
			if !methodName(firstWord(line)) {
				continue
			}
			r.problem(src, "%v", err)
			continue
		}
		if len(r.m.Rules) >= budget.Rules {
			r.stopped = true
			r.m.Problems = append(r.m.Problems, budget.Problem(src, "the number of mapping rules", budget.Rules, "rules per mapfile",
				"this rule and every one after it are not read"))
			break
		}
		rule.Source = src
		r.m.Rules = append(r.m.Rules, rule)
	}
}

// firstWord is a mapfile line's method field.
func firstWord(line string) string {
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		return line[:i]
	}
	return line
}

// methodName reports whether w can name an authentication method
// (SCITOKENS, GSI, CLAIMTOBE, …): letters, digits and underscores.
func methodName(w string) bool {
	if w == "" {
		return false
	}
	for _, c := range w {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
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
