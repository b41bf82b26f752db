// Package fix turns the mechanical edits of a scan's findings into one
// unified diff against the host's own files (`ttt-check scan --diff`). It
// reads the files through the scan's host filesystem and never writes:
// the admin reviews the diff and applies it with patch(1).
//
// Every edit says what its lines read when the host was scanned; an edit
// whose lines read otherwise now, or that overlaps another finding's, is
// not applied, and its finding is left for the admin with the reason. A
// finding counts as fixed only when all of its edits apply.
package fix

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Context is the number of unchanged lines around each hunk.
const Context = 3

// Options say where the host's root is.
type Options struct {
	// Root is the directory the host's files are read under (--root; "/"
	// on the live host). The diff names files relative to it, as on the
	// host without the leading slash, so that `patch -d ROOT -p0`
	// applies it (GNU patch refuses absolute file names).
	Root string
	// Sensitive says a line must not be shown (it holds a secret the
	// output would redact): it is never used as context, so the diff
	// still applies where the lines it does show were redacted nowhere.
	Sensitive func(line string) bool
}

// Reader reads a host file (hostfs.FS.ReadFile).
type Reader interface {
	ReadFile(name string) ([]byte, error)
}

var _ Reader = (*hostfs.FS)(nil)

// replacement is a committed replace edit.
type replacement struct {
	start int
	old   []string
	new   []string
	by    finding.Finding
}

func (r replacement) end() int { return r.start + len(r.old) - 1 }

// file is one host file and the edits committed to it.
type file struct {
	path    string
	lines   []string
	exists  bool
	noEOL   bool
	readErr error
	repl    []replacement
	before  map[int][]string
	after   map[int][]string
	tail    []string
	tailBy  *finding.Finding // the finding whose lines the tail holds
	added   []finding.Edit   // inserts and appends, to drop repeats
}

// Diff renders the edits of the failing findings (waived ones and those
// of services systemd does not start are left alone) in the order given,
// which is the report's: the worst first, so that of two findings whose
// edits overlap, the worse one's is applied.
func Diff(fsys Reader, findings []finding.Finding, opt Options) *finding.Patch {
	p := &finding.Patch{Root: opt.Root}
	files := map[string]*file{}
	get := func(path string) *file {
		f, ok := files[path]
		if !ok {
			f = &file{path: path, before: map[int][]string{}, after: map[int][]string{}}
			data, err := fsys.ReadFile(path)
			switch {
			case err == nil:
				f.exists = true
				text := string(data)
				f.noEOL = text != "" && !strings.HasSuffix(text, "\n")
				text = strings.TrimSuffix(text, "\n")
				if text != "" || len(data) > 0 {
					f.lines = strings.Split(text, "\n")
				}
			case errors.Is(err, fs.ErrNotExist):
			default:
				f.readErr = err
			}
			files[path] = f
		}
		return f
	}
	for _, f := range findings {
		if f.Status != vocab.StatusFail {
			continue
		}
		if len(f.Edits) == 0 {
			p.Left = append(p.Left, finding.Left{Finding: f, Reason: "no mechanical fix"})
			continue
		}
		var plan []func()
		reason := ""
		for _, e := range f.Edits {
			step, why := check(get(e.File), e, f)
			if why != "" {
				reason = why
				break
			}
			plan = append(plan, step)
		}
		if reason != "" {
			p.Left = append(p.Left, finding.Left{Finding: f, Reason: reason})
			continue
		}
		for _, step := range plan {
			step()
		}
		p.Fixed = append(p.Fixed, f)
	}
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, path := range paths {
		b.WriteString(files[path].diff(opt.Sensitive))
	}
	p.Diff = b.String()
	return p
}

// check validates an edit against the file and what is committed, and
// returns the step that commits it, or why it cannot be applied.
func check(f *file, e finding.Edit, by finding.Finding) (func(), string) {
	if f.readErr != nil {
		return nil, fmt.Sprintf("%s cannot be read: %v", e.File, f.readErr)
	}
	if !f.exists && e.Op != finding.EditAppend {
		return nil, e.File + " no longer exists"
	}
	reads := func(line int, want []string) string {
		for i, w := range want {
			n := line + i
			if n < 1 || n > len(f.lines) || f.lines[n-1] != w {
				return fmt.Sprintf("%s:%d no longer reads %q: the file changed since the scan", e.File, n, w)
			}
		}
		return ""
	}
	switch e.Op {
	case finding.EditReplace:
		if len(e.Old) == 0 {
			return nil, "an edit of " + e.File + " replaces nothing"
		}
		if why := reads(e.Line, e.Old); why != "" {
			return nil, why
		}
		r := replacement{start: e.Line, old: e.Old, new: e.New, by: by}
		var drop []int
		for i, c := range f.repl {
			if r.end() < c.start || c.end() < r.start {
				continue
			}
			switch {
			case c.start == r.start && slices.Equal(c.old, r.old) && slices.Equal(c.new, r.new):
				return func() {}, ""
			case len(c.new) == 0 && c.start <= r.start && r.end() <= c.end():
				// A line the worse finding removes needs no other change.
				return func() {}, ""
			case len(r.new) == 0 && r.start <= c.start && c.end() <= r.end():
				drop = append(drop, i)
			default:
				return nil, fmt.Sprintf("overlaps the fix of %s at %s:%d", c.by.Check, e.File, c.start)
			}
		}
		return func() {
			kept := f.repl[:0]
			for i, c := range f.repl {
				if !slices.Contains(drop, i) {
					kept = append(kept, c)
				}
			}
			f.repl = append(kept, r)
		}, ""
	case finding.EditInsertAfter, finding.EditInsertBefore:
		if e.Line > 0 || e.Op == finding.EditInsertBefore {
			if len(e.Old) != 1 {
				return nil, "an insert into " + e.File + " names no anchor line"
			}
			if why := reads(e.Line, e.Old); why != "" {
				return nil, why
			}
		}
	case finding.EditAppend:
	default:
		return nil, "unknown edit " + e.Op
	}
	if slices.ContainsFunc(f.added, e.Equal) {
		return func() {}, ""
	}
	// Two findings that add different lines at the end of one file (two
	// services that read it) would both add them: the worse one does.
	if e.Op == finding.EditAppend && f.tailBy != nil && f.tailBy.Fingerprint != by.Fingerprint {
		return nil, fmt.Sprintf("overlaps the fix of %s, which adds to the end of %s", f.tailBy.Check, e.File)
	}
	return func() {
		if e.Op == finding.EditAppend && f.tailBy == nil {
			f.tailBy = &by
		}
		f.added = append(f.added, e)
		switch e.Op {
		case finding.EditInsertAfter:
			f.after[e.Line] = append(f.after[e.Line], e.New...)
		case finding.EditInsertBefore:
			f.before[e.Line] = append(f.before[e.Line], e.New...)
		case finding.EditAppend:
			f.tail = append(f.tail, e.New...)
		}
	}, ""
}

