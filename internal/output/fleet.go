package output

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/fleet"
)

// scrubFleet is the fleet report every fleet writer renders: results come
// from files on other hosts, so every string goes through Scrub.
func scrubFleet(r *fleet.Report) *fleet.Report {
	c := scrubCopy(r)
	return &c
}

// FleetJSON writes the aggregate.
func FleetJSON(w io.Writer, r *fleet.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(scrubFleet(r))
}

// FleetCSV writes the hosts × checks matrix: RFC 4180 quoting for every
// field, header included, and fields a spreadsheet would run as a
// formula defused.
func FleetCSV(w io.Writer, r *fleet.Report, _ Options) error {
	r = scrubFleet(r)
	cw := csv.NewWriter(w)
	header := []string{"host", "worst", "failed", "scanned_at", "recipe_version", "stale", "old_recipes"}
	for _, c := range r.Checks {
		header = append(header, csvSafe(c))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, h := range r.Hosts {
		row := []string{csvSafe(h.Host), csvSafe(h.Worst), fmt.Sprint(h.Failed), h.ScannedAt.Format(time.RFC3339), csvSafe(h.RecipeVersion), fmt.Sprint(h.Stale), fmt.Sprint(h.OldRecipes)}
		for _, c := range r.Checks {
			row = append(row, fmt.Sprint(h.Checks[c]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses a field a spreadsheet would evaluate: one starting with
// = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's
// CSV injection rule).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// mdCell escapes what would break out of a Markdown table cell or start
// markup: pipes, backticks, angle brackets, newlines.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "\\`", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

// FleetMarkdown writes the fleet view for tickets and wikis.
func FleetMarkdown(w io.Writer, r *fleet.Report, _ Options) error {
	r = scrubFleet(r)
	fmt.Fprintf(w, "# ttt-check fleet report\n\n%d hosts, generated %s, current recipes %s.\n\n", len(r.Hosts), r.GeneratedAt.Format("2006-01-02 15:04 MST"), r.RecipeVersion)
	fmt.Fprintf(w, "| host | worst | failed | %s |\n|---|---|---|%s\n", strings.Join(r.Checks, " | "), strings.Repeat("---|", len(r.Checks)))
	for _, h := range r.Hosts {
		var cells []string
		for _, c := range r.Checks {
			cells = append(cells, fmt.Sprint(h.Checks[c]))
		}
		flags := ""
		if h.Stale {
			flags += " (stale)"
		}
		if h.OldRecipes {
			flags += " (recipes " + h.RecipeVersion + ")"
		}
		fmt.Fprintf(w, "| %s%s | %s | %d | %s |\n", mdCell(h.Host), mdCell(flags), mdCell(h.Worst), h.Failed, strings.Join(cells, " | "))
	}
	fmt.Fprintf(w, "\n## Hosts trusting a development VO\n\n")
	for _, iss := range sortedHostKeys(r.Development) {
		fmt.Fprintf(w, "- `%s`: %s\n", iss, strings.Join(r.Development[iss], ", "))
	}
	fmt.Fprintf(w, "\n## Trusted issuers\n\n")
	for _, iss := range sortedHostKeys(r.Issuers) {
		fmt.Fprintf(w, "- `%s`: %d host(s): %s\n", iss, len(r.Issuers[iss]), strings.Join(r.Issuers[iss], ", "))
	}
	fmt.Fprintf(w, "\n## Waivers expiring within 30 days\n\n")
	for _, x := range r.Expiring {
		fmt.Fprintf(w, "- %s `%s` on %s: %s\n", x.Expires, x.Check, x.Host, x.Reason)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\n## Unreadable results\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(w, "- %s\n", e)
		}
	}
	return nil
}

func sortedHostKeys(m map[string][]string) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}
