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
		// HTCondor-CE's own mapfile and DENY_WRITE refuse CLAIMTOBE.
		{name: "CLAIMTOBE mapped to an identity DENY_WRITE refuses", svc: ce(setting("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "FS", "CLAIMTOBE"),
			setting("mapped-identity:CLAIMTOBE", "anonymous@claimtobe"), setting("DENY_WRITE", "anonymous@*", "*@unmapped"))},
		{name: "CLAIMTOBE mapped but not denied", svc: ce(setting("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "FS", "CLAIMTOBE"),
			setting("mapped-identity:CLAIMTOBE", "anonymous@claimtobe"), setting("DENY_WRITE", "*@banned.htcondor.org")), want: []want{
			{message: "accepts CLAIMTOBE authentication for WRITE and neither maps it to an identity DENY_WRITE refuses"},
		}},
		{name: "ALLOW_ADMINISTRATOR open, anonymous and unmapped denied", svc: ce(setting("ALLOW_ADMINISTRATOR", "*"), setting("DENY_ADMINISTRATOR", "anonymous@*", "*@unmapped")), want: []want{
			{message: "every authenticated, mapped identity (DENY_ADMINISTRATOR still refuses anonymous and unmapped clients) gets administrator access"},
		}},
		{name: "ALLOW_WRITE and ALLOW_ADMINISTRATOR open", svc: ce(setting("ALLOW_WRITE", "$(USERS)", "*@*", "*"), setting("ALLOW_ADMINISTRATOR", "anonymous@*")), want: []want{
			{severity: "high", message: "sets ALLOW_WRITE = $(USERS), *@*, *: every identity that authenticates, anonymous ones included, gets write access", key: "ALLOW_WRITE:*@*"},
			{severity: "critical", message: "gets administrator access", key: "ALLOW_ADMINISTRATOR:anonymous@*"},
		}},
	})
}
