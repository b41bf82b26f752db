// Package scitokenscfg reads the XRootD SciTokens plugin's configuration
// (scitokens.cfg) as the plugin does, with file:line for every key, and
// applies the plugin's semantics.
//
// The INI reading is inih's as XRootD vendors it, with the plugin's
// OverrideINIReader: a repeated key replaces the earlier value, a repeated
// section merges into the first (section and key names compare
// case-insensitively), an indented line continues the previous key and
// replaces its value, and "; " starts an inline comment (not "#").
//
// The semantics follow XrdSciTokensAccess.cc Reconfig (XRootD 5.5.3 and
// 6.1; keys added later are in KeySince). Where README and code differ,
// the code wins:
//
//   - sections are visited in byte order of their names, and of two
//     [Issuer …] sections with the same issuer only the first counts;
//   - audience and audience_json both add audiences; audience_json must be
//     a JSON list of strings (a JSON string makes xrootd fail);
//   - base_path and restricted_path entries that are not absolute paths
//     are dropped;
//   - authorization_strategy is a set: its order does not matter.
package scitokenscfg

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/version"
)

// Strategies, in the plugin's order of evaluation (IssuerAuthz bits).
const (
	Capability = "capability"
	Group      = "group"
	Mapping    = "mapping"
)

// DefaultStrategies is authorization_strategy when it is not set.
var DefaultStrategies = []string{Capability, Group, Mapping}

// DefaultGroupsClaim is groups_claim when it is not set.
const DefaultGroupsClaim = "wlcg.groups"

// KeySince is the XRootD release each [Issuer …] key first appears in,
// for keys younger than the oldest supported release: an older plugin
// never asks inih for the key, so it is silently ignored. Read off
// XrdSciTokensAccess.cc Reconfig at the tags
// (https://github.com/xrootd/xrootd/blob/v5.6.0/src/XrdSciTokens/XrdSciTokensAccess.cc
// is the first to read username_claim; v5.7.0 the first to read
// groups_claim and authorization_strategy).
var KeySince = map[string]string{
	"username_claim":         "5.6.0",
	"groups_claim":           "5.7.0",
	"authorization_strategy": "5.7.0",
}

// TooNew is a key the installed plugin is too old to read.
type TooNew struct {
	Value Value
	// Since is the first release that reads it.
	Since string
}

// Known keys per section kind, for spotting misspelt ones.
var (
	GlobalKeys = []string{"audience", "audience_json", "onmissing"}
	IssuerKeys = []string{"issuer", "base_path", "restricted_path", "map_subject", "default_user", "username_claim", "groups_claim", "name_mapfile", "authorization_strategy"}
)

// Config is the plugin's view of the file.
type Config struct {
	// Audiences are the accepted audiences; none means the audience is
	// not checked (scitokens-cpp enforces aud only when some are set).
	Audiences      []string
	AudienceSource inventory.Source
	// OnMissing is passthrough, allow or deny; OnMissingSource is the
	// file (line 0) when defaulted.
	OnMissing       string
	OnMissingSource inventory.Source
	// GlobalSource is the [Global] section's header line (zero without
	// one): where a missing global key belongs.
	GlobalSource inventory.Source
	// Issuers are the effective [Issuer …] sections, in the plugin's order.
	Issuers []Issuer
	// Problems are sections the plugin ignores and values it refuses.
	Problems []inventory.Problem
	// Unknown are keys the plugin never reads.
	Unknown []Value
	// TooNew are keys the installed release does not read yet (only when
	// the release is known).
	TooNew []TooNew
	// Fatal is set when xrootd refuses to start with this file.
	Fatal bool
}

// Issuer is one effective [Issuer …] section.
type Issuer struct {
	// Name is the section name after "Issuer ".
	Name string
	// Section is the section as written, header line included.
	Section string
	Source  inventory.Source
	// Issuer is the issuer string tokens must carry, exactly.
	Issuer                Value
	BasePaths             []string
	BasePathSource        inventory.Source
	RestrictedPaths       []string
	RestrictedPathSource  inventory.Source
	MapSubject            bool
	MapSubjectSource      inventory.Source
	DefaultUser           Value
	UsernameClaim         Value
	GroupsClaim           string
	NameMapfile           Value
	MapRules              []MapRule
	Strategies            []string
	StrategySource        inventory.Source
	StrategiesWereDefault bool
}

