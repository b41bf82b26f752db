// Package condorcfg reads the HTCondor configuration language as
// HTCondor-CE's daemons do, keeping file:line for every assignment:
// `NAME = value` (last assignment wins, names case-insensitive),
// daemon-prefixed names (SCHEDD.X), `$(X)` and `$(X:default)` expansion at
// lookup, self-reference (`X = $(X) more`) expanded at assignment,
// `NAME @=tag … @tag` multi-line values, `if / elif / else / endif`,
// `include :` of files and directories, `use CATEGORY : template(args)`
// metaknobs, and backslash continuation.
//
// Nothing is executed: `include command :` and config sources ending in
// `|` (a LOCAL_CONFIG_FILE entry that names a command whose output is
// read as configuration) are recorded in Config.Commands, never run.
package condorcfg

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// maxNesting is HTCondor's CONFIG_MAX_NESTING_DEPTH: a file read at depth
// d may include another only while d+1 < 20, else HTCondor reports
// "includes nested too deep" and refuses the configuration. The main
// config is read at depth 0, config directories and LOCAL_CONFIG_FILE
// entries at depth 1 (src/condor_includes/condor_config.h;
// src/condor_utils/config.cpp Parse_macros and
// src/condor_utils/condor_config.cpp process_config_source,
// https://github.com/htcondor/htcondor/blob/v25.0.13/src/condor_utils/config.cpp).
const maxNesting = 20

// maxIfDepth is how deeply HTCondor nests if blocks: ConfigIfStack keeps
// one bit per level in an unsigned long long, and the 64th nested if
// fails with "if nesting too deep!", which refuses the configuration
// (src/condor_utils/config.cpp ConfigIfStack::begin_if,
// https://github.com/htcondor/htcondor/blob/v25.0.13/src/condor_utils/config.cpp).
const maxIfDepth = 63

// Assignment is the effective assignment of a name.
type Assignment struct {
	// Name as written at the effective assignment.
	Name string
	// Raw is the value before lookup-time expansion (self-references are
	// already expanded, as HTCondor does at assignment).
	Raw    string
	Source inventory.Source
}

// Config is a read configuration.
type Config struct {
	vars map[string]Assignment
	// expanded counts what expansions produced, against budget.Expansion;
	// overAt are the places whose expansion went over a budget already.
	expanded budget.Counter
	overAt   map[inventory.Source]bool
	Files    []string
	Problems []inventory.Problem
	// Templates records the metaknobs used, in order, with where.
	Templates []Use
	// Commands are the configuration sources HTCondor would run and read
	// the output of; ttt-check never runs them. What they could define is
	// the reader's to judge.
	Commands []Command
}

// Command is one configuration source that is a command.
type Command struct {
	// Command is the command line as written (without a trailing `|`).
	Command string
	// Via says how it is reached: "include command" or the name of the
	// list it is an entry of (LOCAL_CONFIG_FILE).
	Via    string
	Source inventory.Source
}

// IsCommand reports whether a config source names a command, as
// HTCondor's is_piped_command does: the entry ends in `|`
// (https://github.com/htcondor/htcondor/blob/main/src/condor_utils/condor_config.cpp,
// process_config_source).
func IsCommand(source string) bool {
	return strings.HasSuffix(strings.TrimSpace(source), "|")
}

// Command records a config source that is a command, which is never run.
func (p *Parser) Command(command, via string, src inventory.Source) {
	command = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(command), "|"))
	p.cfg.Commands = append(p.cfg.Commands, Command{Command: command, Via: via, Source: src})
}

// Use is one `use CATEGORY : name` statement.
type Use struct {
	Category, Name string
	Source         inventory.Source
	Expanded       bool
}

// Options tune what conditions see.
type Options struct {
	// Version is the HTCondor version `if version >= X` compares with;
	// empty means unknown (comparisons are reported and taken as true,
	// as on any current installation).
	Version string
	// Defaults are values in force before any file (HTCondor's built-in
	// parameter defaults the checks rely on).
	Defaults map[string]string
}

// Parser reads files into one Config, in the order they are given.
type Parser struct {
	fsys  *hostfs.FS
	opt   Options
	cfg   *Config
	stack []string // files being read, innermost last
	// level is HTCondor's depth of each file of stack (see maxNesting).
	level []int
	depth int // metaknob nesting
	// visits counts the files read, against budget.Visits, and spent is
	// set once that budget stopped an include; statements counts the
	// statements, against budget.Statements, and stopped is set once that
	// budget ended the reading.
	visits     int
	statements int
	spent      bool
	stopped    bool
	seen       map[inventory.Problem]bool
}

