package xrootdcfg

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// This file is a port of how XrdOucStream (src/XrdOuc/XrdOucStream.cc,
// XRootD 5.5.3, unchanged in 6.1) turns bytes into words: GetLine,
// GetToken, GetWord and vSubs. The quirks are deliberate; each is pinned by
// a test against cconfig.

// maxLine is XrdOucStream's record buffer (Attach's default bsz of 2047):
// a longer line makes GetLine fail with "read full message".
const maxLine = 2047

// maxSubst is vSubs' output limit (maxVLen-1): a longer word is an error
// and is dropped; a longer variable value is cut silently
// (https://github.com/xrootd/xrootd/blob/v5.5.3/src/XrdOuc/XrdOucStream.cc,
// XrdOucStream::vSubs). It bounds each word; the words of a whole
// configuration are bounded by budget.Expansion bytes of substitutions and
// budget.Words words, which xrootd does not bound.
const maxSubst = 511

// physLine is one record as GetLine returns it.
type physLine struct {
	text string
	num  int
}

// input is one file being read.
type input struct {
	file  string
	lines []physLine
	next  int
}

// splitLines cuts data into GetLine's records: a record ends at a newline
// or a NUL byte, and a NUL also ends the file (XrdOucStream_EOM). With
// notabs (XrdOucStream::Tabs(0), used by the sec.* and acc.* components and
// for the authdb) tabs are blanks.
func splitLines(data []byte, notabs bool) (lines []physLine, nulAt int) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		nulAt = bytes.Count(data[:i], []byte("\n")) + 1
		data = data[:i]
	}
	text := string(data)
	if notabs {
		text = strings.ReplaceAll(text, "\t", " ")
	}
	// One allocation for the records: growing the slice line by line
	// would allocate about twice over for a large file.
	lines = make([]physLine, 0, strings.Count(text, "\n")+1)
	for n := 1; text != ""; n++ {
		line, rest, found := strings.Cut(text, "\n")
		lines = append(lines, physLine{text: line, num: n})
		if !found {
			break
		}
		text = rest
	}
	return lines, nulAt
}

// fileNotes are the properties of a file that make xrootd read it
// differently from how it looks.
func fileNotes(file string, data []byte, lines []physLine, nulAt int) []inventory.Problem {
	var out []inventory.Problem
	add := func(line int, format string, a ...any) {
		out = append(out, inventory.Problem{Source: inventory.Source{File: file, Line: line}, Reason: fmt.Sprintf(format, a...)})
	}
	if nulAt > 0 {
		add(nulAt, "NUL byte: xrootd stops reading the file here (binary content is no configuration)")
	}
	if bytes.Contains(data, []byte("\r\n")) {
		// cconfig shows the carriage return stays part of the last word:
		// `config=/etc/xrootd/scitokens.cfg\r` names a file that does not
		// exist and `fi\r` closes no if.
		add(0, "Windows (CRLF) line endings: xrootd keeps the carriage return as part of the last word of every line")
	}
	if !utf8.Valid(data) {
		add(0, "invalid UTF-8: the values are bytes xrootd compares as they are, not the text they may look like")
	}
	for _, l := range lines {
		if len(l.text) > maxLine {
			add(l.num, "line longer than %d bytes: xrootd fails with \"read full message\"", maxLine)
		}
	}
	return out
}

