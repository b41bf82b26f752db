package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// accessOpen flags access that is open to everybody authenticated, or to
// anybody at all: ARC's job interface without allowaccess, ARC blocks
// admitting an authgroup with `all = yes`
// (https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference),
// and open access readers report directly ("open-access" settings). It
// reads the job interface's and queues' access statements
// (`<block>.access`: allowaccess:/denyaccess: in order) and the authgroups
// that admit everybody (`authgroup.all`).
var accessOpen = Check{
	ID: "access-open",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var all []string
		if s, ok := svc.Setting("authgroup.all"); ok {
			all = s.Values
		}
		var out []Result
		for _, s := range svc.Settings {
			if s.Key == "open-access" {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "open:" + strings.Join(s.Values, " "),
					Message:  fmt.Sprintf("%s: %s", svc.Label(), strings.Join(s.Values, " ")),
					Expected: "write and delete only for identified VO members or scoped tokens; no anonymous access to a VO area",
					Actual:   strings.Join(s.Values, " "),
				})
				continue
			}
			block, ok := strings.CutSuffix(s.Key, ".access")
			if !ok {
				continue
			}
			if block == "arex/ws/jobs" && len(s.Values) == 0 && svc.TokensEnabled {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "open:" + block,
					Message:  fmt.Sprintf("%s: [%s] has no allowaccess: \"no additional restrictions are applied … the interface is open to everybody authenticated\", including any token whose issuer publishes keys", svc.Label(), block),
					Expected: "allowaccess naming the authgroups of pinned pilot subjects",
					Actual:   "no allowaccess or denyaccess",
				})
				continue
			}
			for _, st := range s.Values {
				if g, ok := strings.CutPrefix(st, "allowaccess:"); ok && slices.Contains(all, g) {
					out = append(out, Result{
						Source:   s.Source,
						Key:      "all:" + block + ":" + g,
						Message:  fmt.Sprintf("%s: [%s] admits authgroup %s, which has `all = yes` and so matches every authenticated identity", svc.Label(), block, g),
						Expected: "authgroups with token or subject rules",
						Actual:   "allowaccess = " + g,
					})
				}
			}
		}
		return out
	},
}