// NewParser starts an empty configuration.
func NewParser(fsys *hostfs.FS, opt Options) *Parser {
	p := &Parser{fsys: fsys, opt: opt, seen: map[inventory.Problem]bool{}, cfg: &Config{vars: map[string]Assignment{}, overAt: map[inventory.Source]bool{}}}
	for k, v := range opt.Defaults {
		p.cfg.vars[strings.ToUpper(k)] = Assignment{Name: k, Raw: v, Source: inventory.Source{File: "(HTCondor default)"}}
	}
	return p
}

// Config returns what was read so far.
func (p *Parser) Config() *Config { return p.cfg }

// problem records a problem once: a file read several times (a fan-out
// of includes) would repeat its problems as often.
func (p *Parser) problem(src inventory.Source, format string, a ...any) {
	pr := inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)}
	if p.seen[pr] {
		return
	}
	p.seen[pr] = true
	p.cfg.Problems = append(p.cfg.Problems, pr)
}

// excluded are the files HTCondor skips in a config directory: its
// default LOCAL_CONFIG_DIR_EXCLUDE_REGEXP (param_info.in).
var excluded = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^((\..*)|(.*~)|(#.*)|(.*\.rpmsave)|(.*\.rpmnew))$`)
})

// Dir reads the files of a config directory in lexical order, as
// HTCondor reads LOCAL_CONFIG_DIR (at depth 1).
func (p *Parser) Dir(dir string, from inventory.Source) {
	p.dir(dir, from, 1)
}

func (p *Parser) dir(dir string, from inventory.Source, level int) {
	entries, err := p.fsys.ReadDir(dir)
	if err != nil {
		p.problem(orFile(from, dir), "cannot read config directory %s: %v", dir, err)
		return
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !excluded().MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		full := path.Join(dir, n)
		if st, err := p.fsys.Stat(full); err == nil && st.IsDir() {
			continue
		}
		if !p.file(full, from, level) {
			return
		}
	}
}

func orFile(src inventory.Source, file string) inventory.Source {
	if src.IsZero() {
		return inventory.Source{File: file}
	}
	return src
}

// File reads one file; from is the include statement, if any. The main
// config is read this way, at HTCondor's depth 0.
func (p *Parser) File(name string, from inventory.Source) {
	p.file(name, from, 0)
}

// LocalFile reads a LOCAL_CONFIG_FILE entry, which HTCondor reads at
// depth 1 (process_config_source).
func (p *Parser) LocalFile(name string) {
	p.file(name, inventory.Source{}, 1)
}

// file reads name at HTCondor's depth level. It reports false once the
// visit budget is spent: the caller stops reading more.
func (p *Parser) file(name string, from inventory.Source, level int) bool {
	if p.stopped {
		return false
	}
	for _, f := range p.stack {
		if f == name {
			p.problem(from, "include of %s loops back to a file being read", name)
			return true
		}
	}
	if level >= maxNesting {
		p.problem(from, "includes nested too deep: HTCondor reads includes at most %d deep (CONFIG_MAX_NESTING_DEPTH), reports \"includes nested too deep\" and refuses the configuration", maxNesting)
		return true
	}
	if p.visits >= budget.Visits {
		if !p.spent {
			p.spent = true
			p.cfg.Problems = append(p.cfg.Problems, budget.Problem(orFile(from, name), "the include fan-out", budget.Visits, "file reads per configuration", name+" and every file included after it are not read"))
		}
		return false
	}
	p.visits++
	data, err := p.fsys.ReadFile(name)
	if err != nil {
		p.problem(orFile(from, name), "cannot read %s: %v", name, err)
		return true
	}
	p.cfg.Files = append(p.cfg.Files, name)
	if bytes.IndexByte(data, 0) >= 0 {
		p.problem(inventory.Source{File: name}, "binary content (NUL bytes): not an HTCondor config")
		return true
	}
	if !utf8.Valid(data) {
		p.problem(inventory.Source{File: name}, "invalid UTF-8: values may not be what HTCondor reads")
	}
	if bytes.Contains(data, []byte("<%")) || bytes.Contains(data, []byte("{{")) || bytes.Contains(data, []byte("{%")) {
		// A Puppet (ERB) or Ansible (Jinja) template that was never
		// rendered: its values are placeholders, not configuration.
		p.problem(inventory.Source{File: name}, "an unrendered ERB/Jinja template (<%%, {{ or {%% markers): values are placeholders")
	}
	p.stack, p.level = append(p.stack, name), append(p.level, level)
	p.lines(name, strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), nil)
	p.stack, p.level = p.stack[:len(p.stack)-1], p.level[:len(p.level)-1]
	return !p.spent && !p.stopped
}

