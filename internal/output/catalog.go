package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ttt-wg/ttt-check/internal/catalog"
)

// CatalogText lists every check: id, severity, title (ttt-check checks);
// with site rules loaded, also where each is defined.
func CatalogText(w io.Writer, c *catalog.Catalog, _ Options) error {
	sources := false
	for _, ch := range c.Checks {
		sources = sources || ch.Source != ""
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if sources {
		fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tSOURCE")
	} else {
		fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
	}
	for _, ch := range c.Checks {
		if sources {
			src := ch.Source
			if src == "" {
				src = "recipes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ch.ID, ch.Severity, Redact(ch.Title), Redact(src))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ch.ID, ch.Severity, ch.Title)
	}
	return tw.Flush()
}

// CatalogJSON writes the catalog for tools.
func CatalogJSON(w io.Writer, c *catalog.Catalog, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// CatalogMarkdown writes the services and checks tables, the same ones
// the README carries between its generated-section markers.
func CatalogMarkdown(w io.Writer, c *catalog.Catalog, _ Options) error {
	sections := READMESections(c)
	_, err := fmt.Fprintf(w, "## What is read\n\n%s\n## Checks\n\n%s", sections["services"], sections["checks"])
	return err
}

// READMESections renders the README's generated sections, by marker name:
// "services" (what is read, from the service registry) and "checks" (from
// the recipes). `make docs` writes them; a test fails when the README
// differs.
func READMESections(c *catalog.Catalog) map[string]string {
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	var svc strings.Builder
	svc.WriteString("| service | files | what |\n|---|---|---|\n")
	for _, s := range c.Services {
		fmt.Fprintf(&svc, "| %s (`%s`) | %s | %s |\n", s.Title, s.Name, s.Files, s.Reads)
	}
	var chk strings.Builder
	chk.WriteString("| id | severity | what |\n|---|---|---|\n")
	for _, ch := range c.Checks {
		fmt.Fprintf(&chk, "| `%s` | %s | %s |\n", ch.ID, ch.Severity, cell.Replace(ch.Title))
	}
	return map[string]string{"services": svc.String(), "checks": chk.String()}
}

// Explain writes one check's title, severity, rationale, remediation,
// the advice of each service (only service's when it is not "", and the
// advice for every service) and references (ttt-check explain). A site
// rule also says where it is and what it judges.
func Explain(w io.Writer, ch catalog.Check, services []catalog.Service, service string) error {
	fmt.Fprintf(w, "%s — %s\nseverity: %s\n", ch.ID, Redact(ch.Title), ch.Severity)
	if ch.Source != "" {
		fmt.Fprintf(w, "site rule: %s\njudges: %s\n", Redact(ch.Source), Redact(ch.Judges))
	}
	fmt.Fprintf(w, "\nWhy it matters\n%s\n\nHow to fix it\n%s\n", indent(Redact(ch.Rationale)), indent(Redact(ch.Remediation)))
	titles := map[string]string{"any": "Every service"}
	for _, s := range services {
		titles[s.Name] = s.Title + " (" + s.Name + ")"
	}
	shown := 0
	for _, f := range ch.Fixes {
		if service != "" && f.Service != service && f.Service != "any" {
			continue
		}
		title := titles[f.Service]
		if title == "" {
			title = f.Service
		}
		if f.Case != "" {
			title += ", when: " + f.Case
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, l := range fixLines(Redact(f.Text), 76) {
			if l == "" {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, "  %s\n", l)
		}
		shown++
	}
	if service != "" && shown == 0 {
		fmt.Fprintf(w, "\n%s\n  No advice of its own: the fix above applies.\n", titles[service])
	}
	fmt.Fprintf(w, "\nReferences\n")
	for _, r := range ch.References {
		fmt.Fprintf(w, "  - %s\n", Redact(r))
	}
	if len(ch.References) == 0 {
		fmt.Fprintln(w, "  (none given)")
	}
	return nil
}

func indent(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
