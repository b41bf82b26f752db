package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestIssuerDTeamMissing(t *testing.T) {
	runCases(t, issuerDTeamMissing, []checkCase{
		{name: "DTeam trusted", svc: service(good(atlas), good(dteam))},
		{name: "tokens off: no DTeam needed", svc: inventory.Service{Name: "xrootd"}},
		// A fresh install: token support on, no issuer, no token accepted.
		{name: "no issuer trusted yet", svc: service()},
		{name: "DTeam missing", svc: service(good(atlas)), want: []want{
			{severity: "low", message: "accepts tokens of 1 issuer(s) but not of DTeam (" + dteam + ")", source: src(1), key: "dteam"},
		}},
	})
}