// splitFirst does what GetWord does to a fresh line: take the first token,
// decide whether the line continues on the next one, and return the other
// raw tokens. ok is false for blank and comment lines.
//
// The continuation test reproduces a quirk of the C code: GetToken has
// already replaced the blank after the first token by a NUL when GetWord
// looks backwards from the end of the line for the backslash, so on a line
// with a single token followed by blanks ("x\ ") the backslash is not seen.
func splitFirst(text string) (first string, rest []string, cont, ok bool) {
	i := 0
	for i < len(text) && text[i] == ' ' {
		i++
	}
	if i == len(text) {
		return "", nil, false, false
	}
	j := i
	for j < len(text) && text[j] != ' ' {
		j++
	}
	first = text[i:j]
	if first[0] == '#' {
		return first, nil, false, false
	}
	after := ""
	if j < len(text) {
		after = text[j+1:]
	}
	if j == len(text) {
		if strings.HasSuffix(first, `\`) {
			first, cont = first[:len(first)-1], true
		}
	} else if t := strings.TrimRight(after, " "); strings.HasSuffix(t, `\`) {
		after, cont = t[:len(t)-1], true
	}
	return first, blankFields(after), cont, true
}

// blankFields splits on blanks only, as GetToken does: a tab is part of a
// word unless the stream converts tabs.
func blankFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' })
}

// stream reads words the way XrdOucStream does, over the main file and the
// files `continue` switches to.
type stream struct {
	p      *parser
	notabs bool
	subst  bool // variable substitution on (XrdOucStream with an XrdOucEnv)

	in      *input
	dir     []string // files of a directory continuation still to read
	inDir   bool     // a directory continuation is in progress (fcList)
	contAdd bool     // a file continuation happened (XrdOucStream_CADD)

	toks  []string // raw tokens left on the current line
	line  inventory.Source
	xcont bool // the current line continues, or a new line may be read
	xline bool // in the middle of a line
}

func newStream(p *parser, notabs, subst bool) *stream {
	return &stream{p: p, notabs: notabs, subst: subst, xcont: true}
}

// nextLine returns the next record of the current file.
func (s *stream) nextLine() (physLine, bool) {
	if s.in == nil || s.in.next >= len(s.in.lines) {
		return physLine{}, false
	}
	l := s.in.lines[s.in.next]
	s.in.next++
	return l, true
}

// token is GetToken: the next raw token of the current line only.
func (s *stream) token() (string, bool) {
	if len(s.toks) == 0 {
		return "", false
	}
	t := s.toks[0]
	s.toks = s.toks[1:]
	return t, true
}

// word is GetWord: the next word of the directive, substituted, reading
// continuation lines (and skipping blank and comment lines between them).
// At the end of a directive it reports false once.
func (s *stream) word() (string, bool) {
	if s.p.stopped {
		// A budget ended the reading in the middle of a directive.
		s.toks, s.xline = nil, false
		return "", false
	}
	if s.p.words++; s.p.words > budget.Words {
		s.p.problems = append(s.p.problems, budget.Problem(s.line, "the words of this configuration", budget.Words, "words",
			"the rest of the configuration, from this directive on, is not read"))
		s.p.stopped = true
		s.toks, s.xline = nil, false
		return "", false
	}
	s.xline = true
	for len(s.toks) > 0 {
		w := s.toks[0]
		s.toks = s.toks[1:]
		if !s.subst {
			return w, true
		}
		// An empty substitution result is skipped, as in GetWord.
		if w = s.vsubs(w); w != "" {
			return w, true
		}
	}
	if !s.xcont {
		s.xcont, s.xline = true, false
		return "", false
	}
	for {
		for l, ok := s.nextLine(); ok; l, ok = s.nextLine() {
			first, rest, cont, ok := splitFirst(l.text)
			if !ok {
				continue
			}
			s.xcont, s.toks = cont, rest
			s.line = inventory.Source{File: s.in.file, Line: l.num}
			if s.subst {
				// The first word of a line is returned even when its
				// substitution is empty (GetWord's new-line branch).
				first = s.vsubs(first)
			}
			return first, true
		}
		if !s.inDir || len(s.dir) == 0 {
			break
		}
		next := s.dir[0]
		s.dir = s.dir[1:]
		if !s.p.switchTo(next, false, s.line) {
			break
		}
	}
	s.xline = false
	return "", false
}

// firstWord is GetFirstWord: skip what is left of the current directive
// (without substitution, so that its leftovers raise no errors) and return
// the first word of the next one.
func (s *stream) firstWord() (string, bool) {
	if s.xline {
		saved := s.subst
		s.subst = false
		for {
			if _, ok := s.word(); !ok {
				break
			}
		}
		s.subst = saved
	}
	return s.word()
}

// vsubs is vSubs: `\c` yields c, `$name`, `$(name)`, `${name}` and
// `$[name]` are replaced by `set` variables (names are letters and digits
// only: `$my_var` is `$my` followed by "_var"); `$[name]` may be undefined
// silently. A malformed reference or a result over maxSubst bytes makes
// the whole word empty.
func (s *stream) vsubs(w string) string {
	var out []byte
	n := maxSubst
	i := 0
	for i < len(w) && n > 0 {
		c := w[i]
		if c == '\\' {
			if i+1 >= len(w) {
				// The C code copies the terminating NUL and reads on
				// past the word; what it then finds is the rest of the
				// line buffer, which no config should rely on.
				s.p.problem(s.line, "word %q ends with a backslash: xrootd reads past the end of the word here", w)
				return string(out)
			}
			out = append(out, w[i+1])
			i += 2
			n--
			continue
		}
		// At the end of the word the C test sees the terminating NUL,
		// which index("({[", 0) finds: a lone trailing $ is a reference
		// to the empty name.
		if c != '$' || (i+1 < len(w) && !isAlnum(w[i+1]) && !strings.ContainsRune("({[", rune(w[i+1]))) {
			out = append(out, c)
			i++
			n--
			continue
		}
		i++
		var closer byte
		if i < len(w) {
			switch w[i] {
			case '(':
				closer = ')'
			case '{':
				closer = '}'
			case '[':
				closer = ']'
			}
		}
		if closer != 0 {
			i++
		}
		start := i
		for i < len(w) && isAlnum(w[i]) {
			i++
		}
		name := w[start:i]
		if closer != 0 && (i >= len(w) || w[i] != closer) {
			s.p.problem(s.line, "variable reference %q is malformed (names are letters and digits only): xrootd reports \"Variable %s is malformed.\", drops the word and does not start", w[start-2:], w[start-2:])
			return ""
		}
		v, ok := s.p.vars[name]
		if !ok && closer != ']' {
			s.p.undefined(s.line, name)
		}
		copied := min(len(v), n)
		out = append(out, v[:copied]...)
		n -= copied
		if s.p.substituted += copied; s.p.substituted > budget.Expansion {
			s.p.problems = append(s.p.problems, budget.Problem(s.line, "the variable substitutions of this configuration", budget.Expansion, "bytes in all",
				"the rest of the configuration, from this directive on, is not read"))
			s.p.stopped = true
			return ""
		}
		if copied < len(v) {
			// The value did not fit: vSubs stops, keeping what it has,
			// without an error.
			return string(out)
		}
		if closer != 0 {
			i++
		}
	}
	if i < len(w) {
		s.p.problem(s.line, "word longer than %d bytes after substitution: xrootd reports \"Substituted text too long\", drops the word and does not start", maxSubst)
		return ""
	}
	return string(out)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
