// Package output renders ttt-check's documents — one host's report, its
// trust inventory, a fleet view of many hosts, the catalog of checks and
// services — for people (text, Markdown, HTML) and programs (JSON with an
// embedded JSON Schema, JUnit, SARIF, Nagios, Prometheus, CSV). It is the
// one registry of output formats: scan, logs, inventory, report and checks
// all pick their format here. Writers take a finished document and know
// nothing of services: they never branch on a service name.
package output

import (
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/catalog"
	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/fleet"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Options for every writer.
type Options struct {
	// Color enables ANSI colour; the caller sets it only on a terminal.
	Color bool
}

// Writer renders a host's report.
type Writer func(w io.Writer, r *finding.Report, opt Options) error

// InventoryWriter renders a host's trust inventory.
type InventoryWriter func(w io.Writer, inv *inventory.Inventory, opt Options) error

// FleetWriter renders the aggregate of many hosts' reports.
type FleetWriter func(w io.Writer, r *fleet.Report, opt Options) error

// CatalogWriter renders the catalog of checks and services.
type CatalogWriter func(w io.Writer, c *catalog.Catalog, opt Options) error

// ReferenceWriter renders a service's reference configuration.
type ReferenceWriter func(w io.Writer, r *catalog.Reference, opt Options) error

// Format is one output format and the documents it renders; a nil writer
// means the format does not render that document.
type Format struct {
	Report    Writer
	Inventory InventoryWriter
	Fleet     FleetWriter
	Catalog   CatalogWriter
	Reference ReferenceWriter
}

// Document names a kind of document, for Names.
type Document int

// The documents ttt-check writes.
const (
	DocReport Document = iota
	DocInventory
	DocFleet
	DocCatalog
	DocReference
)

// formats is the explicit registry of output formats: one place that the
// CLI's --format help, validation and dispatch all read.
var formats = map[string]Format{
	"csv":        {Fleet: FleetCSV},
	"html":       {Report: HTML, Fleet: FleetHTML},
	"json":       {Report: JSON, Inventory: InventoryJSON, Fleet: FleetJSON, Catalog: CatalogJSON, Reference: ReferenceJSON},
	"junit":      {Report: JUnit},
	"markdown":   {Report: Markdown, Fleet: FleetMarkdown, Catalog: CatalogMarkdown},
	"nagios":     {Report: Nagios},
	"prometheus": {Report: Prometheus},
	"sarif":      {Report: SARIF},
	"text":       {Report: Text, Inventory: InventoryText, Catalog: CatalogText, Reference: ReferenceText},
}

func (f Format) renders(doc Document) bool {
	switch doc {
	case DocReport:
		return f.Report != nil
	case DocInventory:
		return f.Inventory != nil
	case DocFleet:
		return f.Fleet != nil
	case DocCatalog:
		return f.Catalog != nil
	case DocReference:
		return f.Reference != nil
	}
	return false
}

// Names returns the formats that render doc, sorted, for help text and
// validation.
func Names(doc Document) []string {
	var names []string
	for n, f := range formats {
		if f.renders(doc) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// lookup returns a format that renders doc; the error lists the valid
// names.
func lookup(name string, doc Document) (Format, error) {
	f, ok := formats[name]
	if !ok || !f.renders(doc) {
		return Format{}, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(doc), ", "))
	}
	return f, nil
}

// Lookup returns the report writer of a format.
func Lookup(name string) (Writer, error) {
	f, err := lookup(name, DocReport)
	return f.Report, err
}

// LookupInventory returns the inventory writer of a format.
func LookupInventory(name string) (InventoryWriter, error) {
	f, err := lookup(name, DocInventory)
	return f.Inventory, err
}

// LookupFleet returns the fleet writer of a format.
func LookupFleet(name string) (FleetWriter, error) {
	f, err := lookup(name, DocFleet)
	return f.Fleet, err
}

// LookupCatalog returns the catalog writer of a format.
func LookupCatalog(name string) (CatalogWriter, error) {
	f, err := lookup(name, DocCatalog)
	return f.Catalog, err
}

// LookupReference returns the reference-configuration writer of a format.
func LookupReference(name string) (ReferenceWriter, error) {
	f, err := lookup(name, DocReference)
	return f.Reference, err
}

//go:embed schema/report.schema.json
var schema []byte

// Schema returns the JSON Schema of the JSON report.
func Schema() []byte { return append([]byte(nil), schema...) }

// Redaction: no report may carry a secret. The readers never put token or
// key material into the inventory, but configs can hold anything (a token
// pasted into a comment-turned-value, a password in a URL), so every string
// is scrubbed on the way out as a last line of defence.
var secretPatterns = []*regexp.Regexp{
	// JWTs, bare or URL-encoded (dots as %2E).
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}(?:\.|%2[Ee])[A-Za-z0-9_-]{4,}(?:(?:\.|%2[Ee])[A-Za-z0-9_-]*)?`),
	// Bearer credentials of any shape.
	regexp.MustCompile(`(?i)(bearer(?:\s|%20|\+)+)[A-Za-z0-9._~+/%=-]{8,}`),
	// key=value secrets.
	regexp.MustCompile(`(?i)((?:password|passwd|secret|secretkey|client_secret|token|access_token)\s*[=:]\s*)[^\s&,;"']+`),
	// user:password@ in URLs.
	regexp.MustCompile(`(://[^/\s:@]+:)[^@\s/]+@`),
	// PEM private keys.
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`),
}

// secretHints are substrings each of secretPatterns needs (in lower
// case): a text without any of them cannot match it, and the pattern is
// not run. Reports carry whole fixes, so most strings are long and free
// of secrets.
var secretHints = [][]string{
	{"eyj"},
	{"bearer"},
	{"password", "passwd", "secret", "token"},
	{"://"},
	{"-----begin"},
}

// Redact replaces secret-looking substrings with [REDACTED].
func Redact(s string) string {
	if s == "" {
		return s
	}
	lower := strings.ToLower(s)
	for i, re := range secretPatterns {
		if !slices.ContainsFunc(secretHints[i], func(h string) bool { return strings.Contains(lower, h) }) {
			continue
		}
		switch i {
		case 1, 2:
			s = re.ReplaceAllString(s, "${1}[REDACTED]")
		case 3:
			s = re.ReplaceAllString(s, "${1}[REDACTED]@")
		default:
			s = re.ReplaceAllString(s, "[REDACTED]")
		}
	}
	return s
}

func redactAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = Redact(x)
	}
	return out
}

// sanitize returns a redacted deep copy with nil slices made empty, so the
// JSON always has arrays where the schema says so.
func sanitize(r *finding.Report) *finding.Report {
	c := *r
	c.Findings = make([]finding.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Message, f.Expected, f.Actual = Redact(f.Message), Redact(f.Expected), Redact(f.Actual)
		f.Remediation = Redact(f.Remediation)
		if len(f.Edits) > 0 {
			edits := make([]finding.Edit, len(f.Edits))
			for j, e := range f.Edits {
				e.Old, e.New = redactAll(e.Old), redactAll(e.New)
				edits[j] = e
			}
			f.Edits = edits
		}
		if f.Waiver != nil {
			w := *f.Waiver
			w.Reason = Redact(w.Reason)
			f.Waiver = &w
		}
		c.Findings[i] = f
	}
	c.Resolved = nil
	for _, f := range r.Resolved {
		f.Message, f.Expected, f.Actual, f.Remediation = Redact(f.Message), Redact(f.Expected), Redact(f.Actual), Redact(f.Remediation)
		c.Resolved = append(c.Resolved, f)
	}
	c.Inventory = sanitizeInventory(&r.Inventory)
	if c.Summary.BySeverity == nil {
		c.Summary = finding.Summarize(c.Findings)
	}
	return &c
}

func sanitizeInventory(inv *inventory.Inventory) inventory.Inventory {
	c := *inv
	c.Services = make([]inventory.Service, len(inv.Services))
	for i, s := range inv.Services {
		s.ConfigFiles = nonNil(s.ConfigFiles)
		trusts := make([]inventory.Trust, len(s.Trusts))
		for j, t := range s.Trusts {
			t.Issuer = Redact(t.Issuer)
			t.Subjects = redactAll(t.Subjects)
			t.Audiences = redactAll(t.Audiences)
			if t.Strategies == nil {
				t.Strategies = []inventory.Strategy{}
			}
			trusts[j] = t
		}
		s.Trusts = trusts
		settings := make([]inventory.Setting, len(s.Settings))
		for j, st := range s.Settings {
			st.Values = redactAll(st.Values)
			settings[j] = st
		}
		s.Settings = settings
		problems := make([]inventory.Problem, len(s.Problems))
		for j, p := range s.Problems {
			p.Reason = Redact(p.Reason)
			problems[j] = p
		}
		s.Problems = problems
		if s.PendingUpgrades == nil {
			s.PendingUpgrades = []inventory.Source{}
		}
		c.Services[i] = s
	}
	return c
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
