package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type docsOptions struct {
	man, completions, readme string
}

// newDocsCommand writes man pages and shell completions from the command
// tree, for packaging and make install, and the README's generated
// sections (make docs); hidden from users.
//
// Everything a man page says beyond the command tree comes from this file
// or from the catalog (scan.LoadCatalog), the same sources as the README's
// generated sections, so that the README, --help and the man pages cannot
// drift apart (docs_test.go compares them).
func newDocsCommand(s streams, root func() *cobra.Command) *cobra.Command {
	opt := docsOptions{}
	cmd := &cobra.Command{
		Use:    "docs",
		Short:  "Write man pages, shell completions and the README's generated sections",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.readme != "" {
				if err := writeREADME(opt.readme); err != nil {
					return err
				}
			}
			r := root()
			r.DisableAutoGenTag = true
			if opt.man != "" {
				if err := writeManPages(r, opt.man); err != nil {
					return err
				}
			}
			if opt.completions != "" {
				if err := writeCompletions(r, opt.completions); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.man, "man", "", "directory for man pages (DIR/*.1, DIR/*.5), dated by $SOURCE_DATE_EPOCH when set")
	cmd.Flags().StringVar(&opt.completions, "completions", "", "directory for bash, zsh and fish completions")
	cmd.Flags().StringVar(&opt.readme, "readme", "", "README.md whose generated sections to rewrite from the recipes, the service registry and the site-profile documentation")
	return cmd
}

// writeCompletions writes ttt-check.bash, _ttt-check (zsh) and
// ttt-check.fish into dir.
func writeCompletions(r *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := r.GenBashCompletionFileV2(filepath.Join(dir, "ttt-check.bash"), true); err != nil {
		return fmt.Errorf("write bash completion: %w", err)
	}
	if err := r.GenZshCompletionFile(filepath.Join(dir, "_ttt-check")); err != nil {
		return fmt.Errorf("write zsh completion: %w", err)
	}
	if err := r.GenFishCompletionFile(filepath.Join(dir, "ttt-check.fish"), true); err != nil {
		return fmt.Errorf("write fish completion: %w", err)
	}
	return nil
}

// writeREADME rewrites the generated sections of the README in place.
func writeREADME(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	text, err := generatedREADME(string(data))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}

// generatedREADME returns the README with every section between
// `<!-- BEGIN GENERATED name -->` and `<!-- END GENERATED name -->`
// replaced by its current content, and the body of the "### Site profile"
// section (up to the next heading) replaced by siteProfileREADME.
func generatedREADME(readme string) (string, error) {
	cat, err := scan.LoadCatalog("")
	if err != nil {
		return "", err
	}
	for name, body := range output.READMESections(cat) {
		begin := "<!-- BEGIN GENERATED " + name + " (make docs) -->\n"
		end := "<!-- END GENERATED " + name + " -->"
		i := strings.Index(readme, begin)
		j := strings.Index(readme, end)
		if i < 0 || j < i {
			return "", fmt.Errorf("no generated section %q (want %q … %q)", name, strings.TrimSpace(begin), end)
		}
		readme = readme[:i+len(begin)] + body + readme[j:]
	}
	const heading = "\n### Site profile\n\n"
	i := strings.Index(readme, heading)
	if i < 0 {
		return "", fmt.Errorf("no %q section", strings.TrimSpace(heading))
	}
	start := i + len(heading)
	j := strings.Index(readme[start:], "\n### ")
	if j < 0 {
		return "", fmt.Errorf("no heading after %q", strings.TrimSpace(heading))
	}
	return readme[:start] + siteProfileREADME() + readme[start+j:], nil
}

// --- The site profile: one source for the README and ttt-check-site.toml(5).

// profileKey documents one key of the site profile. Text is Markdown
// limited to `code`.
type profileKey struct {
	Table string // "" for the top level, else "[[hosts]]", "[severity]", ...
	Key   string // the key; "CHECK-ID" for the [severity] table's keys
	Type  string
	Text  string
}

// profileIntro is the README section's first paragraph.
const profileIntro = "TOML, default `/etc/ttt-check/site.toml`. Unknown keys are errors (exit 2), not silence."

// profileExample is the profile shown in the README and in the man page's
// EXAMPLES; the tests load it with the real profile reader.
const profileExample = `site        = "praguelcg2"
environment = "production"            # production | testbed | development (no profile: production, and the report says so)
vos         = ["atlas", "cms", "dteam"]   # atlas, cms, lhcb, alice, dteam, wlcg, dune, fermilab, egi

[[hosts]]                             # per-host overrides, by host-name glob
match       = "*.testbed.example.org"
environment = "testbed"
vos         = ["atlas", "dteam", "wlcg"]

[[issuers]]                           # extra trusted issuers; without a contact they stay issuer-unknown
issuer  = "https://iam.example.org/"
name    = "local-iam"
contact = "security@example.org"

[severity]
"issuer-dteam-missing" = "info"

[[waivers]]
check    = "audience-any"
service  = "xrootd"                   # optional
file     = "/etc/xrootd/*"            # optional glob on the finding's file
reason   = "compliance testbed needs the any audience"   # required
expires  = 2027-01-31                 # required
approver = "site security officer"    # optional
`

// profileWaivers is the README section's closing paragraph.
const profileWaivers = "Waived findings stay in the report, marked `waived` with their reason. An\n" +
	"expired waiver re-opens its findings and is reported itself\n" +
	"(`waiver-expired`); a waiver that matches nothing is reported\n" +
	"(`waiver-unused`)."

// profileEnvironments are the values of environment, in the order the
// README's example lists them.
var profileEnvironments = []string{"production", "testbed", "development"}

// profileKeys is every key the profile reader accepts (a test compares
// them with internal/site's TOML tags).
var profileKeys = []profileKey{
	{"", "site", "string", "The site's name (as in GOCDB, e.g. `praguelcg2`); every report carries it."},
	{"", "environment", "string", "`production`, `testbed` or `development`: what the hosts are. Without a profile a host is taken to be production, and the report says that this was assumed. A development-VO issuer is a deviation on production hosts only."},
	{"", "vos", "array of strings", "The VOs the site supports, by their names in the recipes' registry. Leave it out to say nothing: then no issuer is reported as `issuer-unsupported-vo`."},
	{"[[hosts]]", "match", "string", "Host-name glob (path.Match syntax, case-insensitive; `*` also spans dots). Entries are tried in order and the first that matches the scanned host's name wins; a glob given twice is an error."},
	{"[[hosts]]", "environment", "string", "Optional: the environment of the matching hosts."},
	{"[[hosts]]", "vos", "array of strings", "Optional: replaces the site's VO list for the matching hosts."},
	{"[[issuers]]", "issuer", "string", "An extra trusted issuer (a site-local IAM, ...), compared exactly, trailing slash included. An issuer given twice is an error."},
	{"[[issuers]]", "name", "string", "Optional: a name for reports."},
	{"[[issuers]]", "contact", "string", "The security contact for incident response. Without it the issuer stays `issuer-unknown`."},
	{"[severity]", "CHECK-ID", "string", "Overrides the severity of every finding of that check: `info`, `low`, `medium`, `high` or `critical`."},
	{"[[waivers]]", "check", "string", "Required: the id of the check whose findings are waived (`ttt-check checks` lists them)."},
	{"[[waivers]]", "service", "string", "Optional: only findings of this service."},
	{"[[waivers]]", "file", "string", "Optional: a glob (path.Match syntax) on the finding's file, as the host sees it (`/etc/...`)."},
	{"[[waivers]]", "reason", "string", "Required: why the deviation is accepted; reports show it beside every waived finding."},
	{"[[waivers]]", "expires", "date", "Required: a TOML date or a `\"YYYY-MM-DD\"` string; the waiver holds through that day (UTC)."},
	{"[[waivers]]", "approver", "string", "Optional: who accepted the deviation."},
}

// profileApply says how a profile is put to work, in order (the man page's
// APPLYING THE PROFILE; internal/site/doc.go says the same for developers).
var profileApply = []string{
	"Severity overrides set the severity of the findings of their check.",
	"Unexpired waivers, in profile order, mark the findings they match `waived` (the first matching waiver is the one recorded). Waived findings stay in the report and do not count towards `--fail-on`.",
	"An expired waiver waives nothing and is reported as a finding of its own (`waiver-expired`), with the number of findings it no longer covers.",
	"A waiver, expired or not, that matches no finding is reported as `waiver-unused`: a typo in its check, service or file, or a fixed deviation whose waiver should go.",
}

// profileErrors lists what makes a profile invalid (exit 2, with file:line).
const profileErrors = "Loading is strict: unknown keys, wrong types, an unknown environment or severity, " +
	"a malformed glob, a `[[hosts]]` glob given twice, an issuer given twice, two waivers for the same " +
	"check, service and file, a waiver without check, reason or expiry, and VO names or check ids the " +
	"recipes do not know are errors that name file:line, and every command that reads the profile exits 2. " +
	"A misspelt key that silently does nothing is exactly the kind of failure ttt-check exists to catch."

// siteProfileREADME is the body of the README's "### Site profile"
// section.
func siteProfileREADME() string {
	return profileIntro + "\n\n```toml\n" + profileExample + "```\n\n" + profileWaivers + "\n"
}

// --- Per-command man page sections beyond what cobra writes.

// exitCode is one row of an EXIT STATUS section; Meaning is Markdown
// limited to `code`.
type exitCode struct{ Code, Meaning string }

// scanExitCodes are the README's "Exit codes" table (a test compares them).
var scanExitCodes = []exitCode{
	{"0", "nothing unwaived at or above `--fail-on` (default `medium`)"},
	{"1", "deviations at or above `--fail-on` (a service that could not be fully read is a `scan-incomplete` finding and counts by its severity)"},
	{"2", "usage error, invalid site profile, invalid recipes or invalid site rules (the message names file:line or file:line:col), a site rule that fails on an item, or a report that could not be written"},
	{"3", "nothing to judge: no supported service found, a `--require`d service missing, a named log path missing, no readable fleet result"},
}

// nagiosExitCodes is the paragraph after the README's exit code table.
const nagiosExitCodes = "When several apply, 2 wins over 1 and 1 over 3. With `--format nagios` on standard output the\nNagios plugin codes apply instead, from the same verdict: 3 UNKNOWN when there is nothing to judge,\n2 CRITICAL when the scan fails on a high or critical finding, 1 WARNING when it fails on lower\nones or passes with open findings of low severity or above (so `--fail-on critical` with only high\nfindings is WARNING), 0 OK otherwise."

// example is one EXAMPLES entry: what it does, then the command lines.
type example struct{ Text, Command string }

// manPage is what a command's man page says beyond cobra's NAME,
// SYNOPSIS, DESCRIPTION, OPTIONS and SEE ALSO.
type manPage struct {
	extra    func(m manContext) (title string, items []manItem) // a section after OPTIONS
	exit     []exitCode
	exitNote string
	files    func(m manContext) []manItem
	examples []example
	seeAlso  []string
}

// manItem is a tagged paragraph (.TP): a tag and Markdown text.
type manItem struct{ Tag, Text string }

// manContext is the data a page may need, from the catalog.
type manContext struct {
	services []serviceFiles
	logDirs  []string
	checks   []checkLine
}

type serviceFiles struct{ Title, Name, Files string }
type checkLine struct{ ID, Severity, Title string }

var (
	fileProfile = manItem{"/etc/ttt-check/site.toml", "The site profile (ttt-check-site.toml(5)), read under `--root` unless `--site` names another file. Without it the host is taken to be production."}
	fileState   = manItem{"/var/lib/ttt-check/", "State directory of `ttt-check.service`: `last.json` (the JSON report of the last run) and `ttt-check.prom` (the Prometheus textfile for node_exporter's textfile collector). The directory is mode 0755 and the files 0644, so that node_exporter's user can read them; the service writes each under a temporary name and renames it, so a reader never sees half a file."}
	fileUnits   = manItem{"/usr/lib/systemd/system/ttt-check.service, ttt-check.timer", "The daily scan. The timer is not enabled on installation: `systemctl enable --now ttt-check.timer`."}
	fileRules   = manItem{"/etc/ttt-check/rules.d/*.hcl", "The site's own rules (see ttt-check-rules(1)), read under `--root` unless `--rules DIR` names another directory."}
	fileRecipes = manItem{"(embedded)", "The working group's recipes are compiled into the binary; `--recipes DIR` reads `DIR/*.hcl` instead."}
)

func exitUsageOnly(ok string) []exitCode {
	return []exitCode{{"0", ok}, {"2", "usage error or invalid recipes (the message names file:line)"}}
}

// manPages are the extra sections of every command's page, by command path.
var manPages = map[string]manPage{
	"ttt-check": {
		exit: []exitCode{
			{"0", "success; for `scan` and `logs`: nothing unwaived at or above `--fail-on`"},
			{"1", "`scan` and `logs` only: deviations at or above `--fail-on`"},
			{"2", "usage error, invalid site profile or invalid recipes (the message names file:line), or any other failure"},
			{"3", "`scan --format nagios` on standard output only: UNKNOWN, the tool failed"},
		},
		exitNote: "Each command's page gives its own codes.",
		files: func(manContext) []manItem {
			return []manItem{fileProfile, fileState, fileUnits, fileRecipes}
		},
		examples: []example{
			{"Scan this host with its own profile, as root so that every service's configuration is readable:", "sudo ttt-check scan"},
			{"Scan a copy of another host's filesystem and keep the JSON report:", "ttt-check scan --root /srv/snapshots/se01 --format json --output se01.json"},
			{"Show what a check means and how to fix it:", "ttt-check explain issuer-dev-vo"},
			{"Run the daily scan of the package's systemd timer, and read its last result:", "systemctl enable --now ttt-check.timer\njq .summary /var/lib/ttt-check/last.json"},
		},
	},
	"ttt-check scan": {
		exit:     scanExitCodes,
		exitNote: nagiosExitCodes,
		files: func(m manContext) []manItem {
			items := []manItem{fileProfile}
			for _, s := range m.services {
				items = append(items, manItem{s.Title + " (" + s.Name + ")", s.Files})
			}
			items = append(items,
				manItem{"*.rpmnew, *.rpmsave, *.rpmorig, *.dpkg-dist, *.dpkg-new, *.dpkg-old, *.ucf-dist", "Package-manager leftovers beside every scanned configuration file are reported (`upgrade-pending`)."},
				fileRecipes)
			return items
		},
		examples: []example{
			{"Fail only on high and critical deviations, with an explicit profile:", "ttt-check scan --site site.toml --fail-on high"},
			{"After an upgrade: report what is new since the last run, and fail only on that:", "ttt-check scan --baseline /var/lib/ttt-check/last.json --fail-on-new"},
			{"Several reports at once, one of them on standard output:", "ttt-check scan --format text --format json=/var/lib/ttt-check/last.json \\\n    --format prometheus=/var/lib/ttt-check/ttt-check.prom"},
			{"A Nagios/Icinga check (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN):", "ttt-check scan --format nagios"},
			{"A diff that brings the host's files to the recipe; review it, then apply it:", "sudo ttt-check scan --diff > fix.diff\nsudo patch -d / -p0 < fix.diff"},
		},
		seeAlso: []string{"ttt-check-site.toml(5)", "ttt-check-explain(1)"},
	},
	"ttt-check logs": {
		exit: []exitCode{
			{"0", "no leaked token at or above `--fail-on`"},
			{"1", "leaked tokens at or above `--fail-on` (`logs-token-leaked` is high)"},
			{"2", "usage error, invalid site profile or invalid recipes"},
		},
		exitNote: nagiosExitCodes,
		files: func(m manContext) []manItem {
			return []manItem{
				{strings.Join(m.logDirs, ", "), "The log directories searched without PATH arguments, for the services detected on the host (under `--root`)."},
				fileProfile,
			}
		},
		examples: []example{
			{"Search the JSON of the fleet's old logs, and keep the report:", "ttt-check logs /srv/old-logs --format json --output leaks.json"},
			{"Configuration checks and the log search in one report:", "sudo ttt-check scan --logs"},
		},
		seeAlso: []string{"ttt-check-site.toml(5)"},
	},
	"ttt-check inventory": {
		exit: exitUsageOnly("the inventory was written"),
		files: func(m manContext) []manItem {
			return []manItem{{"(the services' configuration)", "The files listed in ttt-check-scan(1); the site profile is not read."}}
		},
		examples: []example{
			{"The inventory of a host snapshot as JSON:", "ttt-check inventory --root /srv/snapshots/se01 --format json"},
		},
	},
	"ttt-check checks": {
		exit: exitUsageOnly("the list was written"),
		extra: func(m manContext) (string, []manItem) {
			var items []manItem
			for _, c := range m.checks {
				items = append(items, manItem{c.ID + " (" + c.Severity + ")", c.Title})
			}
			return "CHECKS", items
		},
		files: func(manContext) []manItem { return []manItem{fileRecipes} },
		examples: []example{
			{"The checks of a recipe set under review:", "ttt-check checks --recipes ./recipes"},
		},
	},
	"ttt-check explain": {
		exit:  exitUsageOnly("the check was explained; 2 also when ID is not a check or --service not a service"),
		files: func(manContext) []manItem { return []manItem{fileRecipes} },
		examples: []example{
			{"Why a finding matters and how to fix it, for every service:", "ttt-check explain mapping-issuer-wide"},
			{"The fix in dCache's own files only:", "ttt-check explain authz-group-fallback --service dcache"},
		},
	},
	"ttt-check recipe": {
		exit: []exitCode{
			{"0", "the reference configuration was written"},
			{"2", "unknown service or VO, usage error, invalid site profile or invalid recipes"},
		},
		files: func(manContext) []manItem {
			return []manItem{
				{"(the service's configuration)", "Read under `--root` for the host's own values: its name, ports, each VO's area, account and pinned subjects, and the installed release (package databases). Nothing is written."},
				fileProfile, fileRecipes,
			}
		},
		examples: []example{
			{"The reference configuration of this host's XRootD, for the VOs of its site profile:", "ttt-check recipe xrootd"},
			{"An HTCondor-CE's mapfile lines for ATLAS and DTeam, for another host name:", "ttt-check recipe htcondor-ce --vo atlas --vo dteam --hostname ce01.example.org"},
			{"For a configuration management tool:", "ttt-check recipe dcache --root /srv/snapshots/se01 --format json"},
		},
		seeAlso: []string{"ttt-check-scan(1)", "ttt-check-site.toml(5)"},
	},
	"ttt-check rules": {
		exit:     exitUsageOnly("the rules were written"),
		files:    func(manContext) []manItem { return []manItem{fileRules} },
		examples: []example{{"The site rules of this host and what they judge:", "ttt-check rules"}},
	},
	"ttt-check rules test": {
		exit: []exitCode{
			{"0", "every test case of every rule passed"},
			{"1", "a test case failed (the message names the rule, the case and the places that differ)"},
			{"2", "usage error or invalid rules (file:line:col)"},
		},
		files:    func(manContext) []manItem { return []manItem{fileRules} },
		examples: []example{{"Run the tests of a directory of rules, as conftest verify does:", "ttt-check rules test /etc/ttt-check/rules.d"}},
	},
	"ttt-check version": {
		exit:     exitUsageOnly("the versions were written"),
		files:    func(manContext) []manItem { return []manItem{fileRecipes} },
		examples: []example{{"The tool version, the recipe set version and its sha256 digest, for a ticket:", "ttt-check version"}},
	},
	"ttt-check report": {
		exit: []exitCode{
			{"0", "the fleet report was written and no host's latest result has a failing finding at or above --fail-on"},
			{"1", "some host's latest result has a failing finding at or above --fail-on (the report is written all the same)"},
			{"2", "usage error, invalid recipes, or a report that could not be written; 2 wins over 1, 1 over 3"},
			{"3", "nothing to judge: no result could be read (unreadable results are listed in the report)"},
		},
		files: func(manContext) []manItem {
			return []manItem{{"FILE…|DIR", "JSON results written by `ttt-check scan --format json`; directories are searched for `*.json`. Nothing else is read."}}
		},
		examples: []example{
			{"Collect the hosts' last results and build a Markdown summary:", "mkdir -p results\nfor h in se01 ce01; do scp $h:/var/lib/ttt-check/last.json results/$h.json; done\nttt-check report results --format markdown --output fleet.md"},
		},
	},
}

// environment is the ENVIRONMENT section of every page.
var environment = []manItem{
	{"TTT_CHECK_<FLAG>", "Every flag of the command, upper case with dashes as underscores (TTT_CHECK_FAIL_ON=high); lists comma-separated. A flag on the command line wins."},
	{"NO_COLOR", "When set to a non-empty value and --color is auto, text output is never coloured. Without it, colour is used only when the output is a terminal."},
}

const environmentNote = "No other environment variable changes what ttt-check reads or reports."

// --- Man page generation.

// manDate is $SOURCE_DATE_EPOCH (for reproducible packages), else now.
func manDate() (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Now().UTC(), nil
}

// writeManPages writes DIR/ttt-check*.1 for every visible command and
// DIR/ttt-check-site.toml.5.
func writeManPages(root *cobra.Command, dir string) error {
	pages, err := manPageFiles(root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, pages[name], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", file, err)
		}
	}
	return nil
}

