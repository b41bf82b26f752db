package recipes

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// maxNesting bounds how deeply brackets, braces, parentheses and template
// interpolations may nest in a recipe file. HCL's parser descends
// recursively, several calls per level, and has no limit of its own: a
// file of 100,000 '[' overflows the goroutine stack (a fatal error, not a
// diagnostic). Recipes nest a few levels; 256 is far beyond any of them
// and far below what would hurt.
const maxNesting = 256

// nestingTooDeep scans HCL source the way the parser's recursion would
// follow it, without parsing: brackets, braces and parentheses in
// expressions, quoted strings and heredocs with their ${…} and %{…}
// interpolations; comments and escaped characters are skipped. It returns
// the line and column where the nesting first exceeds maxNesting, or ok
// false.
func nestingTooDeep(src []byte) (line, col int, ok bool) {
	const (
		expr = iota // inside an expression: brackets nest
		str         // inside a quoted string
		doc         // inside a heredoc
	)
	type frame struct {
		kind   int
		close  byte   // the bracket closing an expression frame
		marker []byte // a heredoc's closing marker
	}
	stack := []frame{{kind: expr}}
	line, col = 1, 0
	atLineStart := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		col++
		if c == '\n' {
			line, col = line+1, 0
		}
		top := &stack[len(stack)-1]
		push := func(f frame) bool {
			stack = append(stack, f)
			return len(stack)-1 > maxNesting
		}
		switch top.kind {
		case expr:
			switch {
			case c == '#' || c == '/' && i+1 < len(src) && src[i+1] == '/':
				for i < len(src) && src[i] != '\n' {
					i++
				}
				i-- // the newline is counted on the next turn
			case c == '/' && i+1 < len(src) && src[i+1] == '*':
				end := bytes.Index(src[i+2:], []byte("*/"))
				if end < 0 {
					return 0, 0, false
				}
				line += bytes.Count(src[i:i+2+end], []byte("\n"))
				i += 2 + end + 1
			case c == '"':
				if push(frame{kind: str}) {
					return line, col, true
				}
			case c == '<' && bytes.HasPrefix(src[i:], []byte("<<")):
				j := i + 2
				if j < len(src) && src[j] == '-' {
					j++
				}
				k := j
				for k < len(src) && (src[k] == '_' || src[k] >= 'A' && src[k] <= 'Z' || src[k] >= 'a' && src[k] <= 'z' || src[k] >= '0' && src[k] <= '9') {
					k++
				}
				if k > j {
					if push(frame{kind: doc, marker: src[j:k]}) {
						return line, col, true
					}
					i = k - 1
				}
			case c == '[' || c == '{' || c == '(':
				if push(frame{kind: expr, close: map[byte]byte{'[': ']', '{': '}', '(': ')'}[c]}) {
					return line, col, true
				}
			case c == ']' || c == '}' || c == ')':
				// A stray closer is the parser's error to report; it
				// never closes the file's own frame.
				if len(stack) > 1 {
					stack = stack[:len(stack)-1]
				}
			}
		case str, doc:
			switch {
			case c == '\\' && top.kind == str:
				i++
			case (c == '$' || c == '%') && bytes.HasPrefix(src[i+1:], []byte{c, '{'}):
				i += 2 // $${ and %%{ are literal
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
				i++
				if push(frame{kind: expr, close: '}'}) {
					return line, col, true
				}
			case c == '"' && top.kind == str, c == '\n' && top.kind == str:
				stack = stack[:len(stack)-1]
			case atLineStart && top.kind == doc:
				rest := bytes.TrimLeft(src[i:], " \t")
				if bytes.HasPrefix(rest, top.marker) {
					after := rest[len(top.marker):]
					if len(after) == 0 || after[0] == '\n' || after[0] == '\r' {
						stack = stack[:len(stack)-1]
					}
				}
			}
		}
		atLineStart = c == '\n'
	}
	return 0, 0, false
}

// nestingError is the diagnostic of a file nestingTooDeep refuses.
func nestingError(file string, line, col int) *Error {
	r := hcl.Range{Filename: file, Start: hcl.Pos{Line: line, Column: col}, End: hcl.Pos{Line: line, Column: col}}
	return &Error{Diags: hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "nested too deep",
		Detail: fmt.Sprintf("brackets, braces, parentheses and interpolations nest more than %d levels here; recipes never need that many, and HCL's parser would overflow its stack", maxNesting), Subject: &r}}}
}
