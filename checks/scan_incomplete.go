package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// scanIncomplete reports configs a reader could not fully read, so that
// a missing finding is never mistaken for a clean one. Logs that could
// not be read are reported under the same id by LogFindings
// (logs_token_leaked.go).
var scanIncomplete = Check{
	ID: vocab.CheckScanIncomplete,
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, p := range svc.Problems {
			if p.TrustUnaffected {
				// The reader knows the unread part cannot change token
				// trust: say so, below every fail threshold.
				out = append(out, Result{
					Source:   p.Source,
					Key:      p.Reason,
					Severity: sev(vocab.Info),
					Message:  fmt.Sprintf("%s: part of %s was not read: %s", svc.Label(), p.Source.File, p.Reason),
					Expected: "every config source read",
					Actual:   p.Reason,
				})
				continue
			}
			out = append(out, Result{
				Source:   p.Source,
				Key:      p.Reason,
				Message:  fmt.Sprintf("%s: %s could not be fully read: %s; the trust it configures is not judged", svc.Label(), p.Source.File, p.Reason),
				Expected: "a readable, parsable config",
				Actual:   p.Reason,
			})
		}
		return out
	},
}
