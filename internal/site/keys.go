package site

import (
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// BurntSushi/toml v1.6 keeps key positions only internally (MetaData has
// no Position method, and for an array of tables it keeps just the last
// entry's), yet an error without a line is not one an admin can act on.
// So the profile text is scanned a second time, after the library has
// accepted it, for the line of every key. The scanner follows TOML 1.1
// (what v1.6 parses: dotted and quoted keys, [[arrays]] of tables, inline
// tables over several lines, all four string forms) and emits keys in the
// order the library lists them in MetaData.Keys; Load compares the two
// lists and uses the lines only when they agree, so a scanner gap can cost
// a line number but never attach a wrong one.

// keyPos is where one key, table header or array element is defined.
type keyPos struct {
	// key is the library's name for it (toml.Key.String): no array indices.
	key string
	// path tells entries of arrays apart: "waivers"[1]."reason".
	path string
	line int
	// listed is false for array elements, which MetaData.Keys omits.
	listed bool
}

// maxDepth bounds nesting of arrays and inline tables; the library has
// already accepted the text, this only guards the scanner's own stack.
const maxDepth = 256

type keyScanner struct {
	s      string
	i      int
	line   int
	depth  int
	failed bool
	out    []keyPos
	arrays map[string]int // path of an array of tables -> entries so far
}

// scanKeys lists the keys of a TOML document with their lines. ok is false
// when the text holds something the scanner does not understand.
func scanKeys(text string) (out []keyPos, ok bool) {
	sc := &keyScanner{s: text, line: 1, arrays: map[string]int{}}
	var table []string // current table, as the library names it
	tablePath := ""    // current table, with array indices
	for !sc.failed {
		sc.skipBlank(true)
		if sc.eof() {
			break
		}
		start := sc.i
		line := sc.line
		if sc.peek() == '[' {
			array := strings.HasPrefix(sc.s[sc.i:], "[[")
			sc.i++
			if array {
				sc.i++
			}
			parts := sc.keyParts()
			sc.expect(']')
			if array {
				sc.expect(']')
			}
			table, tablePath = parts, sc.header(parts, array)
			sc.emit(parts, tablePath, line, true)
		} else {
			parts := sc.keyParts()
			sc.skipSpace()
			sc.expect('=')
			full := append(append([]string(nil), table...), parts...)
			path := extend(tablePath, parts...)
			sc.emit(full, path, line, true)
			sc.value(full, path)
		}
		sc.skipBlank(false)
		if !sc.eof() && sc.peek() != '\n' && sc.peek() != '\r' {
			sc.failed = true
		}
		if sc.i == start {
			sc.failed = true
		}
	}
	return sc.out, !sc.failed
}

// header resolves a table header to its path: a name that is an array of
// tables refers to its last entry, as in TOML ([[a]] then [a.b]).
func (sc *keyScanner) header(parts []string, array bool) string {
	path := ""
	for j, p := range parts {
		path = extend(path, p)
		last := j == len(parts)-1
		if array && last {
			n := sc.arrays[path]
			sc.arrays[path] = n + 1
			return element(path, n)
		}
		if n, ok := sc.arrays[path]; ok && n > 0 {
			path = element(path, n-1)
		}
	}
	return path
}

func (sc *keyScanner) emit(parts []string, path string, line int, listed bool) {
	sc.out = append(sc.out, keyPos{key: toml.Key(parts).String(), path: path, line: line, listed: listed})
}

// value skips one value; the keys of inline tables in it are emitted.
func (sc *keyScanner) value(key []string, path string) {
	sc.skipSpace()
	switch {
	case sc.eof():
		sc.failed = true
	case strings.HasPrefix(sc.s[sc.i:], `"""`):
		sc.multiline(`"""`, true)
	case strings.HasPrefix(sc.s[sc.i:], `'''`):
		sc.multiline(`'''`, false)
	case sc.peek() == '"':
		sc.basic()
	case sc.peek() == '\'':
		sc.literal()
	case sc.peek() == '[':
		sc.array(key, path)
	case sc.peek() == '{':
		sc.inline(key, path)
	default:
		// Numbers, booleans and dates (which may hold a space:
		// 1979-05-27 07:32:00) end where the enclosing structure goes on.
		start := sc.i
		for !sc.eof() && !strings.ContainsRune(",]}#\r\n", rune(sc.peek())) {
			sc.i++
		}
		if sc.i == start {
			sc.failed = true
		}
	}
}

func (sc *keyScanner) array(key []string, path string) {
	if sc.enter() {
		return
	}
	defer sc.leave()
	sc.i++ // [
	for n := 0; !sc.failed; {
		sc.skipBlank(true)
		switch {
		case sc.eof():
			sc.failed = true
		case sc.peek() == ']':
			sc.i++
			return
		case sc.peek() == ',':
			sc.i++
		default:
			start := sc.i
			elem := element(path, n)
			sc.out = append(sc.out, keyPos{key: toml.Key(key).String(), path: elem, line: sc.line})
			sc.value(key, elem)
			n++
			if sc.i == start {
				sc.failed = true
			}
		}
	}
}

func (sc *keyScanner) inline(key []string, path string) {
	if sc.enter() {
		return
	}
	defer sc.leave()
	sc.i++ // {
	for !sc.failed {
		sc.skipBlank(true)
		switch {
		case sc.eof():
			sc.failed = true
		case sc.peek() == '}':
			sc.i++
			return
		case sc.peek() == ',':
			sc.i++
		default:
			start, line := sc.i, sc.line
			parts := sc.keyParts()
			sc.skipSpace()
			sc.expect('=')
			full := append(append([]string(nil), key...), parts...)
			p := extend(path, parts...)
			sc.emit(full, p, line, true)
			sc.value(full, p)
			if sc.i == start {
				sc.failed = true
			}
		}
	}
}

func (sc *keyScanner) enter() bool {
	sc.depth++
	if sc.depth > maxDepth {
		sc.failed = true
	}
	return sc.failed
}

func (sc *keyScanner) leave() { sc.depth-- }

// keyParts reads a dotted key: bare, "basic" or 'literal' parts.
func (sc *keyScanner) keyParts() []string {
	var parts []string
	for !sc.failed {
		sc.skipSpace()
		switch {
		case sc.eof():
			sc.failed = true
			return parts
		case sc.peek() == '"':
			parts = append(parts, sc.basic())
		case sc.peek() == '\'':
			parts = append(parts, sc.literal())
		default:
			start := sc.i
			for !sc.eof() && !strings.ContainsRune(" \t\r\n.=[]#\"',{}", rune(sc.peek())) {
				sc.i++
			}
			if sc.i == start {
				sc.failed = true
				return parts
			}
			parts = append(parts, sc.s[start:sc.i])
		}
		sc.skipSpace()
		if sc.eof() || sc.peek() != '.' {
			return parts
		}
		sc.i++
	}
	return parts
}

// basic reads a "basic string" and returns its value.
func (sc *keyScanner) basic() string {
	sc.i++ // "
	start := sc.i
	for !sc.eof() {
		switch sc.peek() {
		case '\\':
			sc.i += 2
		case '\n':
			sc.failed = true
			return ""
		case '"':
			raw := sc.s[start:sc.i]
			sc.i++
			return unescape(raw)
		default:
			sc.i++
		}
	}
	sc.failed = true
	return ""
}

// unescape decodes the escapes of a TOML basic string (TOML 1.1: \e and
// \xHH, a code point, are new). An invalid escape is kept as written; the
// library has refused such a document before the scanner sees it.
func unescape(raw string) string {
	if !strings.Contains(raw, `\`) {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			b.WriteByte(raw[i])
			continue
		}
		i++
		if r, ok := simpleEscapes[raw[i]]; ok {
			b.WriteRune(r)
			continue
		}
		digits := hexEscapes[raw[i]]
		if digits == 0 || i+1+digits > len(raw) {
			b.WriteByte('\\')
			b.WriteByte(raw[i])
			continue
		}
		cp, err := strconv.ParseUint(raw[i+1:i+1+digits], 16, 32)
		if err != nil {
			b.WriteByte('\\')
			b.WriteByte(raw[i])
			continue
		}
		b.WriteRune(rune(cp))
		i += digits
	}
	return b.String()
}

var hexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}

var simpleEscapes = map[byte]rune{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', 'e': 0x1b, '"': '"', '\\': '\\'}

func (sc *keyScanner) literal() string {
	sc.i++ // '
	end := strings.IndexAny(sc.s[sc.i:], "'\n")
	if end < 0 || sc.s[sc.i+end] == '\n' {
		sc.failed = true
		return ""
	}
	v := sc.s[sc.i : sc.i+end]
	sc.i += end + 1
	return v
}

// multiline skips a multi-line string, basic or literal. Up to two more
// quotes right after the closing delimiter belong to the content (TOML
// 1.0, "Multi-line basic strings").
func (sc *keyScanner) multiline(delim string, escapes bool) {
	sc.i += 3
	for !sc.eof() {
		if strings.HasPrefix(sc.s[sc.i:], delim) {
			sc.i += 3
			for k := 0; k < 2 && !sc.eof() && sc.peek() == delim[0]; k++ {
				sc.i++
			}
			return
		}
		if escapes && sc.peek() == '\\' {
			sc.i++
			if sc.eof() {
				break
			}
		}
		if sc.peek() == '\n' {
			sc.line++
		}
		sc.i++
	}
	sc.failed = true
}

func (sc *keyScanner) expect(c byte) {
	if sc.eof() || sc.peek() != c {
		sc.failed = true
		return
	}
	sc.i++
}

// skipSpace skips blanks within a line.
func (sc *keyScanner) skipSpace() {
	for !sc.eof() && (sc.peek() == ' ' || sc.peek() == '\t') {
		sc.i++
	}
}

// skipBlank skips blanks and a comment, and with newlines also line ends
// and further blank or comment lines.
func (sc *keyScanner) skipBlank(newlines bool) {
	for !sc.eof() {
		switch sc.peek() {
		case ' ', '\t':
			sc.i++
		case '#':
			for !sc.eof() && sc.peek() != '\n' {
				sc.i++
			}
		case '\r':
			if !newlines {
				return
			}
			sc.i++
		case '\n':
			if !newlines {
				return
			}
			sc.line++
			sc.i++
		default:
			return
		}
	}
}

func (sc *keyScanner) eof() bool  { return sc.i >= len(sc.s) }
func (sc *keyScanner) peek() byte { return sc.s[sc.i] }

// extend appends key parts to a path; quoting each part keeps paths
// unambiguous whatever the keys contain.
func extend(path string, parts ...string) string {
	for _, p := range parts {
		if path != "" {
			path += "."
		}
		path += strconv.Quote(p)
	}
	return path
}

// element is the path of the n-th (0-based) entry of an array.
func element(path string, n int) string { return path + "[" + strconv.Itoa(n) + "]" }

// positions answers "which line" for paths and for the library's keys.
type positions struct {
	byPath map[string]int
	// keyLines holds, when the scan agrees with MetaData.Keys, the line of
	// each entry of MetaData.Keys (same index).
	keyLines []int
	scanned  []keyPos
}

func locate(text string, md toml.MetaData) positions {
	scanned, ok := scanKeys(text)
	p := positions{byPath: map[string]int{}, scanned: scanned}
	for _, k := range scanned {
		if _, dup := p.byPath[k.path]; !dup {
			p.byPath[k.path] = k.line
		}
	}
	var lines []int
	keys := md.Keys()
	for _, k := range scanned {
		if !k.listed {
			continue
		}
		if len(lines) >= len(keys) || keys[len(lines)].String() != k.key {
			ok = false
			break
		}
		lines = append(lines, k.line)
	}
	if ok && len(lines) == len(keys) {
		p.keyLines = lines
	}
	return p
}

// at returns the line of a path, or 0 when it is not known.
func (p positions) at(path string) int { return p.byPath[path] }

// within is at for a key that may be a table only implied by dotted keys
// (site.name = "x" makes a table site): then the line of its first key.
// It walks the whole scan, so it is for the few top-level keys only.
func (p positions) within(path string) int {
	if line, ok := p.byPath[path]; ok {
		return line
	}
	dot, bracket := path+".", path+"["
	for _, k := range p.scanned {
		if strings.HasPrefix(k.path, dot) || strings.HasPrefix(k.path, bracket) {
			return k.line
		}
	}
	return 0
}

// undecoded lists the keys the profile format does not know, each
// occurrence with its line. A key below an unknown key is left out: one
// misspelt table is one error, not one per key in it.
func (p positions) undecoded(md toml.MetaData) []keyPos {
	unknown := map[string]bool{}
	for _, k := range md.Undecoded() {
		unknown[k.String()] = true
	}
	var out []keyPos
	for i, k := range md.Keys() {
		if !unknown[k.String()] || hasUnknownParent(k, unknown) {
			continue
		}
		line := 0
		if p.keyLines != nil {
			line = p.keyLines[i]
		} else {
			// The scan disagreed with the library: name the first place
			// the key appears, if any.
			for _, s := range p.scanned {
				if s.key == k.String() {
					line = s.line
					break
				}
			}
		}
		out = append(out, keyPos{key: k.String(), line: line, listed: true})
	}
	return out
}

func hasUnknownParent(k toml.Key, unknown map[string]bool) bool {
	for n := 1; n < len(k); n++ {
		if unknown[k[:n].String()] {
			return true
		}
	}
	return false
}
