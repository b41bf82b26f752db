package site

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Environments a host may be in, most demanding first.
var environments = vocab.Environments()

// Profile is a loaded, validated site profile.
type Profile struct {
	// File is the profile's path, used in errors and in waiver sources.
	File        string
	Site        string
	Environment string
	// VOs is nil when the profile does not say which VOs are supported.
	VOs      []string
	Hosts    []Host
	Issuers  []Issuer
	Severity map[string]vocab.Severity
	Waivers  []Waiver
	refs     []Ref
}

// Host overrides environment and VOs for hosts whose name matches Match.
type Host struct {
	Match       string
	Environment string // "" keeps the site's
	VOs         []string
	Line        int
}

// Issuer is an extra trusted issuer declared by the site.
type Issuer struct {
	Issuer, Name, Contact string
	Line                  int
}

// Waiver accepts a deviation until it expires.
type Waiver struct {
	Check, Service, File, Reason, Approver string
	// Expires is the last day the waiver holds, as 00:00 UTC of that day.
	Expires time.Time
	Line    int
}

// Ref is a name in the profile that only the recipes can vouch for.
type Ref struct {
	Kind string // "vo" or "check"
	Name string
	Line int
}

// The raw shapes take scalars as any so that a wrong type is reported by
// Load with the entry and line it belongs to; the library's own type
// errors only know the line of the last entry of an array of tables.
type rawProfile struct {
	Site        any            `toml:"site"`
	Environment any            `toml:"environment"`
	VOs         any            `toml:"vos"`
	Hosts       []rawHost      `toml:"hosts"`
	Issuers     []rawIssuer    `toml:"issuers"`
	Severity    map[string]any `toml:"severity"`
	Waivers     []rawWaiver    `toml:"waivers"`
}

type rawHost struct {
	Match       any `toml:"match"`
	Environment any `toml:"environment"`
	VOs         any `toml:"vos"`
}

type rawIssuer struct {
	Issuer  any `toml:"issuer"`
	Name    any `toml:"name"`
	Contact any `toml:"contact"`
}

type rawWaiver struct {
	Check    any `toml:"check"`
	Service  any `toml:"service"`
	File     any `toml:"file"`
	Reason   any `toml:"reason"`
	Expires  any `toml:"expires"`
	Approver any `toml:"approver"`
}

// loader collects every problem in a profile, so that an admin fixes them
// in one round rather than one per run.
type loader struct {
	file string
	pos  positions
	errs []lineError
}

type lineError struct {
	line int
	msg  string
}

func (l *loader) fail(line int, format string, a ...any) {
	l.errs = append(l.errs, lineError{line, fmt.Sprintf(format, a...)})
}

func (l *loader) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(l.errs, func(a, b lineError) int { return cmp.Compare(a.line, b.line) })
	var errs []error
	for _, e := range l.errs {
		if e.line > 0 {
			errs = append(errs, fmt.Errorf("%s:%d: %s", l.file, e.line, e.msg))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s", l.file, e.msg))
		}
	}
	return errors.Join(errs...)
}

// Load parses and validates a profile; file names it in errors. Every
// error names file:line; several are joined by newlines.
func Load(file string, data []byte) (*Profile, error) {
	if line, deep := nestingTooDeep(string(data)); deep {
		return nil, nestingError(file, line)
	}
	var raw rawProfile
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, decodeError(file, err)
	}
	l := &loader{file: file, pos: locate(string(data), md)}
	for _, k := range l.pos.undecoded(md) {
		l.fail(k.line, "unknown key %s", strconv.Quote(k.key))
	}

	p := &Profile{File: file, Severity: map[string]vocab.Severity{}}
	top := func(key string) int { return l.pos.within(extend("", key)) }
	p.Site = l.str(raw.Site, top("site"), "site")
	p.Environment = l.environment(raw.Environment, top("environment"), "")
	if p.Environment == "" {
		p.Environment = vocab.Production
	}
	p.VOs = l.vos(raw.VOs, extend("", "vos"), "", &p.refs)
	l.hosts(p, raw.Hosts)
	l.issuers(p, raw.Issuers)
	l.severity(p, raw.Severity)
	l.waivers(p, raw.Waivers)
	if err := l.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// typeErrorRE is compiled on first use: only an invalid profile needs it.
var typeErrorRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^toml: line (\d+) \(last key "(.*)"\): (.*)$`) })

// decodeError puts the library's line into the file:line form. Syntax
// errors carry a position; type errors (waivers = "x") only say it in the
// message, and those name top-level keys, whose lines are unambiguous.
func decodeError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %s", file, pe.Position.Line, pe.Message)
	}
	if m := typeErrorRE().FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s: %s", file, m[1], m[2], m[3])
	}
	return fmt.Errorf("read %s: %w", file, err)
}

func (l *loader) hosts(p *Profile, raw []rawHost) {
	seen := map[string]int{}
	for i, h := range raw {
		at := element(extend("", "hosts"), i)
		line := l.pos.at(at)
		what := fmt.Sprintf("hosts %d: ", i+1)
		host := Host{Line: line}
		host.Match = l.str(h.Match, l.pos.at(extend(at, "match")), what+"match")
		switch {
		case h.Match == nil:
			l.fail(line, "%smatch is required", what)
		case host.Match == "":
			l.fail(l.pos.at(extend(at, "match")), "%smatch is empty", what)
		case !validGlob(host.Match):
			l.fail(l.pos.at(extend(at, "match")), "%smatch %q is not a valid glob", what, host.Match)
		default:
			key := strings.ToLower(host.Match)
			if first, dup := seen[key]; dup {
				l.fail(line, "%smatch %q is already given by hosts %d; only the first would ever apply", what, host.Match, first)
			} else {
				seen[key] = i + 1
			}
		}
		host.Environment = l.environment(h.Environment, l.pos.at(extend(at, "environment")), what)
		host.VOs = l.vos(h.VOs, extend(at, "vos"), what, &p.refs)
		p.Hosts = append(p.Hosts, host)
	}
}

func (l *loader) issuers(p *Profile, raw []rawIssuer) {
	seen := map[string]int{}
	for i, r := range raw {
		at := element(extend("", "issuers"), i)
		line := l.pos.at(at)
		what := fmt.Sprintf("issuers %d: ", i+1)
		iss := Issuer{Line: line}
		issLine := cmp.Or(l.pos.at(extend(at, "issuer")), line)
		iss.Issuer = l.str(r.Issuer, issLine, what+"issuer")
		switch {
		case iss.Issuer == "":
			l.fail(issLine, "%sissuer is required", what)
		case !httpsURL(iss.Issuer):
			// The WLCG token profile requires iss to be an https URL;
			// anything else cannot be what a service is configured with.
			l.fail(issLine, "%sissuer %q is not an https URL", what, iss.Issuer)
		default:
			if first, dup := seen[iss.Issuer]; dup {
				l.fail(line, "%sissuer %q is already declared by issuers %d", what, iss.Issuer, first)
			} else {
				seen[iss.Issuer] = i + 1
			}
		}
		iss.Name = l.str(r.Name, l.pos.at(extend(at, "name")), what+"name")
		iss.Contact = strings.TrimSpace(l.str(r.Contact, l.pos.at(extend(at, "contact")), what+"contact"))
		p.Issuers = append(p.Issuers, iss)
	}
}

func (l *loader) severity(p *Profile, raw map[string]any) {
	ids := slices.Sorted(maps.Keys(raw))
	for _, id := range ids {
		line := l.pos.at(extend(extend("", "severity"), id))
		if strings.TrimSpace(id) == "" {
			l.fail(line, "severity: empty check id")
			continue
		}
		name, ok := raw[id].(string)
		if !ok {
			l.fail(line, "severity of %s must be one of %s, not %s", id, strings.Join(vocab.SeverityNames(), ", "), typeName(raw[id]))
			continue
		}
		sev, err := vocab.ParseSeverity(name)
		if err != nil {
			l.fail(line, "severity of %s: %v", id, err)
			continue
		}
		p.Severity[id] = sev
		p.refs = append(p.refs, Ref{Kind: "check", Name: id, Line: line})
	}
}

func (l *loader) waivers(p *Profile, raw []rawWaiver) {
	seen := map[[3]string]int{}
	for i, r := range raw {
		at := element(extend("", "waivers"), i)
		line := l.pos.at(at)
		keyLine := func(key string) int { return cmp.Or(l.pos.at(extend(at, key)), line) }
		what := fmt.Sprintf("waiver %d: ", i+1)
		w := Waiver{Line: line}
		w.Check = strings.TrimSpace(l.str(r.Check, keyLine("check"), what+"check"))
		w.Service = strings.TrimSpace(l.str(r.Service, keyLine("service"), what+"service"))
		w.File = strings.TrimSpace(l.str(r.File, keyLine("file"), what+"file"))
		w.Reason = strings.TrimSpace(l.str(r.Reason, keyLine("reason"), what+"reason"))
		w.Approver = strings.TrimSpace(l.str(r.Approver, keyLine("approver"), what+"approver"))
		if w.Check == "" {
			l.fail(keyLine("check"), "%scheck is required", what)
		} else {
			p.refs = append(p.refs, Ref{Kind: "check", Name: w.Check, Line: keyLine("check")})
		}
		if w.Reason == "" {
			l.fail(keyLine("reason"), "%sreason is required", what)
		}
		if w.File != "" && !validGlob(w.File) {
			l.fail(keyLine("file"), "%sfile %q is not a valid glob", what, w.File)
		}
		exp, err := expiry(r.Expires)
		if err != nil {
			l.fail(keyLine("expires"), "%s%v", what, err)
		}
		w.Expires = exp
		// Two waivers for the same findings: only the first would waive,
		// and the two would share a fingerprint when reported.
		id := [3]string{w.Check, w.Service, w.File}
		if first, dup := seen[id]; dup && w.Check != "" {
			l.fail(line, "%ssame check, service and file as waiver %d", what, first)
		} else {
			seen[id] = i + 1
		}
		p.Waivers = append(p.Waivers, w)
	}
}

// str reads an optional string value.
func (l *loader) str(v any, line int, what string) string {
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		l.fail(line, "%s must be a string, not %s", what, typeName(v))
	}
	return s
}

func (l *loader) environment(v any, line int, what string) string {
	env := l.str(v, line, what+"environment")
	if _, isString := v.(string); isString && !slices.Contains(environments, env) {
		l.fail(line, "%senvironment %q is not one of %s", what, env, strings.Join(environments, ", "))
	}
	return env
}

// vos reads a VO list; nil means the key is absent, which is different
// from an empty list (the host supports no VO).
func (l *loader) vos(v any, at, what string, refs *[]Ref) []string {
	if v == nil {
		return nil
	}
	line := l.pos.within(at)
	list, ok := v.([]any)
	if !ok {
		l.fail(line, "%svos must be a list of VO names, not %s", what, typeName(v))
		return nil
	}
	out := []string{}
	for i, item := range list {
		itemLine := cmp.Or(l.pos.at(element(at, i)), line)
		name, ok := item.(string)
		switch {
		case !ok:
			l.fail(itemLine, "%svos: entry %d must be a VO name, not %s", what, i+1, typeName(item))
		case strings.TrimSpace(name) == "":
			l.fail(itemLine, "%svos: entry %d is empty", what, i+1)
		default:
			out = append(out, name)
			*refs = append(*refs, Ref{Kind: "vo", Name: name, Line: itemLine})
		}
	}
	return out
}

// expiry reads the last day a waiver holds. A date-time is refused: "holds
// through that day" is only unambiguous for a day.
func expiry(v any) (time.Time, error) {
	switch e := v.(type) {
	case nil:
		return time.Time{}, errors.New("expires is required (a date: expires = 2027-01-31)")
	case time.Time:
		// BurntSushi/toml marks a TOML local date with a zone named
		// "date-local" (internal/tz.go); local date-times and offset
		// date-times carry a time of day that would be ignored.
		if e.Location().String() != "date-local" {
			return time.Time{}, fmt.Errorf("expires must be a date without a time (expires = %s)", e.Format("2006-01-02"))
		}
		return time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(e))
		if err != nil {
			return time.Time{}, fmt.Errorf("expires %q is not a date (YYYY-MM-DD)", e)
		}
		return t, nil
	default:
		return time.Time{}, fmt.Errorf("expires must be a date (YYYY-MM-DD), not %s", typeName(v))
	}
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "a number"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// validGlob reports whether path.Match accepts the pattern; Match checks
// the whole pattern even when the name does not match (Go 1.16+).
func validGlob(pattern string) bool {
	_, err := path.Match(pattern, "")
	return err == nil
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// References lists the VO names and check ids the profile uses, in file
// order, so that the caller can check them against the recipes.
func (p *Profile) References() []Ref {
	refs := slices.Clone(p.refs)
	slices.SortStableFunc(refs, func(a, b Ref) int { return cmp.Compare(a.Line, b.Line) })
	return refs
}

// Effective is the profile as it applies to one host.
type Effective struct {
	File, Site, Environment string
	// Assumed is true when there is no profile and production was assumed.
	Assumed bool
	// VOs is nil when the profile does not say which VOs are supported.
	VOs      []string
	Issuers  []Issuer
	Severity map[string]vocab.Severity
	Waivers  []Waiver
}

// Default is what applies without a profile: a production host, so that a
// missing profile never makes the checks more lenient.
func Default() Effective {
	return Effective{Environment: vocab.Production, Assumed: true, Severity: map[string]vocab.Severity{}}
}

// ForHost resolves the profile for a host name. The first [[hosts]] entry
// whose glob matches overrides environment and VOs; later matches are
// ignored, like the first-match rules admins know from firewalls and
// mapfiles. Host names are compared case-insensitively (DNS names are)
// and without a trailing dot.
func (p *Profile) ForHost(hostname string) Effective {
	e := Effective{
		File: p.File, Site: p.Site, Environment: p.Environment,
		VOs:      slices.Clone(p.VOs),
		Issuers:  slices.Clone(p.Issuers),
		Severity: maps.Clone(p.Severity),
		Waivers:  slices.Clone(p.Waivers),
	}
	if e.Severity == nil {
		e.Severity = map[string]vocab.Severity{}
	}
	name := strings.TrimSuffix(strings.ToLower(hostname), ".")
	for _, h := range p.Hosts {
		if ok, _ := path.Match(strings.ToLower(h.Match), name); !ok {
			continue
		}
		if h.Environment != "" {
			e.Environment = h.Environment
		}
		if h.VOs != nil {
			e.VOs = slices.Clone(h.VOs)
		}
		break
	}
	return e
}

// SupportsVO says whether the host supports the VO, and whether the
// profile says anything about VOs at all (stated false: no VO list).
func (e Effective) SupportsVO(name string) (supported, stated bool) {
	if e.VOs == nil {
		return false, false
	}
	return slices.Contains(e.VOs, name), true
}

// ExtraIssuer returns the site's declaration of an issuer. Only issuers
// with a security contact count as declared: trusting an issuer nobody can
// be called about in an incident is the gap the issuer-unknown check is
// for. The compare is exact, as token issuers are compared by services.
func (e Effective) ExtraIssuer(iss string) (Issuer, bool) {
	for _, is := range e.Issuers {
		if is.Issuer == iss && is.Contact != "" {
			return is, true
		}
	}
	return Issuer{}, false
}
