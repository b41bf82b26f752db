package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// accessOpen flags access that is open to everybody authenticated, or to
// anybody at all: ARC [mapping] and queues admitting an authgroup with
// `all = yes` (an empty [arex/ws/jobs] is not judged: A-REX does not
// consult that list on ARC 6.9-6.21 nor for ARC 7's REST interface)
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
				fixCase := "anonymous"
				if strings.HasPrefix(strings.Join(s.Values, " "), "policy ") {
					fixCase = "policy"
				}
				var edits []finding.Edit
				if text, ok := recorded(svc, s.Source); ok && fixCase == "anonymous" && strings.HasPrefix(strings.TrimSpace(text), "anonymousReadEnabled") {
					e, _ := replaceLine(svc, s.Source, withValue(text, "=", "false"))
					edits = append(edits, e)
				}
				out = append(out, Result{
					Edits:    edits,
					FixCase:  fixCase,
					Source:   s.Source,
					Key:      "open:" + strings.Join(s.Values, " "),
					Message:  fmt.Sprintf("%s: %s", svc.Label(), strings.Join(s.Values, " ")),
					Expected: "write and delete only for identified VO members or scoped tokens; no anonymous access to a VO area",
					Actual:   strings.Join(s.Values, " "),
				})
				continue
			}
			// ARC: the job interface is open to whatever [mapping] maps
			// (A-REX builds a user configuration for every mapped
			// identity); an `all = yes` group mapped to an account opens
			// it to every authenticated identity, any token whose issuer
			// publishes keys included (OTokensSecAttr checks no issuer).
			if s.Key == "mapping.all" && len(s.Values) == 2 && svc.TokensEnabled {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "mapping-all:" + s.Values[0],
					FixCase:  "mapping",
					Values:   vals("name", s.Values[0], "mapped", s.Values[1]),
					Message:  fmt.Sprintf("%s: [mapping] maps authgroup %s, which has `all = yes`, to %s: every authenticated identity, a token of any issuer that publishes keys included, may use the job interface as that account", svc.Label(), s.Values[0], s.Values[1]),
					Expected: "[mapping] only for authgroups with token or subject rules",
					Actual:   "map to " + s.Values[1] + " for authgroup " + s.Values[0],
				})
				continue
			}
			block, ok := strings.CutSuffix(s.Key, ".access")
			if !ok {
				continue
			}
			for _, st := range s.Values {
				if g, ok := strings.CutPrefix(st, "allowaccess:"); ok && slices.Contains(all, g) {
					out = append(out, Result{
						Source:   s.Source,
						Key:      "all:" + block + ":" + g,
						FixCase:  "queue",
						Values:   vals("name", g, "key", block),
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
