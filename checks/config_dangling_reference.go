package checks

import (
	"fmt"

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
			out = append(out, Result{
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
