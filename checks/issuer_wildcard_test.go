package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestIssuerWildcard(t *testing.T) {
	// A pattern trust as the HTCondor-CE reader makes it: the literal
	// issuer and subject read out of the pattern.
	pattern := func(p, sub string) inventory.Trust {
		return with(atlas, func(t *inventory.Trust) {
			t.IdentityPattern, t.Subjects, t.AnySubject, t.Account = p, []string{sub}, false, "usatlas1"
		})
	}
	const pilot = "7dee38a3-6ab8-4fe2-9e4c-58039c21d817"
	fixed := `/^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3\-6ab8\-4fe2\-9e4c\-58039c21d817$/`
	runCases(t, issuerWildcard, []checkCase{
		{name: "named issuers only", svc: service(good(atlas), good(dteam))},
		{name: "anchored, escaped pattern", svc: service(pattern(`^https\:\/\/atlas\-auth\.cern\.ch\/,`+pilot+`$`, pilot))},
		{name: "pattern copied from the doc template without ^", svc: service(pattern(`https:\/\/atlas-auth.cern.ch\/,`+pilot, pilot)), want: []want{
			{severity: "critical", message: "also admits issuers an attacker can run, e.g. https://evil.example/https://atlas-auth.cern.ch/ (the pattern is not anchored with ^", key: `pattern:https:\/\/atlas-auth.cern.ch\/,` + pilot},
		}},
		{name: "unescaped dot", svc: service(pattern(`^https:\/\/atlas-auth.cern\.ch\/,`+pilot+`$`, pilot)), want: []want{
			{severity: "critical", message: "e.g. https://atlas-authxcern.ch/ (a '.' is not escaped"},
		}},
		{name: "nothing pinned after the host", svc: service(pattern(`^https:\/\/atlas-auth\.cern\.ch`, pilot)), want: []want{
			{severity: "critical", message: "e.g. https://atlas-auth.cern.ch.evil.example/ (nothing after the host name is pinned"},
		}},
		{name: "any issuer", svc: service(good(dteam), with("", func(t *inventory.Trust) { t.AnyIssuer = true; t.Name = "all" })), want: []want{
			{severity: "critical", message: "accepts tokens from any issuer (all)", source: src(6), key: "any-issuer:all"},
		}},
	})
	// The fix is the exact corrected pattern.
	got := evaluate(t, recipeSet(t), service(pattern(`https:\/\/atlas-auth.cern.ch\/,`+pilot, pilot)), prod(), "issuer-wildcard")
	if len(got) != 1 || got[0].Expected != fixed {
		t.Errorf("expected = %q, want %q", got[0].Expected, fixed)
	}
}
