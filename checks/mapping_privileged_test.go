package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestMappingPrivileged(t *testing.T) {
	account := func(a string) func(*inventory.Trust) { return func(t *inventory.Trust) { t.Account = a } }
	condor := service(with(atlas, account("condor@users.htcondor.org")))
	condor.Name = "htcondor-ce"
	runCases(t, mappingPrivileged, []checkCase{
		{name: "pool account", svc: service(good(dteam))},
		{name: "condor is privileged on HTCondor-CE only", svc: service(with(dteam, account("condor")))},
		{name: "a name the service never acts as (XRootD without multiuser)", svc: service(with(dteam, func(t *inventory.Trust) { t.Account, t.AccountNameOnly = "root", true }))},
		{name: "a name-only root that acc.authdb gives rights", svc: service(with(dteam, func(t *inventory.Trust) {
			t.Account, t.AccountNameOnly, t.CarriedAccount = "root", true, "root"
		})), want: []want{{severity: "critical", message: "privileged account root"}}},
		{name: "root account", svc: service(with(dteam, account("root"))), want: []want{
			{severity: "critical", message: "maps tokens of " + dteam + " to the privileged account root", source: src(8), key: dteam + "->root"},
		}},
		{name: "uid 0", svc: service(with(dteam, account("0"))), want: []want{
			{severity: "critical", message: "privileged account 0"},
		}},
		{name: "HTCondor canonical name with a domain", svc: condor, want: []want{
			{message: "privileged account condor@users.htcondor.org"},
		}},
	})
}
