package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// scopeUnchecked flags ARC 7 job interfaces without tokenscopes
// (https://github.com/nordugrid/arc/blob/next/src/doc/arc.conf.reference):
// A-REX then applies "No assigned scopes means no limitation"
// (https://github.com/nordugrid/arc/blob/next/src/services/a-rex/authop.cpp),
// so every admitted token may create, cancel and read every job of its
// account.
var scopeUnchecked = Check{
	ID: "scope-unchecked",
	Run: func(_ *Input, svc inventory.Service) []Result {
		v, ok := svc.Setting("arc.version")
		if !ok || len(v.Values) == 0 || v.Values[0] != "7" || !svc.TokensEnabled {
			return nil
		}
		if _, ok := svc.Setting("arex.tokenscopes"); ok {
			return nil
		}
		var edits []finding.Edit
		if sec, ok := sectionNamed(svc, svc.TokensSource.File, "arex"); ok {
			edits = append(edits, addToSection(sec, "tokenscopes = wlcg"))
		} else if svc.TokensSource.File != "" {
			edits = append(edits, appendLines(svc.TokensSource.File, "", "[arex]", "tokenscopes = wlcg"))
		}
		return []Result{{
			Edits:    edits,
			Source:   svc.TokensSource,
			Key:      "tokenscopes",
			Message:  fmt.Sprintf("%s (ARC 7) has no tokenscopes in [arex]: \"no assigned scopes means no limitation\", so every admitted token may create, cancel and read every job of its account", svc.Label()),
			Expected: "tokenscopes = wlcg in [arex]",
			Actual:   "no tokenscopes",
		}}
	},
}
