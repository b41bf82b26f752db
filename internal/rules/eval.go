package rules

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Budget bounds what rules evaluate on one host, so that a huge or
// hostile inventory (or rule) costs bounded time and memory.
type Budget struct {
	// Items is how many items one rule may iterate on a host.
	Items int
	// String is the longest inventory value a rule may read, in bytes.
	String int
	// Message is the longest message, expected or actual text kept.
	Message int
	// Time bounds the evaluation of the whole set on one host; zero
	// means no bound. An expression cannot be interrupted, so on
	// timeout Evaluate returns while the evaluation runs on in the
	// background until it ends; the scan then fails (exit 2).
	Time time.Duration
}

// DefaultBudget is far above any real host (hundreds of trusts, values
// of a few hundred bytes) and far below what would hurt.
var DefaultBudget = Budget{Items: 100_000, String: 64 << 10, Message: 4 << 10, Time: 10 * time.Second}

// Site is the site profile, resolved for the host, as rules see it.
type Site struct {
	Name        string
	Environment string
	Assumed     bool
	VOs         []string
	VOsStated   bool
	Issuers     []Issuer
}

// Issuer is an extra issuer the site profile declares.
type Issuer struct {
	Issuer, Name, Contact string
}

// Stats is what one rule did on one host.
type Stats struct {
	// Applied is false when the rule's when was false.
	Applied bool
	// Items were iterated, Matched passed where, Failed failed assert.
	Items, Matched, Failed int
}

// Result is what a set of rules found on one host.
type Result struct {
	Findings []finding.Finding
	// Stats are by check id ("site/x").
	Stats map[string]Stats
}

// EvalError is a rule that failed on a host: its expression could not
// be evaluated for an item (or for the host, for when), or the host is
// over a budget. The scan stops with it (exit 2): a rule that cannot say
// yes or no must not pass silently.
type EvalError struct {
	Rule string
	Diag *hcl.Diagnostic
	// Item names the item the expression failed on; "" for when.
	Item string
}

// Error renders "rule site/ID: file:line:col: summary; detail (on item)".
func (e *EvalError) Error() string {
	s := describe(e.Diag)
	if e.Item != "" {
		s += " (on " + e.Item + ")"
	}
	return "rule " + e.Rule + ": " + s
}

// Evaluate judges the inventory with every rule of the set. Findings
// carry the rule's id (site/ID), its metadata and the item's place; a
// rule that matches no item adds a site-rule-unmatched finding at the
// rule's place (its title and severity come from the recipes).
func (s *Set) Evaluate(inv *inventory.Inventory, site Site, b Budget) (*Result, error) {
	if s == nil || len(s.rules) == 0 {
		return &Result{Stats: map[string]Stats{}}, nil
	}
	if b.Time <= 0 {
		return s.evaluate(inv, site, b)
	}
	type outcome struct {
		r   *Result
		err error
	}
	done := make(chan outcome, 1)
	hook := beforeEvaluate
	go func() {
		hook()
		r, err := s.evaluate(inv, site, b)
		done <- outcome{r, err}
	}()
	timer := time.NewTimer(b.Time)
	defer timer.Stop()
	select {
	case o := <-done:
		return o.r, o.err
	case <-timer.C:
		return nil, fmt.Errorf("site rules did not finish within %s on %s (the time budget of a host)", b.Time, inv.Host)
	}
}

// beforeEvaluate lets the time-budget test hold an evaluation back.
var beforeEvaluate = func() {}

func (s *Set) evaluate(inv *inventory.Inventory, site Site, b Budget) (res *Result, err error) {
	// HCL and go-cty are not ours: should an expression make them panic
	// (they do on some nulls), the scan reports the rule, not a stack.
	var current *Rule
	defer func() {
		if p := recover(); p != nil {
			where := "site rules"
			if current != nil {
				where = "rule " + current.CheckID() + " (" + current.Source() + ")"
			}
			res, err = nil, fmt.Errorf("%s: evaluation failed: %v", where, p)
		}
	}()
	h, err := s.newHost(inv, site, b)
	if err != nil {
		return nil, err
	}
	res = &Result{Stats: map[string]Stats{}}
	for _, r := range s.rules {
		current = r
		st, err := h.run(r, &res.Findings)
		if err != nil {
			return nil, err
		}
		res.Stats[r.CheckID()] = st
	}
	return res, nil
}

// hostEnv is one host's evaluation state: the host-level context and
// the whole objects built so far (each at most once).
type hostEnv struct {
	set    *Set
	inv    *inventory.Inventory
	budget Budget
	ctx    *hcl.EvalContext
	objs   map[objKey]cty.Value
	// vals are the items as reflect values and attrs their converted
	// attributes, by [over][service][item].
	vals  [4][][]reflect.Value
	attrs [4][][][]cached
}

