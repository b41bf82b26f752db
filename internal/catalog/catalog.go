// Package catalog describes what ttt-check knows, apart from any host: its
// checks (with their metadata from the recipes) and the services it reads
// (from the service registry). The scan builds it; outputs render it for
// `ttt-check checks`, `explain`, `version` and the README's generated tables.
package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Catalog is the tool's knowledge: versions, checks and services.
type Catalog struct {
	ToolVersion    string    `json:"tool_version"`
	RecipesVersion string    `json:"recipes_version"`
	RecipesSource  string    `json:"recipes_source"`
	RecipesDigest  string    `json:"recipes_digest"`
	Checks         []Check   `json:"checks"`
	Services       []Service `json:"services"`
	VOs            []VO      `json:"vos"`
}

// VO is a virtual organisation whose token issuer the recipes know.
type VO struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Issuer string `json:"issuer"`
	// Purpose is production, operations or development.
	Purpose string `json:"purpose"`
}

// DevelopmentIssuers are the issuers of development VOs, which no
// production host should trust.
func (c *Catalog) DevelopmentIssuers() []string {
	var out []string
	for _, vo := range c.VOs {
		if vo.Purpose == vocab.PurposeDevelopment {
			out = append(out, vo.Issuer)
		}
	}
	return out
}

// Check is one check id with its metadata: a check of the working
// group's, or a site rule (site/ID), which also says where it is defined
// and what it judges.
type Check struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Severity    vocab.Severity `json:"severity"`
	Rationale   string         `json:"rationale"`
	Remediation string         `json:"remediation"`
	References  []string       `json:"references"`
	// Source is the site rule's file:line; "" for the WG's checks.
	Source string `json:"source,omitempty"`
	// Judges is the site rule's iteration, filter and assertion, in its
	// own words.
	Judges string `json:"judges,omitempty"`
	// Fixes are the check's per-service advice, with placeholders
	// (<host>, <issuer>, …) where a finding gives the host's values.
	Fixes []Fix `json:"fixes,omitempty"`
}

// Fix is one service's advice for a check's findings.
type Fix struct {
	// Service is a service name, or "any" for the advice that holds for
	// every service.
	Service string `json:"service"`
	// Case names the findings it is for when a service has several
	// ("proxy", "testbed"); "" for its usual advice.
	Case string `json:"case,omitempty"`
	Text string `json:"text"`
}

// Service is one service ttt-check reads.
type Service struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
	// Files and Reads say in Markdown which files are read and what of
	// them.
	Files   string   `json:"files"`
	Reads   string   `json:"reads"`
	LogDirs []string `json:"log_dirs"`
}

// CheckIDs returns the check ids, sorted.
func (c *Catalog) CheckIDs() []string {
	ids := make([]string, len(c.Checks))
	for i, ch := range c.Checks {
		ids[i] = ch.ID
	}
	sort.Strings(ids)
	return ids
}

// ServiceNames returns the service names, sorted.
func (c *Catalog) ServiceNames() []string {
	names := make([]string, len(c.Services))
	for i, s := range c.Services {
		names[i] = s.Name
	}
	sort.Strings(names)
	return names
}

// Check returns the check with that id; the error names the nearest id
// when it is mistyped.
func (c *Catalog) Check(id string) (Check, error) {
	for _, ch := range c.Checks {
		if ch.ID == id {
			return ch, nil
		}
	}
	return Check{}, fmt.Errorf("unknown check %q%s (see ttt-check checks)", id, suggest(id, c.CheckIDs()))
}

// suggest names the nearest known id, for a mistyped one.
func suggest(id string, known []string) string {
	best, bestD := "", -1
	for _, k := range known {
		d := levenshtein.Distance(id, k, nil)
		if d > 3 && !strings.Contains(k, id) {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + best + "?"
}

// Reference is the working group's reference configuration of one
// service, rendered for one host (`ttt-check recipe`): the files a correct
// token setup has there, each with its host path, ready to paste into the
// site's configuration templates.
type Reference struct {
	Service string `json:"service"`
	Title   string `json:"title"`
	About   string `json:"about"`
	// Host is the host name the files are rendered for, HostFrom where it
	// came from (--hostname, /etc/hostname, …).
	Host     string   `json:"host"`
	HostFrom string   `json:"host_from"`
	VOs      []string `json:"vos"`
	// Release is the installed release the files were written for, ""
	// when the host does not say; Notes say what that left open.
	Release string          `json:"release,omitempty"`
	Notes   []string        `json:"notes,omitempty"`
	Sources []string        `json:"sources"`
	Files   []ReferenceFile `json:"files"`
}

// ReferenceFile is one file of a rendered reference configuration.
type ReferenceFile struct {
	// Path is where the file lives on the host.
	Path string `json:"path"`
	// Mode is "file" (the whole file) or "append" (lines to add to the
	// host's existing file).
	Mode    string   `json:"mode"`
	About   string   `json:"about"`
	Sources []string `json:"sources,omitempty"`
	Content string   `json:"content"`
}
