// Package xrootdcfg reads the XRootD configuration language the way
// XRootD's own XrdOucStream does, keeping file:line for every directive.
//
// It follows the code of XRootD 5.5.3 (src/XrdOuc/XrdOucStream.cc,
// XrdOucUtils.cc; the reading rules are unchanged up to 6.1) and is tested
// against cconfig, XRootD's preprocessor. Where the documentation suggests
// otherwise, the code wins:
//
//   - `continue FILE` is a jump, not an include: the rest of the current
//     file is never read, and a file reached by `continue` may not continue
//     again. `continue DIR/` reads the directory's files in byte order,
//     skipping hidden and executable files and .cfsaved, .rpmsave,
//     .rpmnew, .dpkg-old, .dpkg-dist and ~ leftovers (or keeping only the
//     `*suffix` files named); an empty directory silently ends the
//     configuration.
//   - `if` does not nest; `else if` chains; `continue` inside if-fi stops
//     reading. Host patterns allow one '*'; `named` and `exec` compare
//     exactly; no instance name is "anon".
//   - `set x = $NAME` takes NAME from the process environment, whole (what
//     follows the reference is dropped); `$var`, `$(var)`, `${var}` and
//     `$[var]` in directives name `set` variables, whose names are letters
//     and digits only.
//   - Words are split at blanks only: a tab is part of a word, except for
//     the sec.* and acc.* components, which read with tabs as blanks.
//   - `all.role`, `all.manager`, `xrd.port` (and their cms./ofs. forms) may
//     end in `if …`; the directive applies only when the condition holds.
//
// Nothing in a configuration is ever executed: `if exec` compares program
// names, and a `set x < file` value file is read, not run.
package xrootdcfg