// level is HTCondor's depth of the file being read.
func (p *Parser) current() int {
	if len(p.level) == 0 {
		return 0
	}
	return p.level[len(p.level)-1]
}

type cond struct {
	src      inventory.Source
	active   bool // this branch is taken
	anyTaken bool
	parentOn bool
	sawElse  bool
}

var (
	assignRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9_.]+)\s*(=|@=)\s*(.*)$`) })
	colonRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i)(include|use)\b\s*([^:]*):\s*(.*)$`) })
)

// lines processes config lines; args are a metaknob's arguments.
func (p *Parser) lines(file string, lines []string, args []string) {
	var conds []*cond
	on := func() bool { return len(conds) == 0 || conds[len(conds)-1].active }
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimSpace(lines[i])
		if strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			// Joined in one buffer: concatenating line by line would
			// copy the whole value again for every continuation line.
			buf := []byte(line)
			for len(buf) > 0 && buf[len(buf)-1] == '\\' && i+1 < len(lines) {
				i++
				buf = append(buf[:len(buf)-1], strings.TrimSpace(lines[i])...)
			}
			line = string(buf)
		}
		src := inventory.Source{File: file, Line: start}
		if line == "" || line[0] == '#' {
			continue
		}
		if p.stopped {
			return
		}
		if args == nil {
			if p.statements++; p.statements > budget.Statements {
				p.stopped = true
				p.cfg.Problems = append(p.cfg.Problems, budget.Problem(src, "the statements of this configuration", budget.Statements, "statements", "this line and everything after it are not read"))
				return
			}
		}
		if args != nil {
			line = substArgs(line, args)
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToLower(word) {
		case "if":
			if len(conds) >= maxIfDepth {
				p.problem(src, "if nesting too deep: HTCondor nests at most %d if blocks, reports \"if nesting too deep!\" and refuses the configuration; the rest of %s is not read", maxIfDepth, file)
				return
			}
			parent := on()
			v := parent && p.condition(src, rest)
			conds = append(conds, &cond{src: src, active: v, anyTaken: v, parentOn: parent})
			continue
		case "elif":
			if len(conds) == 0 {
				p.problem(src, "elif without if")
				continue
			}
			c := conds[len(conds)-1]
			v := c.parentOn && !c.anyTaken && p.condition(src, rest)
			c.active, c.anyTaken = v, c.anyTaken || v
			continue
		case "else":
			if len(conds) == 0 {
				p.problem(src, "else without if")
				continue
			}
			c := conds[len(conds)-1]
			if c.sawElse {
				p.problem(src, "second else for one if")
			}
			c.sawElse = true
			c.active = c.parentOn && !c.anyTaken
			c.anyTaken = true
			continue
		case "endif":
			if len(conds) == 0 {
				p.problem(src, "endif without if")
				continue
			}
			conds = conds[:len(conds)-1]
			continue
		}
		// Multi-line values are consumed whether or not the branch is on.
		if m := assignRE().FindStringSubmatch(line); m != nil && m[2] == "@=" {
			tag := strings.TrimSpace(m[3])
			var body []string
			closed := false
			for i+1 < len(lines) {
				i++
				if strings.HasPrefix(strings.TrimSpace(lines[i]), "@"+tag) {
					closed = true
					break
				}
				body = append(body, lines[i])
			}
			if !closed {
				p.problem(src, "multi-line value %s @=%s has no closing @%s", m[1], tag, tag)
			}
			if on() {
				p.assign(m[1], strings.Join(body, "\n"), src)
			}
			continue
		}
		if !on() {
			continue
		}
		if m := colonRE().FindStringSubmatch(line); m != nil {
			p.directive(strings.ToLower(m[1]), strings.TrimSpace(m[2]), strings.TrimSpace(m[3]), src)
			continue
		}
		if m := assignRE().FindStringSubmatch(line); m != nil {
			p.assign(m[1], m[3], src)
			continue
		}
		// HTCondor accepts `NAME value`-less lines only as errors.
		p.problem(src, "not an assignment, include, use or conditional: %q", truncate(line))
	}
	if p.stopped {
		return // the ifs were not closed because reading stopped
	}
	for _, c := range conds {
		p.problem(c.src, "if without endif")
	}
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func (p *Parser) assign(name, value string, src inventory.Source) {
	key := strings.ToUpper(name)
	value = strings.TrimSpace(value)
	// A trailing `|` makes a value a command only where HTCondor reads it
	// as a config source (LOCAL_CONFIG_FILE entries): the reader decides.
	a := Assignment{Name: name, Source: src}
	// Self-reference: $(NAME) in NAME's own value is the previous value.
	if strings.Contains(strings.ToUpper(value), "$("+key) {
		b := budget.NewBuilder(&p.cfg.expanded)
		value = selfRef(value, key, p.cfg.vars[key].Raw, b)
		if b.Over {
			p.cfg.over(src, b.Reason("the self-reference in "+name, "the value is cut there, and what it decides is not judged"))
		}
	}
	a.Raw = value
	p.cfg.vars[key] = a
}

