package inventory

import (
	"bytes"
	"regexp"
	"strings"
)

// Pattern is an identity pattern (Go regexp syntax) compiled once, so
// that the reader that finds it and every check that probes it share one
// compilation. Mapfiles written as the OSG topology writes them —
// `^https\:\/\/atlas\-auth\.cern\.ch\/,<subject>$`, every special
// character escaped — hold nothing but literals, and a CE may have
// 100,000 such lines: those are matched as strings, because regexp needs
// tens of microseconds and kilobytes for each. Anything else is compiled
// with regexp. A Pattern is immutable and safe for concurrent use.
type Pattern struct {
	expr string
	re   *regexp.Regexp // nil for a literal pattern
	// The literal form: lit between an optional ^ (start) and an
	// optional $ (end); tail for a `.*` before the end.
	lit              string
	start, end, tail bool
}

// CompilePattern compiles expr as regexp.Compile does, with the same
// error for a pattern regexp rejects.
func CompilePattern(expr string) (*Pattern, error) {
	if p, ok := literalPattern(expr); ok {
		return p, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return &Pattern{expr: expr, re: re}, nil
}

// String returns the pattern as written.
func (p *Pattern) String() string { return p.expr }

// MatchString reports whether s contains a match of the pattern, exactly
// as regexp.MatchString does.
func (p *Pattern) MatchString(s string) bool {
	if p.re != nil {
		return p.re.MatchString(s)
	}
	switch {
	case p.start && p.tail:
		// `.` matches anything but a newline; before `$` it must reach
		// the end.
		rest, ok := strings.CutPrefix(s, p.lit)
		return ok && (!p.end || strings.IndexByte(rest, '\n') < 0)
	case p.start && p.end:
		return s == p.lit
	case p.start:
		return strings.HasPrefix(s, p.lit)
	case p.end:
		return strings.HasSuffix(s, p.lit)
	}
	return strings.Contains(s, p.lit)
}

// Match is MatchString for bytes, so that callers probing a pattern with
// many candidates can build them in one buffer instead of a string each.
func (p *Pattern) Match(b []byte) bool {
	if p.re != nil {
		return p.re.Match(b)
	}
	switch {
	case p.start && p.tail:
		rest, ok := bytes.CutPrefix(b, []byte(p.lit))
		return ok && (!p.end || bytes.IndexByte(rest, '\n') < 0)
	case p.start && p.end:
		return string(b) == p.lit
	case p.start:
		return bytes.HasPrefix(b, []byte(p.lit))
	case p.end:
		return bytes.HasSuffix(b, []byte(p.lit))
	}
	return bytes.Contains(b, []byte(p.lit))
}

// LiteralPrefix is, for a pattern matched as a string, the literal text
// every match begins with ("" when the pattern is not anchored at the
// start), with known true; known is false for a pattern regexp
// evaluates, whose prefix only a parse of it can tell. A mapfile index
// keys its rules by this prefix without parsing 100,000 patterns again.
func (p *Pattern) LiteralPrefix() (prefix string, known bool) {
	if p.re != nil {
		return "", false
	}
	if !p.start {
		return "", true
	}
	return p.lit, true
}

// literalPattern reads expr as `^?LITERAL(.*)?$?` where LITERAL is ASCII
// characters that are not special and backslash-escaped punctuation
// (regexp/syntax takes `\` before any ASCII character that is not a
// letter or digit as that character). Any other construct, and any
// non-ASCII byte, is left to regexp: ok is false.
func literalPattern(expr string) (*Pattern, bool) {
	p := &Pattern{expr: expr}
	s := expr
	if strings.HasPrefix(s, "^") {
		p.start, s = true, s[1:]
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return nil, false
		case c == '\\':
			if i+1 >= len(s) || s[i+1] >= 0x80 || isWordByte(s[i+1]) {
				return nil, false
			}
			i++
			b.WriteByte(s[i])
		case c == '$' && i == len(s)-1:
			p.end = true
		case c == '.' && p.start && i+1 < len(s) && s[i+1] == '*' && (i+2 == len(s) || i+3 == len(s) && s[i+2] == '$'):
			p.tail = true
			i++
		case strings.IndexByte(`.+*?()|[]{}^$`, c) >= 0:
			return nil, false
		default:
			b.WriteByte(c)
		}
	}
	p.lit = b.String()
	return p, true
}

// isWordByte reports an ASCII letter or digit, which after a backslash
// starts a class or an assertion (\d, \b, \z), not a literal.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
