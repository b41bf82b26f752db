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

// impostor is an issuer someone other than the VO can run, that a
// careless pattern for the VO's issuer also admits, and why.
type impostor struct {
	issuer, why string
}

// impostors are the issuers an attacker could publish keys for that a
// pattern written for iss might also admit: another site whose issuer URL
// ends in iss (no `^`), one in a domain that differs in the character an
// unescaped '.' matches, one under a domain that starts with iss's host
// (nothing after the host is pinned), and any issuer at all.
func impostors(iss string) []impostor {
	out := []impostor{{"https://evil.example/" + iss, "the pattern is not anchored with ^, so any issuer URL ending in it matches"}}
	if i := strings.Index(iss, "."); i >= 0 {
		out = append(out, impostor{iss[:i] + "x" + iss[i+1:], "a '.' is not escaped (\\.), so it matches any character and another domain"})
	}
	if rest, ok := strings.CutPrefix(iss, "https://"); ok {
		host, _, _ := strings.Cut(rest, "/")
		out = append(out, impostor{"https://" + host + ".evil.example/", "nothing after the host name is pinned, so a domain that merely starts with it matches"})
	}
	out = append(out, impostor{"https://evil.example/", "the issuer part matches any issuer"})
	return out
}

// admittedImpostor returns an impostor issuer the trust's identity pattern
// admits together with a subject the pattern accepts.
func admittedImpostor(t inventory.Trust) (impostor, bool) {
	if t.IdentityPattern == "" || t.AnyIssuer || t.Issuer == "" {
		return impostor{}, false
	}
	re, err := regexp.Compile(t.IdentityPattern)
	if err != nil {
		return impostor{}, false
	}
	for _, l := range impostors(t.Issuer) {
		if re.MatchString(l.issuer + "," + subjectProbe(t)) {
			return l, true
		}
	}
	return impostor{}, false
}

// anchoredPattern is the identity pattern that admits exactly the trust's
// issuer and, when it names one, its subject, written as HTCondor-CE's
// own examples and the OSG topology write them: anchored, with every
// character that is not a letter or digit escaped.
func anchoredPattern(t inventory.Trust) string {
	esc := func(s string) string {
		var b strings.Builder
		for _, c := range s {
			if c < 128 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	sub := ".*"
	if len(t.Subjects) == 1 && t.Subjects[0] != "" {
		sub = esc(t.Subjects[0])
	}
	return "/^" + esc(t.Issuer) + "," + sub + "$/"
}
