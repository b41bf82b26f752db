package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestAccessOpen(t *testing.T) {
	arc := func(settings ...inventory.Setting) inventory.Service {
		svc := withSettings(service(good(atlas)), settings...)
		svc.Name = "arc-ce"
		return svc
	}
	tokensOff := arc(setting("arex/ws/jobs.access"))
	tokensOff.TokensEnabled = false
	runCases(t, accessOpen, []checkCase{
		{name: "allowaccess of pinned subjects", svc: arc(setting("authgroup.all", "everyone"), setting("arex/ws/jobs.access", "denyaccess:banned", "allowaccess:atlas_pilots"))},
		{name: "no allowaccess but tokens off", svc: tokensOff},
		{name: "no access statement in a queue", svc: arc(setting("queue:grid.access"))},
		// A-REX does not consult [arex/ws/jobs] (ARC 6.9-6.21, ARC 7 REST).
		{name: "empty job interface list is not the gate", svc: arc(setting("arex/ws/jobs.access"))},
		{name: "everybody mapped to an account", svc: arc(setting("authgroup.all", "everybody"), setting("mapping.all", "everybody", "nobody")), want: []want{
			{severity: "high", message: "[mapping] maps authgroup everybody, which has `all = yes`, to nobody: every authenticated identity", source: src(3), key: "mapping-all:everybody"},
		}},
		{name: "authgroup with all = yes admitted", svc: arc(setting("authgroup.all", "everyone"), setting("queue:grid.access", "allowaccess:everyone")), want: []want{
			{severity: "high", message: "[queue:grid] admits authgroup everyone, which has `all = yes`", key: "all:queue:grid:everyone"},
		}},
		{name: "open access a reader reports", svc: withSettings(service(good(atlas)), setting("open-access", "anonymous", "write", "to", "/data")), want: []want{
			{message: "xrootd: anonymous write to /data", key: "open:anonymous write to /data"},
		}},
	})
}
