package checks

import (
	"fmt"
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
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
					Edits:    pathEdits(in, svc, t),
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

// pathEdits restrict a trust to its VO's area on this service: the
// base_path line of its [Issuer] section (XRootD, EOS), the -prefix of
// its provider (dCache).
func pathEdits(in *Input, svc inventory.Service, t inventory.Trust) []finding.Edit {
	_, v, ok := voOf(in, svc, t.Issuer)
	if !ok || path.Clean("/"+v.Area) == "/" {
		return nil
	}
	text, ok := recorded(svc, t.PathSource)
	if !ok {
		return nil
	}
	line := ""
	switch svc.Name {
	case "xrootd", "eos":
		line = withValue(text, "=", v.Area)
	case "dcache":
		line = withOption(text, "-prefix", v.Area)
	}
	if line == "" || line == text {
		return nil
	}
	e, _ := replaceLine(svc, t.PathSource, line)
	return []finding.Edit{e}
}

// withOption sets (value) or removes ("") a -name=value option of a
// dCache provider line, keeping the rest of the line as written.
func withOption(text, name, value string) string {
	for _, w := range quotedFields(text) {
		k, _, _ := strings.Cut(w, "=")
		if k != name {
			continue
		}
		if value == "" {
			return strings.Replace(text, " "+w, "", 1)
		}
		return strings.Replace(text, w, name+"="+value, 1)
	}
	return text
}
