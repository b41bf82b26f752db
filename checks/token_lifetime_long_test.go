package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestTokenLifetimeLong(t *testing.T) {
	svc := func(settings ...inventory.Setting) inventory.Service {
		return withSettings(service(good(atlas)), settings...)
	}
	runCases(t, tokenLifetimeLong, []checkCase{
		{name: "6 hours exactly", svc: svc(setting("token.max-lifetime-seconds", "21600"))},
		{name: "ztn with expiry required", svc: svc(setting("sec.protocol", "ztn", "-expiry", "required"))},
		{name: "-expiry ignore on another protocol", svc: svc(setting("sec.protocol", "gsi", "-expiry", "ignore"))},
		{name: "12-hour tokens", svc: svc(setting("token.max-lifetime-seconds", "43200")), want: []want{
			{severity: "medium", message: "issues tokens valid for up to 12 h, beyond the WLCG profile's 6-hour maximum", source: src(3), key: "max-lifetime"},
		}},
		// The token library requires exp whatever ztn's (inverted)
		// -expiry parsing makes of it.
		{name: "ztn -expiry optional", svc: svc(setting("sec.protocol", "ztn", "-expiry", "optional"))},
		// A production XCache: macaroons.maxduration 32054400.
		{name: "XCache macaroons for a year", svc: svc(setting("macaroon.max-lifetime-seconds", "32054400")), want: []want{
			{severity: "medium", message: "issues or accepts macaroons valid for up to 371 days, beyond the WLCG profile's 6-hour maximum", source: src(3), key: "macaroon-max-lifetime"},
		}},
		// XrdMacaroons' default when nothing sets macaroons.maxduration.
		{name: "macaroons by default", svc: svc(setting("macaroon.max-lifetime-seconds", "86400", "macaroons.maxduration")), want: []want{
			{message: "valid for up to 24 h, beyond the WLCG profile's 6-hour maximum (the default: nothing sets macaroons.maxduration)"},
		}},
		{name: "macaroons without a limit", svc: svc(setting("macaroon.max-lifetime-seconds", "0")), want: []want{
			{message: "issues or accepts macaroons without any limit"},
		}},
		{name: "macaroons for an hour", svc: svc(setting("macaroon.max-lifetime-seconds", "3600"))},
		{name: "dCache's default: 7 days", svc: svc(setting("macaroon.max-lifetime-seconds", "604800", "webdav.macaroons.max-lifetime")), want: []want{
			{message: "valid for up to 7 days"},
		}},
	})
}
