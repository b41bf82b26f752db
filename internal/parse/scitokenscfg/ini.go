package scitokenscfg

import (
	"bytes"
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// The INI reader is a port of inih as XRootD vendors it
// (src/XrdSciTokens/vendor/inih/INIReader.h, vendor/inih/ in 5.6 and
// later) with the plugin's OverrideINIReader value handler
// (XrdSciTokensAccess.cc): INI_ALLOW_MULTILINE, INI_ALLOW_BOM and
// INI_ALLOW_INLINE_COMMENTS with ";" are on, INI_STOP_ON_FIRST_ERROR off.

// Limits are inih's buffer sizes, which changed between XRootD releases.
type Limits struct {
	// Line is INI_MAX_LINE: fgets reads at most Line-1 bytes, so longer
	// lines are read as several.
	Line int
	// Name is MAX_SECTION and MAX_NAME: longer names are cut to Name-1.
	Name int
}

var (
	// Current are the limits of XRootD 5.6.2 and later (commit c87bec48c,
	// "Updating maximum header size and maximum line length").
	Current = Limits{Line: 1024, Name: 1024}
	// Legacy are the limits up to XRootD 5.6.1.
	Legacy = Limits{Line: 200, Name: 50}
)

// Value is one key's effective value and where it was set.
type Value struct {
	// Key is the key as written (keys compare case-insensitively).
	Key    string
	Value  string
	Source inventory.Source
}

// Section is an INI section with its effective keys. Sections whose names
// differ only in case share their keys, as in inih.
type Section struct {
	// Name is the section name as first written.
	Name string
	// Spellings are the names that got a key, in the byte order in which
	// the plugin visits them (inih's std::set of section names).
	Spellings []string
	// Source is the first header of the section.
	Source inventory.Source
	// Keys are the effective values by lower-case key.
	Keys map[string]Value
	// Order lists the lower-case keys in order of first appearance.
	Order []string
}

// Get returns the effective value of key (any case).
func (s *Section) Get(key string) (Value, bool) {
	v, ok := s.Keys[strings.ToLower(key)]
	return v, ok
}

// File is a parsed scitokens.cfg.
type File struct {
	Path string
	// Sections in order of first appearance; keys before any section
	// belong to a section named "".
	Sections []*Section
	// Notes are lines the plugin reads differently from how they look
	// (a continuation line replacing a value, a cut line, a NUL byte).
	Notes []inventory.Problem
	// Unread is set when a budget ended the reading: the problem says
	// where, and Interpret reports it.
	Unread *inventory.Problem
}

// Section returns the section named name (case-insensitive), if any.
func (f *File) Section(name string) *Section {
	for _, s := range f.Sections {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// ParseError is the first line inih rejects; the plugin then refuses its
// configuration and xrootd does not start ("Parse error on line N").
type ParseError struct {
	Source inventory.Source
	// INILine is the line number inih reports, which counts the pieces of
	// over-long lines separately.
	INILine int
	Reason  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s: %s: xrootd reports \"Parse error on line %d\" and does not start", e.Source, e.Reason, e.INILine)
}

// isSpace is C's isspace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func rstrip(s string) string {
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func lskip(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// findCharsOrComment is inih's find_chars_or_comment: the index of the
// first of chars, or of a ';' that follows white space.
func findCharsOrComment(s, chars string) int {
	wasSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if chars != "" && strings.IndexByte(chars, c) >= 0 || wasSpace && c == ';' {
			return i
		}
		wasSpace = isSpace(c)
	}
	return len(s)
}

// chunk is what one fgets call returns.
type chunk struct {
	text string
	line int // physical line where it starts
}

// chunks cuts data as fgets(buf, maxLine) does: at most maxLine-1 bytes,
// ending after a newline. It yields them one by one, numbered from 0: a
// slice of them all would hold the file twice over.
func chunks(data []byte, maxLine int) iter.Seq2[int, chunk] {
	return func(yield func(int, chunk) bool) {
		line := 1
		for i := 0; len(data) > 0; i++ {
			n := bytes.IndexByte(data, '\n') + 1
			if n == 0 || n > maxLine-1 {
				n = min(len(data), maxLine-1)
			}
			if !yield(i, chunk{text: string(data[:n]), line: line}) {
				return
			}
			if data[n-1] == '\n' {
				line++
			}
			data = data[n:]
		}
	}
}

// ParseINI reads a scitokens.cfg as the plugin of XRootD 5.6.2 and later
// does, and notes what older releases read differently. A line that is
// neither a section, a key nor a comment is a *ParseError: the plugin
// refuses the whole file.
func ParseINI(path string, data []byte) (*File, error) {
	return ParseINIWith(path, data, Current)
}

// ParseINIWith reads a scitokens.cfg with the given inih limits.
func ParseINIWith(path string, data []byte, lim Limits) (*File, error) {
	maxLine, maxName := max(lim.Line, 3), max(lim.Name, 2)
	f := &File{Path: path}
	note := func(line int, format string, a ...any) {
		f.Notes = append(f.Notes, inventory.Problem{Source: inventory.Source{File: path, Line: line}, Reason: fmt.Sprintf(format, a...)})
	}
	for i, rest := 0, data; len(rest) > 0; i++ {
		n := bytes.IndexByte(rest, '\n')
		if n < 0 {
			n = len(rest)
		}
		if n >= maxLine-1 {
			note(i+1, "line longer than %d bytes: the plugin's INI reader reads it as several lines", maxLine-2)
		} else if maxLine > Legacy.Line && n >= Legacy.Line-1 {
			note(i+1, "line longer than %d bytes: XRootD before 5.6.2 reads it as several lines (inih INI_MAX_LINE %d)", Legacy.Line-2, Legacy.Line)
		}
		rest = rest[min(n+1, len(rest)):]
	}
	byLower := map[string]*Section{}
	spelled := map[string]bool{}
	var cur *Section
	var section, prevName string // inih's section and prev_name buffers
	var perr *ParseError
	fail := func(c chunk, n int, reason string) {
		if perr == nil {
			perr = &ParseError{Source: inventory.Source{File: path, Line: c.line}, INILine: n, Reason: reason}
		}
	}
	// handler is OverrideINIReader::ValueHandler: the value replaces any
	// earlier one of the same section and key.
	handler := func(c chunk, name, value string, continued bool) {
		lower := strings.ToLower(section)
		if cur == nil || strings.ToLower(cur.Name) != lower {
			cur = byLower[lower]
			if cur == nil {
				cur = &Section{Name: section, Keys: map[string]Value{}, Source: inventory.Source{File: path, Line: c.line}}
				byLower[lower] = cur
				f.Sections = append(f.Sections, cur)
			}
		}
		if !spelled[section] {
			spelled[section] = true
			cur.Spellings = append(cur.Spellings, section) // sorted at the end
		}
		key := strings.ToLower(name)
		old, seen := cur.Keys[key]
		if !seen {
			cur.Order = append(cur.Order, key)
		}
		src := inventory.Source{File: path, Line: c.line}
		if continued {
			note(c.line, "indented line continues %s, and the plugin keeps only this line (%q), not the value of line %d", old.Key, value, old.Source.Line)
			name = old.Key
		}
		cur.Keys[key] = Value{Key: name, Value: value, Source: src}
	}
	statements := 0
	for n, c := range chunks(data, maxLine) {
		n++ // inih counts from 1
		text := c.text
		if i := strings.IndexByte(text, 0); i >= 0 {
			note(c.line, "NUL byte: the plugin's INI reader ignores the rest of the line")
			text = text[:i]
		}
		start := text
		if n == 1 && strings.HasPrefix(start, "\xef\xbb\xbf") {
			start = start[3:]
		}
		indented := len(start) < len(text)
		start = rstrip(start)
		trimmed := lskip(start)
		indented = indented || len(trimmed) < len(start)
		start = trimmed
		if start != "" && start[0] != ';' && start[0] != '#' {
			if statements++; statements > budget.Statements {
				p := budget.Problem(inventory.Source{File: path, Line: c.line}, "the sections and keys of "+path, budget.Statements, "statements", "this line and the ones after it are not read")
				f.Unread = &p
				break
			}
		}
		switch {
		case start == "":
		case start[0] == ';' || start[0] == '#':
		case prevName != "" && indented:
			// A multi-line value: the handler is called again with the
			// previous key, which in the plugin replaces the value.
			v := rstrip(start[:findCharsOrComment(start, "")])
			handler(c, prevName, v, true)
		case start[0] == '[':
			end := findCharsOrComment(start[1:], "]") + 1
			if end >= len(start) || start[end] != ']' {
				fail(c, n, "section header without ']'")
				continue
			}
			name := start[1:end]
			if len(name) > maxName-1 {
				name = name[:maxName-1]
			}
			if maxName > Legacy.Name && len(name) > Legacy.Name-1 {
				note(c.line, "section name longer than %d bytes: XRootD before 5.6.2 cuts it (inih MAX_SECTION %d)", Legacy.Name-1, Legacy.Name)
			}
			section, prevName = name, ""
			if byLower[strings.ToLower(name)] == nil {
				s := &Section{Name: name, Keys: map[string]Value{}, Source: inventory.Source{File: path, Line: c.line}}
				byLower[strings.ToLower(name)] = s
				f.Sections = append(f.Sections, s)
			}
			cur = byLower[strings.ToLower(name)]
		default:
			end := findCharsOrComment(start, "=:")
			if end >= len(start) || (start[end] != '=' && start[end] != ':') {
				fail(c, n, fmt.Sprintf("neither a [section], a key = value nor a comment: %q", truncate(start)))
				continue
			}
			name := rstrip(start[:end])
			value := lskip(start[end+1:])
			value = rstrip(value[:findCharsOrComment(value, "")])
			prevName = name
			if len(prevName) > maxName-1 {
				prevName = prevName[:maxName-1]
			}
			handler(c, name, value, false)
		}
	}
	if perr != nil {
		return nil, perr
	}
	for _, s := range f.Sections {
		sort.Strings(s.Spellings)
	}
	return f, nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
