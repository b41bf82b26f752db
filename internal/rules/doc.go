// Package rules evaluates site rules: a site's own policy over the trust
// inventory, in HCL, judged on every scan beside the working group's
// checks ("storage hosts trust only our IAM and ATLAS", "every CE pins
// its pilot subjects"). A rule iterates services, trusts, bans or
// settings, filters them (where), asserts something of each (assert) and
// says what is wrong (message); an item that fails is a finding of check
// site/ID with the item's file:line. The language is documented for
// users in the README ("Site rules") and `ttt-check rules --help`.
//
// Load checks everything a rule file can get wrong before any host is
// read (unknown attributes, variables and functions, wrong types, with
// file:line:col) and compiles the expressions (compile.go, native.go):
// HCL evaluated per item over go-cty values is far too slow for a large
// host, so the common shapes run as Go closures over the inventory's own
// structs, and everything else is handed to HCL itself. Evaluate runs a
// set on one host within budgets (items, string sizes, results, time).
//
// The package reads no file: the scan hands it the rule files (through
// the host filesystem for a host's own rules.d) and the inventory.
package rules
