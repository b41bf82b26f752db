package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// maxTokenLifetime is the default maximum access-token lifetime of the
// WLCG common JWT profile (§4.3.1 "Token Lifetime Guidance": 6 hours,
// https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md#431-token-lifetime-guidance).
const maxTokenLifetime = 6 * 3600

// tokenLifetimeLong flags services that issue tokens living longer than
// the WLCG profile allows, or accept tokens without expiry: a stolen
// token stays useful long after the theft.
var tokenLifetimeLong = Check{
	ID: "token-lifetime-long",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		if s, ok := svc.Setting("token.max-lifetime-seconds"); ok && len(s.Values) > 0 {
			var secs int
			fmt.Sscan(s.Values[0], &secs)
			if secs > maxTokenLifetime {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "max-lifetime",
					Message:  fmt.Sprintf("%s issues tokens valid for up to %d h, beyond the WLCG profile's 6-hour maximum", svc.Label(), secs/3600),
					Expected: "at most 21600 seconds (6 h); 1 h recommended",
					Actual:   s.Values[0] + " seconds",
				})
			}
		}
		for _, s := range svc.Settings {
			if s.Key != "sec.protocol" || len(s.Values) == 0 || !strings.Contains(s.Values[0], "ztn") {
				continue
			}
			for i, v := range s.Values {
				if v == "-expiry" && i+1 < len(s.Values) && (s.Values[i+1] == "ignore" || s.Values[i+1] == "optional") {
					out = append(out, Result{
						Source:   s.Source,
						Key:      "ztn-expiry",
						Message:  fmt.Sprintf("%s: sec.protocol ztn -expiry %s accepts tokens without an expiry, valid forever (note: XrdSecProtocolztn.cc parses -expiry in a way that looks inverted; the setting's intent is judged)", svc.Label(), s.Values[i+1]),
						Expected: "-expiry required (the default)",
						Actual:   "-expiry " + s.Values[i+1],
					})
				}
			}
		}
		return out
	},
}
