package checks

import (
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/reference"
	"github.com/ttt-wg/ttt-check/recipes"
)

// fixer renders the recipes' per-service fixes with this host's values:
// the same values `ttt-check recipe` writes (internal/reference), so that
// a finding's advice and the service's reference configuration agree.
type fixer struct {
	in *Input
}

func newFixer(in *Input) *fixer { return &fixer{in: in} }

// host returns the reference values of a service on this host (nil when
// the recipes have no reference for it).
func (x *fixer) host(service string) *reference.Host { return x.in.reference(service) }

// render sets r.Fix from the check's fix for the service in the recipes,
// unless the check set a fix of its own.
func (x *fixer) render(id string, svc inventory.Service, r *Result) error {
	if r.Fix != "" {
		return nil
	}
	meta, ok := x.in.Recipes.Checks[id]
	if !ok {
		return nil
	}
	fix := meta.FixFor(svc.Name, r.FixCase)
	if fix == nil {
		return nil
	}
	vals := placeValues(svc.Name, *r)
	vals["host"] = x.in.Inventory.Host
	rel := recipes.Release{}
	if h := x.host(svc.Name); h != nil {
		rel = h.Release()
		vals["port"], vals["audiences"] = h.Port, h.Audiences
		if dteam, ok := x.in.Recipes.VOs["dteam"]; ok {
			if v, err := h.VO(dteam); err == nil {
				vals["dteam_issuer"], vals["dteam_area"], vals["dteam_account"] = v.Issuer, v.Area, v.Account
			}
		}
		if vo := x.voOf(*r); vo != nil {
			if v, err := h.VO(vo); err == nil {
				vals["vo"], vals["vo_title"], vals["area"], vals["account"] = v.Name, v.Title, v.Area, v.Account
			}
		}
	}
	for k, v := range r.Values {
		vals[k] = v
	}
	text, err := fix.Render(vals, rel)
	if err != nil {
		return err
	}
	r.Fix = text
	return nil
}

// voOf is the VO a result is about: the one it names, else the VO of its
// issuer (current or retired).
func (x *fixer) voOf(r Result) *recipes.VO {
	if name := r.Values["vo"]; name != "" {
		return x.in.Recipes.VOs[name]
	}
	iss := r.Values["issuer"]
	if iss == "" {
		return nil
	}
	if vo, ok := x.in.Recipes.VOByIssuer(iss); ok {
		return vo
	}
	if vo, ok := x.in.Recipes.VOByLegacyIssuer(iss); ok {
		return vo
	}
	return nil
}

// placeValues are the values every fix may name: the service, where the
// finding is, and what it expected and found.
func placeValues(service string, r Result) map[string]any {
	line := ""
	if r.Source.Line > 0 {
		line = strconv.Itoa(r.Source.Line)
	}
	return map[string]any{
		"service": service, "file": r.Source.File, "line": line, "place": r.Source.String(),
		"expected": r.Expected, "actual": r.Actual,
	}
}

// vals builds a result's Values from key, value pairs.
func vals(kv ...string) map[string]string {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// label is a trust's own name without the reader's prefix: the [Issuer]
// section, the provider alias, the authgroup, the storage area.
func label(t inventory.Trust) string {
	for _, p := range []string{"provider ", "authgroup:", "sa:"} {
		if rest, ok := strings.CutPrefix(t.Name, p); ok {
			return rest
		}
	}
	return t.Name
}

// renderPlain renders the recipe fix of a finding raised outside
// Evaluate (the log search), with the values it knows.
func renderPlain(set *recipes.Set, id, service string, r *Result) error {
	meta, ok := set.Checks[id]
	if !ok || r.Fix != "" {
		return nil
	}
	fix := meta.FixFor(service, r.FixCase)
	if fix == nil {
		return nil
	}
	v := placeValues(service, *r)
	for k, x := range r.Values {
		v[k] = x
	}
	text, err := fix.Render(v, recipes.Release{})
	if err != nil {
		return err
	}
	r.Fix = text
	return nil
}
