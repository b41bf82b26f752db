package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestScanIncomplete(t *testing.T) {
	broken := service(good(dteam))
	broken.Problems = []inventory.Problem{{Source: src(4), Reason: "unterminated section header"}}
	note := service(good(dteam))
	note.Problems = []inventory.Problem{{Source: src(7), Reason: "the job router's defaults come from a command", TrustUnaffected: true}}
	runCases(t, scanIncomplete, []checkCase{
		{name: "everything read", svc: service(good(dteam))},
		{name: "config not fully read", svc: broken, want: []want{
			{severity: "high", message: "/etc/x.cfg could not be fully read: unterminated section header; the trust it configures is not judged", source: src(4), key: "unterminated section header"},
		}},
		{name: "a part that cannot change token trust is a note", svc: note, want: []want{
			{severity: "info", message: "part of /etc/x.cfg was not read: the job router's defaults come from a command", source: src(7)},
		}},
	})
}
