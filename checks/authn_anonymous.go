package checks

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// anonymousMethods are HTCondor authentication methods that establish no
// identity.
var anonymousMethods = []string{"CLAIMTOBE", "ANONYMOUS"}

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
	},
}
