// Package site reads the site profile: what the site is (name, environment,
// supported VOs), which extra issuers it trusts and who to call about them,
// severity overrides and waivers. It is TOML, by default
// /etc/ttt-check/site.toml:
//
//	site        = "praguelcg2"
//	environment = "production"          # production | testbed | development
//	vos         = ["atlas", "cms", "dteam"]
//
//	[[hosts]]                           # per-host overrides; the first matching glob wins
//	match       = "*.testbed.example.org"
//	environment = "testbed"
//	vos         = ["atlas", "dteam", "wlcg"]
//
//	[[issuers]]                         # extra trusted issuers
//	issuer  = "https://iam.example.org/"
//	name    = "local-iam"
//	contact = "security@example.org"   # without it the issuer stays issuer-unknown
//
//	[severity]
//	"issuer-dteam-missing" = "info"
//
//	[[waivers]]
//	check    = "audience-any"
//	service  = "xrootd"                 # optional
//	file     = "/etc/xrootd/*.cfg"      # optional glob on the finding's file
//	reason   = "compliance testbed"     # required
//	expires  = 2027-01-31               # required; holds through that day (UTC)
//	approver = "J. Admin"               # optional
//
// Unknown keys are errors: a misspelt key that silently does nothing is
// exactly the failure this tool exists to catch.
package site

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ttt-wg/ttt-check/internal/finding"
)

// Environments a host may be in.
var environments = []string{"production", "testbed", "development"}

// Profile is a loaded, validated site profile.
type Profile struct {
	File        string
	Site        string
	Environment string
	VOs         []string
	vosStated   bool
	vosLine     int
	Hosts       []Host
	Issuers     []Issuer
	Severity    map[string]finding.Severity
	severityAt  map[string]int
	Waivers     []Waiver
}

// Host overrides the profile for hosts whose name matches a glob.
type Host struct {
	Match       string
	Environment string
	VOs         []string
	vosStated   bool
	Line        int
}

// Issuer is an extra trusted issuer.
type Issuer struct {
	Issuer, Name, Contact string
	Line                  int
}

// Waiver accepts a deviation until it expires.
type Waiver struct {
	Check, Service, File, Reason, Approver string
	// Expires is the last day the waiver holds (00:00 UTC of that day).
	Expires time.Time
	Line    int
}

// Ref is a name in the profile that must exist in the recipes.
type Ref struct {
	Kind string // "vo" or "check"
	Name string
	Line int
}

type rawProfile struct {
	Site        string            `toml:"site"`
	Environment string            `toml:"environment"`
	VOs         *[]string         `toml:"vos"`
	Hosts       []rawHost         `toml:"hosts"`
	Issuers     []rawIssuer       `toml:"issuers"`
	Severity    map[string]string `toml:"severity"`
	Waivers     []rawWaiver       `toml:"waivers"`
}

type rawHost struct {
	Match       string    `toml:"match"`
	Environment string    `toml:"environment"`
	VOs         *[]string `toml:"vos"`
}

type rawIssuer struct {
	Issuer  string `toml:"issuer"`
	Name    string `toml:"name"`
	Contact string `toml:"contact"`
}

type rawWaiver struct {
	Check    string `toml:"check"`
	Service  string `toml:"service"`
	File     string `toml:"file"`
	Reason   string `toml:"reason"`
	Expires  any    `toml:"expires"`
	Approver string `toml:"approver"`
}