// elem is one line of the diff's script: kept (' '), removed ('-') or
// added ('+'); eol is false for a line without a final newline.
type elem struct {
	kind byte
	text string
	eol  bool
}

// script lays the file's lines and its committed edits out in order.
func (f *file) script() []elem {
	var out []elem
	add := func(lines []string) {
		for _, l := range lines {
			out = append(out, elem{'+', l, true})
		}
	}
	starts := map[int]replacement{}
	for _, r := range f.repl {
		starts[r.start] = r
	}
	add(f.after[0])
	for i := 1; i <= len(f.lines); i++ {
		add(f.before[i])
		eol := i < len(f.lines) || !f.noEOL
		if r, ok := starts[i]; ok {
			for j := range r.old {
				n := r.start + j
				out = append(out, elem{'-', f.lines[n-1], n < len(f.lines) || !f.noEOL})
			}
			add(r.new)
			for j := r.start; j <= r.end(); j++ {
				if j > r.start {
					add(f.before[j])
				}
				add(f.after[j])
			}
			i = r.end()
			continue
		}
		out = append(out, elem{' ', f.lines[i-1], eol})
		add(f.after[i])
	}
	add(f.tail)
	// A last line without a newline that is followed by added lines gets
	// one: it is removed as it was and added back with it.
	for i := len(out) - 1; i >= 0; i-- {
		e := out[i]
		if e.kind != '+' && !e.eol {
			if i < len(out)-1 && slices.ContainsFunc(out[i+1:], func(x elem) bool { return x.kind == '+' }) {
				if e.kind == ' ' {
					out = slices.Insert(out, i+1, elem{'+', e.text, true})
					out[i].kind = '-'
				}
			}
			break
		}
	}
	return out
}

// diff renders the file's unified diff ("" when nothing changes), with
// the file named relative to the host's root.
func (f *file) diff(sensitive func(string) bool) string {
	s := f.script()
	hidden := func(k int) bool { return sensitive != nil && s[k].kind == ' ' && sensitive(s[k].text) }
	var changes []int
	for i, e := range s {
		if e.kind != ' ' {
			changes = append(changes, i)
		}
	}
	if len(changes) == 0 {
		return ""
	}
	// Line numbers of the old and new file before each element.
	oldBefore, newBefore := make([]int, len(s)+1), make([]int, len(s)+1)
	for i, e := range s {
		oldBefore[i+1], newBefore[i+1] = oldBefore[i], newBefore[i]
		if e.kind != '+' {
			oldBefore[i+1]++
		}
		if e.kind != '-' {
			newBefore[i+1]++
		}
	}
	var b bytes.Buffer
	name := strings.TrimPrefix(f.path, "/")
	from := name
	if !f.exists {
		from = "/dev/null"
	}
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, name)
	// between reports whether a context line between two elements must
	// not be shown, so that the hunks are split there.
	between := func(a, b int) bool {
		for k := a + 1; k < b; k++ {
			if hidden(k) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(changes); {
		j := i
		for j+1 < len(changes) && changes[j+1]-changes[j]-1 <= 2*Context && !between(changes[j], changes[j+1]) {
			j++
		}
		start := changes[i]
		for k := changes[i] - 1; k >= max(changes[i]-Context, 0) && !hidden(k); k-- {
			start = k
		}
		stop := changes[j]
		for k := changes[j] + 1; k <= min(changes[j]+Context, len(s)-1) && !hidden(k); k++ {
			stop = k
		}
		// GNU patch anchors a hunk with less leading than trailing context
		// at the start of the file, and one with less trailing context at
		// its end: where a hidden line, not the file's edge, cut one side
		// short, the other is cut to match.
		pre, post := changes[i]-start, stop-changes[j]
		if pre < post && start > 0 {
			stop = changes[j] + pre
		}
		if post < pre && stop < len(s)-1 {
			start = changes[i] - post
		}
		oldN, newN := oldBefore[stop+1]-oldBefore[start], newBefore[stop+1]-newBefore[start]
		oldAt, newAt := oldBefore[start], newBefore[start]
		if oldN > 0 {
			oldAt++
		}
		if newN > 0 {
			newAt++
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", oldAt, oldN, newAt, newN)
		for _, e := range s[start : stop+1] {
			fmt.Fprintf(&b, "%c%s\n", e.kind, e.text)
			if !e.eol {
				b.WriteString("\\ No newline at end of file\n")
			}
		}
		i = j + 1
	}
	return b.String()
}
