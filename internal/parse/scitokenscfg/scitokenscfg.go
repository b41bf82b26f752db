// Package scitokenscfg reads the XRootD SciTokens plugin's configuration
// (scitokens.cfg) as the plugin does: inih-style INI with file:line for
// every key, then the plugin's semantics — [Global] audience, audience_json
// and onmissing, [Issuer …] sections with their defaults.
//
// Behaviour pinned against Debian's xrootd 5.5.3 (scitokens.trace all):
// a repeated section merges into the first and a repeated key overrides the
// earlier one; key names and the "Issuer" prefix are case-insensitive;
// `; comment` after a value is dropped; `;` and `#` start comment lines.
package scitokenscfg

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Value is one key's effective value and where it was set.
type Value struct {
	Value  string
	Source inventory.Source
}

// Section is an INI section with its effective keys (lower-cased names).
type Section struct {
	Name   string
	Source inventory.Source
	Keys   map[string]Value
}

// File is a parsed scitokens.cfg.
type File struct {
	Path     string
	Sections []*Section
}

// ParseError is a line the plugin's INI reader rejects; xrootd then fails
// to start ("Parse error on line N").
type ParseError struct {
	Source inventory.Source
	Reason string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s: %s", e.Source, e.Reason) }

// ParseINI reads the INI structure. The first malformed line is an error,
// as it is for the plugin.
func ParseINI(path string, data []byte) (*File, error) {
	f := &File{Path: path}
	byName := map[string]*Section{}
	var cur *Section
	var lastKey string
	for i, raw := range strings.Split(string(data), "\n") {
		src := inventory.Source{File: path, Line: i + 1}
		if i == 0 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		line := strings.TrimSpace(raw)
		indented := len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t')
		switch {
		case line == "" || line[0] == ';' || line[0] == '#':
			continue
		case indented && cur != nil && lastKey != "":
			// inih multi-line: an indented line continues the last value.
			v := cur.Keys[lastKey]
			v.Value += "\n" + stripInline(line)
			cur.Keys[lastKey] = v
			continue
		case line[0] == '[':
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return nil, &ParseError{Source: src, Reason: "section header without ']'"}
			}
			name := strings.TrimSpace(line[1:end])
			if s, ok := byName[name]; ok {
				cur = s
			} else {
				cur = &Section{Name: name, Source: src, Keys: map[string]Value{}}
				byName[name] = cur
				f.Sections = append(f.Sections, cur)
			}
			lastKey = ""
			continue
		}
		eq := strings.IndexAny(line, "=:")
		if eq < 0 {
			return nil, &ParseError{Source: src, Reason: fmt.Sprintf("neither a section, a key = value nor a comment: %q", truncate(line))}
		}
		if cur == nil {
			// inih accepts keys before any section (section ""); the plugin
			// never reads them.
			cur = &Section{Name: "", Source: src, Keys: map[string]Value{}}
			byName[""] = cur
			f.Sections = append(f.Sections, cur)
		}
		key := strings.ToLower(strings.TrimSpace(line[:eq]))
		cur.Keys[key] = Value{Value: stripInline(strings.TrimSpace(line[eq+1:])), Source: src}
		lastKey = key
	}
	return f, nil
}

