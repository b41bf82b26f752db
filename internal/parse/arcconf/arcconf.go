// Package arcconf reads /etc/arc.conf as ARC's own parser (arcconfig-parser,
// python arc.utils.config) does, keeping file:line for every value:
// blocks `[name]`, `[name:label]`, `[a/b/c]` (blanks around ':' dropped,
// as the parser normalises `[authgroup: x]` to `authgroup:x`), options in
// order with repeats, options without a value, CRLF. Behaviour pinned with
// arcconfig-parser 6.17 (the differential test in arcconf_test.go runs it
// on every fixture and corpus arc.conf): an option before any block is
// ignored, a malformed header drops the options up to the next header, a
// repeated block replaces the earlier one, and an inline `# …` is part of
// the value.
package arcconf

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// Option is one option line.
type Option struct {
	Key    string
	Value  string
	Source inventory.Source
}

// Block is one block with its options in order.
type Block struct {
	// Name is the normalised block name, e.g. "authgroup:atlas".
	Name string
	// Kind is the part before ':' ("authgroup"); Label the part after.
	Kind, Label string
	Source      inventory.Source
	Options     []Option
}

// Values returns the values of key in order.
func (b *Block) Values(key string) []Option {
	var out []Option
	for _, o := range b.Options {
		if o.Key == key {
			out = append(out, o)
		}
	}
	return out
}

// Config is a parsed arc.conf.
type Config struct {
	Path     string
	Blocks   []*Block
	Problems []inventory.Problem
	// Commented are block headers that are commented out ("#[authgroup:x]"),
	// so that a reference to them can say so.
	Commented map[string]inventory.Source
	// byName indexes Blocks as Parse left them: readers look blocks up by
	// name once per authgroup or mapping rule, which a scan of Blocks
	// makes quadratic in the number of authgroups.
	byName map[string]*Block
}

// Block returns the block with the given normalised name.
func (c *Config) Block(name string) *Block {
	if c.byName != nil {
		return c.byName[name]
	}
	for _, b := range c.Blocks {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// BlocksOf returns the blocks of a kind (e.g. every authgroup), in order.
func (c *Config) BlocksOf(kind string) []*Block {
	var out []*Block
	for _, b := range c.Blocks {
		if b.Kind == kind {
			out = append(out, b)
		}
	}
	return out
}

// NormalizeName turns a header's text into the parser's block name.
func NormalizeName(s string) string {
	if k, l, ok := strings.Cut(s, ":"); ok {
		return strings.TrimRight(k, " \t") + ":" + strings.TrimLeft(l, " \t")
	}
	return s
}

// logLevels are the names ARC accepts for loglevel (arc.conf.reference).
var logLevels = map[string]string{"FATAL": "0", "ERROR": "1", "WARNING": "2", "INFO": "3", "VERBOSE": "4", "DEBUG": "5"}

// Parse reads arc.conf content.
func Parse(path string, data []byte) *Config {
	c := &Config{Path: path, Commented: map[string]inventory.Source{}, byName: map[string]*Block{}}
	var cur *Block
	skipping := false
	// at is where each block name is in c.Blocks, so that a repeated
	// block is found without searching them all.
	at := map[string]int{}
	replaced := 0
	statements := 0
	// Lines one at a time (TrimSpace also drops a CRLF's CR): a slice of
	// all the lines of a large file would hold it twice.
	for i, rest := 0, string(data); rest != ""; i++ {
		var raw string
		raw, rest, _ = strings.Cut(rest, "\n")
		src := inventory.Source{File: path, Line: i + 1}
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' && len(c.Commented) >= budget.Statements {
			continue
		}
		if line[0] != '#' {
			if statements++; statements > budget.Statements {
				c.Problems = append(c.Problems, budget.Problem(src, "the blocks and options of "+path, budget.Statements, "statements per file", "this line and the rest of the file are not read"))
				break
			}
		}
		if line[0] == '#' {
			h := strings.TrimSpace(strings.TrimLeft(line, "#"))
			if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
				c.Commented[NormalizeName(h[1:len(h)-1])] = src
			}
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf("malformed block header %q: ARC ignores it and the options after it, up to the next block", line)})
				cur, skipping = nil, true
				continue
			}
			name := NormalizeName(line[1 : len(line)-1])
			b := &Block{Name: name, Source: src}
			b.Kind, b.Label, _ = strings.Cut(name, ":")
			skipping = false
			if j, ok := at[name]; ok {
				// arcconfig-parser: the later block replaces the earlier.
				c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf("block [%s] repeats the one at line %d; ARC keeps only this one", name, c.Blocks[j].Source.Line)})
				c.Blocks[j] = nil // dropped once the file is read
				replaced++
			}
			at[name] = len(c.Blocks)
			c.Blocks = append(c.Blocks, b)
			c.byName[name] = b
			cur = b
			continue
		}
		if skipping {
			continue
		}
		if cur == nil {
			c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: "option before any block: ARC ignores it"})
			continue
		}
		key, value, _ := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if key == "loglevel" {
			// arcconfig-parser exports level names as numbers (DEBUG → 5),
			// upper-case names only: _process_config looks the value up as
			// written (src/utils/python/arc/utils/config.py), so "debug"
			// stays "debug".
			if n, ok := logLevels[value]; ok {
				value = n
			}
		}
		cur.Options = append(cur.Options, Option{Key: key, Value: value, Source: src})
	}
	if replaced > 0 {
		kept := c.Blocks[:0]
		for _, b := range c.Blocks {
			if b != nil {
				kept = append(kept, b)
			}
		}
		c.Blocks = kept
	}
	return c
}
