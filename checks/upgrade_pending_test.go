package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestUpgradePending(t *testing.T) {
	pending := func(files ...string) inventory.Service {
		svc := service(good(dteam))
		for _, f := range files {
			svc.PendingUpgrades = append(svc.PendingUpgrades, inventory.Source{File: f})
		}
		return svc
	}
	runCases(t, upgradePending, []checkCase{
		{name: "no leftovers", svc: pending()},
		{name: "one finding per leftover", svc: pending("/etc/xrootd/scitokens.cfg.rpmnew", "/etc/xrootd/xrootd.cfg.rpmsave"), want: []want{
			{severity: "low", message: "left /etc/xrootd/scitokens.cfg.rpmnew beside a scanned config", key: "/etc/xrootd/scitokens.cfg.rpmnew"},
			{severity: "low", key: "/etc/xrootd/xrootd.cfg.rpmsave"},
		}},
	})
}