// stripInline drops an inline "; comment" (inih needs whitespace before ';').
func stripInline(v string) string {
	for i := 1; i < len(v); i++ {
		if v[i] == ';' && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// Section returns the section named name (exact), if any.
func (f *File) Section(name string) *Section {
	for _, s := range f.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Config is the plugin's view of the file.
type Config struct {
	// Audiences are the accepted audiences; AudienceSource where set.
	Audiences      []string
	AudienceSource inventory.Source
	// OnMissing is passthrough, allow or deny.
	OnMissing       string
	OnMissingSource inventory.Source
	Issuers         []Issuer
	// Problems are sections the plugin ignores or values it rejects.
	Problems []inventory.Problem
	// Fatal is set when xrootd would refuse to start with this file.
	Fatal bool
}

// Issuer is one effective [Issuer …] section.
type Issuer struct {
	Name             string
	Issuer           Value
	BasePaths        []string
	BasePathSource   inventory.Source
	RestrictedPaths  []string
	MapSubject       bool
	MapSubjectSource inventory.Source
	DefaultUser      Value
	UsernameClaim    Value
	GroupsClaim      Value
	NameMapfile      Value
	Strategies       []string
	StrategySource   inventory.Source
	Source           inventory.Source
}

// DefaultStrategies is the plugin's authorization_strategy when unset.
var DefaultStrategies = []string{"capability", "group", "mapping"}

// Interpret applies the plugin's semantics (XrdSciTokensAccess.cc Reconfig).
func Interpret(f *File) *Config {
	c := &Config{OnMissing: "passthrough", OnMissingSource: inventory.Source{File: f.Path}}
	problem := func(src inventory.Source, format string, a ...any) {
		c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
	}
	if g := f.Section("Global"); g != nil {
		if v, ok := g.Keys["audience_json"]; ok {
			var one string
			var many []string
			switch {
			case json.Unmarshal([]byte(v.Value), &many) == nil:
				c.Audiences = many
			case json.Unmarshal([]byte(v.Value), &one) == nil:
				c.Audiences = []string{one}
			default:
				problem(v.Source, "audience_json is not a JSON string or list; xrootd refuses it")
				c.Fatal = true
			}
			c.AudienceSource = v.Source
		} else if v, ok := g.Keys["audience"]; ok {
			c.Audiences = splitList(v.Value)
			c.AudienceSource = v.Source
		}
		if v, ok := g.Keys["onmissing"]; ok {
			switch strings.ToLower(v.Value) {
			case "passthrough", "allow", "deny":
				c.OnMissing, c.OnMissingSource = strings.ToLower(v.Value), v.Source
			default:
				problem(v.Source, "unknown onmissing value %q: xrootd refuses to start (\"Unknown value for onmissing key\")", v.Value)
				c.Fatal = true
			}
		}
	}
	for _, s := range f.Sections {
		if len(s.Name) < 7 || !strings.EqualFold(s.Name[:7], "Issuer ") {
			continue
		}
		name := strings.TrimSpace(s.Name[7:])
		iss, ok := s.Keys["issuer"]
		if !ok || iss.Value == "" {
			problem(s.Source, "section [%s] has no issuer; xrootd ignores it", s.Name)
			continue
		}
		bp, ok := s.Keys["base_path"]
		if !ok || len(splitPaths(bp.Value)) == 0 {
			problem(s.Source, "section [%s] has no base_path; xrootd ignores it", s.Name)
			continue
		}
		is := Issuer{Name: name, Issuer: iss, BasePaths: splitPaths(bp.Value), BasePathSource: bp.Source, Source: iss.Source,
			Strategies: DefaultStrategies, StrategySource: s.Source, MapSubjectSource: s.Source}
		if v, ok := s.Keys["restricted_path"]; ok {
			is.RestrictedPaths = splitPaths(v.Value)
		}
		if v, ok := s.Keys["map_subject"]; ok {
			is.MapSubject, is.MapSubjectSource = isTrue(v.Value), v.Source
		}
		is.DefaultUser = s.Keys["default_user"]
		is.UsernameClaim = s.Keys["username_claim"]
		is.GroupsClaim = s.Keys["groups_claim"]
		is.NameMapfile = s.Keys["name_mapfile"]
		if v, ok := s.Keys["authorization_strategy"]; ok {
			is.Strategies, is.StrategySource = nil, v.Source
			for _, w := range strings.Fields(v.Value) {
				switch strings.ToLower(w) {
				case "capability", "group", "mapping":
					is.Strategies = append(is.Strategies, strings.ToLower(w))
				default:
					problem(v.Source, "unknown authorization_strategy %q in [%s]", w, s.Name)
				}
			}
		}
		c.Issuers = append(c.Issuers, is)
	}
	return c
}

// isTrue reads booleans as the plugin does (true/1/yes/on).
func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes", "on":
		return true
	}
	return false
}

// splitList splits an audience list on commas and white space.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// splitPaths splits a comma-separated path list.
func splitPaths(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
