package xrootdcfg

import (
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// Record is one logical line of a file XRootD reads with XrdOucStream but
// without the configuration language: the words of a line and of its
// backslash continuations, comment and blank lines skipped.
type Record struct {
	Words  []string
	Source inventory.Source
}

// Records reads data as XrdAccAuthFile reads an acc.authdb: tabs are
// blanks, there are no variables and no if/continue, a record is a line
// with its continuations. Problems are the file's properties that make it
// read differently from how it looks (NUL bytes, CRLF, long lines), and
// the budgets (budget.Statements records, budget.Words words) that ended
// the reading.
func Records(file string, data []byte) ([]Record, []inventory.Problem) {
	p := &parser{}
	p.s = newStream(p, true, false)
	lines, nulAt := splitLines(data, true)
	p.problems = fileNotes(file, data, lines, nulAt)
	p.s.in = &input{file: file, lines: lines}
	var out []Record
	for {
		w, ok := p.s.firstWord()
		if !ok {
			return out, p.problems
		}
		if len(out) >= budget.Statements {
			p.problems = append(p.problems, budget.Problem(p.s.line, "the records of "+file, budget.Statements, "statements",
				"this record and the ones after it are not read"))
			return out, p.problems
		}
		r := Record{Words: []string{w}, Source: p.s.line}
		for w, ok := p.s.word(); ok; w, ok = p.s.word() {
			r.Words = append(r.Words, w)
		}
		out = append(out, r)
	}
}
