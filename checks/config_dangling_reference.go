package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// configDanglingReference flags rules that name something the config
// does not define (an ARC authgroup, a provider alias): the rule silently
// matches nobody, so whatever it was meant to allow or deny does not
// happen.
var configDanglingReference = Check{
	ID: "config-dangling-reference",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, r := range svc.Dangling {
			msg := fmt.Sprintf("%s refers to %s, which is not defined: the rule silently matches nobody", svc.Label(), r.Name)
			if r.Note != "" {
				msg += " (" + r.Note + ")"
			}
			// A line that names nothing matches nobody: removing it
			// changes nothing but the confusion. A queue's allowaccess is
			// different: removed, the queue opens to everybody.
			var edits []finding.Edit
			if text, ok := recorded(svc, r.Source); ok {
				t := strings.TrimSpace(text)
				if svc.Name == "dcache" && strings.HasPrefix(t, "op:") || svc.Name == "arc-ce" && strings.HasPrefix(t, "map_to_user") {
					e, _ := replaceLine(svc, r.Source)
					edits = append(edits, e)
				}
			}
			out = append(out, Result{
				Edits:    edits,
				Source:   r.Source,
				Key:      "dangling:" + r.Name,
				Values:   vals("name", r.Name),
				Message:  msg,
				Expected: r.Name + " defined",
				Actual:   "undefined",
			})
		}
		return out
	},
}
