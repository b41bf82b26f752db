package checks

import (
	"fmt"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// issuerUnknown flags issuers that neither the recipes nor the site
// profile vouch for: nobody is known to answer when such an issuer's keys
// leak or its policy changes.
var issuerUnknown = Check{
	ID: "issuer-unknown",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for t := range concreteTrusts(svc) {
			if classify(in, t.Issuer).kind != kindUnknown {
				continue
			}
			out = append(out, Result{
				Source:   t.Source,
				Key:      t.Issuer,
				Values:   vals("issuer", t.Issuer, "name", label(t)),
				Message:  fmt.Sprintf("%s trusts %s, which no recipe knows and the site profile does not declare with a security contact", svc.Label(), trustLabel(t)),
				Expected: "an issuer of a supported VO, or one declared in the site profile's [[issuers]] with a contact",
				Actual:   t.Issuer,
			})
		}
		return out
	},
}
