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
	// Quiet writes the verdict and counts only (text).
	Quiet bool
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
	"compact":    {Report: Compact},
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

// sanitize returns the report every writer renders: a scrubbed deep copy
// (every string through Scrub, by reflection, so a field added to the
// model later is covered without anyone remembering it), with nil slices
// made empty so the JSON has arrays where the schema says so.
func sanitize(r *finding.Report) *finding.Report {
	c := scrubCopy(r)
	if c.Findings == nil {
		c.Findings = []finding.Finding{}
	}
	normaliseInventory(&c.Inventory)
	if c.Summary.BySeverity == nil {
		c.Summary = finding.Summarize(c.Findings)
	}
	if c.Verdict == "" {
		c.Verdict = c.Judge()
	}
	return &c
}

// sanitizeFindings is sanitize for the writers that show the findings and
// which services were scanned, but not what each service trusts and sets
// (text, JUnit, SARIF, Nagios, Prometheus, Markdown): those lists are
// left out before the copy, since scrubbing a CE's 100,000 trusts only
// for the writer to ignore them costs seconds.
func sanitizeFindings(r *finding.Report) *finding.Report {
	c := *r
	c.Inventory.Services = make([]inventory.Service, len(r.Inventory.Services))
	for i, s := range r.Inventory.Services {
		s.Trusts, s.Settings, s.Problems, s.Bans = nil, nil, nil, nil
		s.Legacy, s.Dangling, s.UnknownKeys, s.Lines, s.Sections = nil, nil, nil, nil, nil
		c.Inventory.Services[i] = s
	}
	return sanitize(&c)
}

// sanitizeInventory is sanitize for an inventory on its own.
func sanitizeInventory(inv *inventory.Inventory) inventory.Inventory {
	c := scrubCopy(inv)
	normaliseInventory(&c)
	return c
}

// normaliseInventory makes the slices the schema requires non-null; inv
// must be a copy.
func normaliseInventory(inv *inventory.Inventory) {
	if inv.Services == nil {
		inv.Services = []inventory.Service{}
	}
	for i := range inv.Services {
		s := &inv.Services[i]
		s.ConfigFiles = nonNil(s.ConfigFiles)
		if s.Trusts == nil {
			s.Trusts = []inventory.Trust{}
		}
		if s.Settings == nil {
			s.Settings = []inventory.Setting{}
		}
		if s.PendingUpgrades == nil {
			s.PendingUpgrades = []inventory.Source{}
		}
		for j := range s.Trusts {
			if s.Trusts[j].Strategies == nil {
				s.Trusts[j].Strategies = []inventory.Strategy{}
			}
		}
	}
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
