// Package reference renders the working group's reference configurations
// (recipes/40-reference.hcl) for one host: the values a service's token
// setup should have there — its audiences, each VO's area, account and
// pinned subjects, what its installed release can read — and the files
// that carry them. The checks use the same values in their fixes, so that
// `ttt-check recipe` and every finding's advice write the same lines.
package reference

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/ttt-wg/ttt-check/internal/catalog"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/version"
	"github.com/ttt-wg/ttt-check/recipes"
)

// Host is one service's reference values on one host. Build it with For;
// its fields are what templates and fixes are rendered with.
type Host struct {
	set *recipes.Set
	ref *recipes.Reference
	// Service is the service's registry name.
	Service string
	// Name is the host name the service knows itself by; Short its first
	// label and Domain the rest.
	Name, Short, Domain string
	// Port is the port the reference settled on (the service's own, else
	// the recipe's default); Audiences are the audiences that name this
	// endpoint.
	Port      string
	Audiences []string
	// Instances are, for XRootD, the instances that may copy the bearer
	// token into the URL; Excluded the ones that must not (proxies, and
	// redirectors whose release lacks strip-on-redirect).
	Instances, Excluded []string

	svcs    []inventory.Service
	hostVal map[string]string
	notes   []string
	vos     map[string]VO
}

// ErrUnknownService is returned for a service without a reference.
type ErrUnknownService struct {
	Service string
	Known   []string
}

// Error names the known services, so that a typo is one look away.
func (e *ErrUnknownService) Error() string {
	return fmt.Sprintf("unknown service %q (known: %s)", e.Service, strings.Join(e.Known, ", "))
}

// For returns the reference values of service on the host called name,
// from the recipes and what the inventory says the host already has (nil
// inventory: nothing is known of the host).
func For(set *recipes.Set, inv *inventory.Inventory, service, name string) (*Host, error) {
	ref, ok := set.References[service]
	if !ok {
		return nil, &ErrUnknownService{Service: service, Known: set.ReferenceServices()}
	}
	h := &Host{set: set, ref: ref, Service: service, Name: name, hostVal: map[string]string{}}
	h.Short, h.Domain, _ = strings.Cut(name, ".")
	if h.Domain == "" {
		h.Domain = "example.org"
	}
	if inv != nil {
		for _, s := range inv.Services {
			if s.Name == service {
				h.svcs = append(h.svcs, s)
			}
		}
	}
	h.hostVal["host_port"], h.hostVal["host_http_port"] = h.ports()
	vars := h.valueVars("", "", "")
	var err error
	if h.Port, err = recipes.EvalString(ref.Port, vars, recipes.Release{}); err != nil {
		return nil, err
	}
	vars["port"] = cty.StringVal(h.Port)
	if h.Audiences, err = recipes.EvalStrings(ref.Audiences, vars, recipes.Release{}); err != nil {
		return nil, err
	}
	h.Instances, h.Excluded = h.tokenInstances()
	return h, nil
}

// valueVars are the variables of a reference's port, area, account and
// audiences.
func (h *Host) valueVars(vo, area, account string) map[string]cty.Value {
	return map[string]cty.Value{
		"host": cty.StringVal(h.Name), "short_host": cty.StringVal(h.Short), "domain": cty.StringVal(h.Domain),
		"vo": cty.StringVal(vo), "host_area": cty.StringVal(area), "host_account": cty.StringVal(account),
		"host_port": cty.StringVal(h.hostVal["host_port"]), "host_http_port": cty.StringVal(h.hostVal["host_http_port"]),
		"port": cty.StringVal(h.Port),
	}
}

// ports are the service's own ports: xrd.port, and the port of its
// XrdHttp protocol line.
func (h *Host) ports() (port, http string) {
	for _, s := range h.svcs {
		if p, ok := s.Setting("xrd.port"); ok && len(p.Values) > 0 && port == "" {
			port = p.Values[0]
		}
		for _, st := range s.Settings {
			if st.Key != "xrd.protocol" || len(st.Values) == 0 || http != "" {
				continue
			}
			if rest, ok := strings.CutPrefix(st.Values[0], "XrdHttp:"); ok {
				http = rest
			}
		}
	}
	return port, http
}

