// Package report writes scan reports and inventories for people (text) and
// programs (JSON, documented by an embedded JSON Schema). Writers take a
// finished report and know nothing of services.
package report

import (
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Options for every writer.
type Options struct {
	// Color enables ANSI colour; the caller sets it only on a terminal.
	Color bool
}

// Writer renders a report.
type Writer func(w io.Writer, r *finding.Report, opt Options) error

// formats is the registry of report formats.
var formats = map[string]Writer{
	"json":       JSON,
	"junit":      JUnit,
	"html":       HTML,
	"markdown":   Markdown,
	"nagios":     Nagios,
	"prometheus": Prometheus,
	"sarif":      SARIF,
	"text":       Text,
}

// Names returns the format names, sorted, for help text and validation.
func Names() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the writer of a format.
func Lookup(name string) (Writer, error) {
	w, ok := formats[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return w, nil
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

// Redact replaces secret-looking substrings with [REDACTED].
func Redact(s string) string {
	if s == "" {
		return s
	}
	for i, re := range secretPatterns {
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