func (s *Set) newHost(inv *inventory.Inventory, site Site, b Budget) (*hostEnv, error) {
	h := &hostEnv{set: s, inv: inv, budget: b, objs: map[objKey]cty.Value{}}
	for o := range h.attrs {
		h.attrs[o] = make([][][]cached, len(inv.Services))
		h.vals[o] = make([][]reflect.Value, len(inv.Services))
		for i := range inv.Services {
			n := count(&inv.Services[i], over(o))
			h.attrs[o][i] = make([][]cached, n)
			h.vals[o][i] = make([]reflect.Value, n)
			for j := range n {
				h.vals[o][i][j] = itemValue(&inv.Services[i], over(o), j)
			}
		}
	}
	siteV, err := siteValue(site, b.String)
	if err != nil {
		return nil, fmt.Errorf("site profile: %w", err)
	}
	hostV, err := h.hostValue()
	if err != nil {
		return nil, err
	}
	h.ctx = &hcl.EvalContext{Variables: map[string]cty.Value{"site": siteV, "host": hostV, "local": s.locals}, Functions: s.funcs}
	return h, nil
}

func siteValue(s Site, max int) (cty.Value, error) {
	strs := func(xs []string) (cty.Value, error) {
		if len(xs) == 0 {
			return cty.ListValEmpty(cty.String), nil
		}
		out := make([]cty.Value, len(xs))
		for i, x := range xs {
			v, err := str("vos", x, max)
			if err != nil {
				return cty.NilVal, err
			}
			out[i] = v
		}
		return cty.ListVal(out), nil
	}
	vos, err := strs(s.VOs)
	if err != nil {
		return cty.NilVal, err
	}
	issuers := cty.ListValEmpty(issuerType())
	if len(s.Issuers) > 0 {
		var out []cty.Value
		for _, i := range s.Issuers {
			m := map[string]cty.Value{}
			for k, x := range map[string]string{"issuer": i.Issuer, "name": i.Name, "contact": i.Contact} {
				if m[k], err = str("issuers."+k, x, max); err != nil {
					return cty.NilVal, err
				}
			}
			out = append(out, cty.ObjectVal(m))
		}
		issuers = cty.ListVal(out)
	}
	m := map[string]cty.Value{"vos": vos, "issuers": issuers, "assumed": cty.BoolVal(s.Assumed), "vos_stated": cty.BoolVal(s.VOsStated)}
	for k, x := range map[string]string{"name": s.Name, "environment": s.Environment} {
		if m[k], err = str(k, x, max); err != nil {
			return cty.NilVal, err
		}
	}
	return cty.ObjectVal(m), nil
}

// hostValue is the host object. Its services are built only when some
// expression reads host.services: they are every trust of the host.
func (h *hostEnv) hostValue() (cty.Value, error) {
	m := map[string]cty.Value{"services": cty.ListValEmpty(serviceSchema().typ), "packages": cty.ListValEmpty(packageSchema().typ), "units": cty.ListValEmpty(unitSchema().typ)}
	var err error
	if m["name"], err = str("host.name", h.inv.Host, h.budget.String); err != nil {
		return cty.NilVal, err
	}
	if m["hostname_from"], err = str("host.hostname_from", h.inv.HostnameFrom, h.budget.String); err != nil {
		return cty.NilVal, err
	}
	if n := h.set.needs; n.hostServices && len(h.inv.Services) > 0 {
		shape := "*"
		if !n.full {
			shape = strings.Join(sortedKeys(n.attrs), ",")
		}
		svcs := make([]cty.Value, len(h.inv.Services))
		for i := range h.inv.Services {
			if svcs[i], err = h.object(overServices, i, 0, shape); err != nil {
				return cty.NilVal, fmt.Errorf("%s: %w", describeService(&h.inv.Services[i]), err)
			}
		}
		m["services"] = cty.ListVal(svcs)
	}
	if hf := h.inv.HostFacts; hf != nil {
		if m["packages"], err = objectList(packageSchema(), reflect.ValueOf(hf.Packages), h.budget.String); err != nil {
			return cty.NilVal, fmt.Errorf("host.packages: %w", err)
		}
		if m["units"], err = objectList(unitSchema(), reflect.ValueOf(hf.Units), h.budget.String); err != nil {
			return cty.NilVal, fmt.Errorf("host.units: %w", err)
		}
	}
	return cty.ObjectVal(m), nil
}

// objKey names an object built for a host: an item (or a service, with
// overServices) in a shape (see compiler.shapes).
type objKey struct {
	o     over
	i, j  int
	shape string
}

