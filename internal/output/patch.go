package output

import (
	"io"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
)

// PatchText writes what `scan --diff` prints: a commented header, the
// unified diff that brings the host's files to the recipe, then every
// failing finding the diff leaves for the admin with why and its advice.
// The comments are lines patch(1) skips, so the whole output can be fed
// to `patch -p0`. Lines that look like secrets are redacted, like every
// output's; a hunk whose context was redacted does not apply.
func PatchText(w io.Writer, p *finding.Patch, host string, _ Options) error {
	t := &textWriter{w: w}
	t.printf("# ttt-check scan --diff for %s: %d failing finding(s) fixed by the diff below, %d left.\n", Scrub(host), len(p.Fixed), len(p.Left))
	if p.Diff != "" {
		root := p.Root
		if root == "" {
			root = "/"
		}
		t.printf("# Review it, then apply it with: patch -d %s -p0 < THIS-FILE (ttt-check itself writes nothing).\n", root)
		for _, l := range strings.SplitAfter(strings.TrimSuffix(p.Diff, "\n"), "\n") {
			t.printf("%s", Redact(l))
		}
		t.printf("\n")
	} else {
		t.printf("# Nothing to change mechanically.\n")
	}
	if len(p.Left) == 0 {
		return t.err
	}
	t.printf("\n# Left for you (no mechanical fix, or its lines changed since the scan):\n")
	for _, l := range p.Left {
		f := l.Finding
		svc := f.Service
		if svc == "" {
			svc = "site profile"
		}
		t.printf("#\n# %s %s %s (%s): %s\n", strings.ToUpper(f.Severity.String()), f.Check, orDash(f.Location()), svc, Redact(l.Reason))
		for _, line := range fixLines(Redact(f.Remediation), 74) {
			t.printf("#   %s\n", line)
		}
	}
	return t.err
}
