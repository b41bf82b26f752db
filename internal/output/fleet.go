package output

import (
	"bufio"
	"encoding/csv"
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

// scrubFleet is the fleet report every fleet writer renders: results come
// from files on other hosts, so every string goes through Scrub.
func scrubFleet(r *fleet.Report) *fleet.Report {
	c := scrubCopy(r)
	return &c
}

// FleetJSON writes the aggregate, every string through Scrub as in
// scrubFleet, as json.Encoder with a two-space indent does, byte for
// byte, but element by element: a fleet of 100,000 hosts
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

// value writes v whole, scrubbed, as it is indented at the given depth.
// Each value is scrubbed on its own, so that no scrubbed copy of the
// whole fleet is ever held.
func (j *jsonStream) value(v any, depth int) {
	b, err := json.MarshalIndent(scrubAny(v), strings.Repeat("  ", depth), "  ")
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

// FleetCSV writes the hosts × checks matrix: RFC 4180 quoting for every
// field, header included, and fields a spreadsheet would run as a
// formula defused.
func FleetCSV(w io.Writer, r *fleet.Report, _ Options) error {
	r = scrubFleet(r)
	cw := csv.NewWriter(w)
	header := []string{"host", "worst", "failed", "scanned_at", "recipe_version", "stale", "old_recipes", "file", "history"}
	for _, c := range r.Checks {
		header = append(header, csvSafe(c))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, h := range r.Hosts {
		row := []string{csvSafe(h.Host), csvSafe(h.Worst), fmt.Sprint(h.Failed), h.ScannedAt.Format(time.RFC3339), csvSafe(h.RecipeVersion), fmt.Sprint(h.Stale), fmt.Sprint(h.OldRecipes), csvSafe(h.File), fmt.Sprint(h.History)}
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
	fmt.Fprintf(w, "| host | worst | failed | scanned | file | %s |\n|---|---|---|---|---|%s\n", strings.Join(r.Checks, " | "), strings.Repeat("---|", len(r.Checks)))
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
		if h.History > 0 {
			flags += fmt.Sprintf(" (+%d older)", h.History)
		}
		scanned := ""
		if !h.ScannedAt.IsZero() {
			scanned = h.ScannedAt.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "| %s%s | %s | %d | %s | %s | %s |\n", mdCell(h.Host), mdCell(flags), mdCell(h.Worst), h.Failed, scanned, mdCell(h.File), strings.Join(cells, " | "))
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
