package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// probeSubject stands for "some subject" when probing identity patterns.
const probeSubject = "ttt-check-probe-subject"

// resolvePatterns gives pattern trusts without a literal issuer the issuers
// they accept: one trust per known issuer the pattern matches, so that the
// issuer checks judge them like any other. A pattern that matches no known
// issuer keeps its pattern as the issuer, and is unknown.
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

func banShadowed(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, b := range svc.Bans {
		if b.ShadowedBy.IsZero() {
			continue
		}
		out = append(out, Result{
			Source:   b.Source,
			Key:      "ban:" + b.Identity,
			Message:  fmt.Sprintf("%s: the ban of %s never takes effect: the earlier rule at %s already decides that identity (first match wins)", svc.Label(), b.Identity, b.ShadowedBy),
			Expected: "the ban before every rule that matches the same identity",
			Actual:   "shadowed by " + b.ShadowedBy.String(),
		})
	}
	return out
}

func legacyGSI(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, l := range svc.Legacy {
		if l.Kind != "gsi" {
			continue
		}
		out = append(out, Result{
			Source:   l.Source,
			Key:      "gsi:" + l.What,
			Message:  fmt.Sprintf("%s: %s, left from the GSI/X.509 era", svc.Label(), l.What),
			Expected: "no GSI authentication, mapping or callouts",
			Actual:   l.What,
		})
	}
	return out
}

// anonymousMethods are HTCondor authentication methods that establish no
// identity.
var anonymousMethods = []string{"CLAIMTOBE", "ANONYMOUS"}

func authnAnonymous(_ *Input, svc inventory.Service) []Result {
	var out []Result
	if s, ok := svc.Setting("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS"); ok {
		for _, m := range s.Values {
			if containsFold(anonymousMethods, m) {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "write-method:" + strings.ToUpper(m),
					Message:  fmt.Sprintf("%s accepts %s authentication for WRITE: a client can claim any identity, or none, to submit and modify jobs", svc.Label(), strings.ToUpper(m)),
					Expected: "WRITE authentication by FS, SCITOKENS or SSL only",
					Actual:   strings.Join(s.Values, ","),
				})
			}
		}
	}
	for _, key := range []string{"ALLOW_WRITE", "ALLOW_ADMINISTRATOR"} {
		s, ok := svc.Setting(key)
		if !ok {
			continue
		}
		for _, v := range s.Values {
			if v == "*" || v == "*@*" || v == "*/*" || strings.HasPrefix(strings.ToLower(v), "anonymous@") {
				r := Result{
					Source:   s.Source,
					Key:      key + ":" + v,
					Message:  fmt.Sprintf("%s sets %s = %s: anyone who can authenticate at all, or an anonymous client, gets %s access", svc.Label(), key, strings.Join(s.Values, ", "), strings.TrimPrefix(strings.ToLower(key), "allow_")),
					Expected: key + " limited to mapped users (" + "$(USERS)" + ") and the CE's own daemons",
					Actual:   strings.Join(s.Values, ", "),
				}
				if key == "ALLOW_ADMINISTRATOR" {
					r.Severity = sev(vocab.Critical)
				}
				out = append(out, r)
				break
			}
		}
	}
	return out
}
