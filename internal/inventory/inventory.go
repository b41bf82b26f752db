// Package inventory is the service-neutral model of what a host trusts:
// which token issuers each service accepts, for which subjects, audiences and
// paths, mapped to which account, and from which file:line. Service readers
// produce it; checks consume it. It knows nothing of file formats or checks.
package inventory

import (
	"fmt"
	"sort"
	"strings"
)

// Source is where a value was set on the host: an absolute path as on the
// host (inside --root: as if the root were /) and a 1-based line number.
// Line 0 means "the file as a whole" (for example a missing key whose
// default applies).
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// String renders file:line, or just the file when no line is known.
func (s Source) String() string {
	if s.File == "" {
		return ""
	}
	if s.Line <= 0 {
		return s.File
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// IsZero reports whether the source is unknown.
func (s Source) IsZero() bool { return s.File == "" }

// Strategy is how a service decides what a token may do.
type Strategy string

// Authorization strategies in the admin's words.
const (
	// StrategyCapability authorizes by the token's scopes (storage.read:/path).
	StrategyCapability Strategy = "capability"
	// StrategyGroup authorizes by the token's groups (wlcg.groups).
	StrategyGroup Strategy = "group"
	// StrategyMapping authorizes by mapping the subject (or issuer) to a local
	// account whose permissions then apply.
	StrategyMapping Strategy = "mapping"
	// StrategyIssuerWide grants the same rights to every token of the issuer.
	StrategyIssuerWide Strategy = "issuer-wide"
)

// Trust is one issuer a service accepts, and what it accepts it for.
type Trust struct {
	// Service is the registry name of the service (xrootd, htcondor-ce, ...).
	Service string `json:"service"`
	// Instance names the service instance when a host runs several (for
	// XRootD the config file's instance name); empty when there is one.
	Instance string `json:"instance,omitempty"`
	// Name is the service's own label for this trust (an [Issuer X] section,
	// a provider alias, an authgroup).
	Name string `json:"name,omitempty"`
	// Issuer is the exact issuer string as the service compares it.
	Issuer string `json:"issuer"`
	// AnyIssuer is true when the service accepts tokens of any issuer here.
	AnyIssuer bool `json:"any_issuer,omitempty"`
	// IssuerPattern is the regular expression (Go syntax) a service matches
	// issuers with, when it uses one (HTCondor-CE mapfiles); Issuer is then
	// the literal issuer the pattern was written for, if it has one.
	IssuerPattern string `json:"issuer_pattern,omitempty"`
	// IdentityPattern is the whole pattern when it covers more than the
	// issuer (HTCondor-CE matches "<iss>,<sub>").
	IdentityPattern string `json:"identity_pattern,omitempty"`
	// Pattern is IdentityPattern compiled by the reader, so that the
	// checks probing it do not compile it again (nil when the reader did
	// not, or it does not compile). It is not part of the report.
	Pattern *Pattern `json:"-"`
	// Subjects lists the accepted subjects; AnySubject means no restriction.
	Subjects   []string `json:"subjects,omitempty"`
	AnySubject bool     `json:"any_subject"`
	// Audiences lists the accepted audiences. AudienceChecked false means the
	// service does not check the audience at all for this issuer.
	Audiences       []string `json:"audiences,omitempty"`
	AudienceChecked bool     `json:"audience_checked"`
	// AudienceIfPresent is set when, without a configured list, the
	// service still refuses a token whose aud names another service but
	// accepts one that carries no aud claim (scitokens-cpp).
	AudienceIfPresent bool   `json:"audience_if_present,omitempty"`
	AudienceSource    Source `json:"audience_source"`
	// Strategies is the ordered set of authorization strategies in effect.
	Strategies     []Strategy `json:"strategies"`
	StrategySource Source     `json:"strategy_source"`
	// Account is the local account tokens are mapped to ("" when the subject
	// itself or a mapfile decides), with where it was set.
	Account       string `json:"account,omitempty"`
	AccountSource Source `json:"account_source"`
	// WideGrant says, in the service's terms, what every token of the
	// issuer gets when the trust is issuer-wide and the account alone
	// does not say it (an acc.authdb organisation rule, a mapfile rule).
	WideGrant string `json:"wide_grant,omitempty"`
	// ScopeLimit says what the token's own scopes still do when the
	// mapping ignores its subject: ScopesRequired (the service grants a
	// session only what its scopes name: HTCondor), ScopesConfine (a token
	// with scopes is held to them, one without gets the mapping in full:
	// dCache), or "" (the mapping decides alone).
	ScopeLimit string `json:"scope_limit,omitempty"`
	// AccountNameOnly is set when the account only names requests (for
	// logs and authorization rules): the service does not act as that
	// local user. XRootD's default_user without the multiuser plugin.
	AccountNameOnly bool `json:"account_name_only,omitempty"`
	// CarriedAccount is an account the service keeps on the client's
	// connection after a token-authorized request, which later requests on
	// that connection get whatever they carry; CarriedSource is where it
	// is given rights.
	CarriedAccount string `json:"carried_account,omitempty"`
	CarriedSource  Source `json:"carried_source,omitempty"`
	// SubjectMapped is true when the token's subject becomes the account.
	SubjectMapped bool `json:"subject_mapped,omitempty"`
	// MapFile is a mapping file that decides the account, when there is one.
	MapFile string `json:"map_file,omitempty"`
	// BasePaths restricts the namespace the issuer's scopes apply to
	// (XRootD base_path, dCache -prefix, StoRM access point). Empty: none.
	BasePaths       []string `json:"base_paths,omitempty"`
	RestrictedPaths []string `json:"restricted_paths,omitempty"`
	PathSource      Source   `json:"path_source"`
	// Source is where the trust is declared (the issuer line).
	Source Source `json:"source"`
}

// HasStrategy reports whether s is among the trust's strategies.
func (t Trust) HasStrategy(s Strategy) bool {
	for _, x := range t.Strategies {
		if x == s {
			return true
		}
	}
	return false
}

// Setting is a service setting a check needs (a log level, a token-in-URL
// option, a role), with every value in the order the service applies them.
// Keys are the service's own directive names (for example "http.trace",
// "scitokens.onmissing"); checks look them up by that name.
type Setting struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
	Source Source   `json:"source"`
}

// Problem is a configuration the reader could not read or parse completely:
// the service's trust cannot be judged from it. It becomes scan-incomplete.
type Problem struct {
	Source Source `json:"source"`
	Reason string `json:"reason"`
	// TrustUnaffected is set when the reader knows that what it could not
	// read cannot change token trust (the job router's defaults that a
	// vendor's generator prints): the admin is told, but it is a note.
	TrustUnaffected bool `json:"trust_unaffected,omitempty"`
}

// Ban is a rule meant to lock an identity out, and whether it works.
type Ban struct {
	// Identity is what is banned, in the service's terms.
	Identity string `json:"identity"`
	Source   Source `json:"source"`
	// ShadowedBy is the earlier rule that already decides some token the
	// ban targets, so that the ban does not take effect for it; zero when
	// the ban works.
	ShadowedBy Source `json:"shadowed_by"`
	// Partly is set when the earlier rule decides only some of the tokens
	// the ban targets (the rules overlap): the ban works for the others.
	Partly bool `json:"partly,omitempty"`
	// SlipsThrough names a token the earlier rule lets through although
	// the ban targets it (its issuer, subject, audience, scope).
	SlipsThrough string `json:"slips_through,omitempty"`
	// Inert says why the ban never applies whatever the order of rules
	// (the service does not evaluate the rule at all).
	Inert string `json:"inert,omitempty"`
}

// Legacy is configuration left from the X.509/GSI era or from an older
// release of the service.
type Legacy struct {
	// Kind is "gsi" (GSI, Argus, LCMAPS) or "config" (obsolete options).
	Kind   string `json:"kind"`
	What   string `json:"what"`
	Source Source `json:"source"`
}

// Reference is a name the configuration uses but does not define (an
// authgroup, a provider alias): whatever it was meant to do, it does not.
type Reference struct {
	Name   string `json:"name"`
	Source Source `json:"source"`
	// Note adds what the reader knows, e.g. that the definition is
	// commented out.
	Note string `json:"note,omitempty"`
}

// UnknownKey is a setting the service does not know and silently ignores.
type UnknownKey struct {
	Key    string `json:"key"`
	Source Source `json:"source"`
	// Nearest is the known key it most likely was meant to be.
	Nearest string `json:"nearest,omitempty"`
	// Since is set when the key is real but younger than the installed
	// release (Release, "xrootd 5.5.3-1"): the first release that reads it.
	Since   string `json:"since,omitempty"`
	Release string `json:"release,omitempty"`
}

// Service is one service found on the host, as its readers understood it.
type Service struct {
	// Name is the registry name (xrootd, htcondor-ce, arc-ce, dcache,
	// storm-webdav, eos).
	Name string `json:"name"`
	// Kind is "storage" or "compute" (the service registry's word for it).
	Kind string `json:"kind"`
	// Instance distinguishes several instances of one service on a host.
	Instance string `json:"instance,omitempty"`
	// Runs says whether systemd starts it (Runs* constants); Units are the
	// units that decide it, RunsSource the link or unit file that does.
	Runs       string   `json:"runs"`
	Units      []string `json:"units,omitempty"`
	RunsSource Source   `json:"runs_source"`
	// Versions are the installed releases of what the service runs, from
	// the host's package databases; none when the host records none.
	Versions []Component `json:"versions,omitempty"`
	// TokensEnabled is true when the service is configured to accept bearer
	// tokens at all; TokensSource says where.
	TokensEnabled bool   `json:"tokens_enabled"`
	TokensSource  Source `json:"tokens_source"`
	// ConfigFiles are the files read, in the order the service reads them.
	ConfigFiles []string     `json:"config_files"`
	Trusts      []Trust      `json:"trusts"`
	Settings    []Setting    `json:"settings"`
	Problems    []Problem    `json:"problems,omitempty"`
	Bans        []Ban        `json:"bans,omitempty"`
	Legacy      []Legacy     `json:"legacy,omitempty"`
	Dangling    []Reference  `json:"dangling,omitempty"`
	UnknownKeys []UnknownKey `json:"unknown_keys,omitempty"`
	// PendingUpgrades are package-manager leftovers (.rpmnew, .rpmsave,
	// .dpkg-dist, ...) found beside the config files.
	PendingUpgrades []Source `json:"pending_upgrades,omitempty"`
	// Lines are the exact text of the lines the service's facts cite,
	// by place, as the reader saw them: what a fix that rewrites or
	// removes a line must find there (the checks never read files).
	// Never rendered: a line may hold a secret.
	Lines map[Source]string `json:"-"`
	// Sections are the sections of the INI-like files the service reads
	// (scitokens.cfg, arc.conf), with their lines as read: where a fix
	// adds a key to a section or removes one. Never rendered.
	Sections []Section `json:"-"`
}

// Line returns the text of a line the reader recorded.
func (s Service) Line(src Source) (string, bool) {
	t, ok := s.Lines[src]
	return t, ok && src.Line > 0
}

// Section is one [section] of an INI-like file as read: its header line
// and every line up to the next header.
type Section struct {
	File string
	// Name is what the brackets hold, trimmed ("Global", "Issuer ATLAS",
	// "authgroup: atlas").
	Name string
	// Start is the header's line.
	Start int
	// Lines are the text of lines Start, Start+1, … up to the next
	// header or the end of the file.
	Lines []string
}

// End is the section's last line that holds something: not blank and
// not a comment. Keys go after it, and removing the section ends there.
func (s Section) End() int {
	end := s.Start
	for i, l := range s.Lines {
		t := strings.TrimSpace(l)
		if t != "" && t[0] != '#' && t[0] != ';' {
			end = s.Start + i
		}
	}
	return end
}

// Contains reports whether the section holds the line at src.
func (s Section) Contains(src Source) bool {
	return src.File == s.File && src.Line >= s.Start && src.Line < s.Start+len(s.Lines)
}

// Label names the service for people: "xrootd" or "xrootd (clustered)".
func (s Service) Label() string {
	if s.Instance == "" {
		return s.Name
	}
	return s.Name + " (" + s.Instance + ")"
}

// Version returns the installed release of a component of the service.
func (s Service) Version(component string) (Component, bool) {
	for _, c := range s.Versions {
		if c.Name == component {
			return c, true
		}
	}
	return Component{}, false
}

// Setting returns the setting with the given key and whether it is set.
func (s Service) Setting(key string) (Setting, bool) {
	for _, x := range s.Settings {
		if x.Key == key {
			return x, true
		}
	}
	return Setting{}, false
}

// LogPlace is where in a log a token was seen.
type LogPlace struct {
	File string `json:"file"`
	Line int64  `json:"line"`
}

// TokenClaims are the parts of a leaked token worth reporting. None is
// secret: the token itself is never kept.
type TokenClaims struct {
	Issuer   string   `json:"iss,omitempty"`
	Subject  string   `json:"sub,omitempty"`
	Audience []string `json:"aud,omitempty"`
	Scope    string   `json:"scope,omitempty"`
	IssuedAt int64    `json:"iat,omitempty"`
	Expires  int64    `json:"exp,omitempty"`
	Alg      string   `json:"alg,omitempty"`
}

// LeakedToken is one distinct bearer token found in logs, and everywhere
// it was seen.
type LeakedToken struct {
	// Fingerprint names the token (a sha256 prefix) without revealing it.
	Fingerprint string      `json:"fingerprint"`
	Claims      TokenClaims `json:"claims"`
	Count       int         `json:"count"`
	First       LogPlace    `json:"first"`
	Last        LogPlace    `json:"last"`
	// Sample is the first line it was seen on, with every token replaced
	// by its fingerprint and cut to a readable length.
	Sample string `json:"sample"`
}

// LogSearch is what a search of logs for leaked tokens found.
type LogSearch struct {
	// Paths are the files and directories searched, as on the host.
	Paths    []string      `json:"paths"`
	Files    int           `json:"files"`
	Bytes    int64         `json:"bytes"`
	Leaks    []LeakedToken `json:"leaks"`
	Problems []Problem     `json:"problems"`
	// Missing are paths the operator named that do not exist.
	Missing []string `json:"missing,omitempty"`
}

// Inventory is everything a scan learned about one host.
type Inventory struct {
	// HostFacts are what runs and which packages are installed.
	HostFacts *HostFacts `json:"host_facts,omitempty"`
	Host      string     `json:"host"`
	// HostnameFrom says where the host name came from: "--hostname",
	// "/etc/hostname", "this machine" or "unknown". Services evaluate
	// conditions on it (xrootd `if`, HTCondor $(FULL_HOSTNAME)).
	HostnameFrom string    `json:"hostname_from"`
	Root         string    `json:"root"`
	Services     []Service `json:"services"`
}

// Sort orders services and their contents deterministically so that
// reports and golden files do not depend on map or directory order.
func (inv *Inventory) Sort() {
	sort.SliceStable(inv.Services, func(i, j int) bool {
		a, b := inv.Services[i], inv.Services[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Instance < b.Instance
	})
}

// What the scopes of a token still decide, in Trust.ScopeLimit.
const (
	// ScopesRequired: the session gets only what the token's scopes name
	// (HTCondor's condor:/… and compute.* scopes); a token without them
	// is mapped but may do nothing.
	ScopesRequired = "required"
	// ScopesConfine: a token carrying scopes is held to them; one without
	// gets the mapped identity's full rights (dCache's scope-based
	// profiles).
	ScopesConfine = "confine"
)
