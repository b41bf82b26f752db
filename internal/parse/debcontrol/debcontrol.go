// Package debcontrol reads Debian control-format files (deb822 stanzas),
// such as dpkg's status database /var/lib/dpkg/status, with the line of
// every field. It follows dpkg's lib/dpkg/parse.c (parse_stanza, as
// called by parsedb_parse for the status database):
//   - a stanza is a run of non-blank lines; blank lines (empty or all
//     blanks) separate stanzas;
//   - a field is "Name: value"; the name runs to the first ":" and must
//     not be empty or start with "#" or "-"; blanks around the value are
//     dropped;
//   - a line starting with a blank continues the previous field's value
//     (kept after a newline, as dpkg keeps multi-line fields);
//   - field names compare case-insensitively, as dpkg's do.
//
// A malformed line is a problem naming the line; the parser goes on with
// the next line, as a reader must not lose the rest of the database.
package debcontrol

import (
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Field is one field of a stanza.
type Field struct {
	Name, Value string
	Line        int
}

// Stanza is one paragraph: one package in the status database.
type Stanza struct {
	// Line is the first line of the stanza.
	Line   int
	Fields []Field
}

// Get returns the field with the given name (case-insensitive).
func (s Stanza) Get(name string) (Field, bool) {
	for _, f := range s.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// Value returns the value of the named field, or "".
func (s Stanza) Value(name string) string {
	f, _ := s.Get(name)
	return f.Value
}

// Parse reads all stanzas of data; path names the file in problems.
func Parse(path string, data []byte) ([]Stanza, []inventory.Problem) {
	var out []Stanza
	var problems []inventory.Problem
	var cur *Stanza
	names := map[string]bool{} // the current stanza's field names, lower case
	// cont are the continuation lines of the stanza's last field, joined
	// once it is complete (appending each to the value would copy the
	// whole value again for every line).
	var cont []string
	settle := func() {
		if len(cont) > 0 {
			f := &cur.Fields[len(cur.Fields)-1]
			f.Value += "\n" + strings.Join(cont, "\n")
			cont = cont[:0]
		}
	}
	flush := func() {
		if cur != nil {
			settle()
		}
		if cur != nil && len(cur.Fields) > 0 {
			out = append(out, *cur)
		}
		cur = nil
		clear(names)
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		n := i + 1
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimLeft(l, " \t") == "" {
			flush()
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			if cur == nil || len(cur.Fields) == 0 {
				problems = append(problems, inventory.Problem{Source: inventory.Source{File: path, Line: n},
					Reason: "continuation line without a field before it"})
				continue
			}
			cont = append(cont, strings.TrimRight(l[1:], " \t"))
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" || name[0] == '#' || name[0] == '-' || strings.ContainsAny(name, " \t") {
			problems = append(problems, inventory.Problem{Source: inventory.Source{File: path, Line: n},
				Reason: "not a field (want \"Name: value\")"})
			continue
		}
		if cur == nil {
			cur = &Stanza{Line: n}
		}
		settle()
		if names[strings.ToLower(name)] {
			problems = append(problems, inventory.Problem{Source: inventory.Source{File: path, Line: n},
				Reason: "duplicate field " + name + " in one stanza"})
			continue
		}
		names[strings.ToLower(name)] = true
		cur.Fields = append(cur.Fields, Field{Name: name, Value: strings.Trim(value, " \t"), Line: n})
	}
	flush()
	return out, problems
}