import (
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Directive is one configuration directive after preprocessing.
type Directive struct {
	// Name is the directive as written, e.g. "ofs.authlib".
	Name string
	// Args are the words after the name, variables substituted.
	Args []string
	// If is the condition after a trailing `if` (all.role server if
	// red*.example.org), without the "if"; nil when there was none. The
	// directive is only returned when the condition holds.
	If []string
	// Source is where the directive's first line is.
	Source inventory.Source
}

// Options are what the preprocessor's conditions test.
type Options struct {
	// Host is the host's own name (if <host pattern>); xrootd uses its
	// fully qualified name.
	Host string
	// Instance is the instance name given with -n (if named); empty is
	// xrootd's default, "anon".
	Instance string
	// Program is the executable reading the file (if exec): "xrootd" or
	// "cmsd"; empty matches no program.
	Program string
	// Env is the environment xrootd runs with, when the caller knows it
	// (`set x = $NAME`, `if defined ?~NAME`). XRDHOST, XRDNAME, XRDPROG,
	// XRDINSTANCE and XRDCONFIGFN are added as xrootd exports them.
	Env map[string]string
}

// Config is a preprocessed configuration.
type Config struct {
	Directives []Directive
	// Files are the files read, in order.
	Files []string
	// Problems are the parts xrootd would refuse or read differently from
	// how they look, and what the scan could not read.
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

// Last returns the last directive with one of the given names.
func (c *Config) Last(names ...string) (Directive, bool) {
	for i := len(c.Directives) - 1; i >= 0; i-- {
		for _, n := range names {
			if c.Directives[i].Name == n {
				return c.Directives[i], true
			}
		}
	}
	return Directive{}, false
}

// Parse reads mainFile (a host path) and the files it continues to. It
// never fails: what cannot be read is a Problem.
func Parse(fsys *hostfs.FS, mainFile string, opt Options) *Config {
	// Most components read the file with tabs as part of words; XrdSecServer
	// and XrdAccConfig call Tabs(0) and read tabs as blanks. Each sees its
	// own directives from its own reading, so both readings are made when
	// a file has a tab, and merged by component.
	words := read(fsys, mainFile, opt, false)
	if !words.sawTab {
		return words.config()
	}
	c := merge(words, read(fsys, mainFile, opt, true))
	for _, d := range c.Directives {
		tabProblem(c, d)
	}
	return c
}

// tabsAsBlanks are the components that read with tabs as blanks. (XrdAcc
// compares only "ac" of the prefix; acc. is what is documented.)
func tabsAsBlanks(name string) bool {
	return strings.HasPrefix(name, "sec.") || strings.HasPrefix(name, "acc.")
}

func read(fsys *hostfs.FS, mainFile string, opt Options, notabs bool) *parser {
	p := &parser{fsys: fsys, opt: opt, vars: map[string]string{}, env: map[string]string{}, unknown: map[string]bool{}}
	for k, v := range opt.Env {
		p.env[k] = v
	}
	p.env["XRDHOST"] = opt.Host
	p.env["XRDNAME"] = p.instance()
	p.env["XRDPROG"] = opt.Program
	p.env["XRDINSTANCE"] = opt.Program + " " + p.instance() + "@" + opt.Host
	p.env["XRDCONFIGFN"] = mainFile
	p.s = newStream(p, notabs, true)
	p.run(mainFile)
	return p
}

func (p *parser) config() *Config {
	return &Config{Directives: p.directives, Files: p.files, Problems: p.problems}
}

// tabProblem reports a directive that a tab turned into something else.
// A tab-indented comment stays harmless: no component knows the name.
func tabProblem(c *Config, d Directive) {
	words := append([]string{d.Name}, d.Args...)
	for _, w := range words {
		if !strings.Contains(w, "\t") {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(d.Name, "\t"), "#") {
			return
		}
		c.Problems = append(c.Problems, inventory.Problem{Source: d.Source,
			Reason: "tab in " + quote(w) + ": xrootd splits words at blanks only (tabs separate words just for sec.* and acc.*), so this line is not the directive it looks like"})
		return
	}
}

func quote(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(`"`+s+`"`, "\t", `\t`), "\r", `\r`)
}

// merge takes the sec.* and acc.* directives from the tabs-as-blanks
// reading and all others from the plain one, in reading order.
func merge(words, blanks *parser) *Config {
	c := words.config()
	order := map[string]int{}
	for i, f := range append(append([]string{}, words.files...), blanks.files...) {
		if _, ok := order[f]; !ok {
			order[f] = i
		}
	}
	var ds []Directive
	for _, d := range c.Directives {
		if !tabsAsBlanks(strings.TrimLeft(d.Name, "\t")) {
			ds = append(ds, d)
		}
	}
	for _, d := range blanks.directives {
		if tabsAsBlanks(d.Name) {
			ds = append(ds, d)
		}
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Source, ds[j].Source
		if order[a.File] != order[b.File] {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
	c.Directives = ds
	seen := map[inventory.Problem]bool{}
	for _, p := range c.Problems {
		seen[p] = true
	}
	for _, p := range blanks.problems {
		if !seen[p] {
			seen[p] = true
			c.Problems = append(c.Problems, p)
		}
	}
	for _, f := range blanks.files {
		found := false
		for _, g := range c.Files {
			found = found || f == g
		}
		if !found {
			c.Files = append(c.Files, f)
		}
	}
	return c
}

// trailingIf are the directives whose handlers accept a trailing `if`
// (XrdOucUtils::doIf callers: XrdConfig xport, XrdOfs xrole, XrdCmsConfig
// role/manager/superport, XrdCmsClientConfig manager).
var trailingIf = map[string]bool{
	"xrd.port": true, "all.role": true, "ofs.role": true, "cms.role": true,
	"all.manager": true, "cms.manager": true, "all.superport": true, "cms.superport": true,
}

// noSubst are the directives cconfig reads without substitution: their
// arguments are message or command templates with $-placeholders of their
// own.
var noSubst = map[string]bool{"cms.prepmsg": true, "ofs.notifymsg": true, "oss.stagemsg": true, "frm.xfr.copycmd": true}

// directive reads the arguments of a directive named name.
func (p *parser) directive(name string) {
	d := Directive{Name: name, Source: p.s.line}
	if noSubst[name] {
		saved := p.s.subst
		p.s.subst = false
		for w, ok := p.s.word(); ok; w, ok = p.s.word() {
			d.Args = append(d.Args, w)
		}
		p.s.subst = saved
		p.directives = append(p.directives, d)
		return
	}
	for w, ok := p.s.word(); ok; w, ok = p.s.word() {
		if w == "if" && trailingIf[name] {
			if !p.trailing(&d) {
				return
			}
			break
		}
		d.Args = append(d.Args, w)
	}
	p.directives = append(p.directives, d)
}

// trailing evaluates a directive's trailing `if`, recording the words it
// read, and reports whether the directive applies.
func (p *parser) trailing(d *Directive) bool {
	d.If = []string{}
	next := func() (string, bool) {
		w, ok := p.s.word()
		if ok {
			d.If = append(d.If, w)
		}
		return w, ok
	}
	// An error in the condition makes the handler refuse the directive.
	return p.condition(d.Source, d.Name+" directive", next) == condTrue
}
