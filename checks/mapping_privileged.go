package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
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
				Edits:    privilegedEdits(in, svc, t),
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

// privilegedEdits map a trust to the VO's unprivileged account: the
// default_user line (XRootD, EOS), the account of the SCITOKENS line, or
// the line removed when it maps any issuer (HTCondor-CE), the op: line
// removed (dCache: the provider's -authz-id gives scoped tokens their
// identity). ARC's accounts are the site's to choose.
func privilegedEdits(in *Input, svc inventory.Service, t inventory.Trust) []finding.Edit {
	text, ok := recorded(svc, t.AccountSource)
	if !ok {
		return nil
	}
	switch svc.Name {
	case "xrootd", "eos":
		_, v, ok := voOf(in, svc, t.Issuer)
		if !ok || !strings.HasPrefix(strings.TrimSpace(text), "default_user") || slices.Contains(privileged, v.Account) {
			return nil
		}
		e, _ := replaceLine(svc, t.AccountSource, withValue(text, "=", v.Account))
		return []finding.Edit{e}
	case "htcondor-ce":
		if t.AnyIssuer {
			e, _ := replaceLine(svc, t.AccountSource)
			return []finding.Edit{e}
		}
		_, v, ok := voOf(in, svc, t.Issuer)
		f := strings.Fields(text)
		if !ok || len(f) != 3 {
			return nil
		}
		e, _ := replaceLine(svc, t.AccountSource, f[0]+" "+f[1]+" "+v.Account)
		return []finding.Edit{e}
	case "dcache":
		if strings.HasPrefix(strings.TrimSpace(text), "op:") {
			e, _ := replaceLine(svc, t.AccountSource)
			return []finding.Edit{e}
		}
	}
	return nil
}
