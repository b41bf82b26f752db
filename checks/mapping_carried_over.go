package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// mappingCarriedOver flags an account that a service keeps on the
// client's connection after a token-authorized request, while another
// authorization layer gives that account rights: later requests on the
// same connection, without a token or with one the service rejects, get
// them. XRootD's SciTokens plugin adds the default_user name to the
// connection's entity (XrdAccSciTokens::Access,
// https://github.com/xrootd/xrootd/blob/v5.5.3/src/XrdSciTokens/XrdSciTokensAccess.cc)
// and XrdHttp keeps that entity for the connection; acc.authdb then
// grants its `u <name>` rules to whatever comes next. Shown with the real
// xrootd 5.5.3 in internal/readers/xrootd (TestLiveDefaultUser).
var mappingCarriedOver = Check{
	ID: "mapping-carried-over",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, t := range svc.Trusts {
			if t.CarriedAccount == "" {
				continue
			}
			// The acc.authdb rule that gives the name rights goes: tokens
			// are authorized by their scopes.
			var edits []finding.Edit
			if text, ok := recorded(svc, t.CarriedSource); ok && strings.HasPrefix(strings.TrimSpace(text), "u ") {
				e, _ := replaceLine(svc, t.CarriedSource)
				edits = append(edits, e)
			}
			out = append(out, Result{
				Edits:    edits,
				Source:   at(t.AccountSource, t.Source),
				Also:     []inventory.Source{t.CarriedSource},
				Key:      "carried:" + t.CarriedAccount,
				Values:   vals("issuer", t.Issuer, "name", label(t), "mapped", t.CarriedAccount, "target", t.CarriedSource.File, "target_line", strconv.Itoa(t.CarriedSource.Line)),
				Message:  fmt.Sprintf("%s names requests authorized by a token of %s %s (default_user), and acc.authdb gives %s rights at %s: the name stays on the client's connection, so later requests on it, without a token or with a rejected one, get those rights", svc.Label(), trustLabel(t), t.CarriedAccount, t.CarriedAccount, t.CarriedSource),
				Expected: "no acc.authdb rights for the default_user name (or no default_user)",
				Actual:   fmt.Sprintf("default_user = %s with acc.authdb rights", t.CarriedAccount),
			})
		}
		return out
	},
}
