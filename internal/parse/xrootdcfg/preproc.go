package xrootdcfg

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// This file is a port of XrdOucStream::GetMyFirstWord and what it calls
// (doif, doelse, docont, isSet) and of XrdOucUtils::doIf, XRootD 5.5.3.

// maxSetValue is XrdOucStream's maxVLen: a longer `set` value is refused.
const maxSetValue = 512

// maxVarName bounds variable names (isSet's Vname[64]).
const maxVarName = 63

// maxValueFile is getValue's buffer: `set x < file` reads files under 1 KiB.
const maxValueFile = 1024

// parser is one reading of a configuration, with one stream view.
type parser struct {
	fsys *hostfs.FS
	opt  Options

	vars    map[string]string // `set` variables (the stream's XrdOucEnv)
	env     map[string]string // the process environment, as far as known
	unknown map[string]bool   // variables whose value the scan cannot know

	s       *stream
	sawif   int  // 0 no if, 1 in if, 2 after a naked else
	skpel   bool // a branch was taken: skip the else branches
	stopped bool
	noFi    bool // a missing fi was reported already
	// substituted counts the bytes variable values put into words,
	// against budget.Expansion, and words the words read, against
	// budget.Words.
	substituted int
	words       int

	directives []Directive
	files      []string
	problems   []inventory.Problem
	sawTab     bool
}

func (p *parser) problem(src inventory.Source, format string, a ...any) {
	p.problems = append(p.problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
}

// undefined reports a reference to a variable that `set` never defined,
// unless its value was already reported as unknowable.
func (p *parser) undefined(src inventory.Source, name string) {
	if p.unknown[name] {
		return
	}
	p.problem(src, "variable %s is not defined: xrootd reports \"Variable %s is undefined.\" and does not start", name, name)
}

// switchTo is docontF: continue reading with another file. The rest of the
// current file is never read: `continue` is a jump, not an include.
func (p *parser) switchTo(file string, missingOK bool, from inventory.Source) bool {
	data, err := p.fsys.ReadFile(file)
	if err != nil {
		if missingOK && errors.Is(err, fs.ErrNotExist) {
			return true
		}
		if from.File == file && from.Line == 0 {
			p.problem(from, "cannot read the configuration file (%s)", reason(err))
		} else {
			p.problem(from, "cannot read %s (%s): xrootd stops reading its configuration here and does not start", file, reason(err))
		}
		return false
	}
	for _, f := range p.files {
		if f == file {
			p.problem(from, "continue goes back to %s, which was already read: xrootd reads its directives a second time", file)
			break
		}
	}
	lines, nulAt := splitLines(data, p.s.notabs)
	p.problems = append(p.problems, fileNotes(file, data, lines, nulAt)...)
	if strings.ContainsRune(string(data), '\t') {
		p.sawTab = true
	}
	p.files = append(p.files, file)
	p.s.in = &input{file: file, lines: lines}
	p.s.toks = nil
	return true
}

// reason keeps the OS-level reason of a hostfs error (the path is named
// by the caller).
func reason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, hostfs.ErrLoop):
		return "too many levels of symbolic links"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// run reads the whole configuration.
func (p *parser) run(mainFile string) {
	if !p.switchTo(mainFile, false, inventory.Source{File: mainFile}) {
		// The problem names the file and the reason already.
		return
	}
	for {
		name, ok := p.nextDirective()
		if !ok {
			return
		}
		p.directive(name)
	}
}

// nextDirective is GetMyFirstWord.
func (p *parser) nextDirective() (string, bool) {
	if p.stopped {
		return "", false
	}
	for {
		word, ok := p.s.firstWord()
		if !ok {
			if p.sawif != 0 && !p.noFi {
				p.problem(p.s.line, "missing 'fi' for the last 'if': xrootd reports \"Missing 'fi' for last 'if'.\" and does not start")
			}
			return "", false
		}
		if word == "continue" {
			if !p.doContinue() {
				p.stopped = true
				return "", false
			}
			continue
		}
		if word == "if" {
			word, ok = p.doIf()
		}
		if ok && word == "else" {
			word, ok = p.doElse()
		}
		if ok && word == "fi" {
			if p.sawif != 0 {
				p.sawif, p.skpel = 0, false
			} else {
				p.problem(p.s.line, "'fi' without a preceding 'if': xrootd reports \"No preceding 'if' for 'fi'.\" and does not start")
			}
			continue
		}
		if !ok {
			continue
		}
		if word == "set" || word == "setenv" {
			p.set(word)
			continue
		}
		if len(p.directives) >= budget.Statements {
			p.problems = append(p.problems, budget.Problem(p.s.line, "the directives of this configuration", budget.Statements, "statements",
				"this directive and the ones after it are not read"))
			p.stopped = true
			return "", false
		}
		return word, true
	}
}

