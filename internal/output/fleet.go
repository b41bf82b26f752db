package output

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/fleet"
)

// FleetJSON writes the aggregate.
func FleetJSON(w io.Writer, r *fleet.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// FleetCSV writes the hosts × checks matrix.
func FleetCSV(w io.Writer, r *fleet.Report, _ Options) error {
	fmt.Fprintf(w, "host,worst,failed,scanned_at,recipe_version,stale,old_recipes,%s\n", strings.Join(r.Checks, ","))
	for _, h := range r.Hosts {
		fmt.Fprintf(w, "%s,%s,%d,%s,%s,%v,%v", csvField(h.Host), h.Worst, h.Failed, h.ScannedAt.Format(time.RFC3339), csvField(h.RecipeVersion), h.Stale, h.OldRecipes)
		for _, c := range r.Checks {
			fmt.Fprintf(w, ",%d", h.Checks[c])
		}
		fmt.Fprintln(w)
	}
	return nil
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// FleetMarkdown writes the fleet view for tickets and wikis.
func FleetMarkdown(w io.Writer, r *fleet.Report, _ Options) error {
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
		fmt.Fprintf(w, "| %s%s | %s | %d | %s |\n", h.Host, flags, h.Worst, h.Failed, strings.Join(cells, " | "))
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