// Load parses and validates a profile. file is the name used in errors.
func Load(file string, data []byte) (*Profile, error) {
	var raw rawProfile
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", file, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	idx := indexLines(string(data))
	var errs []string
	fail := func(line int, format string, a ...any) {
		errs = append(errs, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, a...)))
	}
	for _, k := range md.Undecoded() {
		fail(idx.keyLine(k), "unknown key %q", k.String())
	}
	p := &Profile{File: file, Site: raw.Site, Environment: raw.Environment, Severity: map[string]finding.Severity{}, severityAt: map[string]int{}}
	if p.Environment == "" {
		p.Environment = "production"
	} else if !contains(environments, p.Environment) {
		fail(idx.key("", 0, "environment"), "environment %q is not one of %s", p.Environment, strings.Join(environments, ", "))
	}
	if raw.VOs != nil {
		p.VOs, p.vosStated, p.vosLine = *raw.VOs, true, idx.key("", 0, "vos")
	}
	seen := map[string]bool{}
	for i, h := range raw.Hosts {
		line := idx.table("hosts", i)
		if h.Match == "" {
			fail(line, "hosts %d: match is required", i+1)
		} else if _, err := path.Match(h.Match, ""); err != nil {
			fail(idx.key("hosts", i, "match"), "hosts %d: bad glob %q: %v", i+1, h.Match, err)
		} else if seen[h.Match] {
			fail(line, "hosts %d: duplicate match %q", i+1, h.Match)
		}
		seen[h.Match] = true
		if h.Environment != "" && !contains(environments, h.Environment) {
			fail(idx.key("hosts", i, "environment"), "hosts %d: environment %q is not one of %s", i+1, h.Environment, strings.Join(environments, ", "))
		}
		host := Host{Match: h.Match, Environment: h.Environment, Line: line}
		if h.VOs != nil {
			host.VOs, host.vosStated = *h.VOs, true
		}
		p.Hosts = append(p.Hosts, host)
	}
	for i, is := range raw.Issuers {
		line := idx.table("issuers", i)
		if is.Issuer == "" {
			fail(line, "issuers %d: issuer is required", i+1)
		}
		p.Issuers = append(p.Issuers, Issuer{Issuer: is.Issuer, Name: is.Name, Contact: strings.TrimSpace(is.Contact), Line: line})
	}
	for id, s := range raw.Severity {
		line := idx.key("severity", 0, id)
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			fail(line, "severity of %s: %v", id, err)
			continue
		}
		p.Severity[id], p.severityAt[id] = sev, line
	}
	for i, w := range raw.Waivers {
		line := idx.table("waivers", i)
		if strings.TrimSpace(w.Check) == "" {
			fail(line, "waiver %d: check is required", i+1)
		}
		if strings.TrimSpace(w.Reason) == "" {
			fail(line, "waiver %d: reason is required", i+1)
		}
		if w.File != "" {
			if _, err := path.Match(w.File, ""); err != nil {
				fail(idx.key("waivers", i, "file"), "waiver %d: bad file glob %q: %v", i+1, w.File, err)
			}
		}
		exp, err := expiry(w.Expires)
		if err != nil {
			l := idx.key("waivers", i, "expires")
			if l == 0 {
				l = line
			}
			fail(l, "waiver %d: %v", i+1, err)
		}
		p.Waivers = append(p.Waivers, Waiver{Check: w.Check, Service: w.Service, File: w.File, Reason: strings.TrimSpace(w.Reason), Approver: w.Approver, Expires: exp, Line: line})
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return lineOf(errs[i]) < lineOf(errs[j]) })
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return p, nil
}

var lineRE = regexp.MustCompile(`:(\d+): `)

func lineOf(msg string) int {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n := 0
	fmt.Sscan(m[1], &n)
	return n
}

func expiry(v any) (time.Time, error) {
	switch e := v.(type) {
	case nil:
		return time.Time{}, errors.New("expires is required (a date, YYYY-MM-DD)")
	case time.Time:
		return time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		t, err := time.Parse("2006-01-02", e)
		if err != nil {
			return time.Time{}, fmt.Errorf("expires %q is not a date (YYYY-MM-DD)", e)
		}
		return t, nil
	default:
		return time.Time{}, fmt.Errorf("expires must be a date (YYYY-MM-DD), not %T", v)
	}
}

// References lists the VO names and check ids the profile uses, with their
// lines, so the caller can check them against the recipes.
func (p *Profile) References() []Ref {
	var refs []Ref
	for _, vo := range p.VOs {
		refs = append(refs, Ref{Kind: "vo", Name: vo, Line: p.vosLine})
	}
	for _, h := range p.Hosts {
		for _, vo := range h.VOs {
			refs = append(refs, Ref{Kind: "vo", Name: vo, Line: h.Line})
		}
	}
	ids := make([]string, 0, len(p.Severity))
	for id := range p.Severity {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		refs = append(refs, Ref{Kind: "check", Name: id, Line: p.severityAt[id]})
	}
	for _, w := range p.Waivers {
		refs = append(refs, Ref{Kind: "check", Name: w.Check, Line: w.Line})
	}
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
	Severity map[string]finding.Severity
	Waivers  []Waiver
}

