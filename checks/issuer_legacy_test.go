package checks

import "testing"

func TestIssuerLegacy(t *testing.T) {
	runCases(t, issuerLegacy, []checkCase{
		{name: "current hostname", svc: service(good(atlas))},
		{name: "near the legacy pattern but not it", svc: service(good("https://atlas-auth.web.cern.org/"))},
		{name: "legacy CERN hostname", svc: service(good("https://atlas-auth.web.cern.ch/")), want: []want{
			{severity: "low", message: "https://atlas-auth.web.cern.ch/, a retired CERN IAM hostname", source: src(6)},
		}},
		{name: "legacy hostname of a VO the recipes do not list", svc: service(good("https://amber-auth.web.cern.ch/")), want: []want{
			{severity: "low", key: "https://amber-auth.web.cern.ch/"},
		}},
	})
}
