package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// legacyGSI flags configuration left from the GSI/X.509 era (GSI
// authentication, mapping, Argus or LCMAPS callouts). HTCondor-CE dropped
// GSI from its method list in 23.0.6 and its GSI configuration in 23.0.17
// (changelog in
// https://github.com/htcondor/htcondor-ce/blob/main/rpm/htcondor-ce.spec):
// what is left either does nothing or keeps an unmaintained path open.
var legacyGSI = Check{
	ID: "legacy-gsi",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, l := range svc.Legacy {
			if l.Kind != "gsi" {
				continue
			}
			r := Result{
				Source:   l.Source,
				Key:      "gsi:" + l.What,
				Values:   vals("name", l.What),
				Message:  fmt.Sprintf("%s: %s, left from the GSI/X.509 era", svc.Label(), l.What),
				Expected: "no GSI authentication, mapping or callouts",
				Actual:   l.What,
			}
			switch {
			case strings.HasPrefix(l.What, "GSI in "):
				r.FixCase = "method"
				r.Values["key"] = strings.TrimPrefix(l.What, "GSI in ")
				r.Edits = withoutMethod(svc, l.Source, "GSI")
			case strings.HasPrefix(l.What, "GSI mapfile rule"):
				r.FixCase = "mapfile"
				if e, ok := replaceLine(svc, l.Source); ok {
					r.Edits = []finding.Edit{e}
				}
			}
			out = append(out, r)
		}
		return out
	},
}

// withoutMethod drops an authentication method from an HTCondor method
// list line (the line goes when nothing is left: the defaults apply).
func withoutMethod(svc inventory.Service, src inventory.Source, method string) []finding.Edit {
	text, ok := recorded(svc, src)
	if !ok || !strings.Contains(text, "=") {
		return nil
	}
	var kept []string
	for _, m := range strings.FieldsFunc(valueOf(text, "="), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !strings.EqualFold(m, method) {
			kept = append(kept, m)
		}
	}
	var line []string
	if len(kept) > 0 {
		line = []string{withValue(text, "=", strings.Join(kept, ", "))}
	}
	e, _ := replaceLine(svc, src, line...)
	return []finding.Edit{e}
}