// VO is one VO's values on this service: what its trust should say.
type VO struct {
	Name, Title, Issuer string
	// Area is the VO's own part of the namespace; Account the account its
	// tokens act as.
	Area, Account  string
	CapabilityOnly bool
	// Subjects are the subjects to pin: the VO's published robot subjects
	// and the ones the host already pins.
	Subjects []Subject
}

// Subject is one subject a compute element pins.
type Subject struct {
	Subject, Description, Account string
}

// VO returns the values of a VO of the recipes on this service.
func (h *Host) VO(vo *recipes.VO) (VO, error) {
	if v, ok := h.vos[vo.Name]; ok {
		return v, nil
	}
	v, err := h.vo(vo)
	if err != nil {
		return VO{}, err
	}
	if h.vos == nil {
		h.vos = map[string]VO{}
	}
	h.vos[vo.Name] = v
	return v, nil
}

func (h *Host) vo(vo *recipes.VO) (VO, error) {
	area, account := h.hostArea(vo), h.hostAccount(vo)
	vars := h.valueVars(vo.Name, area, account)
	out := VO{Name: vo.Name, Title: vo.Title, Issuer: vo.Issuer, CapabilityOnly: vo.CapabilityOnly}
	var err error
	if out.Area, err = recipes.EvalString(h.ref.Area, vars, recipes.Release{}); err != nil {
		return VO{}, err
	}
	if out.Account, err = recipes.EvalString(h.ref.Account, vars, recipes.Release{}); err != nil {
		return VO{}, err
	}
	seen := map[string]bool{}
	for _, rs := range vo.RobotSubjects {
		acc := rs.Account
		if acc == "" {
			acc = out.Account
		}
		if a := h.subjectAccount(vo, rs.Subject); a != "" {
			acc = a
		}
		out.Subjects = append(out.Subjects, Subject{Subject: rs.Subject, Description: rs.Description, Account: acc})
		seen[rs.Subject] = true
	}
	for _, t := range h.trustsOf(vo) {
		if t.AnySubject || len(t.Subjects) != 1 || seen[t.Subjects[0]] || strings.ContainsAny(t.Subjects[0], "*^$") {
			continue
		}
		acc := t.Account
		if acc == "" || h.privileged(acc) {
			acc = out.Account
		}
		seen[t.Subjects[0]] = true
		out.Subjects = append(out.Subjects, Subject{Subject: t.Subjects[0], Description: "pinned on this host", Account: acc})
	}
	return out, nil
}

// trustsOf are the host's trusts of the VO's current or legacy issuer,
// as pointers: a CE may hold 100,000 trusts, and each is a large struct.
func (h *Host) trustsOf(vo *recipes.VO) []*inventory.Trust {
	var out []*inventory.Trust
	for i := range h.svcs {
		ts := h.svcs[i].Trusts
		for j := range ts {
			if ts[j].Issuer == vo.Issuer || slices.Contains(vo.LegacyIssuers, ts[j].Issuer) {
				out = append(out, &ts[j])
			}
		}
	}
	return out
}

// hostArea is the area the host already gives the VO, or one guessed
// from the other VOs' areas (/data/atlas → /data/cms); never "/".
func (h *Host) hostArea(vo *recipes.VO) string {
	ok := func(p string) bool { p = path.Clean("/" + strings.TrimSpace(p)); return p != "/" }
	for _, t := range h.trustsOf(vo) {
		for _, p := range t.BasePaths {
			if ok(p) && h.Service != "storm-webdav" {
				return p
			}
		}
	}
	if h.Service == "storm-webdav" {
		return ""
	}
	for _, other := range h.set.SortedVOs() {
		if other.Name == vo.Name {
			continue
		}
		for _, t := range h.trustsOf(other) {
			for _, p := range t.BasePaths {
				if base, found := strings.CutSuffix(path.Clean(p), "/"+other.Name); found && ok(p) {
					return base + "/" + vo.Name
				}
			}
		}
	}
	return ""
}

// hostAccount is the account the host already maps the VO's tokens to,
// unless it is privileged.
func (h *Host) hostAccount(vo *recipes.VO) string {
	for _, t := range h.trustsOf(vo) {
		if t.Account != "" && !h.privileged(t.Account) && !strings.HasPrefix(t.Account, "uid:") {
			return t.Account
		}
	}
	return ""
}

