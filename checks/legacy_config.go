package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// legacyConfig flags options of an older release that the running
// release ignores or reads differently (e.g. ARC 6 blocks on ARC 7,
// https://github.com/nordugrid/arc/blob/next/src/doc/arc.conf.reference):
// the admin believes a setting is in force that is not.
var legacyConfig = Check{
	ID: "legacy-config",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, l := range svc.Legacy {
			if l.Kind != "config" {
				continue
			}
			out = append(out, Result{
				Edits:    legacyEdits(svc, l),
				Source:   l.Source,
				Key:      "legacy:" + l.What,
				Values:   vals("name", shortWhat(l.What)),
				Message:  fmt.Sprintf("%s: %s", svc.Label(), l.What),
				Expected: "configuration of the running release only",
				Actual:   l.What,
			})
		}
		return out
	},
}

// shortWhat is the name of a legacy item without the explanation after
// it ("[authtokens] block, removed in ARC 7: …" → "[authtokens] block"),
// for a fix that names it.
func shortWhat(what string) string {
	cut := len(what)
	for _, sep := range []string{", ", " (", ": "} {
		if i := strings.Index(what, sep); i > 0 && i < cut {
			cut = i
		}
	}
	return what[:cut]
}

// legacyEdits remove what the running release no longer uses: the whole
// block an ARC block finding points at, the line of an ARC plugin or a
// dCache property or plugin.
func legacyEdits(svc inventory.Service, l inventory.Legacy) []finding.Edit {
	switch svc.Name {
	case "arc-ce":
		if sec, ok := sectionOf(svc, l.Source); ok && sec.Start == l.Source.Line {
			return []finding.Edit{removeSection(sec)}
		}
		if e, ok := replaceLine(svc, l.Source); ok {
			return []finding.Edit{e}
		}
	case "dcache":
		if e, ok := replaceLine(svc, l.Source); ok {
			return []finding.Edit{e}
		}
	}
	return nil
}