// object is item j of service i's collection o (service i itself for
// overServices) as an object of the given shape, built once per host.
func (h *hostEnv) object(o over, i, j int, shape string) (cty.Value, error) {
	key := objKey{o, i, j, shape}
	if v, ok := h.objs[key]; ok {
		return v, nil
	}
	rv := itemValue(&h.inv.Services[i], o, j)
	var v cty.Value
	var err error
	if shape == "*" {
		v, err = o.schema().object(rv, h.budget.String)
	} else {
		v, err = o.schema().partial(rv, strings.Split(shape, ","), h.budget.String)
	}
	if err != nil {
		return cty.NilVal, err
	}
	h.objs[key] = v
	return v, nil
}

// itemValue is item j of a service's collection o.
func itemValue(svc *inventory.Service, o over, j int) reflect.Value {
	switch o {
	case overTrusts:
		return reflect.ValueOf(&svc.Trusts[j]).Elem()
	case overBans:
		return reflect.ValueOf(&svc.Bans[j]).Elem()
	case overSettings:
		return reflect.ValueOf(&svc.Settings[j]).Elem()
	}
	return reflect.ValueOf(svc).Elem()
}

func count(svc *inventory.Service, o over) int {
	switch o {
	case overTrusts:
		return len(svc.Trusts)
	case overBans:
		return len(svc.Bans)
	case overSettings:
		return len(svc.Settings)
	}
	return 1
}

// run evaluates one rule on the host, appending its findings to out.
func (h *hostEnv) run(r *Rule, out *[]finding.Finding) (Stats, error) {
	var st Stats
	fail := func(d *hcl.Diagnostic, item string) error {
		return &EvalError{Rule: r.CheckID(), Diag: d, Item: item}
	}
	if r.when != nil {
		v, d := r.when.expr.Value(h.ctx)
		ok, err := truth(r.when, v, d)
		if err != nil {
			return st, fail(err, "")
		}
		if !ok {
			return st, nil
		}
	}
	st.Applied = true
	total := 0
	for i := range h.inv.Services {
		total += count(&h.inv.Services[i], r.over)
	}
	if total > h.budget.Items {
		return st, fmt.Errorf("rule %s: this host has %d %s, more than the %d a rule evaluates (the item budget)", r.CheckID(), total, r.over.plural(), h.budget.Items)
	}
	f := h.frame(r)
	for i := range h.inv.Services {
		svc := &h.inv.Services[i]
		f.atService(i)
		for j := range count(svc, r.over) {
			f.atItem(j)
			st.Items++
			if r.where != nil {
				ok, err := r.where.test(f)
				if err != nil {
					return st, fail(err, describeItem(svc, r.over, j))
				}
				if !ok {
					continue
				}
			}
			st.Matched++
			ok, err := r.assert.test(f)
			if err != nil {
				return st, fail(err, describeItem(svc, r.over, j))
			}
			if ok {
				continue
			}
			st.Failed++
			fd, err := h.finding(r, f, svc, j)
			if err != nil {
				return st, fail(err, describeItem(svc, r.over, j))
			}
			*out = append(*out, fd)
		}
	}
	if st.Matched == 0 {
		*out = append(*out, unmatched(r, st))
	}
	return st, nil
}

// frame starts the evaluation of a rule on the host: the values of its
// host-constant expressions, computed once.
func (h *hostEnv) frame(r *Rule) *frame {
	f := &frame{h: h, rule: r, slots: make([]slot, len(r.slots)), ctx: h.ctx.NewChild(), vars: make([]cty.Value, r.vars), strs: make([]string, r.vars)}
	f.ctx.Variables = map[string]cty.Value{}
	for i, e := range r.slots {
		f.slots[i].v, f.slots[i].diags = e.Value(h.ctx)
	}
	return f
}

// at moves the frame to item j of service i.
func (f *frame) at(i, j int) {
	f.atService(i)
	f.atItem(j)
}

// atService moves the frame to service i; atItem then to one of its
// items.
func (f *frame) atService(i int) { f.svc = i }

func (f *frame) atItem(j int) { f.item = j }

// truth reads a where, assert or when result.
func truth(p *program, v cty.Value, d hcl.Diagnostics) (bool, *hcl.Diagnostic) {
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			return false, x
		}
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		return false, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid " + p.attr, Detail: p.attr + " gave no value (null)", Subject: p.expr.Range().Ptr()}
	}
	if v.Type() == cty.Bool {
		return isTrue(v), nil
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return false, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid " + p.attr, Detail: fmt.Sprintf("%s must be true or false, not %s", p.attr, v.Type().FriendlyName()), Subject: p.expr.Range().Ptr()}
	}
	return isTrue(b), nil
}

