package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// privileged are accounts that are privileged on every host; the recipes
// add each service's own (its daemon accounts).
var privileged = []string{"root", "0", "uid:0", "toor"}

// mappingPrivileged flags tokens mapped to a privileged account: a
// stolen token then acts as the host or the service itself.
var mappingPrivileged = Check{
	ID: "mapping-privileged",
	Run: func(in *Input, svc inventory.Service) []Result {
		accounts := append([]string(nil), privileged...)
		if s, ok := in.Recipes.Services[svc.Name]; ok {
			accounts = append(accounts, s.PrivilegedAccounts...)
		}
		var out []Result
		for _, t := range svc.Trusts {
			// HTCondor canonical names may carry a domain (condor@…).
			local, _, _ := strings.Cut(strings.TrimSpace(t.Account), "@")
			if t.Account == "" || !slices.Contains(accounts, local) {
				continue
			}
			// A name the service never acts as grants what other rules
			// give that name, and mapping-carried-over reports those.
			if t.AccountNameOnly && t.CarriedAccount != t.Account {
				continue
			}
			fixCase := ""
			if t.AnyIssuer {
				fixCase = "anyissuer"
			}
			out = append(out, Result{
				FixCase:  fixCase,
				Source:   at(t.AccountSource, t.Source),
				Key:      issuerOrAny(t) + "->" + t.Account,
				Values:   vals("issuer", issuerOrAny(t), "name", label(t), "mapped", t.Account),
				Message:  fmt.Sprintf("%s maps tokens of %s to the privileged account %s", svc.Label(), trustLabel(t), t.Account),
				Expected: "an unprivileged account dedicated to the VO",
				Actual:   t.Account,
			})
		}
		return out
	},
}
