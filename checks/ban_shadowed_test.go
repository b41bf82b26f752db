package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestBanShadowed(t *testing.T) {
	bans := func(b ...inventory.Ban) inventory.Service {
		svc := service(good(atlas))
		svc.Name = "htcondor-ce"
		svc.Bans = b
		return svc
	}
	runCases(t, banShadowed, []checkCase{
		{name: "ban first", svc: bans(inventory.Ban{Identity: atlas + ",alice", Source: src(4)})},
		{name: "ban after a broader rule", svc: bans(inventory.Ban{Identity: atlas + ",alice", Source: src(5), ShadowedBy: src(4)}), want: []want{
			{severity: "high", message: "the ban of " + atlas + ",alice never takes effect: the earlier rule at /etc/x.cfg:4", source: src(5), key: "ban:" + atlas + ",alice"},
		}},
		// StoRM: a deny policy of an area that does not evaluate policies.
		{name: "ban the service never evaluates", svc: bans(inventory.Ban{Identity: "deny policy \"ban\"", Source: src(7), Inert: "storage area atlas does not evaluate policies"}), want: []want{
			{message: "never takes effect: storage area atlas does not evaluate policies", source: src(7)},
		}},
	})
}