// Default is what applies without a profile: a production host.
func Default() Effective {
	return Effective{Environment: "production", Assumed: true, Severity: map[string]finding.Severity{}}
}

// ForHost resolves the profile for a host name; the first [[hosts]] entry
// whose glob matches overrides environment and VOs.
func (p *Profile) ForHost(hostname string) Effective {
	e := Effective{File: p.File, Site: p.Site, Environment: p.Environment, Issuers: p.Issuers, Severity: p.Severity, Waivers: p.Waivers}
	if p.vosStated {
		e.VOs = append([]string{}, p.VOs...)
	}
	for _, h := range p.Hosts {
		if ok, _ := path.Match(h.Match, hostname); !ok {
			continue
		}
		if h.Environment != "" {
			e.Environment = h.Environment
		}
		if h.vosStated {
			e.VOs = append([]string{}, h.VOs...)
		}
		break
	}
	return e
}

// SupportsVO says whether the VO is supported, and whether the profile
// says anything about VOs at all.
func (e Effective) SupportsVO(name string) (supported, stated bool) {
	if e.VOs == nil {
		return false, false
	}
	return contains(e.VOs, name), true
}

// ExtraIssuer returns a declared issuer; only issuers with a contact count.
func (e Effective) ExtraIssuer(iss string) (Issuer, bool) {
	for _, is := range e.Issuers {
		if is.Issuer == iss && is.Contact != "" {
			return is, true
		}
	}
	return Issuer{}, false
}

// Apply applies severity overrides, then waivers, to findings. Expired and
// unused waivers become findings of their own (waiver-expired,
// waiver-unused) whose title, severity and remediation the caller fills
// from the recipes. The input slice is not modified.
func Apply(e Effective, fs []finding.Finding, today time.Time) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	copy(out, fs)
	for i := range out {
		if s, ok := e.Severity[out[i].Check]; ok {
			out[i].Severity = s
		}
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var extra []finding.Finding
	for _, w := range e.Waivers {
		expired := day.After(w.Expires)
		matched := 0
		for i := range out {
			f := &out[i]
			if !w.matches(*f) {
				continue
			}
			matched++
			if expired || f.Status == finding.StatusWaived {
				continue
			}
			f.Status = finding.StatusWaived
			f.Waiver = &finding.Waiver{Reason: w.Reason, Expires: w.Expires.Format("2006-01-02"), Approver: w.Approver, Source: fmt.Sprintf("%s:%d", e.File, w.Line)}
		}
		key := fmt.Sprintf("waiver:%s:%s:%s", w.Check, w.Service, w.File)
		switch {
		case matched == 0:
			extra = append(extra, waiverFinding(e, w, "waiver-unused", key,
				fmt.Sprintf("the waiver for %s%s matches no finding: the deviation is fixed, or the check, service or file is mistyped", w.Check, scope(w))))
		case expired:
			extra = append(extra, waiverFinding(e, w, "waiver-expired", key,
				fmt.Sprintf("the waiver for %s%s expired on %s; its %d finding(s) are open again", w.Check, scope(w), w.Expires.Format("2006-01-02"), matched)))
		}
	}
	return append(out, extra...)
}

func scope(w Waiver) string {
	var s []string
	if w.Service != "" {
		s = append(s, "service "+w.Service)
	}
	if w.File != "" {
		s = append(s, "file "+w.File)
	}
	if len(s) == 0 {
		return ""
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// waiverFinding is about the site profile, not a service: its service is
// empty (the message names the waiver's service).
func waiverFinding(e Effective, w Waiver, check, key, msg string) finding.Finding {
	return finding.Finding{
		Check: check, Status: finding.StatusFail, Message: msg,
		Expected: "a waiver that matches a current finding and has not expired",
		Actual:   fmt.Sprintf("check %s, expires %s", w.Check, w.Expires.Format("2006-01-02")),
		File:     e.File, Line: w.Line, Key: key,
		Fingerprint: finding.Fingerprint(check, "", "", e.File, key),
	}
}

func (w Waiver) matches(f finding.Finding) bool {
	if f.Check != w.Check {
		return false
	}
	if w.Service != "" && f.Service != w.Service {
		return false
	}
	if w.File != "" {
		if ok, _ := path.Match(w.File, f.File); !ok {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
