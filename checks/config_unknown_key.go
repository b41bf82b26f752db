package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
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
				Values:   vals("key", u.Key, "new", u.Nearest),
				Message:  fmt.Sprintf("%s does not know %q and silently ignores it", svc.Label(), u.Key),
				Expected: "a key the service reads",
				Actual:   u.Key,
			}
			if u.Since != "" {
				r.Key = "too-new:" + u.Key
				r.Message = fmt.Sprintf("%s: the installed %s does not read %q yet (first read by %s) and silently ignores it", svc.Label(), u.Release, u.Key, u.Since)
				r.Expected = fmt.Sprintf("%s %s or later", u.Release[:strings.IndexByte(u.Release+" ", ' ')], u.Since)
				r.Actual = u.Release
				// What ignoring the line does to trust is judged by the
				// check about that trust (authz-group-fallback for
				// authorization_strategy), which then names the upgrade;
				// here it is a note that the line is dead.
				r.Severity = sev(vocab.Low)
				r.FixCase = "upgrade"
				r.Values["installed"], r.Values["since_release"] = u.Release, u.Since
			}
			if text, ok := recorded(svc, u.Source); ok && u.Nearest != "" && u.Since == "" && svc.Name == "storm-webdav" && strings.HasPrefix(strings.TrimSpace(text), u.Key) {
				i := strings.Index(text, u.Key)
				e, _ := replaceLine(svc, u.Source, text[:i]+u.Nearest+text[i+len(u.Key):])
				r.Edits = []finding.Edit{e}
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
