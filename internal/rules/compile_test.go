package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// diffInventory has the shapes that make expressions take different
// paths: empty and full lists, an any-issuer trust, accounts of every
// kind, a second service, a service without trusts.
func diffInventory() *inventory.Inventory {
	src := func(l int) inventory.Source { return inventory.Source{File: "/etc/xrootd/scitokens.cfg", Line: l} }
	return &inventory.Inventory{Host: "se.example.org", HostnameFrom: "/etc/hostname", Services: []inventory.Service{
		{Name: "xrootd", Kind: "storage", Instance: "standalone", TokensEnabled: true, TokensSource: src(1), ConfigFiles: []string{"/etc/xrootd/xrootd-standalone.cfg"},
			Trusts: []inventory.Trust{
				{Name: "ATLAS", Issuer: "https://atlas-auth.cern.ch/", AnySubject: true, Audiences: []string{"https://se.example.org:1094", "roots://se.example.org:1094"}, AudienceChecked: true,
					Strategies: []inventory.Strategy{inventory.StrategyCapability}, Account: "xrootd", AccountNameOnly: true, BasePaths: []string{"/data/atlas"}, Source: src(6)},
				{Name: "WLCG", Issuer: "https://wlcg.cloud.cnaf.infn.it/", AnySubject: true, Strategies: []inventory.Strategy{inventory.StrategyCapability, inventory.StrategyGroup},
					Account: "root", BasePaths: []string{"/", "/data/wlcg"}, Source: src(12)},
				{Name: "ANY", AnyIssuer: true, AnySubject: true, Source: src(20)},
				{Name: "IAM", Issuer: "https://iam.example.org/", Subjects: []string{"pilot", "sam"}, Account: "pool001", Audiences: []string{"xrootd.example.org"}, AudienceChecked: true, Source: src(30)},
			},
			Settings: []inventory.Setting{{Key: "ofs.authlib", Values: []string{"++", "libXrdAccSciTokens.so"}, Source: src(3)}, {Key: "http.trace", Values: []string{"all"}, Source: src(4)}},
		},
		{Name: "htcondor-ce", Kind: "compute", ConfigFiles: []string{"/etc/condor-ce/condor_config"},
			Trusts: []inventory.Trust{{Name: "SCITOKENS", Issuer: "https://cms-auth.cern.ch/", Subjects: []string{"bad55f4e-602c-4e8d-a5c5-bd8ffb762113"}, Account: "cmspilot",
				Strategies: []inventory.Strategy{inventory.StrategyMapping}, Source: inventory.Source{File: "/etc/condor-ce/mapfiles.d/10-scitokens.conf", Line: 4}}},
			Bans: []inventory.Ban{{Identity: "https://cms-auth.cern.ch/,x", Source: inventory.Source{File: "/etc/condor-ce/mapfiles.d/90-ban.conf", Line: 2}}},
		},
		{Name: "eos", Kind: "storage", ConfigFiles: []string{"/etc/xrd.cf.mgm"}},
	}}
}

