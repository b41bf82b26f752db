package recipes

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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

	// pure and uses, worked out on the first Render: a template that
	// calls no release function is a function of the values it names
	// alone, so its renderings are kept (renders, up to maxRenders) and
	// a fleet of hosts that differ in other values renders it once.
	once        sync.Once
	pure        bool
	uses        []string
	renders     sync.Map // renderKey → string
	renderCount atomic.Int64
}

// releaseFuncNames are the template functions whose results depend on
// the host's release (releaseFuncs), which a rendering's key does not
// hold.
var releaseFuncNames = []string{"has", "since", "known", "release"}

// maxRenders bounds the renderings a fix keeps.
const maxRenders = 1024

// analyse finds the values the template names and whether it calls a
// release function.
func (f *Fix) analyse() {
	expr, ok := f.Text.(hclsyntax.Expression)
	if !ok {
		return
	}
	f.pure = true
	hclsyntax.VisitAll(expr, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && slices.Contains(releaseFuncNames, call.Name) {
			f.pure = false
		}
		return nil
	})
	for _, tr := range expr.Variables() {
		if name := tr.RootName(); !slices.Contains(f.uses, name) {
			f.uses = append(f.uses, name)
		}
	}
	sort.Strings(f.uses)
}

// renderKey is the values the template names, in order, each with its
// length, so that no two sets of values share a key whatever bytes a
// host's configuration puts in them.
func (f *Fix) renderKey(values map[string]any) string {
	var b []byte
	str := func(tag byte, s string) {
		b = append(b, tag)
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	for _, name := range f.uses {
		switch x := values[name].(type) {
		case string:
			str('s', x)
		case []string:
			b = append(b, 'l')
			b = strconv.AppendInt(b, int64(len(x)), 10)
			for _, s := range x {
				str('s', s)
			}
		default:
			b = append(b, '-')
		}
	}
	return string(b)
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
	f.once.Do(f.analyse)
	if !f.pure {
		return f.render(values, rel)
	}
	key := f.renderKey(values)
	if s, ok := f.renders.Load(key); ok {
		return s.(string), nil
	}
	s, err := f.render(values, rel)
	if err == nil && f.renderCount.Load() < maxRenders {
		if _, loaded := f.renders.LoadOrStore(key, s); !loaded {
			f.renderCount.Add(1)
		}
	}
	return s, err
}

// render evaluates the template.
func (f *Fix) render(values map[string]any, rel Release) (string, error) {
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
