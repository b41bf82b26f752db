package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestMappingCarriedOver(t *testing.T) {
	authdb := inventory.Source{File: "/etc/xrootd/auth_file", Line: 3}
	carried := func(t *inventory.Trust) { t.CarriedAccount, t.CarriedSource = "xrootd", authdb }
	runCases(t, mappingCarriedOver, []checkCase{
		{name: "default_user without authdb rights", svc: service(good(atlas))},
		{name: "authdb rights for the default_user", svc: service(with(atlas, carried)), want: []want{
			{severity: "high", message: "acc.authdb gives xrootd rights at /etc/xrootd/auth_file:3: the name stays on the client's connection", source: src(8), key: "carried:xrootd", also: []string{"/etc/xrootd/auth_file:3"}},
		}},
	})
}
