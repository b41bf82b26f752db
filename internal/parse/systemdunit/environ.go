package systemdunit

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// EnvAssignment is one NAME=value an Environment= line or an environment
// file sets, with where.
type EnvAssignment struct {
	Name, Value string
	Source      inventory.Source
}

// EnvFileRef is one EnvironmentFile= entry: a path (possibly a glob) and
// whether a leading "-" makes a missing or unreadable file harmless.
type EnvFileRef struct {
	Path     string
	Optional bool
	Source   inventory.Source
}

// ErrSyntax is returned by SplitWords for unbalanced quotes, a trailing
// backslash or an invalid escape sequence.
var ErrSyntax = errors.New("invalid syntax")

// SplitWords splits an Environment= value into words the way
// src/basic/extract-word.c extract_first_word does with
// EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE (the flags config_parse_environ in
// src/core/load-fragment.c passes): words are separated by runs of
// blanks; a single or double quote anywhere in a word quotes up to the
// matching quote; a backslash escapes C-style (\n, \t, \xNN, \NNN octal,
// \uNNNN, \UNNNNNNNN, \s for a blank, ...) inside and outside quotes.
// It returns the words before the first error, and the error: systemd
// keeps those words and ignores the rest of the line.
func SplitWords(s string) ([]string, error) {
	var out []string
	p := 0
	for {
		// Skip leading separators.
		for p < len(s) && strings.IndexByte(whitespace, s[p]) >= 0 {
			p++
		}
		if p >= len(s) {
			return out, nil
		}
		var b strings.Builder
		var quote byte
		for {
			if p >= len(s) {
				if quote != 0 {
					return out, ErrSyntax
				}
				out = append(out, b.String())
				return out, nil
			}
			c := s[p]
			switch {
			case c == '\\':
				if p+1 >= len(s) {
					return out, ErrSyntax
				}
				n, r, eight, ok := cunescapeOne(s[p+1:])
				if !ok {
					return out, ErrSyntax
				}
				if eight {
					b.WriteByte(byte(r))
				} else {
					writeUnichar(&b, r)
				}
				p += 1 + n
				continue
			case quote != 0:
				if c == quote {
					quote = 0
				} else {
					b.WriteByte(c)
				}
			case c == '\'' || c == '"':
				quote = c
			case strings.IndexByte(whitespace, c) >= 0:
				out = append(out, b.String())
				goto next
			default:
				b.WriteByte(c)
			}
			p++
		}
	next:
	}
}

// cunescapeOne is src/basic/escape.c cunescape_one (without accepting
// NUL): it decodes the escape after a backslash, returning how many bytes
// it used, the character, and whether that is one raw byte (\x, octal).
func cunescapeOne(p string) (n int, r rune, eightBit, ok bool) {
	if p == "" {
		return 0, 0, false, false
	}
	switch p[0] {
	case 'a':
		return 1, '\a', false, true
	case 'b':
		return 1, '\b', false, true
	case 'f':
		return 1, '\f', false, true
	case 'n':
		return 1, '\n', false, true
	case 'r':
		return 1, '\r', false, true
	case 't':
		return 1, '\t', false, true
	case 'v':
		return 1, '\v', false, true
	case '\\', '"', '\'':
		return 1, rune(p[0]), false, true
	case 's':
		return 1, ' ', false, true
	case 'x':
		if len(p) < 3 {
			return 0, 0, false, false
		}
		a, b := unhex(p[1]), unhex(p[2])
		if a < 0 || b < 0 || (a == 0 && b == 0) {
			return 0, 0, false, false
		}
		return 3, rune(a<<4 | b), true, true
	case 'u', 'U':
		digits := 4
		if p[0] == 'U' {
			digits = 8
		}
		if len(p) < 1+digits {
			return 0, 0, false, false
		}
		var c uint32
		for i := 1; i <= digits; i++ {
			d := unhex(p[i])
			if d < 0 {
				return 0, 0, false, false
			}
			c = c<<4 | uint32(d)
		}
		if c == 0 {
			return 0, 0, false, false
		}
		// unichar_is_valid (src/basic/utf8.c) is checked for \U only.
		if p[0] == 'U' && !unicharIsValid(c) {
			return 0, 0, false, false
		}
		return 1 + digits, rune(c), false, true
	case '0', '1', '2', '3', '4', '5', '6', '7':
		if len(p) < 3 {
			return 0, 0, false, false
		}
		a, b, c := unoct(p[0]), unoct(p[1]), unoct(p[2])
		if a < 0 || b < 0 || c < 0 || (a == 0 && b == 0 && c == 0) {
			return 0, 0, false, false
		}
		m := a<<6 | b<<3 | c
		if m > 255 {
			return 0, 0, false, false
		}
		return 3, rune(m), true, true
	}
	return 0, 0, false, false
}

func unicharIsValid(c uint32) bool {
	return c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF && c&0xFFFE != 0xFFFE)
}

