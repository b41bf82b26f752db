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
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
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
	for i, raw := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		src := inventory.Source{File: path, Line: i + 1}
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
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
			if old, ok := c.byName[name]; ok {
				// arcconfig-parser: the later block replaces the earlier.
				c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf("block [%s] repeats the one at line %d; ARC keeps only this one", name, old.Source.Line)})
				j := slices.Index(c.Blocks, old)
				c.Blocks = append(c.Blocks[:j], c.Blocks[j+1:]...)
			}
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
			// arcconfig-parser exports level names as numbers (DEBUG → 5).
			if n, ok := logLevels[strings.ToUpper(value)]; ok {
				value = n
			}
		}
		cur.Options = append(cur.Options, Option{Key: key, Value: value, Source: src})
	}
	return c
}