// selfRef replaces $(KEY) and $(KEY:default) (KEY in any case) in value
// with prev, or with the default when prev is empty, writing into b.
func selfRef(value, key, prev string, b *budget.Builder) string {
	last := 0
	for i := 0; ; {
		j := strings.Index(value[i:], "$(")
		if j < 0 {
			break
		}
		j += i
		end, repl := refEnd(value, j+2, key, prev)
		if end < 0 {
			i = j + 1
			continue
		}
		if !b.WriteString(value[last:j]) || !b.WriteString(repl) {
			return b.String()
		}
		last, i = end, end
	}
	b.WriteString(value[last:])
	return b.String()
}

// refEnd matches KEY) or KEY:default) at value[k:] and returns where the
// reference ends and what replaces it, or -1.
func refEnd(value string, k int, key, prev string) (int, string) {
	e := k + len(key)
	if e >= len(value) || !strings.EqualFold(value[k:e], key) {
		return -1, ""
	}
	switch value[e] {
	case ')':
		return e + 1, prev
	case ':':
		m := strings.IndexByte(value[e+1:], ')')
		if m < 0 {
			return -1, ""
		}
		if prev == "" {
			return e + 1 + m + 1, value[e+1 : e+1+m]
		}
		return e + 1 + m + 1, prev
	}
	return -1, ""
}

// over records that an expansion at src went over a budget, once per
// place.
func (c *Config) over(src inventory.Source, reason string) {
	if c.overAt[src] {
		return
	}
	c.overAt[src] = true
	c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: reason})
}

func (p *Parser) directive(kind, qualifier, target string, src inventory.Source) {
	switch kind {
	case "include":
		q := strings.ToLower(strings.Join(strings.Fields(qualifier), " "))
		if strings.Contains(q, "command") {
			p.Command(target, "include command", src)
			return
		}
		file := p.cfg.expand(target, src)
		st, err := p.fsys.Stat(file)
		if err != nil {
			if strings.Contains(q, "ifexist") {
				return
			}
			p.problem(src, "cannot read include %s: %v", file, err)
			return
		}
		if st.IsDir() {
			p.dir(file, src, p.current()+1)
			return
		}
		p.file(file, src, p.current()+1)
	case "use":
		category := strings.ToUpper(strings.TrimSpace(qualifier))
		for _, item := range splitUses(target) {
			name, args := item, []string(nil)
			if i := strings.IndexByte(item, '('); i >= 0 && strings.HasSuffix(item, ")") {
				name = strings.TrimSpace(item[:i])
				for _, a := range strings.Split(item[i+1:len(item)-1], ",") {
					args = append(args, strings.TrimSpace(p.cfg.expand(a, src)))
				}
			}
			p.use(category, name, args, src)
		}
	}
}