// text evaluates a message template for a failing item.
func (h *hostEnv) text(p *program, f *frame) (string, *hcl.Diagnostic) {
	if p == nil {
		return "", nil
	}
	v, d := p.eval(f)
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			return "", x
		}
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid " + p.attr, Detail: p.attr + " gave no value (null)", Subject: p.expr.Range().Ptr()}
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid " + p.attr, Detail: err.Error(), Subject: p.expr.Range().Ptr()}
	}
	return cut(s.AsString(), h.budget.Message), nil
}

// cut shortens s to at most max bytes, on a character boundary.
func cut(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	i := max - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func (h *hostEnv) finding(r *Rule, f *frame, svc *inventory.Service, j int) (finding.Finding, *hcl.Diagnostic) {
	msg, d := h.text(r.message, f)
	if d != nil {
		return finding.Finding{}, d
	}
	exp, d := h.text(r.expected, f)
	if d != nil {
		return finding.Finding{}, d
	}
	act, d := h.text(r.actual, f)
	if d != nil {
		return finding.Finding{}, d
	}
	src, key := place(svc, r.over, j)
	id := r.CheckID()
	return finding.Finding{
		Check:       id,
		Title:       r.Title,
		Severity:    r.Severity,
		Status:      vocab.StatusFail,
		Service:     svc.Name,
		Instance:    svc.Instance,
		Message:     msg,
		Expected:    exp,
		Actual:      act,
		File:        src.File,
		Line:        src.Line,
		Remediation: r.Remediation,
		References:  r.References,
		Fingerprint: finding.Fingerprint(id, src.File, key),
		Key:         key,
	}, nil
}

// place is where an item is written and what identifies it apart from
// its line (the fingerprint's key): an issuer and its pattern, a ban's
// identity, a setting's key, a service's name.
func place(svc *inventory.Service, o over, j int) (inventory.Source, string) {
	switch o {
	case overTrusts:
		t := &svc.Trusts[j]
		return t.Source, strings.Join([]string{"trust", t.Issuer, t.Name, t.IssuerPattern, t.IdentityPattern, strings.Join(t.Subjects, ",")}, "|")
	case overBans:
		b := &svc.Bans[j]
		return b.Source, "ban|" + b.Identity
	case overSettings:
		s := &svc.Settings[j]
		return s.Source, "setting|" + s.Key
	}
	src := svc.TokensSource
	if src.IsZero() && len(svc.ConfigFiles) > 0 {
		src = inventory.Source{File: svc.ConfigFiles[0]}
	}
	return src, "service|" + svc.Name
}

// describeItem names an item for an error message.
func describeItem(svc *inventory.Service, o over, j int) string {
	src, _ := place(svc, o, j)
	at := ""
	if !src.IsZero() {
		at = " at " + src.String()
	}
	switch o {
	case overTrusts:
		t := &svc.Trusts[j]
		iss := t.Issuer
		if t.AnyIssuer {
			iss = "any issuer"
		}
		return fmt.Sprintf("trust %q (%s) of %s%s", t.Name, iss, svc.Label(), at)
	case overBans:
		return fmt.Sprintf("ban of %q in %s%s", svc.Bans[j].Identity, svc.Label(), at)
	case overSettings:
		return fmt.Sprintf("setting %s of %s%s", svc.Settings[j].Key, svc.Label(), at)
	}
	return describeService(svc) + at
}

func describeService(svc *inventory.Service) string { return "service " + svc.Label() }

// unmatched reports a rule that matched no item: a mistyped where (or a
// rule meant for other hosts, which when can say) must not look like a
// passing one.
func unmatched(r *Rule, st Stats) finding.Finding {
	why := fmt.Sprintf("this host has no %s", r.over.plural())
	if st.Items > 0 {
		why = fmt.Sprintf("its where selects none of the host's %d %s", st.Items, r.over.plural())
	}
	key := "site-rule|" + r.ID
	return finding.Finding{
		Check:  vocab.CheckSiteRuleUnmatched,
		Status: vocab.StatusFail,
		Message: fmt.Sprintf("site rule %s matches nothing on this host (%s): correct a mistyped where, or limit the rule to the hosts it is meant for with when",
			r.CheckID(), why),
		Expected:    "a rule that judges at least one item",
		Actual:      "matches no " + strings.TrimSuffix(r.over.plural(), "s"),
		File:        r.File,
		Line:        r.Line,
		Key:         key,
		Fingerprint: finding.Fingerprint(vocab.CheckSiteRuleUnmatched, r.File, key),
	}
}
