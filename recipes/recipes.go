// Package recipes holds the Token Trust and Traceability working group's
// reference recipes (the *.hcl files beside this one, embedded into the
// binary) and reads them: the VO registry, the per-service expectations and
// the metadata of every check. `--recipes DIR` replaces the embedded set.
package recipes

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

//go:embed *.hcl
var embedded embed.FS

// Set is a loaded, validated recipe set.
type Set struct {
	Version     string
	Description string
	// Digest is the sha256 of the set's files, so a report names exactly
	// what it was judged against.
	Digest string
	// Source is "embedded" or the directory given with --recipes.
	Source string
	// AnyAudiences are the audience values that mean "any relying party".
	AnyAudiences []string
	// LegacyIssuerPattern matches issuers of retired hostnames.
	LegacyIssuerPattern *regexp.Regexp
	VOs                 map[string]*VO
	Services            map[string]*Service
	Checks              map[string]*Check
	// Components are the software whose release changes a verdict or a
	// fix, by the name the inventory gives them ("xrootd", "arc").
	Components map[string]*Component
	// References are the working group's reference configurations, by
	// service (recipes/40-reference.hcl).
	References map[string]*Reference
}

// Component is software whose releases differ in what a check concludes
// or may advise: which release added a feature, and which release is
// assumed when the host does not say which one it runs.
type Component struct {
	Name  string `hcl:"name,label"`
	Title string `hcl:"title"`
	// OldestSupported is the release a host is judged as when its package
	// databases do not say which one is installed.
	OldestSupported string `hcl:"oldest_supported"`
	// Features maps a feature (an option, a fix) to the first release
	// that has it.
	Features   map[string]string `hcl:"features,optional"`
	References []string          `hcl:"references"`
	Range      hcl.Range         `hcl:",def_range"`
}

// VO is one virtual organisation's token issuer as the working group
// knows it.
type VO struct {
	Name           string   `hcl:"name,label"`
	Title          string   `hcl:"title"`
	Issuer         string   `hcl:"issuer"`
	LegacyIssuers  []string `hcl:"legacy_issuers,optional"`
	Purpose        string   `hcl:"purpose"`
	CapabilityOnly bool     `hcl:"capability_only,optional"`
	// OptIn VOs are in a reference configuration only when the site
	// profile names them: the WG lists them, but most WLCG sites do not
	// serve them.
	OptIn         bool           `hcl:"opt_in,optional"`
	RobotSubjects []RobotSubject `hcl:"robot_subject,block"`
	References    []string       `hcl:"references,optional"`
	Range         hcl.Range      `hcl:",def_range"`
}

// RobotSubject is a published pilot or robot subject of a VO.
type RobotSubject struct {
	Subject     string `hcl:"subject,label"`
	Description string `hcl:"description"`
	Account     string `hcl:"account,optional"`
}

// Service is the reference expectation for one kind of service.
type Service struct {
	Name string `hcl:"name,label"`
	// PrivilegedAccounts are accounts no token may be mapped to (besides
	// root and uid 0, which are privileged everywhere).
	PrivilegedAccounts []string `hcl:"privileged_accounts,optional"`
	// ImplicitAnyAudience is true when the service accepts the "any"
	// audiences whatever its configuration says.
	ImplicitAnyAudience bool `hcl:"implicit_any_audience,optional"`
	// AudienceScheme is the scheme of the audience a service should have
	// of its own (condor:// for HTCondor-CE, WLCG profile §2.1.1).
	AudienceScheme string `hcl:"audience_scheme,optional"`
	// AudienceByAnyRule is true when one token rule naming an audience is
	// enough for the service's audience to count as checked (ARC: the
	// audience is a per-rule constraint of authtokens/authtokensgen, and
	// https://github.com/nordugrid/arc/blob/master/README.OIDC
	// says "no additional requirements are imposed" on the token).
	AudienceByAnyRule bool `hcl:"audience_by_any_rule,optional"`
	// AllowedOnMissing are the acceptable behaviours for a request
	// without a usable token.
	AllowedOnMissing []string `hcl:"allowed_onmissing,optional"`
	// RedirectingRoles are roles in which the service sends clients to
	// other hosts, carrying URLs with it.
	RedirectingRoles []string `hcl:"redirecting_roles,optional"`
	// Components are the software the service runs whose releases
	// matter (component blocks).
	Components []string  `hcl:"components,optional"`
	LogLeaks   []LogLeak `hcl:"log_leak,block"`
	References []string  `hcl:"references,optional"`
	Range      hcl.Range `hcl:",def_range"`
}

