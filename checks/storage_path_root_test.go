package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestStoragePathRoot(t *testing.T) {
	paths := func(p ...string) func(*inventory.Trust) { return func(t *inventory.Trust) { t.BasePaths = p } }
	runCases(t, storagePathRoot, []checkCase{
		{name: "VO base path", svc: service(good(dteam))},
		{name: "no base path", svc: service(with(dteam, paths()))},
		{name: "base path / among others: one finding", svc: service(with(dteam, paths("/data/dteam", "/", "//"))), want: []want{
			{severity: "high", message: `over the whole namespace (base path "/")`, source: src(7), key: dteam},
		}},
		{name: "base path //", svc: service(with(dteam, paths("//"))), want: []want{
			{message: `(base path "//")`},
		}},
	})
}
