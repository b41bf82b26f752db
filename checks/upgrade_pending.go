package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// upgradePending flags package-manager leftovers (.rpmnew, .rpmsave,
// .dpkg-dist) beside a scanned config: the running config may lack the
// package's new defaults, or the admin's intended config is the one not
// read.
var upgradePending = Check{
	ID: "upgrade-pending",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, p := range svc.PendingUpgrades {
			out = append(out, Result{
				Source:   p,
				Key:      p.File,
				Message:  fmt.Sprintf("%s: the package manager left %s beside a scanned config; the running config may lack the package's new defaults, or the file may be the one the admin meant to keep", svc.Label(), p.File),
				Expected: "no .rpmnew/.rpmsave/.dpkg-dist files beside the config",
				Actual:   p.File,
			})
		}
		return out
	},
}
