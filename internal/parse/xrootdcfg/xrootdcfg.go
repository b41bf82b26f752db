// Package xrootdcfg reads the XRootD configuration language the way
// XrdOucStream does, keeping file:line for every directive: `set` and
// `$var`/`$(var)`/`${var}` substitution, `if … else if … else … fi` on the
// host's name, `named` instance names, `defined` and `exec`, `continue` with
// files and directories, backslash continuation and repeated directives.
//
// The behaviour was pinned against XRootD 5.5.3's own preprocessor
// (`cconfig -c CFG -h HOST -n NAME -x PROG`); where it differs from the
// documentation the tests say so. Nothing in a config is ever executed.
package xrootdcfg

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Directive is one configuration directive after preprocessing.
type Directive struct {
	// Name is the directive as written, e.g. "ofs.authlib".
	Name string
	// Args are the words after the name, variables substituted.
	Args []string
	// Source is where the directive's first line is.
	Source inventory.Source
}

// Options are what the preprocessor's conditions test.
type Options struct {
	// Host is the host's own name (if <host pattern>).
	Host string
	// Instance is the instance name given with -n (if named).
	Instance string
	// Program is the executable reading the file (if exec); "xrootd".
	Program string
}

// Config is a preprocessed configuration.
type Config struct {
	Directives []Directive
	// Files are the files read, in order.
	Files []string
	// Problems are the parts that could not be read or make no sense to
	// xrootd; parsing goes on past them where xrootd would.
	Problems []inventory.Problem
}

// Find returns the directives with the given name, in order.
func (c *Config) Find(name string) []Directive {
	var out []Directive
	for _, d := range c.Directives {
		if d.Name == name {
			out = append(out, d)
		}
	}
	return out
}

// skippedSuffixes are files XrdOucStream passes over when `continue`
// names a directory: editor backups and package-manager leftovers.
var skippedSuffixes = []string{"~", ".rpmsave", ".rpmnew", ".rpmorig", ".dpkg-old", ".dpkg-dist", ".dpkg-new", ".cfsaved"}

// maxDepth bounds `continue` nesting; xrootd has no documented limit, but a
// chain this long is a loop in all but name.
const maxDepth = 32

type parser struct {
	fsys  *hostfs.FS
	opt   Options
	cfg   *Config
	vars  map[string]string
	stack []string // files being read, for loop detection
}

// Parse reads mainFile (a host path) and everything it continues to. It
// never fails: what cannot be read is a Problem.
func Parse(fsys *hostfs.FS, mainFile string, opt Options) *Config {
	p := &parser{fsys: fsys, opt: opt, cfg: &Config{}, vars: map[string]string{}}
	p.file(mainFile, inventory.Source{})
	return p.cfg
}

