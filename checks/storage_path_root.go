package checks

import (
	"fmt"
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// storagePathRoot flags issuers whose scopes apply to the whole
// namespace. A scope path of "/" authorizes "the entire resource
// associated with the issuer" (WLCG common JWT profile §2.2.1,
// https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md#221-capability-based-authorization-scope);
// the base path is that resource, so with base path "/" a
// storage.modify:/ token of one VO may overwrite every VO's data.
var storagePathRoot = Check{
	ID: "storage-path-root",
	Run: func(in *Input, svc inventory.Service) []Result {
		var out []Result
		for _, t := range svc.Trusts {
			for _, p := range t.BasePaths {
				if path.Clean("/"+strings.TrimSpace(p)) != "/" {
					continue
				}
				out = append(out, Result{
					Source:   at(t.PathSource, t.Source),
					Key:      issuerOrAny(t),
					Values:   vals("issuer", issuerOrAny(t), "name", label(t), "old", p),
					Message:  fmt.Sprintf("%s authorizes tokens of %s over the whole namespace (base path %q): a storage.modify:/ token may overwrite or delete anything the service lets the account it runs the request as touch", svc.Label(), trustLabel(t), p),
					Expected: "the VO's own area, e.g. /data/" + voName(in, t),
					Actual:   p,
				})
				break
			}
		}
		return out
	},
}

// voName names the trust's VO for an example path, or a placeholder when
// the issuer belongs to no known VO.
func voName(in *Input, t inventory.Trust) string {
	if vo, ok := in.Recipes.VOByIssuer(t.Issuer); ok {
		return vo.Name
	}
	if vo, ok := in.Recipes.VOByLegacyIssuer(t.Issuer); ok {
		return vo.Name
	}
	return "<vo>"
}