// doIf is XrdOucStream::doif: evaluate the condition; when it is false,
// skip to the matching else or fi. It returns the else or fi it stopped
// at, or false when the lines that follow apply.
func (p *parser) doIf() (string, bool) {
	src := p.s.line
	if p.sawif != 0 {
		// if does not nest: the earlier if is left open.
		p.problem(src, "'if' inside an 'if': xrootd does not nest them, reports \"Missing 'fi' for last 'if'.\" and does not start")
	}
	p.sawif, p.skpel = 1, false
	switch p.condition(src, "if directive", p.s.word) {
	case condTrue:
		p.skpel = true
		return "", false
	case condError:
		// The lines that follow apply, as they would were it true, but
		// the else branches are not skipped.
		return "", false
	}
	for {
		w, ok := p.s.firstWord()
		if !ok {
			break
		}
		if w == "fi" || w == "else" {
			return w, true
		}
	}
	p.problem(src, "missing 'fi' for this 'if': xrootd reports \"Missing 'fi' for last 'if'.\" and does not start")
	p.noFi = true
	return "", false
}

// doElse is XrdOucStream::doelse.
func (p *parser) doElse() (string, bool) {
	src := p.s.line
	if p.sawif == 0 || p.sawif == 2 {
		p.problem(src, "'else' without a preceding 'if': xrootd reports \"No preceding 'if' for 'else'.\" and does not start")
		return "", false
	}
	if p.skpel {
		for {
			w, ok := p.s.firstWord()
			if !ok {
				break
			}
			if w == "fi" {
				return w, true
			}
		}
		p.problem(src, "missing 'fi' after this 'else': xrootd reports \"Missing 'fi' for last 'if'.\" and does not start")
		p.noFi = true
		return "", false
	}
	for {
		w, ok := p.s.word()
		if !ok {
			p.sawif = 2 // a naked else always applies
			return "", false
		}
		if w != "if" {
			p.problem(src, "'else %s' is invalid: only 'else' or 'else if' are; xrootd does not start", w)
			return "", false
		}
		p.sawif = 0
		w, ok = p.doIf()
		if !ok || w != "else" {
			return w, ok
		}
	}
}

// doContinue is XrdOucStream::docont. It reports false when xrootd stops
// reading the configuration.
func (p *parser) doContinue() bool {
	src := p.s.line
	if p.sawif != 0 {
		p.problem(src, "'continue' inside 'if'-'fi': xrootd reports \"'continue' invalid within 'if-fi'.\", stops reading here and does not start")
		return false
	}
	target, ok := p.s.word()
	if !ok {
		return true // a bare continue is ignored
	}
	var suffixes []string
	w, ok := p.s.word()
	for ok && strings.HasPrefix(w, "*") {
		if len(w) == 1 {
			p.problem(src, "suffix missing after '*' in continue: xrootd stops reading here and does not start")
			return false
		}
		suffixes = append(suffixes, w[1:])
		w, ok = p.s.word()
	}
	if ok && w != "if" {
		p.problem(src, "continue expects 'if' but found %q: xrootd stops reading here and does not start", w)
		return false
	}
	// A condition that is in error does not stop the continue: doIf's
	// negative result is not false to docont.
	if ok && p.condition(src, "continue directive", p.s.word) == condFalse {
		return true
	}
	return p.continueTo(target, suffixes, src)
}

