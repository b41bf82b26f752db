package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestAudienceUnchecked(t *testing.T) {
	unchecked := func(t *inventory.Trust) { t.AudienceChecked, t.Audiences = false, nil }
	arc := func(trusts ...inventory.Trust) inventory.Service {
		svc := service(trusts...)
		svc.Name = "arc-ce"
		return svc
	}
	runCases(t, audienceUnchecked, []checkCase{
		{name: "audience checked", svc: service(good(atlas), good(dteam))},
		{name: "ARC: one rule naming an audience checks it", svc: arc(good(atlas), with(dteam, unchecked))},
		{name: "one finding for one setting", svc: service(with(atlas, unchecked), with(dteam, unchecked)), want: []want{
			{severity: "high", message: "does not restrict the audience of tokens from " + atlas + ", " + dteam, source: src(2), key: "audience-unchecked"},
		}},
		{name: "XRootD without a list still checks a present aud", svc: service(with(atlas, func(t *inventory.Trust) { unchecked(t); t.AudienceIfPresent = true })), want: []want{
			{severity: "high", message: "does not require an audience of tokens from " + atlas + ": a token that carries no aud claim"},
		}},
		{name: "ARC without any audience rule", svc: arc(with(atlas, unchecked)), want: []want{
			{severity: "high", key: "audience-unchecked"},
		}},
		{name: "ARC: rules on several lines of one file are one finding", svc: arc(
			with(atlas, func(t *inventory.Trust) { unchecked(t); t.AudienceSource = src(8) }),
			with(atlas, func(t *inventory.Trust) { unchecked(t); t.AudienceSource = src(12) }),
			with(dteam, func(t *inventory.Trust) { unchecked(t); t.AudienceSource = src(16) })), want: []want{
			{severity: "high", message: "from " + atlas + ", " + dteam + ":", source: src(8), key: "audience-unchecked", also: []string{"/etc/x.cfg:12", "/etc/x.cfg:16"}},
		}},
	})
}
