package scan

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// serviceWords are words that belong to one service's files, settings or
// name: advice that carries one of them is about that service (or the
// services listed), and wrong for any other.
var serviceWords = map[string][]string{
	"scitokens.cfg":           {"xrootd", "eos"},
	"[Issuer":                 {"xrootd", "eos"},
	"base_path":               {"xrootd", "eos"},
	"default_user":            {"xrootd", "eos"},
	"authorization_strategy":  {"xrootd", "eos"},
	"name_mapfile":            {"xrootd", "eos"},
	"onmissing":               {"xrootd", "eos"},
	"http.header2cgi":         {"xrootd", "eos"},
	"http.trace":              {"xrootd", "eos"},
	"xrootd.trace":            {"xrootd", "eos"},
	"strip-on-redirect":       {"xrootd", "eos"},
	"XRootD":                  {"xrootd", "eos"},
	"acc.authdb":              {"xrootd"},
	"/etc/xrootd/xrootd-":     {"xrootd"},
	"xrd.cf.mgm":              {"eos"},
	"mgmofs":                  {"eos"},
	"EOS":                     {"eos"},
	"MGM":                     {"eos"},
	"condor_mapfile":          {"htcondor-ce"},
	"mapfiles.d":              {"htcondor-ce"},
	"SCITOKENS":               {"htcondor-ce"},
	"SEC_":                    {"htcondor-ce"},
	"ALLOW_":                  {"htcondor-ce"},
	"/etc/condor-ce":          {"htcondor-ce"},
	"HTCondor":                {"htcondor-ce"},
	"arc.conf":                {"arc-ce"},
	"authtokens":              {"arc-ce"},
	"authgroup":               {"arc-ce"},
	"map_to_user":             {"arc-ce"},
	"allowaccess":             {"arc-ce"},
	"tokenscopes":             {"arc-ce"},
	"[arex":                   {"arc-ce"},
	"A-REX":                   {"arc-ce"},
	"ARC ":                    {"arc-ce"},
	"gplazma":                 {"dcache"},
	"gPlazma":                 {"dcache"},
	"multimap":                {"dcache"},
	"multi-mapfile":           {"dcache"},
	"-prefix":                 {"dcache"},
	"audience-targets":        {"dcache"},
	"dcache.log":              {"dcache"},
	"dCache":                  {"dcache"},
	"application.yml":         {"storm-webdav"},
	"sa.d/":                   {"storm-webdav"},
	"orgsGrant":               {"storm-webdav"},
	"enforce-audience-checks": {"storm-webdav"},
	"authz-server":            {"storm-webdav"},
	"/etc/storm":              {"storm-webdav"},
	"StoRM":                   {"storm-webdav"},
}

// TestFixesNameTheirOwnService scans every fixture host and fails when
// a finding's advice names another service's file, setting or name: an
// XRootD finding must not read like dCache advice. Every finding about a
// service also gets advice of its own, not the check's generic text.
func TestFixesNameTheirOwnService(t *testing.T) {
	set := embedded(t)
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			rep := scanFixture(t, filepath.Join(fixtures, name))
			for _, f := range rep.Findings {
				for word, owners := range serviceWords {
					if strings.Contains(f.Remediation, word) && !slices.Contains(owners, f.Service) {
						t.Errorf("%s finding %s at %s names %q (%s): %s", orNone(f.Service), f.Check, f.Location(), word, strings.Join(owners, ", "), f.Remediation)
					}
				}
				meta, wg := set.Checks[f.Check]
				if !wg {
					continue // a site rule's own remediation
				}
				if f.Service != "" && f.Remediation == strings.TrimSpace(meta.Remediation) {
					t.Errorf("%s finding %s at %s has only the generic remediation", f.Service, f.Check, f.Location())
				}
				if strings.Contains(f.Remediation, "${") || strings.Contains(f.Remediation, "<host>") {
					t.Errorf("%s at %s: fix not rendered: %s", f.Check, f.Location(), f.Remediation)
				}
			}
		})
	}
}

// TestGenericRemediationsNameNoService keeps the checks' generic
// remediations (the fallback, and the first thing explain shows) free of
// any one service's files and settings.
func TestGenericRemediationsNameNoService(t *testing.T) {
	set := embedded(t)
	for id, c := range set.Checks {
		t.Run(id, func(t *testing.T) {
			for word := range serviceWords {
				if strings.Contains(c.Remediation, word) {
					t.Errorf("generic remediation names %q: %s", word, c.Remediation)
				}
			}
		})
	}
}

func orNone(s string) string {
	if s == "" {
		return "site-profile"
	}
	return s
}