// continueTo is the second half of docont. It is also xrootd's own bound
// on includes: a file or directory reached by `continue` may not continue
// again ("'continue' in a continuation is not allowed."), so a
// configuration is at most its main file and one continuation, the files
// of a directory included
// (https://github.com/xrootd/xrootd/blob/v5.5.3/src/XrdOuc/XrdOucStream.cc,
// XrdOucStream::docont, unchanged in v6.1.0). A directory's files are not
// bounded there; the scan reads at most budget.Visits of them.
func (p *parser) continueTo(target string, suffixes []string, src inventory.Source) bool {
	if p.s.inDir || p.s.contAdd {
		p.problem(src, "'continue' in a file reached by 'continue': xrootd reports \"'continue' in a continuation is not allowed.\", stops reading here and does not start")
		return false
	}
	missingOK := strings.HasPrefix(target, "?")
	if missingOK {
		target = target[1:]
		if target == "" {
			return true
		}
	}
	if !path.IsAbs(target) {
		p.problem(src, "continue %s: a relative path is resolved against xrootd's working directory, which the scan does not know; the rest of the configuration is not read", target)
		return false
	}
	st, err := p.fsys.Stat(target)
	if err != nil {
		if missingOK && errors.Is(err, fs.ErrNotExist) {
			return true
		}
		p.problem(src, "cannot read %s (%s): xrootd stops reading its configuration here and does not start", target, reason(err))
		return false
	}
	if !st.IsDir() {
		p.s.contAdd = true
		return p.switchTo(target, missingOK, src)
	}
	files, ok := p.dirFiles(target, suffixes, src)
	if !ok {
		return false
	}
	if len(files) > budget.Visits {
		p.problems = append(p.problems, budget.Problem(src, "continue "+target, budget.Visits, "files per configuration",
			fmt.Sprintf("%s and the files after it are not read", files[budget.Visits])))
		files = files[:budget.Visits]
	}
	if len(files) == 0 {
		// docontD returns false without an error: the configuration
		// silently ends here.
		if next, more := p.s.peekMore(); more {
			p.problem(src, "continue %s: the directory holds no configuration file, so xrootd silently stops reading here and ignores what follows (from line %d)", target, next)
		}
		return false
	}
	p.s.inDir = true
	p.s.dir = files[1:]
	return p.switchTo(files[0], false, src)
}

// peekMore reports whether the current file has another directive line
// after the current one, and its line number.
func (s *stream) peekMore() (int, bool) {
	if s.in == nil {
		return 0, false
	}
	for _, l := range s.in.lines[s.in.next:] {
		if _, _, _, ok := splitFirst(l.text); ok {
			return l.num, true
		}
	}
	return 0, false
}

// skippedSuffixes are KeepFile's: editor backups and package-manager
// leftovers in a continued directory. (.rpmorig and .dpkg-new are not in
// XRootD's list, and cconfig reads them.)
var skippedSuffixes = []string{".cfsaved", ".rpmsave", ".rpmnew", ".dpkg-old", ".dpkg-dist", "~"}

// dirFiles lists the files of a continued directory as docontD does:
// regular files (links followed), not executable, not hidden, without a
// leftover suffix — or, when suffixes were given, only those with one of
// them — in byte order of their paths.
func (p *parser) dirFiles(dir string, suffixes []string, src inventory.Source) ([]string, bool) {
	entries, err := p.fsys.ReadDir(dir)
	if err != nil {
		p.problem(src, "cannot list %s (%s): xrootd reports \"index config files in\" this directory failed and does not start", dir, reason(err))
		return nil, false
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		full := path.Join(dir, name)
		st, err := p.fsys.Stat(full)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // a dangling link: NSWalk skips it
			}
			p.problem(src, "cannot read %s (%s): xrootd fails to index %s and does not start", full, reason(err), dir)
			return nil, false
		}
		if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 != 0 || !keepFile(name, suffixes) {
			continue
		}
		out = append(out, full)
		if len(out) > budget.Visits {
			break // one more than the budget: the caller says so
		}
	}
	// ReadDir sorts by name; std::set<std::string> of full paths gives the
	// same byte order within one directory.
	return out, true
}

// keepFile is XrdOucStream's KeepFile.
func keepFile(name string, suffixes []string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	if len(suffixes) > 0 {
		for _, s := range suffixes {
			if len(s) < len(name) && strings.HasSuffix(name, s) {
				return true
			}
		}
		return false
	}
	for _, s := range skippedSuffixes {
		if len(s) < len(name) && strings.HasSuffix(name, s) {
			return false
		}
	}
	return true
}