// splitUses splits "a, b(x, y)" at top-level commas.
func splitUses(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

func (p *Parser) use(category, name string, args []string, src inventory.Source) {
	u := Use{Category: category, Name: name, Source: src}
	body, known, expanded := template(category, name)
	u.Expanded = expanded
	p.cfg.Templates = append(p.cfg.Templates, u)
	switch {
	case !known:
		p.problem(src, "unknown metaknob %s:%s (HTCondor refuses to start)", strings.ToLower(category), name)
	case expanded:
		p.depth++
		if p.depth > 10 {
			p.problem(src, "metaknobs nested too deep")
		} else {
			if args == nil {
				args = []string{}
			}
			p.lines(src.File, strings.Split(body, "\n"), args)
		}
		p.depth--
	}
}

// substArgs replaces a metaknob's $(N), $(N:default), $(N+) and $(0).
var argRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\((\d+)([+?]?)(?::([^)]*))?\)`) })

func substArgs(line string, args []string) string {
	return argRE().ReplaceAllStringFunc(line, func(m string) string {
		sm := argRE().FindStringSubmatch(m)
		n, _ := strconv.Atoi(sm[1])
		if n == 0 {
			return strings.Join(args, ",")
		}
		if sm[2] == "?" {
			return strconv.FormatBool(n-1 < len(args) && args[n-1] != "")
		}
		if sm[2] == "+" {
			if n-1 < len(args) {
				return strings.Join(args[n-1:], ",")
			}
			return sm[3]
		}
		if n-1 < len(args) && args[n-1] != "" {
			return args[n-1]
		}
		return sm[3]
	})
}

// condition evaluates the text after if/elif.
func (p *Parser) condition(src inventory.Source, text string) bool {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "!") {
		return !p.condition(src, text[1:])
	}
	fields := strings.Fields(text)
	if len(fields) == 0 {
		p.problem(src, "empty condition")
		return false
	}
	switch strings.ToLower(fields[0]) {
	case "defined":
		if len(fields) < 2 {
			p.problem(src, "defined without a name")
			return false
		}
		a, ok := p.cfg.Lookup(fields[1])
		return ok && a.Raw != ""
	case "version":
		if p.opt.Version == "" {
			// The installed version is not known from files; every
			// supported HTCondor-CE runs a current HTCondor.
			return versionTrueForCurrent(fields[1:])
		}
		return compareVersion(p.opt.Version, fields[1:])
	}
	v := strings.ToLower(strings.TrimSpace(p.cfg.expand(text, src)))
	switch v {
	case "true", "yes", "1":
		return true
	case "false", "no", "0", "":
		return false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		return n != 0
	}
	p.problem(src, "condition %q is not a boolean, defined or version test", truncate(text))
	return false
}

func versionTrueForCurrent(rest []string) bool {
	return compareVersion("24.0.0", rest)
}

func compareVersion(have string, rest []string) bool {
	op, want := ">=", ""
	switch len(rest) {
	case 1:
		want = rest[0]
	case 2:
		op, want = rest[0], rest[1]
	default:
		return false
	}
	c := cmpVersion(have, want)
	switch op {
	case ">=":
		return c >= 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	case "<":
		return c < 0
	case "==":
		return c == 0
	case "!=":
		return c != 0
	}
	return false
}

func cmpVersion(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Lookup returns the effective assignment of name (case-insensitive).
func (c *Config) Lookup(name string) (Assignment, bool) {
	a, ok := c.vars[strings.ToUpper(name)]
	return a, ok
}

// Daemon returns the value a daemon sees: DAEMON.NAME, else NAME.
func (c *Config) Daemon(daemon, name string) (Assignment, bool) {
	if a, ok := c.Lookup(daemon + "." + name); ok {
		return a, true
	}
	return c.Lookup(name)
}

// Names returns every assigned name, sorted, as upper case.
func (c *Config) Names() []string {
	out := make([]string, 0, len(c.vars))
	for k := range c.vars {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var macroRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\(([A-Za-z0-9_.]+)(?::([^()]*))?\)`) })

// Expand replaces $(NAME) and $(NAME:default) with effective values,
// recursively (bounded), as HTCondor does at lookup. Unknown names are
// empty; $ENV(), $INT() and other functions are left as written. A value
// that grows past budget.Value is cut there, and once the configuration's
// expansions have produced budget.Expansion bytes they yield nothing more;
// either is recorded as a problem.
func (c *Config) Expand(s string) string { return c.expand(s, inventory.Source{}) }

// expand is Expand for a value set at src, where a budget problem is
// recorded.
func (c *Config) expand(s string, src inventory.Source) string {
	for i := 0; i < 20 && strings.Contains(s, "$("); i++ {
		if macroRE().FindStringIndex(s) == nil {
			break
		}
		b := budget.NewBuilder(&c.expanded)
		rest := s
		for rest != "" {
			m := macroRE().FindStringSubmatchIndex(rest)
			if m == nil {
				b.WriteString(rest)
				break
			}
			repl := ""
			if m[4] >= 0 {
				repl = rest[m[4]:m[5]]
			}
			if a, ok := c.Lookup(rest[m[2]:m[3]]); ok && a.Raw != "" {
				repl = a.Raw
			}
			if !b.WriteString(rest[:m[0]]) || !b.WriteString(repl) {
				break
			}
			rest = rest[m[1]:]
		}
		next := b.String()
		if b.Over {
			c.over(src, b.Reason("the expansion of this value", "the value is cut there, and what it decides is not judged"))
			return next
		}
		if next == s {
			break
		}
		s = next
	}
	return s
}

// Value returns the expanded value of name and where it was set.
func (c *Config) Value(name string) (string, inventory.Source, bool) {
	a, ok := c.Lookup(name)
	if !ok {
		return "", inventory.Source{}, false
	}
	return c.expand(a.Raw, a.Source), a.Source, true
}
