package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/catalog"
)

// ReferenceText writes a reference configuration for people: a commented
// header (what it is, for which host, VOs and release, its sources), then
// every file under a "==> path <==" line, as it goes on the host.
func ReferenceText(w io.Writer, r *catalog.Reference, _ Options) error {
	r = sanitizeReference(r)
	t := &textWriter{w: w}
	t.printf("# ttt-check recipe %s: %s\n", r.Service, r.Title)
	t.printf("# host %s%s; VOs %s", r.Host, hostAside(r.HostFrom, ""), strings.Join(r.VOs, ", "))
	if r.Release != "" {
		t.printf("; written for %s", r.Release)
	}
	t.printf("\n#\n")
	for _, l := range wrap(r.About, 76) {
		t.printf("# %s\n", l)
	}
	for _, n := range r.Notes {
		t.printf("#\n")
		for i, l := range wrap("Note: "+n, 76) {
			if i > 0 {
				l = "  " + l
			}
			t.printf("# %s\n", l)
		}
	}
	t.printf("#\n# Sources:\n")
	for _, s := range r.Sources {
		t.printf("#   %s\n", s)
	}
	for _, f := range r.Files {
		how := ""
		if f.Mode == "append" {
			how = " (add to the existing file)"
		}
		t.printf("\n==> %s%s: %s <==\n", f.Path, how, f.About)
		t.printf("%s", f.Content)
		if !strings.HasSuffix(f.Content, "\n") {
			t.printf("\n")
		}
	}
	return t.err
}

// ReferenceJSON writes a reference configuration for tools.
func ReferenceJSON(w io.Writer, r *catalog.Reference, _ Options) error {
	r = sanitizeReference(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// sanitizeReference is a redacted copy: the host's values that fill the
// templates come from its files, and no output carries a secret.
func sanitizeReference(r *catalog.Reference) *catalog.Reference {
	c := scrubCopy(r)
	return &c
}
