package recipes

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// AnyService labels the fix of a check that is the same for every
// service (a waiver, a leftover file, an unreadable config): the fallback
// when a check has no fix of the finding's own service.
const AnyService = "any"

// Fix is one service's advice for the findings of a check (a fix block
// inside the check block): which file, which line, what to write, as an
// HCL template over the finding's values (FixVars). A check's generic
// remediation says what to achieve; its fixes say how, in the service's
// own files, so that an XRootD finding never reads like dCache advice.
type Fix struct {
	// Service is a service name, or AnyService.
	Service string `hcl:"service,label"`
	// Case names a variant the check picks for some findings (a release
	// that lacks an option, a proxy, the built-in leak); "" is the
	// service's usual advice.
	Case  string         `hcl:"case,optional"`
	Text  hcl.Expression `hcl:"text"`
	Range hcl.Range      `hcl:",def_range"`
}

// FixVars are the values a fix may use. The checks fill what they know;
// everything else is "" (audiences is a list).
//
//	host, service          the host's name, the service
//	file, line, place      where the finding is (place: file:line)
//	expected, actual       the finding's expected and actual values
//	issuer, name           the trust's issuer and its own label (an
//	                       [Issuer] section, provider alias, authgroup, area)
//	vo, vo_title           the issuer's VO
//	area, account          what the reference gives that VO on this service
//	port, audiences        the service's port and the audiences naming it
//	dteam_issuer, dteam_area, dteam_account   DTeam's values on this service
//	subject, mapped        the subject concerned, the account tokens get now
//	key, values, levels    a setting, its values, the ones that leak
//	old, new               the line there now, the line(s) to write
//	target, target_line    the file (and line) the fix changes when it is
//	                       not the finding's own
//	installed, since_release   a release named by the finding, and the
//	                       first release with what it needs
var FixVars = []string{
	"host", "service", "file", "line", "place", "expected", "actual",
	"issuer", "name", "vo", "vo_title", "area", "account", "port", "audiences",
	"dteam_issuer", "dteam_area", "dteam_account",
	"subject", "mapped", "key", "values", "levels", "old", "new", "target", "target_line",
	"installed", "since_release",
}

// FixFor returns the check's fix for a finding of service: the service's
// own for the case, else the service-neutral one (AnyService) for the
// case, else the service's usual one, else the service-neutral usual
// one; nil when there is none.
func (c *Check) FixFor(service, fixCase string) *Fix {
	for _, want := range [][2]string{{service, fixCase}, {AnyService, fixCase}, {service, ""}, {AnyService, ""}} {
		for _, f := range c.Fixes {
			if f.Service == want[0] && f.Case == want[1] {
				return f
			}
		}
	}
	return nil
}

// Render renders the fix with a finding's values (strings, and lists of
// strings for audiences) for the installed release rel. The result has no
// trailing newline.
func (f *Fix) Render(values map[string]any, rel Release) (string, error) {
	vars := make(map[string]cty.Value, len(FixVars))
	for _, name := range FixVars {
		vars[name] = cty.StringVal("")
	}
	vars["audiences"] = cty.TupleVal(nil)
	for k, v := range values {
		switch x := v.(type) {
		case string:
			vars[k] = cty.StringVal(x)
		case []string:
			vals := make([]cty.Value, len(x))
			for i, s := range x {
				vals[i] = cty.StringVal(s)
			}
			vars[k] = cty.TupleVal(vals)
		}
	}
	s, err := EvalString(f.Text, vars, rel)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(s, "\n"), nil
}

// Placeholders are FixVars as placeholders (<host>, <issuer>, …), for
// showing a fix without a host (ttt-check explain).
func Placeholders() map[string]any {
	out := map[string]any{}
	for _, name := range FixVars {
		out[name] = "<" + name + ">"
	}
	out["audiences"] = []string{"<audience>"}
	return out
}

// buildFixes validates the fix blocks of the checks: known services,
// one fix per service and case, templates that use known values only.
func buildFixes(set *Set, checks []*Check) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, c := range checks {
		seen := map[[2]string]bool{}
		for _, f := range c.Fixes {
			fr := f.Range
			if _, ok := set.Services[f.Service]; !ok && f.Service != AnyService {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "fix for unknown service " + f.Service + " in check " + c.ID,
					Detail: "a declared service, or \"" + AnyService + "\"", Subject: &fr})
			}
			k := [2]string{f.Service, f.Case}
			if seen[k] {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "duplicate fix " + f.Service + " " + f.Case + " in check " + c.ID, Subject: &fr})
			}
			seen[k] = true
			diags = append(diags, checkVars(f.Text, FixVars, "fix "+f.Service+" of check "+c.ID)...)
		}
	}
	return diags
}