// LogLeak names a setting whose values make the service log bearer tokens.
type LogLeak struct {
	Setting string   `hcl:"setting,label"`
	Values  []string `hcl:"values"`
	// Component is the software that writes the log (default: the
	// service's own component of the same name). Before and From bound
	// the releases that leak: before the release that fixed it, from the
	// release that brought it (back); empty means unbounded.
	Component string `hcl:"component,optional"`
	Before    string `hcl:"before,optional"`
	From      string `hcl:"from,optional"`
	// UnlessWord names a setting and a word: the leak does not happen
	// when that setting carries the word (["http.header2cgi",
	// "strip-on-redirect"]).
	UnlessWord []string `hcl:"unless_word,optional"`
	// RedirectingValues leak too on a host that redirects or proxies
	// (the request trace of a redirect carries its Location).
	RedirectingValues []string `hcl:"redirecting_values,optional"`
	Note              string   `hcl:"note,optional"`
}

// Check is the metadata of one check.
type Check struct {
	ID          string `hcl:"id,label"`
	Title       string `hcl:"title"`
	SeverityRaw string `hcl:"severity"`
	// Severity is SeverityRaw, validated when the set is loaded.
	Severity    vocab.Severity
	Rationale   string   `hcl:"rationale"`
	Remediation string   `hcl:"remediation"`
	References  []string `hcl:"references"`
	// Fixes are the per-service advice for the check's findings.
	Fixes []*Fix    `hcl:"fix,block"`
	Range hcl.Range `hcl:",def_range"`
}

type recipeSetBlock struct {
	Version             string    `hcl:"version"`
	Description         string    `hcl:"description,optional"`
	AnyAudiences        []string  `hcl:"any_audiences"`
	LegacyIssuerPattern string    `hcl:"legacy_issuer_pattern,optional"`
	Range               hcl.Range `hcl:",def_range"`
}

type fileSchema struct {
	Set        []recipeSetBlock `hcl:"recipe_set,block"`
	VOs        []*VO            `hcl:"vo,block"`
	Services   []*Service       `hcl:"service,block"`
	Checks     []*Check         `hcl:"check,block"`
	Components []*Component     `hcl:"component,block"`
	References []*Reference     `hcl:"reference,block"`
}

// Error carries HCL diagnostics with file:line:col positions.
type Error struct {
	Diags hcl.Diagnostics
}

// Error renders every diagnostic as "file:line:col: summary; detail".
func (e *Error) Error() string {
	var b strings.Builder
	for i, d := range e.Diags {
		if i > 0 {
			b.WriteString("\n")
		}
		if d.Subject != nil {
			fmt.Fprintf(&b, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		b.WriteString(d.Summary)
		if d.Detail != "" {
			b.WriteString("; ")
			b.WriteString(d.Detail)
		}
	}
	return b.String()
}

// Embedded loads the recipe set built into the binary. It is the set go
// generate loaded from the embedded files (recipes_gen.go), so no command
// pays for parsing HCL at start-up; a test keeps the two identical.
func Embedded() (*Set, error) {
	if set := generatedSet(); set != nil {
		return set, nil
	}
	return Load(embedded, "", "embedded")
}

// EmbeddedFS exposes the embedded recipe files, for tests and packaging.
func EmbeddedFS() fs.FS { return embedded }

// Load reads every *.hcl file at the top of fsys. prefix is prepended to
// file names in diagnostics (the --recipes directory) and source names the
// set in reports.
func Load(fsys fs.FS, prefix, source string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.hcl")
	if err != nil {
		return nil, fmt.Errorf("list recipes: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load recipes from %s: no *.hcl files", source)
	}
	sort.Strings(names)
	parser := hclparse.NewParser()
	digest := sha256.New()
	var diags hcl.Diagnostics
	var merged fileSchema
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read recipe %s: %w", name, err)
		}
		digest.Write([]byte(name))
		digest.Write([]byte{0})
		digest.Write(data)
		digest.Write([]byte{0})
		display := name
		if prefix != "" {
			display = path.Join(prefix, name)
		}
		if line, col, deep := nestingTooDeep(data); deep {
			return nil, nestingError(display, line, col)
		}
		file, d := parser.ParseHCL(data, display)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		var fsch fileSchema
		diags = append(diags, gohcl.DecodeBody(file.Body, nil, &fsch)...)
		merged.Set = append(merged.Set, fsch.Set...)
		merged.VOs = append(merged.VOs, fsch.VOs...)
		merged.Services = append(merged.Services, fsch.Services...)
		merged.Checks = append(merged.Checks, fsch.Checks...)
		merged.Components = append(merged.Components, fsch.Components...)
		merged.References = append(merged.References, fsch.References...)
	}
	if diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	set, diags := build(merged)
	if diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	set.Digest = "sha256:" + hex.EncodeToString(digest.Sum(nil))
	set.Source = source
	return set, nil
}