// subjectAccount is the account the host maps one pinned subject to.
func (h *Host) subjectAccount(vo *recipes.VO, subject string) string {
	for _, t := range h.trustsOf(vo) {
		if len(t.Subjects) == 1 && t.Subjects[0] == subject && t.Account != "" && !h.privileged(t.Account) {
			return t.Account
		}
	}
	return ""
}

// privileged reports an account no token may be mapped to.
func (h *Host) privileged(account string) bool {
	local, _, _ := strings.Cut(strings.TrimSpace(account), "@")
	local, _, _ = strings.Cut(local, ":")
	if slices.Contains([]string{"root", "0", "toor"}, local) {
		return true
	}
	if s, ok := h.set.Services[h.Service]; ok {
		return slices.Contains(s.PrivilegedAccounts, local)
	}
	return false
}

// tokenInstances splits an XRootD host's instances into those that may
// copy the bearer token into the URL (http.header2cgi) and those that must
// not: proxies forward the CGI to their origin
// (https://github.com/xrootd/xrootd/blob/v6.1.0/src/XrdPss/XrdPssUrlInfo.cc),
// and redirectors put it into redirect URLs unless their release strips
// it (strip-on-redirect, https://github.com/xrootd/xrootd/pull/2439).
func (h *Host) tokenInstances() (in, out []string) {
	rs := h.set.Services[h.Service]
	if rs == nil || len(rs.RedirectingRoles) == 0 {
		return nil, nil
	}
	strip := h.release().has("strip-on-redirect")
	for _, s := range h.svcs {
		name := s.Instance
		if name == "" {
			continue
		}
		switch {
		case proxy(s):
			out = append(out, name)
		case redirects(s, rs) && !strip:
			out = append(out, name)
		default:
			in = append(in, name)
		}
	}
	sort.Strings(in)
	sort.Strings(out)
	return in, out
}

func proxy(s inventory.Service) bool {
	if _, ok := s.Setting("pss.origin"); ok {
		return true
	}
	if p, ok := s.Setting("ofs.osslib"); ok && strings.Contains(strings.Join(p.Values, " "), "libXrdPss") {
		return true
	}
	return false
}

func redirects(s inventory.Service, rs *recipes.Service) bool {
	if role, ok := s.Setting("all.role"); ok {
		for _, v := range role.Values {
			for _, r := range rs.RedirectingRoles {
				if strings.EqualFold(v, r) {
					return true
				}
			}
		}
	}
	_, ok := s.Setting("xrootd.redirect")
	return ok
}

// release is what the service's installed release offers.
type release struct {
	h *Host
}

// release returns the service's release view.
func (h *Host) release() release { return release{h} }

// component returns the component of the service that dates feature, its
// installed version and whether the version is known.
func (r release) component(feature string) (c *recipes.Component, v string, known bool) {
	rs := r.h.set.Services[r.h.Service]
	if rs == nil {
		return nil, "", false
	}
	for _, name := range rs.Components {
		comp := r.h.set.Components[name]
		if comp == nil {
			continue
		}
		if _, dated := comp.Features[feature]; !dated && feature != "" {
			continue
		}
		for _, s := range r.h.svcs {
			if ver, ok := s.Version(name); ok {
				return comp, ver.Version, true
			}
			// ARC 6 and 7 are told apart by the options only one has
			// when no package database says which is installed.
			if a, ok := s.Setting("arc.version"); ok && name == "arc" && len(a.Values) > 0 {
				switch a.Values[0] {
				case "7":
					return comp, "7.0.0", true
				case "6":
					return comp, comp.OldestSupported, true
				}
			}
		}
		return comp, comp.OldestSupported, false
	}
	return nil, "", false
}

// has reports whether a line needing feature may be written: the known
// release has it, or the release is unknown (then the reference notes
// which release the line needs, as the checks take an unknown release to
// have what the admin wrote).
func (r release) has(feature string) bool {
	c, v, known := r.component(feature)
	if c == nil {
		return true
	}
	since := c.Features[feature]
	if !known {
		note := fmt.Sprintf("the installed %s release is unknown: %s needs %s %s or later", c.Title, feature, c.Title, since)
		if !slices.Contains(r.h.notes, note) {
			r.h.notes = append(r.h.notes, note)
		}
		return true
	}
	return version.AtLeast(v, since)
}

