package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// benchTemplates are ten shapes of site rule, from the examples (with
// their when over host.services) and the policies:
// BenchmarkRules runs five variants of each.
var benchTemplates = []string{
	`over = trusts
  when = contains([for s in host.services : s.kind], "storage")
  where = service.kind == "storage"
  assert = contains(local.allowed_%[1]d, trust.issuer) || contains([for i in site.issuers : i.issuer if i.contact != ""], trust.issuer)
  message = "${service.label} trusts ${trust.issuer}, which is neither our IAM nor ATLAS"`,
	`over = trusts
  where = trust.account != "" && !trust.account_name_only
  assert = can(regex(local.pool_%[1]d, trust.account))
  message = "${service.label} maps ${trust.issuer} to ${trust.account}"`,
	`over = trusts
  when = contains([for s in host.services : s.kind], "compute")
  where = service.kind == "compute"
  assert = !trust.any_subject && length(trust.subjects) > 0
  message = "${service.label} does not pin the subjects of ${trust.issuer} (rule %[1]d)"`,
	`over = trusts
  when = site.environment == "production"
  where = service.name == "xrootd"
  assert = length(setintersection(trust.audiences, local.alias_%[1]d)) > 0
  message = "${service.label}: ${trust.name} lacks the alias audience"`,
	`over = trusts
  assert = trust.audience_checked || trust.audience_if_present
  message = "${trust.issuer} audience unchecked (%[1]d)"`,
	`over = trusts
  where = length(trust.base_paths) > 0
  assert = length([for p in trust.base_paths : p if !can(regex("^/data%[1]d?/", p))]) == 0
  message = "${trust.issuer} outside /data"`,
	`over = trusts
  assert = can(regex("^https://", trust.issuer)) || trust.any_issuer == false && %[1]d < 0
  message = "issuer ${trust.issuer} is not https"`,
	`over = trusts
  where = service.kind == "storage"
  assert = contains(trust.strategies, "capability")
  message = "${service.label} authorizes ${trust.issuer} by ${join(", ", trust.strategies)} (%[1]d)"`,
	`over = trusts
  where = trust.source.file != "/etc/skip%[1]d"
  assert = !trust.any_issuer && trust.issuer != ""
  message = "any issuer at ${trust.source.file}:${trust.source.line}"`,
	`over = trusts
  where = trust.account != ""
  assert = trust.account != "root" && trust.account != "condor%[1]d" && !contains(["xrootd", "dcache"], trust.account) || trust.account_name_only
  message = "${trust.account} is a service account"`,
}

func benchSet(b *testing.B) *Set {
	var src strings.Builder
	src.WriteString("locals {\n")
	for v := range 5 {
		fmt.Fprintf(&src, "  allowed_%d = [\"https://atlas-auth.cern.ch/\", \"https://cms-auth.cern.ch/\", \"https://dteam-auth.cern.ch/\", \"https://lhcb-auth.cern.ch/\", \"https://iam%d.example.org/\"]\n", v, v)
		fmt.Fprintf(&src, "  pool_%d = \"^(usatlas[0-9]+|cmspilot|dteam[0-9]{3}|pool%d)$\"\n", v, v)
		fmt.Fprintf(&src, "  alias_%d = [\"https://xrootd.example.org:1094\", \"roots://xrootd%d.example.org:1094\"]\n", v, v)
	}
	src.WriteString("}\n")
	n := 0
	for v := range 5 {
		for i, tpl := range benchTemplates {
			fmt.Fprintf(&src, "rule \"r%d-%d\" {\n  title = \"t\"\n  severity = \"medium\"\n  rationale = \"r\"\n  remediation = \"m\"\n  %s\n}\n", i, v, fmt.Sprintf(tpl, v))
			n++
		}
	}
	set, err := Load([]File{{Name: "bench.hcl", Data: []byte(src.String())}})
	if err != nil {
		b.Fatal(err)
	}
	if n != 50 || len(set.Rules()) != 50 {
		b.Fatalf("%d rules, want 50", len(set.Rules()))
	}
	return set
}

// benchInventory is a host with 1000 trusts: five storage services and
// five compute elements of 100 trusts each, mostly as the WG recipes
// have them, with one deviation in ten.
func benchInventory() *inventory.Inventory {
	inv := &inventory.Inventory{Host: "big.example.org", HostnameFrom: "/etc/hostname"}
	issuers := []string{"https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/", "https://dteam-auth.cern.ch/", "https://lhcb-auth.cern.ch/", "https://iam0.example.org/"}
	for s := range 10 {
		svc := inventory.Service{Name: "xrootd", Kind: "storage", Instance: fmt.Sprintf("i%d", s), TokensEnabled: true,
			ConfigFiles: []string{fmt.Sprintf("/etc/xrootd/xrootd-i%d.cfg", s)}}
		if s >= 5 {
			svc.Name, svc.Kind, svc.Instance = "htcondor-ce", "compute", ""
		}
		for t := range 100 {
			src := inventory.Source{File: fmt.Sprintf("/etc/xrootd/scitokens-%d.cfg", s), Line: 5 + t*6}
			tr := inventory.Trust{
				Service: svc.Name, Instance: svc.Instance, Name: fmt.Sprintf("ISS%d", t), Issuer: issuers[t%len(issuers)],
				AnySubject: svc.Kind == "storage", Audiences: []string{"https://xrootd.example.org:1094", "https://big.example.org:1094"}, AudienceChecked: true,
				AudienceSource: src, Strategies: []inventory.Strategy{inventory.StrategyCapability}, StrategySource: src,
				Account: "xrootd", AccountNameOnly: true, AccountSource: src, BasePaths: []string{fmt.Sprintf("/data/vo%d", t)}, PathSource: src, Source: src,
			}
			if svc.Kind == "compute" {
				tr.Subjects, tr.Account, tr.AccountNameOnly, tr.Strategies = []string{"7dee38a3-6ab8-4fe2-9e4c-58039c21d817"}, "usatlas1", false, []inventory.Strategy{inventory.StrategyMapping}
			}
			if t%10 == 9 {
				tr.Issuer, tr.Account, tr.AccountNameOnly, tr.AnySubject, tr.Subjects = fmt.Sprintf("https://iss%d.example.net/", t), "condor", false, true, nil
			}
			svc.Trusts = append(svc.Trusts, tr)
		}
		inv.Services = append(inv.Services, svc)
	}
	return inv
}

// BenchmarkRules measures what site rules add to a scan: 50 rules over a
// host with 1000 trusts, from the host's inventory to findings (the
// rules are loaded once, as a scan does). Target: at most 10 ms per op.
func BenchmarkRules(b *testing.B) {
	set := benchSet(b)
	inv := benchInventory()
	site := Site{Name: "BENCH", Environment: "production", VOs: []string{"atlas", "cms", "dteam"}, VOsStated: true,
		Issuers: []Issuer{{Issuer: "https://iam0.example.org/", Name: "site-iam", Contact: "security@example.org"}}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := set.Evaluate(inv, site, DefaultBudget)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) == 0 {
			b.Fatal("no findings")
		}
		b.ReportMetric(float64(len(res.Findings)), "findings/op")
	}
}
