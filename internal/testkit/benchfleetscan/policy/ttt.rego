# Three checks a site might write for conftest over XRootD's scitokens.cfg
# (parsed as INI): the peer make bench-fleet-scan times ttt-check against.
# They are far weaker than ttt-check's (no includes, no semantics).
package main

import rego.v1

deny contains msg if {
	some name, section in input
	contains(lower(name), "issuer")
	section.issuer == "https://wlcg.cloud.cnaf.infn.it/"
	msg := sprintf("%s trusts the WLCG development VO", [name])
}

deny contains msg if {
	contains(input.Global.audience, "https://wlcg.cern.ch/jwt/v1/any")
	msg := "the any audience is accepted"
}

deny contains msg if {
	some name, section in input
	section.default_user == "root"
	msg := sprintf("%s maps tokens to root", [name])
}
