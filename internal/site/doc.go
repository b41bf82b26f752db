// Package site reads the site profile: what the site is (name, environment,
// supported VOs), which extra issuers it trusts and whom to call about
// them, severity overrides and waivers. The profile is TOML, by default
// /etc/ttt-check/site.toml (or --site FILE); without one a host is taken
// to be production (Default, Assumed = true).
//
// A full profile:
//
//	site        = "praguelcg2"
//	environment = "production"          # production | testbed | development (default production)
//	vos         = ["atlas", "cms", "dteam"]   # VO names from the recipes' registry; leave out to say nothing
//
//	[[hosts]]                           # per-host overrides; the FIRST entry whose glob matches wins
//	match       = "*.testbed.example.org"   # hostname glob, path.Match syntax, case-insensitive; * also spans dots
//	environment = "testbed"             # optional
//	vos         = ["atlas", "dteam", "wlcg"]   # optional: replaces the site list for these hosts
//
//	[[issuers]]                         # extra trusted issuers (site-local IAMs, ...)
//	issuer  = "https://iam.example.org/"    # compared exactly, trailing slash included
//	name    = "local-iam"               # optional
//	contact = "security@example.org"    # security contact for incident response; without it the issuer stays issuer-unknown
//
//	[severity]                          # severity overrides by check id
//	"issuer-dteam-missing" = "info"     # info | low | medium | high | critical
//
//	[[waivers]]
//	check    = "audience-any"           # required: a check id
//	service  = "xrootd"                 # optional: only findings of this service
//	file     = "/etc/xrootd/*.cfg"      # optional: glob (path.Match) on the finding's file
//	reason   = "compliance testbed needs the any audience"   # required
//	expires  = 2027-01-31               # required: a TOML date or "YYYY-MM-DD"; holds through that day (UTC)
//	approver = "J. Admin"               # optional
//
// Load is strict: unknown keys, wrong types, an unknown environment or
// severity, a malformed glob, a [[hosts]] glob given twice, an issuer given
// twice, two waivers for the same check, service and file, and a waiver
// without check, reason or expiry are all errors that name file:line. A
// misspelt key that silently does nothing is exactly the kind of failure
// this tool exists to catch. VO names and check ids are not checked here
// (the recipes know them): References lists them with their lines for the
// caller to check.
//
// Apply, which puts a profile to work on a host's findings, runs in this
// order:
//
//  1. severity overrides set the severity of findings of that check;
//  2. unexpired waivers, in profile order, mark the findings they match
//     waived (the first matching waiver is the one recorded); waived
//     findings stay in the list;
//  3. an expired waiver waives nothing and is reported as a finding of its
//     own (waiver-expired), with the number of findings it no longer
//     covers;
//  4. a waiver, expired or not, that matches no finding is reported as
//     waiver-unused: a typo in its check, service or file, or a fixed
//     deviation whose waiver should go.
package site