// differential are expressions over trusts that take every compiled path:
// attribute reads, comparisons of every type, logic with errors on
// either side, conditionals, templates, calls with fast paths and
// without, for expressions, can and try, and things that fail on some
// items only.
var differential = []string{
	`trust.issuer == "https://atlas-auth.cern.ch/"`,
	`trust.issuer != local.atlas`,
	`trust.any_subject == false`,
	`trust.any_issuer != trust.any_subject`,
	`trust.source.line == 6`,
	`trust.source.line > 10 && trust.source.line <= 30`,
	`length(trust.subjects) == 0`,
	`length(trust.subjects) >= 1 || trust.any_subject`,
	`!trust.audience_checked`,
	`contains(local.allowed, trust.issuer)`,
	`contains([for i in site.issuers : i.issuer if i.contact != ""], trust.issuer)`,
	`contains(trust.strategies, "capability")`,
	`contains(trust.audiences, "xrootd.example.org") || contains(trust.audiences, "https://${host.name}:1094")`,
	`can(regex(local.pool, trust.account))`,
	`can(regex("^https://", trust.issuer))`,
	`can(regex(site.name, trust.issuer))`,
	`can(trust.subjects[1])`,
	`try(trust.subjects[0], "none") == "pilot"`,
	`length(setintersection(trust.audiences, local.aliases)) > 0`,
	`length(setunion(trust.audiences, trust.subjects)) == 2`,
	`length(setsubtract(trust.audiences, ["xrootd.example.org"])) > 1`,
	`length([for p in trust.base_paths : p if !can(regex("^/data/", p))]) == 0`,
	`length([for i, p in trust.base_paths : i if p == "/"]) > 0`,
	`length([for p in trust.audiences : p if can(regex("^https://", p))]) == 1`,
	`length([for p in trust.base_paths : p if p != trust.name && !contains(local.allowed, p)]) > 1`,
	`length([for p in trust.subjects : p]) == length(trust.subjects)`,
	`length([for p in trust.base_paths : p if regex("^/([a-z]*)", p)[0] != ""]) > 0`,
	`alltrue_ = length([for s in service.trusts : s if s.issuer == trust.issuer]) == 1`,
	`[for p in trust.base_paths : upper(p)] == ["/DATA/ATLAS"]`,
	`service.kind == "storage" && trust.account != "" && !trust.account_name_only`,
	`service.label == "xrootd (standalone)"`,
	`(trust.account == "root" ? "privileged" : "pool") == "pool"`,
	`"${trust.name}:${trust.source.line}" == "ATLAS:6"`,
	`lower(trust.name) == "atlas"`,
	`trust.subjects[0] == "pilot"`,
	`regex("^https://([^/]+)/", trust.issuer)[0] != ""`,
	`regex("^https://([^/]+)/", trust.issuer)[0] != "" || true`,
	`false && regex("^https://([^/]+)/", trust.issuer)[0] != ""`,
	`regex("^https://([^/]+)/", trust.issuer)[0] != "" && false`,
	`true && regex("^https://([^/]+)/", trust.issuer)[0] != ""`,
	`tobool(trust.account == "root" ? "true" : "false") || trust.any_issuer`,
	`jsonencode(trust.strategies) == "[\"capability\"]"`,
	`length(trust.audiences) == length(trust.subjects)`,
	`site.environment == "production" && contains(site.vos, "atlas")`,
	`length(host.services) == 3 && host.services[0].name == "xrootd"`,
	`contains([for s in host.services : s.kind], "compute") && trust.any_subject`,
	`length([for s in host.services : s if s.kind == "compute"]) == 1`,
	`contains(host.services[*].name, "eos") != trust.audience_checked`,
	`length([for s in host.services : s.name if length(s.trusts) > 3]) == 1`,
	`length([for i, s in host.services : i if s.label == service.label]) == 1`,
	`jsonencode(host.services[0].trusts[0].subjects) == "[]" || length(trust.subjects) > 0`,
	`lookup(host.services[1], "kind", "") == "compute"`,
	`trust.audiences == tolist(["https://se.example.org:1094", "roots://se.example.org:1094"])`,
	`format("%s/%d", trust.name, trust.source.line) != "x"`,
	`!contains(trust.subjects, null) || trust.any_subject`,
	`(contains(trust.subjects, null) ? "a" : "b") == "a"`,
	`settings: setting.key == "http.trace" && contains(setting.values, "all")`,
	`settings: setting.values[1] == "libXrdAccSciTokens.so"`,
	`settings: length(setting.values) > 1 && service.name == "xrootd"`,
	`services: service.kind == "storage" && length(service.trusts) > 0`,
	`services: contains([for t in service.trusts : t.issuer], "https://atlas-auth.cern.ch/")`,
	`services: service.tokens_enabled || length(service.config_files) == 1`,
	`bans: ban.shadowed_by.file == "" && ban.identity != ""`,
}

// TestCompiledMatchesHCL holds the compiled evaluation (and the native
// layer, where it answers) to HCL's own: the same value, or an error
// where HCL has one.
func TestCompiledMatchesHCL(t *testing.T) {
	inv := diffInventory()
	site := Site{Name: "atlas", Environment: "production", VOs: []string{"atlas", "cms"}, VOsStated: true,
		Issuers: []Issuer{{Issuer: "https://iam.example.org/", Name: "iam", Contact: "sec@example.org"}, {Issuer: "https://other.example.org/"}}}
	locals := `locals {
  atlas   = "https://atlas-auth.cern.ch/"
  allowed = [local.atlas, "https://iam.example.org/"]
  pool    = "^(pool[0-9]{3}|cmspilot)$"
  aliases = ["xrootd.example.org", "roots://xrootd.example.org:1094"]
}
`
	for i, src := range differential {
		src = strings.TrimPrefix(src, "alltrue_ = ")
		over := "trusts"
		if o, rest, ok := strings.Cut(src, ": "); ok && !strings.Contains(o, " ") {
			over, src = o, rest
		}
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			text := locals + fmt.Sprintf("rule \"r\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = %s\n  assert = %s\n  message = \"m\"\n}\n", over, src)
			set, err := Load([]File{{Name: "d.hcl", Data: []byte(text)}})
			if err != nil {
				t.Fatalf("load %s: %v", src, err)
			}
			agreeWithHCL(t, set, inv, site, src)
		})
	}
}