// MapRule is one rule of a name_mapfile (JSON list of objects).
type MapRule struct {
	Sub, Username, Path, Group, Result string
}

// MatchesAll reports whether the rule maps every token of the issuer that
// reaches it (no sub, path or group condition; a username condition that
// equals account, the name the plugin computed for the token).
func (r MapRule) MatchesAll(account string) bool {
	return r.Sub == "" && r.Path == "" && r.Group == "" && (r.Username == "" || r.Username == account)
}

// ReadFile reads a file the configuration names (name_mapfile).
type ReadFile func(path string) ([]byte, error)

// Interpret applies the plugin's semantics (XrdSciTokensAccess.cc
// Reconfig) of a release that reads every key. readFile reads
// name_mapfiles; nil skips them.
func Interpret(f *File, readFile ReadFile) *Config { return InterpretRelease(f, readFile, "") }

// InterpretRelease is Interpret for the installed XRootD release (its
// package version; "" when unknown): keys younger than the release are
// ignored, as that plugin ignores them, and listed in TooNew. An unknown
// release reads every key: the admin who wrote a key most likely runs a
// release that has it, and a scan of /etc alone must not turn the WG's
// own recipe into a finding.
func InterpretRelease(f *File, readFile ReadFile, release string) *Config {
	c := &Config{OnMissing: "passthrough", OnMissingSource: inventory.Source{File: f.Path}}
	problem := func(src inventory.Source, format string, a ...any) {
		c.Problems = append(c.Problems, inventory.Problem{Source: src, Reason: fmt.Sprintf(format, a...)})
	}
	fatal := func(src inventory.Source, format string, a ...any) {
		problem(src, format, a...)
		c.Fatal = true
	}
	if f.Unread != nil {
		c.Problems = append(c.Problems, *f.Unread)
	}
	byIssuer := map[string]string{}
	seenAud := map[string]bool{}
	addAudience := func(a string, src inventory.Source) {
		if c.AudienceSource.IsZero() {
			c.AudienceSource = src
		}
		if !seenAud[a] {
			seenAud[a] = true
			c.Audiences = append(c.Audiences, a)
		}
	}
	for _, s := range f.Sections {
		lower := strings.ToLower(s.Name)
		switch {
		case len(s.Keys) == 0:
		case strings.HasPrefix(lower, "global"):
			c.unknown(s, GlobalKeys)
		case strings.HasPrefix(lower, "issuer "):
			c.unknown(s, IssuerKeys)
		case s.Name == "":
			for _, k := range s.Order {
				problem(s.Keys[k].Source, "key %s is outside any section: the plugin never reads it", s.Keys[k].Key)
			}
		default:
			problem(s.Source, "section [%s] is neither [Global] nor [Issuer <name>]: the plugin ignores it", s.Name)
		}
	}
	for _, sp := range spellings(f) {
		s := sp.section
		lower := strings.ToLower(sp.name)
		if strings.HasPrefix(lower, "global") {
			if c.GlobalSource.IsZero() {
				c.GlobalSource = s.Source
			}
			if v, ok := s.Get("audience"); ok && v.Value != "" {
				for _, a := range splitList(v.Value) {
					addAudience(a, v.Source)
				}
			}
			if v, ok := s.Get("audience_json"); ok && v.Value != "" {
				list, err := audienceJSON(v.Value)
				if err != nil {
					fatal(v.Source, "audience_json %v: xrootd refuses the configuration and does not start", err)
				}
				for _, a := range list {
					addAudience(a, v.Source)
				}
			}
			if v, ok := s.Get("onmissing"); ok && v.Value != "" {
				switch v.Value {
				case "passthrough", "allow", "deny":
					c.OnMissing, c.OnMissingSource = v.Value, v.Source
				default:
					fatal(v.Source, "unknown onmissing value %q (passthrough, allow or deny, in lower case): xrootd reports \"Unknown value for onmissing key\" and does not start", v.Value)
				}
			}
		}
		if !strings.HasPrefix(lower, "issuer ") {
			continue
		}
		label := "[" + sp.name + "]"
		iss, _ := s.Get("issuer")
		if iss.Value == "" {
			problem(s.Source, "section %s has no issuer; xrootd ignores it", label)
			continue
		}
		is := Issuer{Section: sp.name, Source: s.Source, Issuer: iss, GroupsClaim: DefaultGroupsClaim}
		if v, ok := s.Get("name_mapfile"); ok && v.Value != "" {
			is.NameMapfile = v
			if readFile != nil {
				rules, err := parseMapfile(v.Value, readFile)
				if err != nil {
					fatal(v.Source, "name_mapfile %s: %v: xrootd reports \"Failed to parse mapfile\" and does not start", v.Value, err)
				}
				is.MapRules = rules
			}
		}
		bp, _ := s.Get("base_path")
		if bp.Value == "" {
			problem(s.Source, "section %s has no base_path; xrootd ignores it", label)
			continue
		}
		i := len("issuer ")
		for i < len(sp.name) && isSpace(sp.name[i]) {
			i++
		}
		is.Name = sp.name[i:]
		if is.Name == "" {
			problem(s.Source, "section %s names no issuer after \"Issuer \": xrootd reports \"Invalid section name\" and ignores it", label)
			continue
		}
		is.BasePaths = c.canonicalPaths(bp, "base_path", label)
		is.BasePathSource = bp.Source
		if len(is.BasePaths) == 0 {
			problem(bp.Source, "base_path of %s has no absolute path: the plugin maps no scope of this issuer to a path", label)
		}
		if v, ok := s.Get("restricted_path"); ok && v.Value != "" {
			is.RestrictedPaths = c.canonicalPaths(v, "restricted_path", label)
			is.RestrictedPathSource = v.Source
		}
		is.MapSubjectSource = s.Source
		if v, ok := s.Get("map_subject"); ok {
			b, valid := boolean(v.Value)
			if !valid && v.Value != "" {
				problem(v.Source, "map_subject = %q is not a boolean (true, yes, on, 1, false, no, off, 0): the plugin takes false", v.Value)
			}
			is.MapSubject, is.MapSubjectSource = b, v.Source
		}
		// get reads a key as the installed release does.
		get := func(key string) (Value, bool) {
			v, ok := s.Get(key)
			if since, young := KeySince[key]; ok && young && release != "" && !version.AtLeast(release, since) {
				c.TooNew = append(c.TooNew, TooNew{Value: v, Since: since})
				return Value{}, false
			}
			return v, ok
		}
		is.DefaultUser, _ = s.Get("default_user")
		is.UsernameClaim, _ = get("username_claim")
		if v, ok := get("groups_claim"); ok && v.Value != "" {
			is.GroupsClaim = v.Value
		}
		is.Strategies, is.StrategySource, is.StrategiesWereDefault = DefaultStrategies, s.Source, true
		if v, ok := get("authorization_strategy"); ok && v.Value != "" {
			is.Strategies, is.StrategySource, is.StrategiesWereDefault = c.strategies(v, label), v.Source, false
		}
		if first, dup := byIssuer[iss.Value]; dup {
			problem(s.Source, "section %s names the issuer %s of section %s, which the plugin reads first (sections go in byte order of their names): it ignores this one", label, iss.Value, first)
			continue
		}
		byIssuer[iss.Value] = label
		c.Issuers = append(c.Issuers, is)
	}
	// The plugin's order only decides between duplicates; people read
	// the file top to bottom.
	sort.SliceStable(c.Issuers, func(i, j int) bool { return c.Issuers[i].Source.Line < c.Issuers[j].Source.Line })
	return c
}

