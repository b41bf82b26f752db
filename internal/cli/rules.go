package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

// rulesLong is the reference of the rule language: the rules command's
// help and its man page (ttt-check-rules(1)), kept in step with the
// README's "Site rules" section.
const rulesLong = `Site rules are a site's own policy over the trust inventory, written in HCL
and judged on every scan beside the working group's checks: "storage hosts
trust only our IAM and ATLAS", "no token maps to an account outside the pool
accounts", "every CE pins its pilot subjects", "production XRootD lists our
DNS alias as an audience".

FILES
  ` + scan.DefaultRulesDir + `/*.hcl under --root (the host's own rules), or
  every *.hcl of --rules DIR (an operator's directory on this machine, which
  replaces them). Files are read in name order, at most 1 MiB each; a *.hcl
  that is not a regular file (a FIFO, a device) is an error, never read.

A RULE
  locals {                              # optional, any number: constants
    atlas = "https://atlas-auth.cern.ch/"  # of the whole set (local.NAME),
  }                                     # from other locals and functions

  rule "storage-issuers" {              # reported as check site/storage-issuers
    title       = "Storage trusts an issuer other than our IAM and ATLAS"
    severity    = "high"                # info | low | medium | high | critical
    rationale   = "why it matters"
    remediation = "how to fix it"
    references  = ["https://..."]       # optional
    over        = trusts                # services | trusts | bans | settings
    when        = site.environment == "production"    # optional, per host
    where       = service.kind == "storage"           # optional, per item
    assert      = trust.issuer == local.atlas || contains([for i in site.issuers : i.issuer], trust.issuer)
    message     = "${service.label} trusts ${trust.issuer}"   # template
    expected    = "our IAM or ATLAS"    # optional templates
    actual      = "${trust.issuer}"

    test "deviating host" {             # run by: ttt-check rules test DIR
      root   = "../../fixtures/hosts/xrootd-issuers"   # relative to this file
      expect = ["/etc/xrootd/scitokens.cfg:12"]        # places of the findings
    }
    test "clean host" {
      files  = { "/etc/xrootd/scitokens.cfg" = "..." } # an inline snapshot
      expect = []
    }
  }

  The rule iterates the items named by over, on every service of the host.
  An item for which where is true and assert is false is a finding: check
  site/ID, the rule's title, severity and remediation, the message, and the
  file:line of the item (a trust's issuer line, a ban's or setting's line, a
  service's token or first config file). Fingerprints name the rule, the
  file and the item (not the line). Findings go through the site profile
  like any other: [severity] "site/ID" = "low", [[waivers]] check = "site/ID";
  they are in every output format and in the fleet report. A rule whose
  where matches no item on a host is reported there as site-rule-unmatched
  (info), so that a mistyped filter does not pass silently; when (about the
  host, not the item) says that a rule is not meant for a host at all.

WHAT EXPRESSIONS SEE
  The current item is trust, ban, setting or service (over services); its
  service is service. Attribute names are those of the JSON inventory
  (ttt-check inventory --format json): trust.issuer, trust.any_issuer,
  trust.subjects, trust.any_subject, trust.audiences, trust.audience_checked,
  trust.strategies, trust.account, trust.account_name_only, trust.base_paths,
  trust.source.file, trust.source.line, ...; service.name, service.kind,
  service.instance, service.label ("xrootd (standalone)"), service.runs,
  service.versions, service.tokens_enabled, service.trusts, service.settings,
  service.bans, ...; ban.identity, ban.shadowed_by; setting.key,
  setting.values. Every attribute is always present (empty when unset).
  site: name, environment, assumed, vos, vos_stated, issuers (issuer, name,
  contact), the site profile resolved for the host. host: name,
  hostname_from, services, packages (name, version, arch, manager), units
  (name, state, enabled, masked, ...). local: the locals.

  Functions are HCL's standard library (go-cty stdlib) and can/try: strings
  (lower, upper, format, join, split, replace, regex, regexall,
  regex_replace, trim*, substr, strlen), collections (contains, length,
  concat, distinct, flatten, keys, values, lookup, merge, slice, sort,
  element, compact, coalesce, range, zipmap), sets (setintersection,
  setunion, setsubtract, setsymmetricdifference, setproduct), numbers,
  jsonencode/jsondecode/csvdecode, tostring/tonumber/tobool/tolist/toset/
  tomap. Nothing reads files, the network, the clock or the environment.

ERRORS AND BUDGETS
  A syntax error, an unknown block, attribute, variable or function, a call
  with the wrong arguments, a where or assert that cannot be true or false,
  a message that cannot be a string: exit 2 with file:line:col, before any
  host is read. An expression that fails on an item (a regex that does not
  match, an index out of range) stops the scan with exit 2, naming
  file:line:col and the item; write can() or try() where an item may lack
  what the expression needs. A rule iterates at most 100000 items, reads
  values of at most 64 KiB, keeps messages of at most 4 KiB; a function
  result may not pass 1 MiB or 100000 elements, for expressions nest at most
  two deep, and the rules of one host must finish within 10 s.

TESTS
  ttt-check rules test DIR runs the test blocks of every rule in DIR: each
  case scans its host (root, a host tree relative to the rule file, or
  files, an inline snapshot of host path = content, with hostname when the
  tree has no /etc/hostname) with all rules of DIR and the host's own site
  profile, and compares the places of the rule's findings (file:line, in any
  order) with expect. A case where the rule matches nothing fails unless it
  says unmatched = true: a clean result from a rule that judged nothing
  proves nothing. Exit 0 when every case passes, 1 when one fails, 2 when
  the rules are invalid or a case cannot run.`

func newRulesCommand(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Site rules: the site's own policy over the trust inventory (HCL), and their tests",
		Long:  rulesLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newRulesTestCommand(s))
	return cmd
}

type rulesTestOptions struct {
	recipes string
}

func newRulesTestCommand(s streams) *cobra.Command {
	opt := rulesTestOptions{}
	cmd := &cobra.Command{
		Use:   "test DIR",
		Short: "Run the test cases of the site rules in DIR",
		Long: `Test runs the test blocks of every rule in DIR (*.hcl): each case scans its
host tree or inline snapshot with every rule of DIR and compares the places of
the rule's findings with the ones it expects (see ttt-check rules).

Exit codes: 0 every case passes; 1 a case fails; 2 invalid rules, or a case
that cannot run (a missing host tree, a rule that fails on the host).`,
		Example: "  ttt-check rules test /etc/ttt-check/rules.d\n  ttt-check rules test examples/rules",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			results, err := scan.RunRuleTests(scan.RulesTestConfig{Dir: args[0], RecipesDir: opt.recipes})
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			failed := 0
			for _, r := range results {
				status := "PASS"
				if !r.Passed() {
					status = "FAIL"
					failed++
				}
				fmt.Fprintf(s.out, "%s  %s  %s  (%s)\n", status, r.Rule, output.Redact(r.Test), output.Redact(r.Source))
				for _, f := range r.Failures {
					fmt.Fprintf(s.out, "      %s\n", output.Redact(f))
				}
			}
			fmt.Fprintf(s.out, "\n%d test(s), %d passed, %d failed\n", len(results), len(results)-failed, failed)
			if len(results) == 0 {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: no rule has a test block", args[0])}
			}
			if failed > 0 {
				return &ExitError{Code: ExitDeviation}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}