// manPageFiles renders every page, by its path under the man directory.
func manPageFiles(root *cobra.Command) (map[string][]byte, error) {
	date, err := manDate()
	if err != nil {
		return nil, err
	}
	cat, err := scan.LoadCatalog("")
	if err != nil {
		return nil, err
	}
	m := manContext{logDirs: scan.LogDirs()}
	for _, s := range cat.Services {
		m.services = append(m.services, serviceFiles{s.Title, s.Name, s.Files})
	}
	for _, c := range cat.Checks {
		m.checks = append(m.checks, checkLine{c.ID, c.Severity.String(), c.Title})
	}
	source := "ttt-check " + scan.ToolVersion()
	pages := map[string][]byte{}
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
				continue
			}
			if err := walk(sub); err != nil {
				return err
			}
		}
		page, err := commandManPage(c, date, source, m)
		if err != nil {
			return err
		}
		pages[strings.ReplaceAll(c.CommandPath(), " ", "-")+".1"] = page
		return nil
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	vos := make([]string, 0, len(cat.VOs))
	for _, v := range cat.VOs {
		vos = append(vos, v.Name)
	}
	pages["ttt-check-site.toml.5"] = siteProfileManPage(date, source, vos)
	return pages, nil
}

// commandManPage is cobra's page for c with EXIT STATUS, ENVIRONMENT,
// FILES and EXAMPLES inserted before SEE ALSO.
func commandManPage(c *cobra.Command, date time.Time, source string, m manContext) ([]byte, error) {
	path := c.CommandPath()
	extra, ok := manPages[path]
	if !ok {
		return nil, fmt.Errorf("no man page sections for %q in internal/cli/docs.go", path)
	}
	// EXAMPLES below carries the --help examples; cobra's own EXAMPLE
	// section would repeat them.
	helpExamples := c.Example
	c.Example = ""
	defer func() { c.Example = helpExamples }()
	title := strings.ToUpper(strings.ReplaceAll(path, " ", "-"))
	var buf bytes.Buffer
	if err := doc.GenMan(c, &doc.GenManHeader{Title: title, Section: "1", Date: &date, Source: source, Manual: "ttt-check manual"}, &buf); err != nil {
		return nil, fmt.Errorf("man page of %s: %w", path, err)
	}
	page := buf.String()

	var r roff
	if extra.extra != nil {
		title, items := extra.extra(m)
		r.section(title)
		for _, it := range items {
			r.tagged(it.Tag, it.Text)
		}
	}
	r.section("EXIT STATUS")
	for _, e := range extra.exit {
		r.tagged(e.Code, e.Meaning)
	}
	if extra.exitNote != "" {
		r.paragraph(extra.exitNote)
	}
	r.section("ENVIRONMENT")
	for _, e := range environment {
		r.tagged(e.Tag, e.Text)
	}
	r.paragraph(environmentNote)
	r.section("FILES")
	for _, f := range extra.files(m) {
		r.tagged(f.Tag, f.Text)
	}
	r.section("EXAMPLES")
	var help []string
	for _, line := range strings.Split(helpExamples, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			help = append(help, line)
		}
	}
	if len(help) > 0 {
		r.example("", strings.Join(help, "\n"))
	}
	for _, e := range extra.examples {
		r.example(e.Text, e.Command)
	}

	const seeAlso = ".SH SEE ALSO\n"
	i := strings.Index(page, seeAlso)
	if i < 0 {
		page += "\n" + seeAlso + "\\fBttt-check(1)\\fP\n"
		i = strings.Index(page, seeAlso)
	}
	refs := ""
	for _, s := range extra.seeAlso {
		refs += ", \\fB" + roffEscape(s) + "\\fP"
	}
	if path == "ttt-check" {
		refs += ", \\fBttt-check-site.toml(5)\\fP, \\fBsystemd.timer(5)\\fP"
	}
	rest := page[i+len(seeAlso):]
	if nl := strings.Index(rest, "\n"); nl >= 0 {
		rest = rest[:nl] + refs + rest[nl:]
	}
	return []byte(page[:i] + r.String() + "\n" + seeAlso + rest), nil
}

