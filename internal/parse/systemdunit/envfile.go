package systemdunit

import (
	"strings"
	"unicode/utf8"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// ParseEnvFile reads an environment file the way systemd's load_env_file
// (src/basic/env-file.c parse_env_file_internal) does, then drops what
// exec_context_load_environment (src/core/execute.c) drops with
// strv_env_clean_with_callback: assignments whose name is not a valid
// environment name. The state machine, character by character:
//   - blanks before a key are skipped; "#" or ";" there starts a comment
//     to the end of the line (a backslash before the line end does not
//     continue a comment, since systemd v254);
//   - the key runs to "="; trailing blanks are cut from it, inner ones
//     stay (so "export A=1" has the key "export A", which is invalid:
//     systemd ignores it, it does not strip "export");
//   - a line without "=" is ignored;
//   - blanks after "=" are skipped; then 'single' and "double" quoted
//     parts and unquoted parts concatenate until the line end; blanks
//     between a closing quote and what follows are dropped; trailing
//     blanks of an unquoted value are cut;
//   - unquoted, a backslash takes the next character literally and a
//     backslash-newline joins lines; inside double quotes a backslash
//     escapes only " \ ` $ (and joins lines), otherwise it stays;
//     inside single quotes nothing is special;
//   - a repeated name replaces the earlier value.
//
// Invalid UTF-8 in a key or value makes systemd fail the whole file;
// ParseEnvFile then returns no assignments and a problem with rejected
// set. Problems never repeat a value.
func ParseEnvFile(path string, data []byte) (env []EnvAssignment, problems []inventory.Problem, rejected bool) {
	const (
		preKey = iota
		key
		preValue
		value
		valueEscape
		singleQuote
		doubleQuote
		doubleQuoteEscape
		comment
		commentEscape
	)
	var vars envList
	assignments, full := 0, false // budget.Statements
	state := preKey
	line := 1
	start := 1
	var k, v []byte
	lastKeyWS, lastValueWS := -1, -1
	push := func() bool {
		kk := k
		if lastKeyWS >= 0 {
			kk = kk[:lastKeyWS]
		}
		name, val := string(kk), string(v)
		src := inventory.Source{File: path, Line: start}
		k, v = nil, nil
		if !utf8.ValidString(name) || !utf8.ValidString(val) {
			problems = append(problems, inventory.Problem{Source: src,
				Reason: "invalid UTF-8: systemd refuses to load this environment file"})
			return false
		}
		if !ValidEnvName(name) || !validEnvValue(val) {
			problems = append(problems, inventory.Problem{Source: src,
				Reason: "invalid environment assignment " + quote(name) + ": systemd ignores it"})
			return true
		}
		if assignments++; assignments > budget.Statements {
			problems = append(problems, budget.Problem(src, "the assignments of "+path, budget.Statements, "statements", "this line and the ones after it are not read"))
			full = true
			return true
		}
		vars.set(EnvAssignment{Name: name, Value: val, Source: src})
		return true
	}
	for i := 0; i < len(data) && !full; i++ {
		c := data[i]
		if c == 0 {
			// systemd reads the file as a C string: a NUL ends it.
			break
		}
		nl := c == '\n' || c == '\r'
		ws := strings.IndexByte(whitespace, c) >= 0
		switch state {
		case preKey:
			if c == '#' || c == ';' {
				state = comment
			} else if !ws {
				state = key
				start = line
				lastKeyWS = -1
				k = append(k[:0], c)
			} else if nl {
			}
		case key:
			if nl {
				state = preKey
				k = k[:0]
			} else if c == '=' {
				state = preValue
				lastValueWS = -1
			} else {
				if !ws {
					lastKeyWS = -1
				} else if lastKeyWS < 0 {
					lastKeyWS = len(k)
				}
				k = append(k, c)
			}
		case preValue:
			switch {
			case nl:
				state = preKey
				if !push() {
					return nil, problems, true
				}
			case c == '\'':
				state = singleQuote
			case c == '"':
				state = doubleQuote
			case c == '\\':
				state = valueEscape
			case !ws:
				state = value
				v = append(v, c)
			}
		case value:
			switch {
			case nl:
				state = preKey
				if lastValueWS >= 0 {
					v = v[:lastValueWS]
				}
				if !push() {
					return nil, problems, true
				}
			case c == '\\':
				state = valueEscape
				lastValueWS = -1
			default:
				if !ws {
					lastValueWS = -1
				} else if lastValueWS < 0 {
					lastValueWS = len(v)
				}
				v = append(v, c)
			}
		case valueEscape:
			state = value
			if !nl {
				v = append(v, c)
			}
		case singleQuote:
			if c == '\'' {
				state = preValue
			} else {
				v = append(v, c)
			}
		case doubleQuote:
			switch c {
			case '"':
				state = preValue
			case '\\':
				state = doubleQuoteEscape
			default:
				v = append(v, c)
			}
		case doubleQuoteEscape:
			state = doubleQuote
			switch {
			case strings.IndexByte("\"\\`$", c) >= 0:
				v = append(v, c)
			case c != '\n':
				v = append(v, '\\', c)
			}
		case comment:
			if c == '\\' {
				state = commentEscape
			} else if nl {
				state = preKey
			}
		case commentEscape:
			if nl {
				state = preKey
			} else {
				state = comment
			}
		}
		if c == '\n' {
			line++
		}
	}
	switch {
	case full:
	case state == preValue, state == value, state == valueEscape, state == singleQuote, state == doubleQuote, state == doubleQuoteEscape:
		if state == value && lastValueWS >= 0 {
			v = v[:lastValueWS]
		}
		if !push() {
			return nil, problems, true
		}
	}
	return vars.list, problems, false
}
