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
)

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
	vars     map[string]Assignment
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
	stack []string
	depth int
}

// NewParser starts an empty configuration.
func NewParser(fsys *hostfs.FS, opt Options) *Parser {
	p := &Parser{fsys: fsys, opt: opt, cfg: &Config{vars: map[string]Assignment{}}}
	for k, v := range opt.Defaults {
		p.cfg.vars[strings.ToUpper(k)] = Assignment{Name: k, Raw: v, Source: inventory.Source{File: "(HTCondor default)"}}
	}
	return p
}

// Config returns what was read so far.
func (p *Parser) Config() *Config { return p.cfg }

func (p *Parser) problem(src inventory.Source, format string, a ...any) {
	p.cfg.Problems = append(p.cfg.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
}

// excluded are the files HTCondor skips in a config directory: its
// default LOCAL_CONFIG_DIR_EXCLUDE_REGEXP (param_info.in).
var excluded = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^((\..*)|(.*~)|(#.*)|(.*\.rpmsave)|(.*\.rpmnew))$`) })

// Dir reads the files of a config directory in lexical order.
func (p *Parser) Dir(dir string, from inventory.Source) {
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
		p.File(full, from)
	}
}

func orFile(src inventory.Source, file string) inventory.Source {
	if src.IsZero() {
		return inventory.Source{File: file}
	}
	return src
}

// File reads one file; from is the include statement, if any.
func (p *Parser) File(name string, from inventory.Source) {
	for _, f := range p.stack {
		if f == name {
			p.problem(from, "include of %s loops back to a file being read", name)
			return
		}
	}
	if len(p.stack) > 20 {
		p.problem(from, "includes nested more than 20 deep")
		return
	}
	data, err := p.fsys.ReadFile(name)
	if err != nil {
		p.problem(orFile(from, name), "cannot read %s: %v", name, err)
		return
	}
	p.cfg.Files = append(p.cfg.Files, name)
	if strings.IndexByte(string(data), 0) >= 0 {
		p.problem(inventory.Source{File: name}, "binary content (NUL bytes): not an HTCondor config")
		return
	}
	if !utf8.Valid(data) {
		p.problem(inventory.Source{File: name}, "invalid UTF-8: values may not be what HTCondor reads")
	}
	if templateMarker().Match(data) {
		// A Puppet (ERB) or Ansible (Jinja) template that was never
		// rendered: its values are placeholders, not configuration.
		p.problem(inventory.Source{File: name}, "an unrendered ERB/Jinja template (<%%, {{ or {%% markers): values are placeholders")
	}
	p.stack = append(p.stack, name)
	p.lines(name, strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), nil)
	p.stack = p.stack[:len(p.stack)-1]
}

type cond struct {
	src      inventory.Source
	active   bool // this branch is taken
	anyTaken bool
	parentOn bool
	sawElse  bool
}

// The expressions of this package are compiled on first use, not at
// init: every ttt-check command links this parser, few read HTCondor
// configs.
var (
	templateMarker = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<%|\{\{|\{%`) })
	assignRE       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9_.]+)\s*(=|@=)\s*(.*)$`) })
	colonRE        = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i)(include|use)\b\s*([^:]*):\s*(.*)$`) })
)

// lines processes config lines; args are a metaknob's arguments.
func (p *Parser) lines(file string, lines []string, args []string) {
	var conds []*cond
	on := func() bool { return len(conds) == 0 || conds[len(conds)-1].active }
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimSpace(lines[i])
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + strings.TrimSpace(lines[i])
		}
		src := inventory.Source{File: file, Line: start}
		if line == "" || line[0] == '#' {
			continue
		}
		if args != nil {
			line = substArgs(line, args)
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToLower(word) {
		case "if":
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
		value = selfRef(value, key, p.cfg.vars[key].Raw)
	}
	a.Raw = value
	p.cfg.vars[key] = a
}

func selfRef(value, key, prev string) string {
	re := regexp.MustCompile(`(?i)\$\(` + regexp.QuoteMeta(key) + `(:[^)]*)?\)`)
	return re.ReplaceAllStringFunc(value, func(m string) string {
		if prev == "" {
			if i := strings.Index(m, ":"); i >= 0 {
				return m[i+1 : len(m)-1]
			}
		}
		return prev
	})
}

func (p *Parser) directive(kind, qualifier, target string, src inventory.Source) {
	switch kind {
	case "include":
		q := strings.ToLower(strings.Join(strings.Fields(qualifier), " "))
		if strings.Contains(q, "command") {
			p.Command(target, "include command", src)
			return
		}
		file := p.cfg.Expand(target)
		st, err := p.fsys.Stat(file)
		if err != nil {
			if strings.Contains(q, "ifexist") {
				return
			}
			p.problem(src, "cannot read include %s: %v", file, err)
			return
		}
		if st.IsDir() {
			p.Dir(file, src)
			return
		}
		p.File(file, src)
	case "use":
		category := strings.ToUpper(strings.TrimSpace(qualifier))
		for _, item := range splitUses(target) {
			name, args := item, []string(nil)
			if i := strings.IndexByte(item, '('); i >= 0 && strings.HasSuffix(item, ")") {
				name = strings.TrimSpace(item[:i])
				for _, a := range strings.Split(item[i+1:len(item)-1], ",") {
					args = append(args, strings.TrimSpace(p.cfg.Expand(a)))
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
	v := strings.ToLower(strings.TrimSpace(p.cfg.Expand(text)))
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
// empty; $ENV(), $INT() and other functions are left as written.
func (c *Config) Expand(s string) string {
	for i := 0; i < 20 && strings.Contains(s, "$("); i++ {
		next := macroRE().ReplaceAllStringFunc(s, func(m string) string {
			sm := macroRE().FindStringSubmatch(m)
			if a, ok := c.Lookup(sm[1]); ok && a.Raw != "" {
				return a.Raw
			}
			return sm[2]
		})
		if next == s {
			break
		}
		if len(next) > 1<<16 {
			return next[:1<<16]
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
	return c.Expand(a.Raw), a.Source, true
}