// siteProfileManPage is ttt-check-site.toml(5).
func siteProfileManPage(date time.Time, source string, vos []string) []byte {
	var r roff
	fmt.Fprintf(&r.b, ".nh\n.TH \"TTT-CHECK-SITE.TOML\" \"5\" %q %q \"ttt-check manual\"\n", date.Format("Jan 2006"), source)
	r.section("NAME")
	r.raw("ttt-check-site.toml \\- the site profile of ttt-check\n")
	r.section("SYNOPSIS")
	r.raw("\\fB/etc/ttt-check/site.toml\\fP\n")
	r.section("DESCRIPTION")
	r.paragraph("The site profile says what a site is, so that ttt-check can judge its hosts: the site's name, whether its hosts are production, testbed or development hosts, which VOs it supports, which extra token issuers it trusts and whom to call about them, severity overrides, and waivers for deviations the site has accepted.")
	r.paragraph(profileIntro + " `ttt-check scan` and `ttt-check logs` read `/etc/ttt-check/site.toml` under `--root` when it exists, or the file `--site` names. Without a profile a host is taken to be production, and the report says that this was assumed.")
	r.paragraph(profileErrors)
	tables := []struct{ table, title, text string }{
		{"", "TOP-LEVEL KEYS", ""},
		{"[[hosts]]", "[[hosts]]", "Per-host overrides, by host-name glob; any number of tables."},
		{"[[issuers]]", "[[issuers]]", "Extra trusted issuers; any number of tables."},
		{"[severity]", "[severity]", "Severity overrides by check id: one key per check, quoted because check ids contain dashes."},
		{"[[waivers]]", "[[waivers]]", "Accepted deviations, each with a reason and an expiry date; any number of tables. No two waivers may name the same check, service and file."},
	}
	for _, t := range tables {
		r.section(t.title)
		if t.text != "" {
			r.paragraph(t.text)
		}
		for _, k := range profileKeys {
			if k.Table == t.table {
				r.tagged(k.Key+" ("+k.Type+")", k.Text)
			}
		}
		if t.table == "" && len(vos) > 0 {
			r.paragraph("VO names the recipes know: `" + strings.Join(vos, "`, `") + "`.")
		}
	}
	r.section("APPLYING THE PROFILE")
	r.paragraph("For each host, the first matching `[[hosts]]` entry sets its environment and VOs; then, in this order:")
	for i, a := range profileApply {
		r.tagged(strconv.Itoa(i+1)+".", a)
	}
	r.section("FILES")
	r.tagged("/etc/ttt-check/site.toml", "The profile. The packages install a commented template there and keep your changes on upgrade.")
	r.section("EXAMPLES")
	r.example("A full profile:", profileExample)
	r.example("Try a new profile before installing it (exit 2 and file:line when it is invalid):", "sudo ttt-check scan --site ./site.toml")
	r.section("SEE ALSO")
	r.raw("\\fBttt-check(1)\\fP, \\fBttt-check-scan(1)\\fP, \\fBttt-check-checks(1)\\fP, \\fBttt-check-explain(1)\\fP\n")
	return []byte(r.String())
}

