// Package readers defines what a service reader is: the step that finds a
// service's configuration on a host, reads it with a position-keeping
// parser and adapts it into the service-neutral inventory. Readers know
// nothing of checks, recipes or reports.
package readers

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Host is what a reader may know about the host being scanned.
type Host struct {
	// FS reads the host's files through --root.
	FS *hostfs.FS
	// Name is the host's name (from /etc/hostname), used where a service
	// evaluates conditions on its own host name.
	Name string
	// Packages are the packages the host's dpkg and RPM databases record
	// (none for a snapshot without them).
	Packages []inventory.Package
	// Unit returns a systemd unit as systemd would load it on the host
	// (its file, drop-ins, state, environment); nil when unit information
	// is not read.
	Unit func(name string) inventory.Unit
}

// Component returns the installed release of the first of the packages
// the host's databases record.
func (h Host) Component(name string, packages []string) (inventory.Component, bool) {
	for _, want := range packages {
		for _, p := range h.Packages {
			if p.Name == want {
				return inventory.Component{Name: name, Version: p.Version, Package: p.Name, Manager: p.Manager, Source: p.Source}, true
			}
		}
	}
	return inventory.Component{}, false
}

// Service describes one kind of service ttt-check reads: what the software
// is and where it keeps its files, facts that do not depend on how a host
// configured it. Each reader package declares its own; internal/services
// lists them all, and the scan, the log search, help texts and the
// README's "What is read" table are derived from them.
type Service struct {
	// Name is the service's name in every output, in recipes (service
	// "NAME" blocks) and in site-profile waivers.
	Name string
	// Title is the name admins know it by.
	Title string
	// Kind is vocab.KindStorage or vocab.KindCompute.
	Kind string
	// Reader reads the service's configuration on a host.
	Reader Reader
	// Files says, in Markdown, which files are read (the README table).
	Files string
	// Reads says, in Markdown, what is read from them.
	Reads string
	// LogDirs are the directories the service logs into, searched by
	// `ttt-check logs` and `scan --logs`.
	LogDirs []string
	// Units names the systemd units that run an instance of the service
	// ("" for a service with one instance): it runs if any is enabled.
	Units func(instance string) []string
	// Components names, per component the service runs, the packages that
	// install it, in order of preference (Debian's and RPM's names).
	Components map[string][]string
}

// Reader reads one kind of service.
type Reader interface {
	// Read returns the instances of the service configured on the host, or
	// none when the service is not installed. A config that cannot be read
	// or parsed is reported as an inventory.Problem of the service, never
	// as an error: errors are for failures of the scan itself.
	Read(h Host) ([]inventory.Service, error)
}

// Func adapts a function into a Reader.
type Func func(h Host) ([]inventory.Service, error)

// Read calls f.
func (f Func) Read(h Host) ([]inventory.Service, error) { return f(h) }

// UnrenderedTemplate reports configuration-management templates that were
// never rendered (Puppet ERB `<%`, Jinja/Helm `{{`, `{%`): their values are
// placeholders, and a reader must say so rather than judge them.
func UnrenderedTemplate(data []byte) bool {
	s := string(data)
	return strings.Contains(s, "<%") || strings.Contains(s, "{{") || strings.Contains(s, "{%")
}

// Quotes says whether Fields keeps the double quotes it honours in the
// words it returns.
type Quotes bool

const (
	// KeepQuotes leaves the quotes in the words, for callers that unquote
	// later, value by value: the dCache reader trims them from each
	// key=value option and principal of gplazma.conf and multimap files.
	KeepQuotes Quotes = true
	// DropQuotes removes them, for formats where quotes only group
	// (systemd's Environment=).
	DropQuotes Quotes = false
)

// Fields splits s into words at the runes of seps that lie outside double
// quotes. A double quote toggles quoting and never ends a word; an
// unbalanced quote runs to the end of s. Runs of separators make no empty
// words, so with DropQuotes an empty pair `""` standing alone makes no word,
// while with KeepQuotes it is the word `""`. Backslashes and single quotes
// are ordinary characters.
//
// The dCache and StoRM readers split this way but differ in whether the
// quotes stay and in which blanks separate (dCache: space and tab; StoRM's
// Environment= lines: space only). Both are parameters so that one loop
// serves both without changing what either reads.
func Fields(s, seps string, q Quotes) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			if q == KeepQuotes {
				b.WriteRune(r)
			}
		case !quoted && strings.ContainsRune(seps, r):
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// TemplateProblem is the problem a reader records for such a file.
func TemplateProblem(file string) inventory.Problem {
	return inventory.Problem{Source: inventory.Source{File: file}, Reason: "an unrendered ERB/Jinja/Helm template: values are placeholders, not configuration"}
}

