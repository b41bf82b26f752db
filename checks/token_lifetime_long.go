package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// maxTokenLifetime is the default maximum access-token lifetime of the
// WLCG common JWT profile (§4.3.1 "Token Lifetime Guidance": 6 hours,
// https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md#431-token-lifetime-guidance).
const maxTokenLifetime = 6 * 3600

// lifetimeSettings are the inventory settings holding the longest life a
// service gives the bearer tokens it mints or accepts, in seconds, with
// what the message calls them: the tokens of StoRM's authorization
// server, the macaroons of XRootD (XrdMacaroons) and dCache (its WebDAV
// doors). A second value, when present, names the setting that would
// limit them: the service's default applies.
var lifetimeSettings = []struct{ key, what, fingerprint string }{
	{"token.max-lifetime-seconds", "issues tokens", "max-lifetime"},
	{"macaroon.max-lifetime-seconds", "issues or accepts macaroons", "macaroon-max-lifetime"},
}

// tokenLifetimeLong flags services whose bearer tokens live longer than
// the WLCG profile allows: a stolen token stays useful long after the
// theft.
var tokenLifetimeLong = Check{
	ID: "token-lifetime-long",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, ls := range lifetimeSettings {
			for _, s := range svc.Settings {
				if s.Key != ls.key || len(s.Values) == 0 {
					continue
				}
				secs, err := strconv.ParseInt(s.Values[0], 10, 64)
				if err != nil || (secs > 0 && secs <= maxTokenLifetime) {
					continue
				}
				life := "without any limit"
				if secs > 0 {
					life = "valid for up to " + duration(secs)
				}
				msg := fmt.Sprintf("%s %s %s, beyond the WLCG profile's 6-hour maximum", svc.Label(), ls.what, life)
				actual := s.Values[0] + " seconds"
				if secs == 0 {
					actual = "no limit"
				}
				if len(s.Values) > 1 {
					msg += fmt.Sprintf(" (the default: nothing sets %s)", s.Values[1])
					actual += " (default)"
				}
				out = append(out, Result{
					Edits:    lifetimeEdits(svc, s),
					Source:   s.Source,
					Key:      ls.fingerprint,
					Values:   vals("key", s.Key, "values", s.Values[0]),
					Message:  msg,
					Expected: "at most 21600 seconds (6 h); 1 h recommended",
					Actual:   actual,
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

// lifetimeEdits sets StoRM's authorization-server lifetime to an hour where
// the line that sets it (or enables the server) was recorded.
func lifetimeEdits(svc inventory.Service, s inventory.Setting) []finding.Edit {
	if s.Key != "token.max-lifetime-seconds" {
		return nil
	}
	text, ok := recorded(svc, s.Source)
	if !ok {
		return nil
	}
	switch t := strings.TrimSpace(text); {
	case strings.HasPrefix(t, "max-token-lifetime-sec:"):
		e, _ := replaceLine(svc, s.Source, withValue(text, ":", "3600"))
		return []finding.Edit{e}
	case strings.HasPrefix(t, "enabled:"):
		e, _ := insertAfter(svc, s.Source, indentOf(text)+"max-token-lifetime-sec: 3600")
		return []finding.Edit{e}
	}
	return nil
}

// duration renders seconds as hours below two days, as days beyond.
func duration(secs int64) string {
	if secs < 2*86400 {
		return fmt.Sprintf("%d h", secs/3600)
	}
	if secs%86400 == 0 {
		return fmt.Sprintf("%d days", secs/86400)
	}
	return fmt.Sprintf("%.1f days", float64(secs)/86400)
}
