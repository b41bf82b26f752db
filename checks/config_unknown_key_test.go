package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestConfigUnknownKey(t *testing.T) {
	unknown := func(u ...inventory.UnknownKey) inventory.Service {
		svc := service(good(atlas))
		svc.Name = "storm-webdav"
		svc.UnknownKeys = u
		return svc
	}
	runCases(t, configUnknownKey, []checkCase{
		{name: "every key known", svc: unknown()},
		{name: "unknown key", svc: unknown(inventory.UnknownKey{Key: "frobnicate", Source: src(5)}), want: []want{
			{severity: "medium", message: `storm-webdav does not know "frobnicate" and silently ignores it`, source: src(5), key: "unknown:frobnicate"},
		}},
		{name: "key younger than the installed release", svc: unknown(inventory.UnknownKey{Key: "authorization_strategy", Source: src(9), Since: "5.7.0", Release: "xrootd 5.5.3-1"}), want: []want{
			{severity: "low", message: `the installed xrootd 5.5.3-1 does not read "authorization_strategy" yet (first read by 5.7.0)`, key: "too-new:authorization_strategy", fix: "Upgrade (installed: xrootd 5.5.3-1) to 5.7.0 or later"},
		}},
		{name: "misspelt key", svc: unknown(inventory.UnknownKey{Key: "anonymousReadEnable", Source: src(5), Nearest: "anonymousReadEnabled"}), want: []want{
			{message: `did you mean "anonymousReadEnabled"? Until fixed, anonymousReadEnabled keeps its default`},
		}},
	})
}
