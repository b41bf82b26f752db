// Package javaprops reads Java .properties files (StoRM WebDAV storage
// areas) with file:line for every key: `key=value`, `key: value` and
// `key value`, `#` and `!` comments, backslash continuation lines and
// leading blanks, as java.util.Properties.load does. A repeated key keeps
// its last value, as Properties does.
package javaprops

import (
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// Entry is one key with its value and where it was set.
type Entry struct {
	Key, Value string
	Source     inventory.Source
}

// Parse returns the entries in file order, a repeated key once, at its
// last assignment. It stops at budget.Statements lines, with a problem at
// the first one left out.
func Parse(path string, data []byte) ([]Entry, []inventory.Problem) {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var out []Entry
	index := map[string]int{}
	statements := 0
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimLeft(lines[i], " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		if continued(line) && i+1 < len(lines) {
			// Joined in one buffer: concatenating line by line would
			// copy the whole value again for every continuation line.
			buf := []byte(line)
			for continued(buf) && i+1 < len(lines) {
				i++
				buf = append(buf[:len(buf)-1], strings.TrimLeft(lines[i], " \t\f")...)
			}
			line = string(buf)
		}
		if statements++; statements > budget.Statements {
			return out, []inventory.Problem{budget.Problem(inventory.Source{File: path, Line: start}, "the properties of "+path, budget.Statements, "statements", "this line and the ones after it are not read")}
		}
		key, value := split(line)
		e := Entry{Key: key, Value: value, Source: inventory.Source{File: path, Line: start}}
		if j, ok := index[key]; ok {
			out[j] = e
			continue
		}
		index[key] = len(out)
		out = append(out, e)
	}
	return out, nil
}

// continued reports an odd number of trailing backslashes.
func continued[S ~string | ~[]byte](line S) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

func split(line string) (string, string) {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '=', ':', ' ', '\t', '\f':
			key := unescape(line[:i])
			rest := strings.TrimLeft(line[i:], " \t\f")
			if rest != "" && (rest[0] == '=' || rest[0] == ':') && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f') {
				rest = rest[1:]
			} else if line[i] == '=' || line[i] == ':' {
				rest = line[i+1:]
			}
			return key, unescape(strings.TrimLeft(rest, " \t\f"))
		}
	}
	return unescape(line), ""
}

func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return strings.TrimRight(s, " \t")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
