package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestConfigDanglingReference(t *testing.T) {
	dangling := func(refs ...inventory.Reference) inventory.Service {
		svc := service(good(atlas))
		svc.Dangling = refs
		return svc
	}
	runCases(t, configDanglingReference, []checkCase{
		{name: "every reference defined", svc: dangling()},
		{name: "undefined authgroup", svc: dangling(inventory.Reference{Name: "authgroup atlas_pilots", Source: src(5)}), want: []want{
			{severity: "medium", message: "refers to authgroup atlas_pilots, which is not defined: the rule silently matches nobody", source: src(5), key: "dangling:authgroup atlas_pilots"},
		}},
		{name: "with the reader's note", svc: dangling(inventory.Reference{Name: "authgroup banned", Source: src(5), Note: "its definition is commented out"}), want: []want{
			{message: "matches nobody (its definition is commented out)"},
		}},
	})
}