// --- A little roff.

type roff struct{ b bytes.Buffer }

func (r *roff) String() string { return r.b.String() }

func (r *roff) raw(s string) { r.b.WriteString(s) }

func (r *roff) section(name string) { fmt.Fprintf(&r.b, ".SH %s\n", name) }

func (r *roff) paragraph(md string) { fmt.Fprintf(&r.b, ".PP\n%s\n", roffLines(md)) }

func (r *roff) tagged(tag, md string) {
	fmt.Fprintf(&r.b, ".TP\n\\fB%s\\fP\n%s\n", roffEscape(tag), roffLines(md))
}

// example writes an optional sentence, then the command lines verbatim.
func (r *roff) example(text, lines string) {
	if text != "" {
		r.paragraph(text)
	} else {
		r.b.WriteString(".PP\n")
	}
	r.b.WriteString(".EX\n")
	for _, l := range strings.Split(strings.TrimRight(lines, "\n"), "\n") {
		r.b.WriteString(roffLine(roffEscape(l)) + "\n")
	}
	r.b.WriteString(".EE\n")
}

var mdCode = regexp.MustCompile("`([^`]*)`")

// roffLines turns Markdown limited to `code` (and \| escapes from table
// cells) into roff text lines: code in bold, no line starting with a
// control character.
func roffLines(md string) string {
	md = strings.ReplaceAll(md, `\|`, "|")
	var out []string
	for _, line := range strings.Split(md, "\n") {
		parts := mdCode.FindAllStringSubmatchIndex(line, -1)
		var b strings.Builder
		last := 0
		for _, p := range parts {
			b.WriteString(roffEscape(line[last:p[0]]))
			b.WriteString(`\fB` + roffEscape(line[p[2]:p[3]]) + `\fP`)
			last = p[1]
		}
		b.WriteString(roffEscape(line[last:]))
		out = append(out, roffLine(b.String()))
	}
	return strings.Join(out, "\n")
}

// roffEscape escapes backslashes and makes every dash a minus sign, so
// that options and paths copied from the page work.
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLine keeps a text line from being read as a request.
func roffLine(s string) string {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		return `\&` + s
	}
	return s
}
