package checks

import (
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func TestAudienceAny(t *testing.T) {
	const anyAud = "https://wlcg.cern.ch/jwt/v1/any"
	addAny := func(t *inventory.Trust) { t.Audiences = append(t.Audiences, anyAud) }
	dcache := func(trusts ...inventory.Trust) inventory.Service {
		svc := service(trusts...)
		svc.Name = "dcache"
		return svc
	}
	condor := func(auds ...string) inventory.Service {
		svc := service(with(atlas, func(t *inventory.Trust) { t.Audiences = auds }))
		svc.Name = "htcondor-ce"
		return svc
	}
	runCases(t, audienceAny, []checkCase{
		{name: "host audience only", svc: dcache(good(atlas))},
		{name: "unchecked audience is audience-unchecked's", svc: dcache(with(atlas, func(t *inventory.Trust) { addAny(t); t.AudienceChecked = false }))},
		{name: "HTCondor-CE with an audience of its own", svc: condor("ce.example.org:9619", "condor://ce.example.org:9619")},
		{name: "any audience listed", svc: dcache(with(atlas, addAny), with(dteam, addAny)), want: []want{
			{severity: "low", message: `accepts the "any" audience ` + anyAud + " for " + atlas + ", " + dteam, source: src(2), key: "any-audience:" + anyAud},
		}},
		{name: "any audience listed where it is implicit", svc: service(with(atlas, addAny)), want: []want{
			{severity: "info", message: "listing it only documents the exposure"},
		}},
		{name: "HTCondor-CE without an audience of its own", svc: condor("ce.example.org:9619"), want: []want{
			{severity: "info", message: "has no audience in the WLCG profile's condor://<host> form (it names itself ce.example.org:9619)", source: src(2), key: "audience-scheme:condor://"},
		}},
	})
}