// writeUnichar encodes c as src/basic/utf8.c utf8_encode_unichar does,
// which also encodes surrogates (Go's encoder would replace them).
func writeUnichar(b *strings.Builder, c rune) {
	u := uint32(c)
	switch {
	case u < 0x80:
		b.WriteByte(byte(u))
	case u < 0x800:
		b.WriteByte(byte(0xc0 | u>>6))
		b.WriteByte(byte(0x80 | u&0x3f))
	case u < 0x10000:
		b.WriteByte(byte(0xe0 | u>>12))
		b.WriteByte(byte(0x80 | (u>>6)&0x3f))
		b.WriteByte(byte(0x80 | u&0x3f))
	default:
		b.WriteByte(byte(0xf0 | (u>>18)&0x07))
		b.WriteByte(byte(0x80 | (u>>12)&0x3f))
		b.WriteByte(byte(0x80 | (u>>6)&0x3f))
		b.WriteByte(byte(0x80 | u&0x3f))
	}
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func unoct(c byte) int {
	if c >= '0' && c <= '7' {
		return int(c - '0')
	}
	return -1
}

// ValidEnvName is src/basic/env-util.c env_name_is_valid: non-empty,
// letters, digits and underscores, not starting with a digit, and not
// longer than the kernel's argument limit.
func ValidEnvName(s string) bool {
	if s == "" || len(s) > 128*1024 {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validEnvValue is src/basic/env-util.c env_value_is_valid: valid UTF-8
// with no control characters other than tab and newline.
func validEnvValue(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < ' ' && r != '\t' && r != '\n') || r == 127 {
			return false
		}
	}
	return true
}

// validEnvAssignment is env_assignment_is_valid.
func validEnvAssignment(s string) (name, value string, ok bool) {
	name, value, found := strings.Cut(s, "=")
	if !found || !ValidEnvName(name) || !validEnvValue(value) {
		return "", "", false
	}
	return name, value, true
}

// Environment applies the Environment= assignments of [Service] (or the
// section given) across files, in order, as config_parse_environ
// (src/core/load-fragment.c) does: an empty value resets the list; each
// word is specifier-expanded (expand may be nil), must be a valid
// NAME=value (env_assignment_is_valid) or is ignored, and replaces an
// earlier assignment of the same name (strv_env_replace_consume).
// A syntax error ignores the rest of that line. The result is in the
// order names were first set, each with its last value and source.
func Environment(files []File, section string, expand func(string) (string, error)) ([]EnvAssignment, []inventory.Problem) {
	var env envList
	var problems []inventory.Problem
	for _, f := range files {
		for _, a := range f.Values(section, "Environment") {
			if a.Value == "" {
				env.reset()
				continue
			}
			words, err := SplitWords(a.Value)
			if err != nil {
				problems = append(problems, inventory.Problem{Source: a.Source,
					Reason: "Environment=: invalid syntax (unbalanced quote or bad escape): systemd ignores the line from there on"})
			}
			for _, w := range words {
				if expand != nil {
					x, err := expand(w)
					if err != nil {
						problems = append(problems, inventory.Problem{Source: a.Source,
							Reason: "Environment=: " + err.Error() + ": systemd ignores this assignment"})
						continue
					}
					w = x
				}
				name, value, ok := validEnvAssignment(w)
				if !ok {
					problems = append(problems, inventory.Problem{Source: a.Source,
						Reason: "Environment=: invalid assignment " + quote(envNameOf(w)) + ": systemd ignores it"})
					continue
				}
				env.set(EnvAssignment{Name: name, Value: value, Source: a.Source})
			}
		}
	}
	return env.list, problems
}

// envNameOf returns the part of an assignment before "=", so that a
// problem never repeats a value (which may be a secret).
func envNameOf(w string) string {
	name, _, _ := strings.Cut(w, "=")
	return name
}

// envList is an environment in the order names were first set, with an
// index of where each name is: replacing by a search through the list
// would cost the square of a long environment.
type envList struct {
	list []EnvAssignment
	at   map[string]int
}

// set replaces an earlier assignment of the name in place, as
// strv_env_replace_consume does, or appends.
func (e *envList) set(a EnvAssignment) {
	if i, ok := e.at[a.Name]; ok {
		e.list[i] = a
		return
	}
	if e.at == nil {
		e.at = map[string]int{}
	}
	e.at[a.Name] = len(e.list)
	e.list = append(e.list, a)
}

// reset empties the environment (an empty Environment=).
func (e *envList) reset() { *e = envList{} }

// EnvironmentFiles applies the EnvironmentFile= assignments across files
// in order, as config_parse_unit_env_file (src/core/load-fragment.c)
// does: an empty value resets the list; the value is specifier-expanded
// (expand may be nil; a failure ignores the line); a leading "-" marks
// the file optional; the path (after the "-") must be absolute or the
// line is ignored.
func EnvironmentFiles(files []File, section string, expand func(string) (string, error)) ([]EnvFileRef, []inventory.Problem) {
	var refs []EnvFileRef
	var problems []inventory.Problem
	for _, f := range files {
		for _, a := range f.Values(section, "EnvironmentFile") {
			if a.Value == "" {
				refs = nil
				continue
			}
			v := a.Value
			if expand != nil {
				x, err := expand(v)
				if err != nil {
					problems = append(problems, inventory.Problem{Source: a.Source,
						Reason: "EnvironmentFile=: " + err.Error() + ": systemd ignores the line"})
					continue
				}
				v = x
			}
			optional := strings.HasPrefix(v, "-")
			p := strings.TrimPrefix(v, "-")
			if !strings.HasPrefix(p, "/") {
				problems = append(problems, inventory.Problem{Source: a.Source,
					Reason: "EnvironmentFile=" + quote(p) + " is not an absolute path: systemd ignores the line"})
				continue
			}
			refs = append(refs, EnvFileRef{Path: simplifyPath(p), Optional: optional, Source: a.Source})
		}
	}
	return refs, problems
}

// simplifyPath is path_simplify (src/basic/path-util.c): repeated slashes
// and "." components go, a trailing slash goes; ".." stays.
func simplifyPath(p string) string {
	parts := strings.Split(p, "/")
	var out []string
	for _, s := range parts {
		if s == "" || s == "." {
			continue
		}
		out = append(out, s)
	}
	return "/" + strings.Join(out, "/")
}
