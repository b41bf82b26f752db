package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestAuthnAnonymous(t *testing.T) {
	ce := func(settings ...inventory.Setting) inventory.Service {
		svc := withSettings(service(good(atlas)), settings...)
		svc.Name = "htcondor-ce"
		return svc
	}
	runCases(t, authnAnonymous, []checkCase{
		{name: "CE defaults", svc: ce(setting("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "FS", "SCITOKENS", "SSL"), setting("ALLOW_WRITE", "$(USERS)", "condor@$(UID_DOMAIN)/$(FULL_HOSTNAME)"))},
		{name: "anonymous on another authorization level", svc: ce(setting("ALLOW_READ", "*"))},
		{name: "CLAIMTOBE for WRITE", svc: ce(setting("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "FS", "claimtobe")), want: []want{
			{severity: "high", message: "accepts CLAIMTOBE authentication for WRITE", source: src(3), key: "write-method:CLAIMTOBE"},
		}},
		{name: "ALLOW_WRITE and ALLOW_ADMINISTRATOR open", svc: ce(setting("ALLOW_WRITE", "$(USERS)", "*@*", "*"), setting("ALLOW_ADMINISTRATOR", "anonymous@*")), want: []want{
			{severity: "high", message: "sets ALLOW_WRITE = $(USERS), *@*, *: anyone who can authenticate at all, or an anonymous client, gets write access", key: "ALLOW_WRITE:*@*"},
			{severity: "critical", message: "gets administrator access", key: "ALLOW_ADMINISTRATOR:anonymous@*"},
		}},
	})
}