// spelling is a section name as the plugin visits it.
type spelling struct {
	name    string
	section *Section
}

// spellings lists every section name that got a key, in byte order: the
// plugin iterates inih's std::set<std::string> of section names.
func spellings(f *File) []spelling {
	var out []spelling
	for _, s := range f.Sections {
		for _, n := range s.Spellings {
			out = append(out, spelling{n, s})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].name < out[j-1].name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// unknown records the keys of s the plugin does not read.
func (c *Config) unknown(s *Section, known []string) {
	for _, k := range s.Order {
		found := false
		for _, kn := range known {
			found = found || k == kn
		}
		if !found {
			c.Unknown = append(c.Unknown, s.Keys[k])
		}
	}
}

// splitList splits audience, base_path and restricted_path values as the
// plugin does: at commas and blanks (not tabs).
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}

// canonicalPaths is ParseCanonicalPaths: absolute paths, cleaned; others
// are dropped.
func (c *Config) canonicalPaths(v Value, key, label string) []string {
	var out []string
	for _, p := range splitList(v.Value) {
		if !strings.HasPrefix(p, "/") {
			c.Problems = append(c.Problems, inventory.Problem{Source: v.Source,
				Reason: fmt.Sprintf("%s entry %q of %s is not an absolute path: the plugin drops it", key, p, label)})
			continue
		}
		out = append(out, path.Clean(p))
	}
	return out
}

// strategies reads authorization_strategy: blank-separated, any case;
// unknown words are ignored (with an error in xrootd's log).
func (c *Config) strategies(v Value, label string) []string {
	set := map[string]bool{}
	for _, w := range strings.Split(v.Value, " ") {
		switch lw := strings.ToLower(w); lw {
		case Capability, Group, Mapping:
			set[lw] = true
		case "":
		default:
			c.Problems = append(c.Problems, inventory.Problem{Source: v.Source,
				Reason: fmt.Sprintf("unknown authorization_strategy %q in %s: the plugin ignores it", w, label)})
		}
	}
	out := []string{}
	for _, s := range DefaultStrategies {
		if set[s] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		c.Problems = append(c.Problems, inventory.Problem{Source: v.Source,
			Reason: fmt.Sprintf("authorization_strategy of %s names no known strategy: tokens of this issuer authorize nothing", label)})
	}
	return out
}

// boolean is INIReader::GetBoolean: invalid values give the default
// (false for map_subject).
func boolean(v string) (value, valid bool) {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

// audienceJSON reads audience_json as the plugin does with picojson: one
// JSON value (what follows it is ignored) that must be a list of strings.
func audienceJSON(v string) ([]string, error) {
	var raw any
	if err := json.NewDecoder(strings.NewReader(v)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("is not JSON (%v)", err)
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errors.New("is not a JSON list of strings (a single JSON string is refused too)")
	}
	var out []string
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, errors.New("has a value that is not a string")
		}
		out = append(out, s)
	}
	return out, nil
}