// agreeWithHCL evaluates the assertion of the set's first rule on every
// item with the compiled code and with HCL, and fails on a difference.
func agreeWithHCL(t *testing.T, set *Set, inv *inventory.Inventory, site Site, src string) {
	t.Helper()
	h, err := set.newHost(inv, site, DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	// HCL is given the whole host, whatever the set reads of it.
	whole := *set
	whole.needs = needs{hostServices: true, full: true}
	ref, err := whole.newHost(inv, site, DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	r := set.rules[0]
	f := h.frame(r)
	for si := range inv.Services {
		for j := range count(&inv.Services[si], r.over) {
			f.at(si, j)
			ctx := ref.ctx.NewChild()
			item, err := h.object(r.over, si, j, "*")
			if err != nil {
				t.Fatal(err)
			}
			svc, err := h.object(overServices, si, 0, "*")
			if err != nil {
				t.Fatal(err)
			}
			ctx.Variables = map[string]cty.Value{r.over.itemVar(): item}
			if r.over != overServices {
				ctx.Variables["service"] = svc
			}
			want, wd := r.assert.expr.Value(ctx)
			got, gd := r.assert.eval(f)
			where := fmt.Sprintf("%s on %s", src, describeItem(&inv.Services[si], r.over, j))
			if wd.HasErrors() != gd.HasErrors() {
				t.Fatalf("%s: HCL errors %v, compiled errors %v", where, errs(wd), errs(gd))
			}
			// Unknown results (from a null of no type) are an error
			// for a rule either way; their refinements may differ.
			if !wd.HasErrors() && !want.RawEquals(got) && (want.IsKnown() || got.IsKnown()) {
				t.Fatalf("%s: HCL %#v, compiled %#v", where, want, got)
			}
			if r.assert.native != nil {
				if b, ok := r.assert.native(f); ok && (wd.HasErrors() || want.Type() != cty.Bool || !want.IsKnown() || isTrue(want) != b) {
					t.Fatalf("%s: native answered %v where HCL gives %#v %v", where, b, want, errs(wd))
				}
			}
		}
	}
}

func errs(d hcl.Diagnostics) string {
	var out []string
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			out = append(out, describe(x))
		}
	}
	return strings.Join(out, "; ")
}

// TestIsTrue holds go-cty to the representation isTrue relies on.
func TestIsTrue(t *testing.T) {
	for _, tc := range []struct {
		v    cty.Value
		want bool
	}{
		{cty.True, true},
		{cty.BoolVal(true), true},
		{cty.False, false},
		{cty.BoolVal(false), false},
		{cty.UnknownVal(cty.Bool), false},
		{cty.NullVal(cty.Bool), false},
		{cty.True.Mark("m"), false},
		{cty.StringVal("true"), false},
	} {
		t.Run(tc.v.GoString(), func(t *testing.T) {
			if got := isTrue(tc.v); got != tc.want {
				t.Errorf("isTrue(%#v) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
	if !isTrue(cty.True.Equals(cty.True)) || isTrue(cty.True.Equals(cty.False)) {
		t.Error("Equals no longer returns cty.True and cty.False")
	}
}

// FuzzRules: no rule text makes Load or Evaluate panic, and where the
// compiled code or its native layer gives an answer, HCL gives the same.
func FuzzRules(f *testing.F) {
	for _, src := range differential {
		if _, rest, ok := strings.Cut(src, ": "); ok && !strings.Contains(strings.SplitN(src, ":", 2)[0], " ") {
			src = rest
		}
		f.Add(strings.TrimPrefix(src, "alltrue_ = "))
	}
	inv := diffInventory()
	site := Site{Name: "atlas", Environment: "production", VOs: []string{"atlas"}, VOsStated: true, Issuers: []Issuer{{Issuer: "https://iam.example.org/", Contact: "x"}}}
	f.Fuzz(func(t *testing.T, assert string) {
		if strings.Contains(assert, "\n") || strings.Contains(assert, "range(") {
			return
		}
		text := fmt.Sprintf("locals {\n  atlas = \"https://atlas-auth.cern.ch/\"\n  allowed = [local.atlas]\n  pool = \"^pool\"\n  aliases = [\"x\"]\n}\nrule \"r\" {\n  title = \"t\"\n  severity = \"low\"\n  rationale = \"r\"\n  remediation = \"m\"\n  over = trusts\n  assert = %s\n  message = \"m\"\n}\n", assert)
		set, err := Load([]File{{Name: "f.hcl", Data: []byte(text)}})
		if err != nil {
			return
		}
		if _, err := set.Evaluate(inv, site, Budget{Items: 1000, String: 1 << 10, Message: 1 << 10}); err != nil && strings.Contains(err.Error(), "evaluation failed") {
			t.Skip("HCL itself cannot evaluate it:", err)
		}
		agreeWithHCL(t, set, inv, site, assert)
	})
}
