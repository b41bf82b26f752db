package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// maxTokenLifetime is the default maximum access-token lifetime of the
// WLCG common JWT profile (§4.3.1 "Token Lifetime Guidance": 6 hours,
// https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md#431-token-lifetime-guidance).
const maxTokenLifetime = 6 * 3600

// tokenLifetimeLong flags services that issue tokens living longer than
// the WLCG profile allows: a stolen token stays useful long after the
// theft.
var tokenLifetimeLong = Check{
	ID: "token-lifetime-long",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		if s, ok := svc.Setting("token.max-lifetime-seconds"); ok && len(s.Values) > 0 {
			var secs int
			fmt.Sscan(s.Values[0], &secs)
			if secs > maxTokenLifetime {
				var edits []finding.Edit
				if text, ok := recorded(svc, s.Source); ok {
					switch t := strings.TrimSpace(text); {
					case strings.HasPrefix(t, "max-token-lifetime-sec:"):
						e, _ := replaceLine(svc, s.Source, withValue(text, ":", "3600"))
						edits = append(edits, e)
					case strings.HasPrefix(t, "enabled:"):
						e, _ := insertAfter(svc, s.Source, indentOf(text)+"max-token-lifetime-sec: 3600")
						edits = append(edits, e)
					}
				}
				out = append(out, Result{
					Edits:    edits,
					Source:   s.Source,
					Key:      "max-lifetime",
					Values:   vals("key", s.Key, "values", s.Values[0]),
					Message:  fmt.Sprintf("%s issues tokens valid for up to %d h, beyond the WLCG profile's 6-hour maximum", svc.Label(), secs/3600),
					Expected: "at most 21600 seconds (6 h); 1 h recommended",
					Actual:   s.Values[0] + " seconds",
				})
			}
		}
		// sec.protocol ztn -expiry is not judged: XrdSecProtocolztn.cc
		// (v5.5.3 to v6.1.0) parses it inverted (every value but
		// "ignore" switches its own check off, "ignore" makes it
		// optional), and whatever it says the token library, scitokens-cpp
		// by default, requires exp and refuses expired tokens
		// (scitokens_internal.h v1.4.1 Validator::verify: "'exp' claim is
		// mandatory").
		return out
	},
}