func build(m fileSchema) (*Set, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	errAt := func(r hcl.Range, summary, detail string) {
		rr := r
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rr})
	}
	set := &Set{VOs: map[string]*VO{}, Services: map[string]*Service{}, Checks: map[string]*Check{}, Components: map[string]*Component{}}
	switch len(m.Set) {
	case 0:
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "missing recipe_set block", Detail: "one file must declare recipe_set { version = ... }"})
	case 1:
	default:
		errAt(m.Set[1].Range, "duplicate recipe_set block", "declare the recipe set once")
	}
	if len(m.Set) > 0 {
		rs := m.Set[0]
		set.Version, set.Description, set.AnyAudiences = rs.Version, rs.Description, rs.AnyAudiences
		if strings.TrimSpace(rs.Version) == "" {
			errAt(rs.Range, "empty recipe set version", "")
		}
		if rs.LegacyIssuerPattern != "" {
			re, err := regexp.Compile(rs.LegacyIssuerPattern)
			if err != nil {
				errAt(rs.Range, "invalid legacy_issuer_pattern", err.Error())
			}
			set.LegacyIssuerPattern = re
		}
	}
	issuers := map[string]string{}
	for _, vo := range m.VOs {
		if _, dup := set.VOs[vo.Name]; dup {
			errAt(vo.Range, "duplicate vo "+vo.Name, "")
			continue
		}
		switch vo.Purpose {
		case vocab.PurposeProduction, vocab.PurposeOperations, vocab.PurposeDevelopment:
		default:
			errAt(vo.Range, "invalid purpose for vo "+vo.Name, fmt.Sprintf("%q is not one of production, operations, development", vo.Purpose))
		}
		for _, iss := range append([]string{vo.Issuer}, vo.LegacyIssuers...) {
			if other, dup := issuers[iss]; dup {
				errAt(vo.Range, "issuer claimed by two VOs", fmt.Sprintf("%s is listed for %s and %s; the WLCG profile allows one VO per issuer", iss, other, vo.Name))
			}
			issuers[iss] = vo.Name
		}
		set.VOs[vo.Name] = vo
	}
	for _, s := range m.Services {
		set.Services[s.Name] = s
		for _, l := range s.LogLeaks {
			if len(l.UnlessWord) != 0 && len(l.UnlessWord) != 2 {
				errAt(s.Range, "invalid unless_word in log_leak "+l.Setting, "give a setting and a word")
			}
		}
	}
	for _, s := range m.Services {
		for _, c := range s.Components {
			if !slices.ContainsFunc(m.Components, func(x *Component) bool { return x.Name == c }) {
				errAt(s.Range, "service "+s.Name+" names unknown component "+c, "declare component \""+c+"\" { … }")
			}
		}
	}
	for _, c := range m.Components {
		if _, dup := set.Components[c.Name]; dup {
			errAt(c.Range, "duplicate component "+c.Name, "")
			continue
		}
		if len(c.References) == 0 {
			errAt(c.Range, "component "+c.Name+" has no references", "cite where the release boundaries come from")
		}
		set.Components[c.Name] = c
	}
	for _, c := range m.Checks {
		if _, dup := set.Checks[c.ID]; dup {
			errAt(c.Range, "duplicate check "+c.ID, "")
			continue
		}
		sev, err := vocab.ParseSeverity(c.SeverityRaw)
		if err != nil {
			errAt(c.Range, "invalid severity for check "+c.ID, err.Error())
		}
		c.Severity = sev
		if len(c.References) == 0 {
			errAt(c.Range, "check "+c.ID+" has no references", "cite the source a check rests on")
		}
		set.Checks[c.ID] = c
	}
	diags = append(diags, buildReferences(set, m.References)...)
	diags = append(diags, buildFixes(set, m.Checks)...)
	return set, diags
}

// VOByIssuer returns the VO whose current issuer is iss (exact compare).
func (s *Set) VOByIssuer(iss string) (*VO, bool) {
	for _, vo := range s.sortedVOs() {
		if vo.Issuer == iss {
			return vo, true
		}
	}
	return nil, false
}

// VOByLegacyIssuer returns the VO listing iss as a legacy issuer.
func (s *Set) VOByLegacyIssuer(iss string) (*VO, bool) {
	for _, vo := range s.sortedVOs() {
		for _, l := range vo.LegacyIssuers {
			if l == iss {
				return vo, true
			}
		}
	}
	return nil, false
}

// SortedVOs returns the VOs by name.
func (s *Set) SortedVOs() []*VO { return s.sortedVOs() }

func (s *Set) sortedVOs() []*VO {
	out := make([]*VO, 0, len(s.VOs))
	for _, vo := range s.VOs {
		out = append(out, vo)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// IsAnyAudience reports whether aud means "any relying party".
func (s *Set) IsAnyAudience(aud string) bool {
	for _, a := range s.AnyAudiences {
		if a == aud {
			return true
		}
	}
	return false
}
