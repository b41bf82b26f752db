package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// configUnknownKey flags keys the service does not know and silently
// ignores (e.g. a misspelt StoRM storage-area property,
// https://github.com/italiangrid/storm-webdav/blob/master/doc/storage-area-configuration.md):
// until fixed, the default the admin meant to change stays in force.
var configUnknownKey = Check{
	ID: "config-unknown-key",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, u := range svc.UnknownKeys {
			r := Result{
				Source:   u.Source,
				Key:      "unknown:" + u.Key,
				Message:  fmt.Sprintf("%s does not know %q and silently ignores it", svc.Label(), u.Key),
				Expected: "a key the service reads",
				Actual:   u.Key,
			}
			if u.Nearest != "" {
				r.Message += fmt.Sprintf("; did you mean %q? Until fixed, %s keeps its default", u.Nearest, u.Nearest)
				r.Expected = u.Nearest
			}
			out = append(out, r)
		}
		return out
	},
}
