package checks

import (
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// audienceGroup gathers trusts whose audience comes from one setting, so
// that one missing line is one finding, not one per issuer.
type audienceGroup struct {
	source    inventory.Source
	checked   bool
	ifPresent bool
	audiences []string
	issuers   []string
}

// groupByAudience groups a service's trusts by where their audience is
// set, whether it is checked and what it lists, in the order of the
// trusts.
func groupByAudience(svc inventory.Service) []audienceGroup {
	// What tells groups apart: the source as it is printed (file:line, or
	// the file alone for line 0), checked, and the audiences.
	type key struct {
		file    string
		line    int
		checked bool
		auds    string
	}
	var groups []audienceGroup
	index := map[key]int{}
	for _, t := range svc.Trusts {
		src := at(t.AudienceSource, t.Source)
		k := key{file: src.File, line: max(src.Line, 0), checked: t.AudienceChecked, auds: strings.Join(t.Audiences, ",")}
		if k.file == "" {
			k.line = 0
		}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, audienceGroup{source: src, checked: t.AudienceChecked, ifPresent: t.AudienceIfPresent, audiences: t.Audiences})
		}
		groups[i].issuers = append(groups[i].issuers, issuerOrAny(t))
	}
	return groups
}
