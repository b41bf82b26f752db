package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestScanIncomplete(t *testing.T) {
	broken := service(good(dteam))
	broken.Problems = []inventory.Problem{{Source: src(4), Reason: "unterminated section header"}}
	runCases(t, scanIncomplete, []checkCase{
		{name: "everything read", svc: service(good(dteam))},
		{name: "config not fully read", svc: broken, want: []want{
			{severity: "high", message: "/etc/x.cfg could not be fully read: unterminated section header; the trust it configures is not judged", source: src(4), key: "unterminated section header"},
		}},
	})
}