func (p *parser) problem(src inventory.Source, format string, a ...any) {
	p.cfg.Problems = append(p.cfg.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
}

func (p *parser) file(name string, from inventory.Source) {
	for _, f := range p.stack {
		if f == name {
			p.problem(from, "continue %s loops back to a file already being read", name)
			return
		}
	}
	if len(p.stack) >= maxDepth {
		p.problem(from, "continue nested more than %d deep", maxDepth)
		return
	}
	data, err := p.fsys.ReadFile(name)
	if err != nil {
		src := inventory.Source{File: name}
		if len(p.stack) > 0 {
			src = from
		}
		p.problem(src, "cannot read %s: %v", name, errUnwrapped(err))
		return
	}
	p.cfg.Files = append(p.cfg.Files, name)
	if bytes.IndexByte(data, 0) >= 0 {
		p.problem(inventory.Source{File: name}, "binary content (NUL bytes): not an xrootd config")
		return
	}
	if !utf8.Valid(data) {
		p.problem(inventory.Source{File: name}, "invalid UTF-8: values may not be what xrootd reads")
	}
	if bytes.Contains(data, []byte("\r\n")) {
		// cconfig keeps the carriage return as part of the last word, so
		// `config=/etc/xrootd/scitokens.cfg\r` names a file that does not
		// exist and `fi\r` is no fi.
		p.problem(inventory.Source{File: name}, "Windows (CRLF) line endings: xrootd reads the carriage return as part of the last word of each line")
	}
	p.stack = append(p.stack, name)
	p.lines(name, string(data))
	p.stack = p.stack[:len(p.stack)-1]
}

type ifFrame struct {
	src      inventory.Source
	active   bool // the current branch is taken
	anyTaken bool // some branch was taken already
	inElse   bool
}

func (p *parser) lines(name, text string) {
	lines := strings.Split(text, "\n")
	var frame *ifFrame
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := lines[i]
		// Backslash continuation joins the next line.
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + " " + lines[i]
		}
		src := inventory.Source{File: name, Line: start}
		words := fields(line)
		if len(words) == 0 || strings.HasPrefix(words[0], "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if strings.Contains(words[0], "\t") {
			// A tab before the directive name or inside it: cconfig shows
			// xrootd reads "\t# comment" as a directive, and
			// "ofs.authlib\tx" as one unknown word.
			p.problem(src, "tab in %q: xrootd does not split words on tabs, so this line is not the directive it looks like", strings.TrimSpace(line))
		}
		switch words[0] {
		case "if":
			if frame != nil {
				p.problem(src, "nested 'if' (xrootd does not nest if; it reports a missing 'fi' for the outer one)")
				continue
			}
			ok := p.condition(src, p.subst(src, words[1:]))
			frame = &ifFrame{src: src, active: ok, anyTaken: ok}
			continue
		case "else":
			if frame == nil {
				p.problem(src, "'else' without 'if'")
				continue
			}
			if frame.inElse {
				p.problem(src, "'else' after the final 'else'")
				continue
			}
			if len(words) > 1 && words[1] == "if" {
				ok := !frame.anyTaken && p.condition(src, p.subst(src, words[2:]))
				frame.active = ok
				frame.anyTaken = frame.anyTaken || ok
				continue
			}
			frame.inElse = true
			frame.active = !frame.anyTaken
			continue
		case "fi":
			if frame == nil {
				p.problem(src, "'fi' without 'if'")
			}
			frame = nil
			continue
		}
		if frame != nil && !frame.active {
			continue
		}
		switch words[0] {
		case "set", "setenv":
			p.set(src, words)
		case "continue":
			args := p.subst(src, words[1:])
			if len(args) == 0 {
				p.problem(src, "continue without a file or directory")
				continue
			}
			p.continueWith(args[0], src)
		default:
			p.cfg.Directives = append(p.cfg.Directives, Directive{Name: words[0], Args: p.subst(src, words[1:]), Source: src})
		}
	}
	if frame != nil {
		p.problem(frame.src, "missing 'fi' for this 'if'")
	}
}

func (p *parser) set(src inventory.Source, words []string) {
	// set name = value (the '=' is required: cconfig reports
	// "Missing '=' after set x" otherwise).
	if len(words) < 3 || words[2] != "=" {
		if len(words) >= 2 && strings.Contains(words[1], "=") {
			k, v, _ := strings.Cut(words[1], "=")
			if k != "" {
				p.assign(words[0], k, strings.Join(p.subst(src, append([]string{v}, words[2:]...)), " "))
				return
			}
		}
		p.problem(src, "missing '=' after %s", strings.Join(words[:min(2, len(words))], " "))
		return
	}
	p.assign(words[0], words[1], strings.Join(p.subst(src, words[3:]), " "))
}

// maxValue bounds a variable's value: `set x = $(x)$(x)` repeated doubles
// it each time, and a hostile or broken config must not exhaust memory.
const maxValue = 64 << 10

func (p *parser) assign(kind, name, value string) {
	if len(value) > maxValue {
		value = value[:maxValue]
	}
	if kind == "setenv" {
		// setenv changes the process environment, which $(var) does not
		// read (cconfig: "Variable FOO is undefined" after setenv FOO).
		p.vars["~"+name] = value
		return
	}
	p.vars[name] = strings.TrimSpace(value)
}

