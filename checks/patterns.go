package checks

import (
	"regexp"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// probeSubject stands for "some subject" when probing identity patterns.
const probeSubject = "ttt-check-probe-subject"

// resolvePatterns gives pattern trusts without a literal issuer the issuers
// they accept: one trust per known issuer the pattern matches, so that the
// issuer checks judge them like any other. A pattern that matches no known
// issuer keeps its pattern as the issuer, and is unknown. HTCondor-CE
// matches its SCITOKENS mapfile patterns against "<iss>,<sub>"
// (https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/10-scitokens.conf),
// so the probe is an issuer, a comma and a subject.
func resolvePatterns(in *Input, svc inventory.Service) inventory.Service {
	var trusts []inventory.Trust
	for _, t := range svc.Trusts {
		if t.Issuer != "" || t.IdentityPattern == "" || t.AnyIssuer {
			trusts = append(trusts, t)
			continue
		}
		re, err := regexp.Compile(t.IdentityPattern)
		if err != nil {
			continue
		}
		matched := false
		for _, k := range knownIssuers(in) {
			if re.MatchString(k.iss + "," + subjectProbe(t)) {
				c := t
				c.Issuer = k.iss
				trusts = append(trusts, c)
				matched = true
			}
		}
		if !matched {
			t.Issuer = "/" + t.IdentityPattern + "/"
			trusts = append(trusts, t)
		}
	}
	svc.Trusts = trusts
	return svc
}

// subjectProbe is the subject a pattern is probed with: one it names, so
// that a pattern pinned to a subject still matches its issuer.
func subjectProbe(t inventory.Trust) string {
	if len(t.Subjects) > 0 {
		return t.Subjects[0]
	}
	return probeSubject
}

// lookalikes are issuers a careless pattern also admits: another host
// ending in the issuer (unanchored) and the issuer with a dot replaced
// (unescaped '.').
func lookalikes(iss string) []string {
	out := []string{"https://evil.example/" + iss}
	if i := strings.Index(iss, "."); i >= 0 {
		out = append(out, iss[:i]+"x"+iss[i+1:])
	}
	return out
}

// patternLookalike returns a lookalike issuer the trust's pattern admits.
func patternLookalike(t inventory.Trust) (string, bool) {
	if t.IdentityPattern == "" || t.AnyIssuer {
		return "", false
	}
	re, err := regexp.Compile(t.IdentityPattern)
	if err != nil {
		return "", false
	}
	for _, l := range lookalikes(t.Issuer) {
		if re.MatchString(l + "," + subjectProbe(t)) {
			return l, true
		}
	}
	return "", false
}
