package checks

import (
	"fmt"
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// anonymousMethods are HTCondor authentication methods that establish no
// identity.
var anonymousMethods = []string{"CLAIMTOBE", "ANONYMOUS"}

// matchesAny reports whether an HTCondor ALLOW/DENY list names the
// identity user@domain: entries are user@domain[/host] with '*'
// wildcards (the host part is not judged here).
func matchesAny(entries []string, identity string) bool {
	for _, e := range entries {
		e, _, _ = strings.Cut(e, "/")
		if ok, _ := path.Match(strings.ToLower(e), strings.ToLower(identity)); ok {
			return true
		}
	}
	return false
}

// authnAnonymous flags HTCondor-CE settings that let unauthenticated or
// self-named clients write: anonymous authentication methods for WRITE,
// and ALLOW_WRITE or ALLOW_ADMINISTRATOR open to anybody. The CE's
// defaults allow FS,SCITOKENS,SSL for WRITE and only $(USERS)
// (https://github.com/htcondor/htcondor-ce/blob/main/config/05-ce-auth-defaults.conf).
var authnAnonymous = Check{
	ID: "authn-anonymous",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		if s, ok := svc.Setting("SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS"); ok {
			for _, m := range s.Values {
				if !containsFold(anonymousMethods, m) {
					continue
				}
				m = strings.ToUpper(m)
				// HTCondor-CE maps every CLAIMTOBE client to
				// anonymous@claimtobe and refuses anonymous@* for WRITE
				// (05-ce-auth-defaults.conf; a DENY entry beats every
				// ALLOW, condor_ipverify.cpp IpVerify::Verify).
				if id, ok := svc.Setting("mapped-identity:" + m); ok && len(id.Values) == 1 {
					if deny, ok := svc.Setting("DENY_WRITE"); ok && matchesAny(deny.Values, id.Values[0]) {
						continue
					}
				}
				out = append(out, Result{
					Source:   s.Source,
					Key:      "write-method:" + m,
					Edits:    withoutMethod(svc, s.Source, m),
					FixCase:  "method",
					Values:   vals("key", "SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "values", strings.Join(s.Values, ","), "name", m),
					Message:  fmt.Sprintf("%s accepts %s authentication for WRITE and neither maps it to an identity DENY_WRITE refuses: a client can claim any identity, or none, to submit and modify jobs", svc.Label(), m),
					Expected: "WRITE authentication by FS, SCITOKENS or SSL only",
					Actual:   strings.Join(s.Values, ","),
				})
			}
		}
		for _, key := range []string{"ALLOW_WRITE", "ALLOW_ADMINISTRATOR"} {
			s, ok := svc.Setting(key)
			if !ok {
				continue
			}
			for _, v := range s.Values {
				if v == "*" || v == "*@*" || v == "*/*" || strings.HasPrefix(strings.ToLower(v), "anonymous@") {
					what := strings.TrimPrefix(strings.ToLower(key), "allow_")
					who := "every identity that authenticates, anonymous ones included,"
					if deny, ok := svc.Setting("DENY_" + strings.TrimPrefix(key, "ALLOW_")); ok && matchesAny(deny.Values, "anonymous@x") && matchesAny(deny.Values, "x@unmapped") {
						who = "every authenticated, mapped identity (DENY_" + strings.TrimPrefix(key, "ALLOW_") + " still refuses anonymous and unmapped clients)"
					}
					r := Result{
						Source:   s.Source,
						Key:      key + ":" + v,
						Values:   vals("key", key, "values", strings.Join(s.Values, ", ")),
						Message:  fmt.Sprintf("%s sets %s = %s: %s gets %s access", svc.Label(), key, strings.Join(s.Values, ", "), who, what),
						Expected: key + " limited to mapped users (" + "$(USERS)" + ") and the CE's own daemons",
						Actual:   strings.Join(s.Values, ", "),
					}
					if key == "ALLOW_ADMINISTRATOR" {
						r.Severity = sev(vocab.Critical)
					}
					// A site override goes; HTCondor-CE's defaults apply.
					if strings.HasPrefix(s.Source.File, "/etc/condor-ce/") {
						if e, ok := replaceLine(svc, s.Source); ok {
							r.Edits = []finding.Edit{e}
						}
					}
					out = append(out, r)
					break
				}
			}
		}
		return out
	},
}