// set is XrdOucStream::isSet: `set name = value`, `set name=value`,
// `set name < file` and the same for setenv. A value that begins with $
// is taken whole from elsewhere: for set from the process environment, for
// setenv from the set variables.
func (p *parser) set(kind string) {
	src := p.s.line
	isSet := kind == "set"
	tok, ok := p.s.token()
	if !ok {
		p.problem(src, "missing variable name after '%s': xrootd does not start", kind)
		return
	}
	if isSet && (tok == "-q" || tok == "-v" || tok == "-V") {
		return // echo options
	}
	name, value, op := tok, "", byte(0)
	if i := strings.IndexByte(tok, '='); i >= 0 {
		name, value, op = tok[:i], tok[i+1:], '='
	} else if i := strings.IndexByte(tok, '<'); i >= 0 {
		name, value, op = tok[:i], tok[i+1:], '<'
	}
	if len(name) > maxVarName {
		p.problem(src, "%s variable name %.20s… is longer than %d characters: xrootd does not start", kind, name, maxVarName)
		return
	}
	if !isSet && strings.HasPrefix(name, "XRD") {
		p.problem(src, "setenv variable %s may not start with 'XRD': xrootd does not start", name)
		return
	}
	for i := 0; i < len(name); i++ {
		if !isAlnum(name[i]) && name[i] != '_' {
			p.problem(src, "%s variable %s is not alphanumeric: xrootd does not start", kind, name)
			return
		}
	}
	if op == 0 {
		t, ok := p.s.token()
		if !ok || (t[0] != '=' && t[0] != '<') {
			p.problem(src, "missing '=' after %s %s: xrootd reports \"Missing '=' after %s %s\" and does not start", kind, name, kind, name)
			return
		}
		op, value = t[0], t[1:]
	}
	if value == "" {
		value, _ = p.s.token()
	}
	if op == '<' {
		if value == "" {
			p.problem(src, "%s %s < : the path to the value is missing; xrootd does not start", kind, name)
			return
		}
		v, ok := p.valueFile(src, value)
		if !ok {
			return
		}
		value = v
	}
	if strings.HasPrefix(value, "$") {
		v, ok := p.setReference(src, isSet, name, value)
		if !ok {
			return
		}
		value = v
	}
	if len(value) > maxSetValue {
		p.problem(src, "%s %s: the value is longer than %d bytes; xrootd does not start", kind, name, maxSetValue)
		return
	}
	if isSet {
		p.vars[name] = value
		delete(p.unknown, name)
	} else {
		p.env[name] = value
	}
}

// setReference resolves `set x = $NAME` (the environment) and `setenv X =
// $name` (a set variable). Only the reference counts: "$(a)b" is a.
func (p *parser) setReference(src inventory.Source, isSet bool, name, value string) (string, bool) {
	ref := value[1:]
	var closer byte
	if ref != "" {
		switch ref[0] {
		case '(':
			closer = ')'
		case '{':
			closer = '}'
		case '[':
			closer = ']'
		}
	}
	if closer != 0 {
		ref = ref[1:]
		if i := strings.IndexByte(ref, closer); i >= 0 {
			ref = ref[:i]
		} else {
			closer = 0
		}
	}
	if ref == "" {
		p.problem(src, "variable reference %q is malformed: xrootd does not start", value)
		return "", false
	}
	if isSet {
		if v, ok := p.env[ref]; ok {
			return v, true
		}
		if closer == ']' {
			return "", true
		}
		p.unknown[name] = true
		p.problem(src, "set %s = %s takes its value from xrootd's environment variable %s, which the scan cannot see; what depends on %s is unknown", name, value, ref, name)
		return "", false
	}
	if v, ok := p.vars[ref]; ok {
		return v, true
	}
	if closer == ']' {
		return "", true
	}
	p.undefined(src, ref)
	return "", false
}

// valueFile reads `set x < file` as getValue does: the whole file, under
// 1 KiB, newline included.
func (p *parser) valueFile(src inventory.Source, file string) (string, bool) {
	if !path.IsAbs(file) {
		p.problem(src, "value file %s is a relative path, resolved against xrootd's working directory, which the scan does not know", file)
		return "", false
	}
	data, err := p.fsys.ReadFile(file)
	if err != nil {
		p.problem(src, "cannot read the value file %s (%s): xrootd does not start", file, reason(err))
		return "", false
	}
	if len(data) >= maxValueFile {
		p.problem(src, "value file %s is %d bytes, xrootd takes values from files under %d bytes: it does not start", file, len(data), maxValueFile)
		return "", false
	}
	return string(data), true
}

type condResult int