// RecordLines records in svc.Lines the text of every line the service's
// facts cite (trusts, settings, bans, legacy items, references, unknown
// keys, problems), read again through h.FS as the parsers read it: a fix
// that rewrites a line must know what the line says, and the checks
// never read files. files caches the lines of every file read (several
// services and instances read the same files); nil reads afresh.
func RecordLines(h Host, svc *inventory.Service, files map[string][]string) {
	var srcs []inventory.Source
	add := func(ss ...inventory.Source) {
		for _, s := range ss {
			if s.File != "" && s.Line > 0 {
				srcs = append(srcs, s)
			}
		}
	}
	add(svc.TokensSource)
	for _, t := range svc.Trusts {
		add(t.Source, t.AudienceSource, t.StrategySource, t.AccountSource, t.PathSource, t.CarriedSource)
	}
	for _, s := range svc.Settings {
		add(s.Source)
	}
	for _, b := range svc.Bans {
		add(b.Source, b.ShadowedBy)
	}
	for _, l := range svc.Legacy {
		add(l.Source)
	}
	for _, d := range svc.Dangling {
		add(d.Source)
	}
	for _, u := range svc.UnknownKeys {
		add(u.Source)
	}
	for _, p := range svc.Problems {
		add(p.Source)
	}
	if files == nil {
		files = map[string][]string{}
	}
	for _, s := range srcs {
		lines, ok := files[s.File]
		if !ok {
			data, err := h.FS.ReadFile(s.File)
			if err == nil {
				lines = strings.Split(string(data), "\n")
			}
			files[s.File] = lines
		}
		if s.Line <= len(lines) {
			if svc.Lines == nil {
				svc.Lines = map[inventory.Source]string{}
			}
			svc.Lines[s] = lines[s.Line-1]
		}
	}
}

// INISections returns the [sections] of an INI-like file (scitokens.cfg,
// arc.conf): every line whose first non-blank character is '[' and that
// ends with ']' starts one. A file that cannot be read has none.
func INISections(h Host, file string) []inventory.Section {
	data, err := h.FS.ReadFile(file)
	if err != nil {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	// A file ending in a newline has an empty last element: not a line.
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []inventory.Section
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			out = append(out, inventory.Section{File: file, Name: strings.TrimSpace(t[1 : len(t)-1]), Start: i + 1})
		}
	}
	// Each section's lines are a window on the file's, not a copy: a
	// hostile file of a million keys in one section would otherwise be
	// copied as the list grows.
	for k := range out {
		end := len(lines)
		if k+1 < len(out) {
			end = out[k+1].Start - 1
		}
		out[k].Lines = lines[out[k].Start-1 : end : end]
	}
	return out
}

// Look tells which of the paths that decide whether a service is
// installed the host has. A path that cannot be looked at (permission
// denied, a symbolic-link loop, an I/O error) is not absent: it is a
// Problem at that path, so that the service is reported as not judged
// instead of silently taken for not installed. found is whether any path
// exists; a reader whose paths are neither found nor unreadable reports
// nothing.
func Look(fsys *hostfs.FS, paths ...string) (found bool, problems []inventory.Problem) {
	for _, p := range paths {
		ok, err := fsys.Present(p)
		if err != nil {
			problems = append(problems, Unreadable(p, err))
			continue
		}
		found = found || ok
	}
	return found, problems
}

// Unreadable is the problem of a path the reader could not read.
func Unreadable(file string, err error) inventory.Problem {
	return inventory.Problem{Source: inventory.Source{File: file}, Reason: "cannot read " + file + ": " + err.Error()}
}

// Missing reports whether err says a path does not exist, as opposed to
// anything that stops it from being read.
func Missing(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// Absent reports whether path p surely does not exist on the host (it
// can be looked at, and is not there).
func Absent(fsys *hostfs.FS, p string) bool {
	ok, err := fsys.Present(p)
	return !ok && err == nil
}
