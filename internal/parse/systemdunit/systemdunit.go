// Package systemdunit reads systemd unit files and drop-ins as systemd
// itself does, with file:line for every assignment: sections, Key=value,
// comments, backslash continuation lines, and the list semantics and word
// splitting of Environment= and EnvironmentFile=. It also reads the
// KEY=VALUE environment files EnvironmentFile= names.
//
// It follows systemd's code rather than its manual where they could be
// read differently; every rule cites the upstream file and function
// (https://github.com/systemd/systemd).
package systemdunit

import (
	"strings"
	"unicode/utf8"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// Assignment is one Key=value line of a unit file or drop-in.
type Assignment struct {
	// Section is the section the line is in ("Service"), "" before the
	// first section header (systemd ignores such lines).
	Section string
	Key     string
	// Value is the right-hand side with surrounding blanks stripped and
	// continuation lines joined (each trailing backslash becomes a blank).
	Value string
	// Source is where the assignment starts. For a continued line systemd's
	// own messages cite the last physical line; Source names the first,
	// where the key is.
	Source inventory.Source
}

// File is a parsed unit file or drop-in.
type File struct {
	Path        string
	Assignments []Assignment
	// Problems are lines systemd warns about and ignores, and, when
	// Rejected is set, the reason systemd refuses the whole file.
	Problems []inventory.Problem
	// Rejected is true when systemd's parser fails on the file (an invalid
	// section header, invalid UTF-8): the unit then does not load at all.
	Rejected bool
}

// Values returns the assignments of key in section, in file order.
func (f File) Values(section, key string) []Assignment {
	var out []Assignment
	for _, a := range f.Assignments {
		if a.Section == section && a.Key == key {
			out = append(out, a)
		}
	}
	return out
}

// whitespace is systemd's WHITESPACE (src/basic/string-util.h).
const whitespace = " \t\n\r"

// comments is systemd's COMMENTS (src/basic/string-util.h).
const comments = "#;"

const bom = "\xef\xbb\xbf"

// Parse reads a unit file or drop-in the way src/shared/conf-parser.c
// config_parse and parse_line do:
//   - a physical line whose first non-blank character is # or ; is a
//     comment, even inside a continuation (config_parse checks every line
//     read before joining it to the continuation);
//   - a line ending in an unescaped backslash continues on the next line,
//     the backslash replaced by a blank; a continuation still open at the
//     end of the file is parsed as it stands;
//   - "[Name]" opens a section; a header not ending in "]" or holding
//     control characters, quotes or backslashes makes the file fail;
//   - "Key=value" splits at the first "=", both sides stripped of blanks;
//     a line without "=" or without a key is ignored with a warning, as is
//     a line before any section;
//   - a UTF-8 byte order mark at the start is skipped; invalid UTF-8 on a
//     line makes the file fail.
//
// Keys and section names are case-sensitive, as in systemd.
func Parse(path string, data []byte) File {
	f := File{Path: path}
	lines := splitLines(string(data))
	section := ""
	// cont is the continued line so far. It always ends unescaped (its
	// last backslash became a blank), so whether a physical line continues
	// it depends on that line alone, and the joined line is built once.
	var cont []byte
	inCont := false
	contStart := 0
	for i, raw := range lines {
		lineNo := i + 1
		if i == 0 {
			raw = strings.TrimPrefix(raw, bom)
		}
		if t := strings.TrimLeft(raw, whitespace); t != "" && strings.ContainsRune(comments, rune(t[0])) {
			continue
		}
		if !inCont {
			contStart = lineNo
		}
		cont = append(cont, raw...)
		if endsEscaped(raw) {
			cont[len(cont)-1] = ' '
			inCont = true
			continue
		}
		p := string(cont)
		cont = cont[:0]
		inCont = false
		if !f.parseLine(p, contStart, &section) {
			return f
		}
	}
	if inCont {
		f.parseLine(string(cont), contStart, &section)
	}
	return f
}

// parseLine is conf-parser.c parse_line for one logical line; it returns
// false when the line makes systemd reject the file, or when the file has
// more than budget.Statements assignments and the rest is not read.
func (f *File) parseLine(l string, line int, section *string) bool {
	src := inventory.Source{File: f.Path, Line: line}
	l = strings.Trim(l, whitespace)
	if l == "" {
		return true
	}
	if !utf8.ValidString(l) {
		f.reject(src, "invalid UTF-8: systemd refuses to load this file")
		return false
	}
	if l[0] == '[' {
		if l[len(l)-1] != ']' || len(l) < 2 {
			f.reject(src, "invalid section header "+quote(l)+": systemd refuses to load this file")
			return false
		}
		name := l[1 : len(l)-1]
		if !stringIsSafe(name) {
			f.reject(src, "bad characters in section header "+quote(l)+": systemd refuses to load this file")
			return false
		}
		*section = name
		return true
	}
	if *section == "" {
		f.warn(src, "assignment outside of any section: systemd ignores it")
		return true
	}
	k, v, ok := strings.Cut(l, "=")
	if !ok {
		f.warn(src, "missing '=': systemd ignores the line")
		return true
	}
	if k == "" {
		f.warn(src, "missing key name before '=': systemd ignores the line")
		return true
	}
	if len(f.Assignments) >= budget.Statements {
		f.Problems = append(f.Problems, budget.Problem(src, "the assignments of "+f.Path, budget.Statements, "statements", "this line and the ones after it are not read"))
		return false
	}
	f.Assignments = append(f.Assignments, Assignment{
		Section: *section,
		Key:     strings.Trim(k, whitespace),
		Value:   strings.Trim(v, whitespace),
		Source:  src,
	})
	return true
}

func (f *File) warn(src inventory.Source, reason string) {
	f.Problems = append(f.Problems, inventory.Problem{Source: src, Reason: reason})
}

func (f *File) reject(src inventory.Source, reason string) {
	f.Rejected = true
	f.warn(src, reason)
}

// splitLines splits at "\n", "\r\n", "\r" and NUL, the line ends of
// systemd's read_line (src/basic/fileio.c). A final line end makes no
// extra empty line.
func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', 0:
			out = append(out, s[start:i])
			start = i + 1
		case '\r':
			out = append(out, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// endsEscaped reports whether s ends in a backslash that is not itself
// escaped, scanning as config_parse does.
func endsEscaped(s string) bool {
	escaped := false
	for i := 0; i < len(s); i++ {
		if escaped {
			escaped = false
		} else if s[i] == '\\' {
			escaped = true
		}
	}
	return escaped
}

// stringIsSafe is src/basic/string-util.c string_is_safe: no control
// characters, no quotes, no backslash.
func stringIsSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c == 127 || c == '\\' || c == '"' || c == '\'' {
			return false
		}
	}
	return true
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return "'" + s + "'"
}