const (
	condFalse condResult = iota
	condTrue
	condError
)

// condition is XrdOucUtils::doIf over the words after `if`:
//
//	if [<hosts>] [defined ?var… [&& …]] [exec <programs> [&& named …]] [named <names>]
//
// Hosts match exactly or with one '*' (XrdNetUtils::Match); names and
// programs match exactly.
func (p *parser) condition(src inventory.Source, what string, word func() (string, bool)) condResult {
	fail := func(format string, a ...any) condResult {
		p.problem(src, "%s in %s: xrootd does not start", fmt.Sprintf(format, a...), what)
		return condError
	}
	isKey := func(w string) bool { return w == "defined" || w == "exec" || w == "named" }
	val, ok := word()
	if !ok {
		return fail("host name missing after 'if'")
	}
	if !isKey(val) {
		hostOK := false
		for {
			hostOK = p.matchHost(src, val)
			val, ok = word()
			if hostOK || !ok || isKey(val) {
				break
			}
		}
		if !hostOK {
			return condFalse
		}
		for ok && !isKey(val) {
			val, ok = word()
		}
		if !ok {
			return condTrue
		}
	}
	for val == "defined" {
		val, ok = word()
		if !ok || !strings.HasPrefix(val, "?") {
			return fail("'?var' missing after 'defined'")
		}
		isDef := false
		for ok && strings.HasPrefix(val, "?") {
			if p.isDefined(src, val[1:]) {
				isDef = true
			}
			val, ok = word()
		}
		if !ok || !isDef {
			return boolCond(isDef)
		}
		if val != "&&" {
			return fail("%q is invalid for the defined test", val)
		}
		if val, ok = word(); !ok {
			return fail("missing keyword after '&&'")
		}
		if !isKey(val) {
			return fail("%q is invalid after '&&'", val)
		}
	}
	if val == "exec" {
		val, ok = word()
		if !ok || val == "&&" {
			return fail("program name missing after 'if exec'")
		}
		if p.opt.Program == "" {
			return condFalse
		}
		for ok && val != p.opt.Program {
			if val == "&&" {
				return condFalse
			}
			val, ok = word()
		}
		if !ok {
			return condFalse
		}
		for ok && val != "&&" {
			val, ok = word()
		}
		if !ok {
			return condTrue
		}
		if val, ok = word(); !ok {
			return fail("keyword missing after '&&'")
		}
		if val != "named" {
			return fail("%q is invalid after '&&'", val)
		}
	}
	if val, ok = word(); !ok {
		return fail("instance name missing after 'if named'")
	}
	for ok && val != p.instance() {
		val, ok = word()
	}
	return boolCond(ok)
}

func boolCond(b bool) condResult {
	if b {
		return condTrue
	}
	return condFalse
}

// instance is XrdOucUtils::InstName: no name is "anon".
func (p *parser) instance() string {
	if p.opt.Instance == "" {
		return "anon"
	}
	return p.opt.Instance
}

// isDefined tests ?name (a set variable) or ?~name (the environment).
func (p *parser) isDefined(src inventory.Source, v string) bool {
	if env, ok := strings.CutPrefix(v, "~"); ok {
		if _, ok := p.env[env]; ok {
			return true
		}
		p.problem(src, "'if defined ?~%s' tests xrootd's environment, which the scan cannot see: taken as undefined", env)
		return false
	}
	_, ok := p.vars[v]
	return ok
}

// matchHost is XrdNetUtils::Match: equal, or one '*' standing for any run
// of characters. A pattern ending in '+' names a DNS alias, resolved by
// xrootd at start; the scan does not resolve names.
func (p *parser) matchHost(src inventory.Source, pattern string) bool {
	host := p.opt.Host
	if pattern == host {
		return true
	}
	if i := strings.IndexByte(pattern, '*'); i >= 0 {
		prefix, suffix := pattern[:i], pattern[i+1:]
		return len(prefix)+len(suffix) <= len(host) && strings.HasPrefix(host, prefix) && strings.HasSuffix(host, suffix)
	}
	if strings.HasSuffix(pattern, "+") && len(pattern) > 1 {
		if strings.TrimSuffix(pattern, "+") == host {
			return true
		}
		p.problem(src, "host %s is a DNS alias xrootd expands when it starts; the scan does not resolve names and takes it as not this host", pattern)
	}
	return false
}
