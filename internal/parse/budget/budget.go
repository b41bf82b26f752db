// Package budget bounds what reading one configuration may cost, so that
// a hostile host (a snapshot of a compromised machine, a file written to
// hurt whoever parses it) can neither hang the scan nor exhaust its
// memory: include fan-out, expansion bombs and huge rule lists stop at a
// budget, in milliseconds, and the parser records a Problem naming the
// file, the line and the budget. The scan reports it as scan-incomplete:
// what lies beyond a budget is not judged, never silently dropped.
//
// Where a service has a limit of its own (xrootd's 511-byte substitution,
// HTCondor's include depth of 20), its parser applies that limit, cited
// where it is defined. The budgets here are ttt-check's own, for what the
// services leave unbounded: each sits far above any real configuration
// (a few dozen files, values of a few hundred bytes, a few hundred
// mapping rules) and far below what would hurt the scan.
package budget

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// The budgets, one per kind of cost.
const (
	// Visits bounds the files one configuration tree reads through
	// includes, continuations and included directories, counting a file
	// each time it is read: a fan-out of files that each include the
	// next one twice would otherwise double the work with every file.
	Visits = 1000
	// Value bounds the bytes one expanded value may hold (the expansion
	// of $(X), ${x}, $x references). It is the cap HTCondor values had
	// in this tool before budgets existed.
	Value = 64 << 10
	// Expansion bounds the bytes all the expansions of one configuration
	// may produce together, so that many values each just under Value
	// cannot add up to gigabytes.
	Expansion = 4 << 20
	// Statements bounds the statements (assignments, directives, options,
	// block headers, list lines) one configuration may hold: a file and
	// what it includes, or one file where nothing is included. Each
	// becomes structures several times its size, and some cost the checks
	// a search; real configurations hold a few hundred, an HTCondor-CE's
	// with its packaged defaults a few thousand.
	Statements = 50000
	// Words bounds the words of all the statements of one configuration,
	// where a statement may go on over any number of continuation lines.
	Words = 8 * Statements
	// Rules bounds the mapping rules read from one mapfile tree: each rule
	// may become an entry (a trust, a ban) and holds a compiled pattern of
	// several KB, so it is the same as Entries. Real mapfiles hold a few
	// dozen to a few hundred rules.
	Rules = Entries
	// Entries bounds each list of one service in the inventory (trusts,
	// settings, bans, problems, …): the checks judge every entry and
	// report many, so a config of a hundred thousand lines that each add
	// one would cost seconds and hundreds of MB downstream.
	Entries = 100000
	// Issuers bounds the distinct issuers one service may trust: each is
	// classified against every issuer the recipes know and may raise
	// findings with rendered fixes of their own, while trusts of an issuer
	// already seen cost little. Real services trust a few to a few dozen.
	Issuers = 1000
	// Problems bounds each list of one service whose every entry becomes
	// a finding of its own: problems, unknown keys (each with a near-miss
	// search), dangling references, legacy settings. Real services have
	// none to a handful.
	Problems = 1000
	// Matches bounds the pattern tests one analysis of a mapfile may make
	// (which earlier rule shadows each ban), for the patterns an index
	// cannot narrow down.
	Matches = 100000
	// Alternatives bounds the alternatives an access expression expands
	// into (ARC's authtokensgen in disjunctive form).
	Alternatives = 64
)

// Reason says which budget stopped the reading and what that leaves
// unread. Every budget problem says "ttt-check's budget", so that they can
// be told from what the service itself refuses.
func Reason(what string, limit int, unit, unread string) string {
	return fmt.Sprintf("%s exceeds ttt-check's budget of %d %s: %s", what, limit, unit, unread)
}

// Problem is Reason as a problem at src.
func Problem(src inventory.Source, what string, limit int, unit, unread string) inventory.Problem {
	return inventory.Problem{Source: src, Reason: Reason(what, limit, unit, unread)}
}

// EntriesProblem is the problem of a list of a service cut at Entries:
// what the list holds ("trusts") and the service's label.
func EntriesProblem(first inventory.Source, what, service string) inventory.Problem {
	return LimitProblem(first, what, service, Entries)
}

// LimitProblem is EntriesProblem for a list with a budget of its own.
func LimitProblem(first inventory.Source, what, service string, limit int) inventory.Problem {
	return Problem(first, "the "+what+" read for "+service, limit, what+" per service", "those from here on are not judged")
}

// Counter counts the bytes the expansions of one configuration produce,
// against Expansion.
type Counter struct {
	used int
	// Spent is set once an expansion did not fit.
	Spent bool
}

// Builder builds one expanded value within Value and its configuration's
// Counter. Once a write does not fit, the Builder keeps what fitted and
// refuses every later write.
type Builder struct {
	b   strings.Builder
	c   *Counter
	max int
	// Over is set once a write did not fit; byCounter when it was the
	// configuration's budget, not the value's, that ran out.
	Over      bool
	byCounter bool
}

// NewBuilder starts a value counted against c (nil: against Value only).
func NewBuilder(c *Counter) *Builder {
	return &Builder{c: c, max: Value}
}

// WriteString appends s if it fits; otherwise it appends what fits, marks
// the builder over and reports false.
func (b *Builder) WriteString(s string) bool {
	if b.Over {
		return false
	}
	room := b.max - b.b.Len()
	if b.c != nil && Expansion-b.c.used < room {
		room = Expansion - b.c.used
		if len(s) > room {
			b.byCounter, b.c.Spent = true, true
		}
	}
	if len(s) > room {
		s = s[:max(room, 0)]
		b.Over = true
	}
	b.b.WriteString(s)
	if b.c != nil {
		b.c.used += len(s)
	}
	return !b.Over
}

// Len is the length of the value so far.
func (b *Builder) Len() int { return b.b.Len() }

// String is the value so far.
func (b *Builder) String() string { return b.b.String() }

// Reason is the reason of the problem of a builder that went over: what
// was expanded, which budget it exceeded, and what that leaves unread.
func (b *Builder) Reason(what, unread string) string {
	if b.byCounter {
		return Reason("the expansions of this configuration", Expansion, "bytes in all", unread)
	}
	return Reason(what, Value, "bytes per value", unread)
}

// Excerpt is at most n bytes of the start of a line, and never the whole
// line (at most half of it), cut at a character boundary: enough to find
// the line, too little to repeat a secret written on it.
func Excerpt(line string, n int) string {
	n = min(n, len(line)/2)
	for n > 0 && n < len(line) && line[n]&0xC0 == 0x80 {
		n--
	}
	return line[:n] + "…"
}