// since names the first release with feature ("XRootD 5.7.0" → "5.7.0").
func (r release) since(feature string) string {
	c, _, _ := r.component(feature)
	if c == nil {
		return ""
	}
	return c.Features[feature]
}

// name names the installed release ("XRootD 5.5.3-1"), "" when unknown.
func (r release) name() string {
	c, v, known := r.component("")
	if c == nil || !known {
		return ""
	}
	return c.Title + " " + v
}

// Release is the recipes' view of the installed release, for templates.
func (h *Host) Release() recipes.Release {
	r := h.release()
	return recipes.Release{Has: r.has, Since: r.since, Name: r.name()}
}

// Notes are what the reference could not settle for this host (an
// unknown release), collected while rendering.
func (h *Host) Notes() []string {
	out := slices.Clone(h.notes)
	sort.Strings(out)
	return out
}

// Render renders the service's reference configuration for the VOs.
func Render(set *recipes.Set, inv *inventory.Inventory, service, hostName, hostFrom string, vos []*recipes.VO) (*catalog.Reference, error) {
	h, err := For(set, inv, service, hostName)
	if err != nil {
		return nil, err
	}
	var voVals []cty.Value
	var names []string
	for _, vo := range vos {
		v, err := h.VO(vo)
		if err != nil {
			return nil, err
		}
		voVals = append(voVals, voValue(v))
		names = append(names, vo.Name)
	}
	base := map[string]cty.Value{
		"host": cty.StringVal(h.Name), "short_host": cty.StringVal(h.Short), "domain": cty.StringVal(h.Domain),
		"port": cty.StringVal(h.Port), "audiences": strs(h.Audiences), "vos": cty.TupleVal(voVals),
		"vo": cty.NullVal(cty.DynamicPseudoType), "instances": strs(h.Instances), "excluded": strs(h.Excluded),
	}
	rel := h.Release()
	out := &catalog.Reference{
		Service: service, Title: h.ref.Title, About: strings.TrimSpace(h.ref.About),
		Host: hostName, HostFrom: hostFrom, VOs: names, Release: rel.Name, Sources: h.ref.Sources,
	}
	for _, f := range h.ref.Files {
		each := []cty.Value{cty.NullVal(cty.DynamicPseudoType)}
		if f.EachVO {
			each = voVals
		}
		for _, vo := range each {
			vars := map[string]cty.Value{}
			for k, v := range base {
				vars[k] = v
			}
			vars["vo"] = vo
			p, err := recipes.EvalString(f.Path, vars, rel)
			if err != nil {
				return nil, err
			}
			content, err := recipes.EvalString(f.Content, vars, rel)
			if err != nil {
				return nil, err
			}
			out.Files = append(out.Files, catalog.ReferenceFile{Path: p, Mode: f.Mode, About: f.About, Sources: f.Sources, Content: content})
		}
	}
	out.Notes = h.Notes()
	return out, nil
}

func strs(xs []string) cty.Value {
	vals := make([]cty.Value, len(xs))
	for i, x := range xs {
		vals[i] = cty.StringVal(x)
	}
	return cty.TupleVal(vals)
}

func voValue(v VO) cty.Value {
	var subs []cty.Value
	for _, s := range v.Subjects {
		short := s.Subject
		if i := strings.IndexAny(short, "-@."); i > 0 {
			short = short[:i]
		}
		if len(short) > 8 {
			short = short[:8]
		}
		subs = append(subs, cty.ObjectVal(map[string]cty.Value{
			"subject": cty.StringVal(s.Subject), "short": cty.StringVal(short),
			"description": cty.StringVal(s.Description), "account": cty.StringVal(s.Account),
		}))
	}
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal(v.Name), "title": cty.StringVal(v.Title), "issuer": cty.StringVal(v.Issuer),
		"area": cty.StringVal(v.Area), "account": cty.StringVal(v.Account),
		"capability_only": cty.BoolVal(v.CapabilityOnly), "subjects": cty.TupleVal(subs),
	})
}