// condition evaluates the words after `if`.
func (p *parser) condition(src inventory.Source, words []string) bool {
	if len(words) == 0 {
		p.problem(src, "'if' without a condition")
		return false
	}
	switch words[0] {
	case "defined":
		if len(words) == 1 {
			p.problem(src, "'?var' missing after 'defined'")
			return false
		}
		for _, w := range words[1:] {
			switch {
			case strings.HasPrefix(w, "?~"):
				// An environment variable of the xrootd process: not
				// knowable from files, except what setenv set.
				if _, ok := p.vars["~"+w[2:]]; ok {
					return true
				}
			case strings.HasPrefix(w, "?"):
				if _, ok := p.vars[w[1:]]; ok {
					return true
				}
			default:
				p.problem(src, "'?var' missing after 'defined' (got %q)", w)
				return false
			}
		}
		return false
	case "exec":
		for _, w := range words[1:] {
			if w == p.opt.Program {
				return true
			}
		}
		return false
	}
	hosts := words
	var names []string
	for i, w := range words {
		if w == "named" {
			hosts, names = words[:i], words[i+1:]
			if len(names) == 0 {
				p.problem(src, "instance name missing after 'named'")
				return false
			}
			break
		}
	}
	ok := true
	if len(hosts) > 0 {
		ok = false
		for _, h := range hosts {
			if m, _ := path.Match(h, p.opt.Host); m {
				ok = true
				break
			}
		}
	}
	if ok && names != nil {
		ok = false
		for _, n := range names {
			if m, _ := path.Match(n, p.opt.Instance); m {
				ok = true
				break
			}
		}
	}
	return ok
}

func (p *parser) continueWith(target string, from inventory.Source) {
	st, err := p.fsys.Stat(target)
	if err != nil {
		p.problem(from, "cannot read %s: %v", target, errUnwrapped(err))
		return
	}
	if !st.IsDir() {
		p.file(target, from)
		return
	}
	entries, err := p.fsys.ReadDir(target)
	if err != nil {
		p.problem(from, "cannot read directory %s: %v", target, errUnwrapped(err))
		return
	}
	for _, e := range entries {
		if skipped(e.Name()) {
			continue
		}
		full := path.Join(target, e.Name())
		if st, err := p.fsys.Stat(full); err == nil && st.IsDir() {
			continue
		}
		p.file(full, from)
	}
}

func skipped(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	for _, s := range skippedSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// subst replaces $name, $(name) and ${name} with values set by `set`.
// An undefined variable becomes empty, as in xrootd, and is reported.
func (p *parser) subst(src inventory.Source, words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if !strings.Contains(w, "$") {
			out = append(out, w)
			continue
		}
		var b strings.Builder
		for i := 0; i < len(w); i++ {
			if w[i] != '$' || i+1 >= len(w) {
				b.WriteByte(w[i])
				continue
			}
			var name string
			switch w[i+1] {
			case '(', '{':
				closer := byte(')')
				if w[i+1] == '{' {
					closer = '}'
				}
				end := strings.IndexByte(w[i+2:], closer)
				if end < 0 {
					b.WriteByte(w[i])
					continue
				}
				name = w[i+2 : i+2+end]
				i += 2 + end
			default:
				j := i + 1
				for j < len(w) && isVarChar(w[j]) {
					j++
				}
				if j == i+1 {
					b.WriteByte(w[i])
					continue
				}
				name = w[i+1 : j]
				i = j - 1
			}
			v, ok := p.vars[name]
			if !ok {
				// xrootd then looks in its process environment ($PWD,
				// $SOURCE_DIR in the xrootd test configs), which no file
				// tells; the value is unknown here.
				p.problem(src, "variable %s is not set in the config; xrootd would take it from its environment, unknown to this scan", name)
			}
			b.WriteString(v)
		}
		if s := b.String(); s != "" {
			out = append(out, fields(s)...)
		}
	}
	return out
}

func isVarChar(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// errUnwrapped keeps only the OS-level reason (the path is already named).
func errUnwrapped(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fs.ErrNotExist
	}
	return err
}

// fields splits on blanks only, as XrdOucStream does: cconfig keeps a tab
// inside a word ("all.d a\t b" stays three words, the second "a\t") and a
// carriage return at the end of one (`config=/x.cfg\r`).
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' })
}