// parseMapfile is the plugin's ParseMapfile.
func parseMapfile(file string, readFile ReadFile) ([]MapRule, error) {
	data, err := readFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot be read (%w)", err)
	}
	var raw any
	if err := json.NewDecoder(strings.NewReader(string(data))).Decode(&raw); err != nil {
		return nil, fmt.Errorf("is not JSON (%v)", err)
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errors.New("is not a JSON list")
	}
	var out []MapRule
	for _, x := range list {
		obj, ok := x.(map[string]any)
		if !ok {
			return nil, errors.New("has a rule that is not a JSON object")
		}
		if _, ignore := obj["ignore"]; ignore {
			// The plugin walks the keys in byte order and stops at
			// "ignore": only "group" is checked before it.
			if g, ok := obj["group"]; ok {
				if _, isString := g.(string); !isString {
					return nil, errors.New("has a non-string group")
				}
			}
			continue
		}
		var r MapRule
		for _, f := range []struct {
			key string
			to  *string
		}{{"result", &r.Result}, {"group", &r.Group}, {"sub", &r.Sub}, {"username", &r.Username}, {"path", &r.Path}} {
			v, ok := obj[f.key]
			if !ok {
				continue
			}
			s, isString := v.(string)
			if !isString {
				if f.key == "username" {
					continue // skipped, not refused
				}
				return nil, fmt.Errorf("has a non-string %s", f.key)
			}
			*f.to = s
		}
		if r.Path != "" {
			if !strings.HasPrefix(r.Path, "/") {
				return nil, fmt.Errorf("has a path %q that cannot be normalized", r.Path)
			}
			r.Path = path.Clean(r.Path)
		}
		if r.Result == "" {
			return nil, errors.New("has a rule without a result")
		}
		out = append(out, r)
	}
	return out, nil
}
