package checks

import (
	"slices"
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
	if !slices.ContainsFunc(svc.Trusts, unresolved) {
		// Nothing to resolve: the service's trusts are judged as they are,
		// not copied.
		return svc
	}
	known := knownIssuers(in)
	trusts := make([]inventory.Trust, 0, len(svc.Trusts))
	for _, t := range svc.Trusts {
		if !unresolved(t) {
			trusts = append(trusts, t)
			continue
		}
		re, ok := identityPattern(in, t)
		if !ok {
			continue
		}
		t.Pattern = re
		matched := false
		for _, k := range known {
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

// unresolved reports a pattern trust without a literal issuer, which
// resolvePatterns gives the issuers it accepts.
func unresolved(t inventory.Trust) bool {
	return t.Issuer == "" && t.IdentityPattern != "" && !t.AnyIssuer
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
// admits together with a subject the pattern accepts. probe is a scratch
// buffer the caller reuses across trusts, so that probing a CE's every
// mapfile line allocates nothing per line.
func admittedImpostor(in *Input, t inventory.Trust, probe *[]byte) (impostor, bool) {
	if t.IdentityPattern == "" || t.AnyIssuer || t.Issuer == "" {
		return impostor{}, false
	}
	re, ok := identityPattern(in, t)
	if !ok {
		return impostor{}, false
	}
	sub := subjectProbe(t)
	for _, l := range impostorsOf(in, t.Issuer) {
		*probe = append(append(append((*probe)[:0], l.issuer...), ','), sub...)
		if re.Match(*probe) {
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
