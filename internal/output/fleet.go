package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/fleet"
)

// FleetJSON writes the aggregate as json.Encoder with a two-space indent
// does, byte for byte, but element by element: a fleet of 100,000 hosts
// is tens of megabytes of JSON, which encoding it whole holds in memory
// twice (encoded, then indented) beside the aggregate itself.
// TestFleetJSONIsEncoderOutput holds it to json.Encoder's bytes, which
// also catches a field added to fleet.Report and not written here.
func FleetJSON(w io.Writer, r *fleet.Report, _ Options) error {
	j := &jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
	j.w.WriteString("{")
	j.field("generated_at", r.GeneratedAt)
	j.field("recipe_version", r.RecipeVersion)
	j.key("hosts")
	streamList(j, r.Hosts, 1)
	j.key("checks")
	streamList(j, r.Checks, 1)
	j.key("issuers")
	streamLists(j, r.Issuers, 1)
	j.key("expiring_waivers")
	streamList(j, r.Expiring, 1)
	j.key("development_vo")
	streamLists(j, r.Development, 1)
	j.key("errors")
	streamList(j, r.Errors, 1)
	j.w.WriteString("\n}\n")
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}

// jsonStream writes the members of the fleet report's top-level object
// with json.Encoder's two-space indent, keeping the first encoding error.
type jsonStream struct {
	w     *bufio.Writer
	err   error
	count int // members written
}

// key starts a top-level member.
func (j *jsonStream) key(name string) {
	if j.count > 0 {
		j.w.WriteByte(',')
	}
	j.count++
	j.w.WriteString("\n  \"" + name + "\": ")
}

// field writes a top-level member whole.
func (j *jsonStream) field(name string, v any) {
	j.key(name)
	j.value(v, 1)
}

// value writes v whole, as it is indented at the given depth.
func (j *jsonStream) value(v any, depth int) {
	b, err := json.MarshalIndent(v, strings.Repeat("  ", depth), "  ")
	if err != nil && j.err == nil {
		j.err = err
	}
	j.w.Write(b)
}

// streamList writes a slice whose opening bracket is on a line at depth,
// one element at a time.
func streamList[T any](j *jsonStream, list []T, depth int) {
	switch {
	case list == nil:
		j.w.WriteString("null")
		return
	case len(list) == 0:
		j.w.WriteString("[]")
		return
	}
	j.w.WriteString("[")
	in := "\n" + strings.Repeat("  ", depth+1)
	for i, v := range list {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.WriteString(in)
		j.value(v, depth+1)
	}
	j.w.WriteString("\n" + strings.Repeat("  ", depth) + "]")
}

// streamLists writes a map of lists (issuers to hosts) with its keys
// sorted, as encoding/json sorts them, one list element at a time.
func streamLists(j *jsonStream, m map[string][]string, depth int) {
	switch {
	case m == nil:
		j.w.WriteString("null")
		return
	case len(m) == 0:
		j.w.WriteString("{}")
		return
	}
	j.w.WriteString("{")
	in := "\n" + strings.Repeat("  ", depth+1)
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.WriteString(in)
		j.value(k, depth+1)
		j.w.WriteString(": ")
		streamList(j, m[k], depth+1)
	}
	j.w.WriteString("\n" + strings.Repeat("  ", depth) + "}")
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
