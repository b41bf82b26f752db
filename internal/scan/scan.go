// Package scan is the one way into the pipeline:
//
//	host files → readers → inventory → checks, site rules → site profile → report
//
// New opens the host filesystem once and loads and validates the recipes,
// the site rules and the site profile once; Run reads every registered
// service into the trust inventory, evaluates the checks and the site's
// own rules, applies the profile and returns the report. It is the only package that knows every stage; each stage
// knows only its neighbours' data. The CLI calls nothing else of the
// pipeline.
package scan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/checks"
	"github.com/ttt-wg/ttt-check/internal/buildinfo"
	"github.com/ttt-wg/ttt-check/internal/catalog"
	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/fix"
	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/logsearch"
	"github.com/ttt-wg/ttt-check/internal/opfile"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/readers/hostfacts"
	"github.com/ttt-wg/ttt-check/internal/redact"
	"github.com/ttt-wg/ttt-check/internal/reference"
	"github.com/ttt-wg/ttt-check/internal/rules"
	"github.com/ttt-wg/ttt-check/internal/services"
	"github.com/ttt-wg/ttt-check/internal/site"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// DefaultProfilePath is where a host keeps its site profile.
const DefaultProfilePath = "/etc/ttt-check/site.toml"

// DefaultRulesDir is where a host keeps its site rules (*.hcl).
const DefaultRulesDir = "/etc/ttt-check/rules.d"

// leftoverSuffixes are what RPM and dpkg leave beside a config file they
// did not overwrite or remove.
var leftoverSuffixes = []string{".rpmnew", ".rpmsave", ".rpmorig", ".dpkg-dist", ".dpkg-new", ".dpkg-old", ".ucf-dist"}

// Config says what a Scanner reads and what it judges against.
type Config struct {
	// Root is the directory read as the host's /; "" or "/" is this host.
	Root string
	// ProfileFile is a site profile on this machine (--site); "" reads the
	// host's own DefaultProfilePath under Root, if present.
	ProfileFile string
	// SkipProfile reads no site profile at all (the inventory judges
	// nothing, so a profile would only be a way to fail).
	SkipProfile bool
	// RecipesDir replaces the embedded recipes with the *.hcl files in it.
	RecipesDir string
	// RulesDir is a directory of site rules (*.hcl) on this machine
	// (--rules); "" reads the host's own DefaultRulesDir under Root, if
	// present.
	RulesDir string
	// SkipRules reads no site rules (the inventory judges nothing; the
	// log search judges no configuration).
	SkipRules bool
	// Hostname is the host's name as its services know it (--hostname);
	// "" reads the host's /etc/hostname.
	Hostname string
}

// Scanner scans one host: its filesystem, recipes and profile are opened
// and validated once, by New.
type Scanner struct {
	fsys     *hostfs.FS
	recipes  *recipes.Set
	rules    *rules.Set
	profile  *site.Profile
	hostname string
}

// New opens the host's filesystem and loads and validates the recipes and
// the site profile. Every error it returns is the operator's to fix (a
// missing root, an invalid profile or recipe set), with file:line.
func New(cfg Config) (*Scanner, error) {
	set, err := loadRecipes(cfg.RecipesDir)
	if err != nil {
		return nil, err
	}
	return open(cfg, set, nil)
}

// open is New with the recipes loaded and, when rs is set, the site rules
// given (rules test runs one set over many hosts).
func open(cfg Config, set *recipes.Set, rs *rules.Set) (*Scanner, error) {
	root := cfg.Root
	if root == "" {
		root = "/"
	}
	fsys, err := hostfs.New(root)
	if err != nil {
		return nil, fmt.Errorf("--root: %w", err)
	}
	s := &Scanner{fsys: fsys, recipes: set, rules: rs, hostname: strings.TrimSpace(cfg.Hostname)}
	if rs == nil && !cfg.SkipRules {
		if s.rules, err = loadRules(fsys, cfg.RulesDir); err != nil {
			return nil, err
		}
	}
	if !cfg.SkipProfile {
		if s.profile, err = loadProfile(fsys, cfg.ProfileFile, set, s.rules); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadRecipes returns the embedded recipe set or the one in dir, checked
// against the checks this binary implements.
func loadRecipes(dir string) (*recipes.Set, error) {
	var (
		set *recipes.Set
		err error
	)
	if dir == "" {
		set, err = recipes.Embedded()
	} else {
		set, err = recipes.Load(opfile.DirFS(dir, opfile.MaxRecipe), dir, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid recipes:\n%w", err)
	}
	if err := checks.Validate(set); err != nil {
		return nil, fmt.Errorf("invalid recipes: %w", err)
	}
	return set, nil
}

// loadProfile reads the profile file from this machine, or the host's own
// profile through fsys; no profile is not an error.
func loadProfile(fsys *hostfs.FS, file string, set *recipes.Set, rs *rules.Set) (*site.Profile, error) {
	var (
		data []byte
		name = file
		err  error
	)
	if file != "" {
		if data, err = opfile.Read(file, opfile.MaxProfile); err != nil {
			return nil, fmt.Errorf("read site profile: %w", err)
		}
	} else {
		name = DefaultProfilePath
		if data, err = fsys.ReadFile(name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil
			}
			return nil, fmt.Errorf("read site profile: %w", err)
		}
	}
	p, err := site.Load(name, data)
	if err != nil {
		return nil, fmt.Errorf("invalid site profile: %w", err)
	}
	if err := validateProfile(p, set, rs); err != nil {
		return nil, fmt.Errorf("invalid site profile:\n%w", err)
	}
	return p, nil
}

// validateProfile checks the profile's references (VO names, check ids)
// against the recipes and the site rules, so that a typo is an error
// (exit 2) rather than a waiver or VO that silently applies to nothing.
func validateProfile(p *site.Profile, set *recipes.Set, rs *rules.Set) error {
	var errs []string
	for _, r := range p.References() {
		switch r.Kind {
		case "vo":
			if _, ok := set.VOs[r.Name]; !ok {
				var known []string
				for _, vo := range set.SortedVOs() {
					known = append(known, vo.Name)
				}
				errs = append(errs, fmt.Sprintf("%s:%d: unknown VO %q (known: %s)", p.File, r.Line, r.Name, strings.Join(known, ", ")))
			}
		case "check":
			_, wg := set.Checks[r.Name]
			_, own := rs.Rule(r.Name)
			switch {
			case wg || own:
			case strings.HasPrefix(r.Name, rules.Prefix):
				errs = append(errs, fmt.Sprintf("%s:%d: unknown site rule %q (no rule file defines it; see ttt-check checks --rules DIR)", p.File, r.Line, r.Name))
			default:
				errs = append(errs, fmt.Sprintf("%s:%d: unknown check %q (see ttt-check checks)", p.File, r.Line, r.Name))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// Options are the choices of one run.
type Options struct {
	// Now is the scan time (waiver expiry, token validity, report
	// timestamp); zero means the current time.
	Now time.Time
	// FailOn is the exit threshold recorded in the report.
	FailOn vocab.Severity
	// FailOnNew makes the verdict count only findings new against the
	// baseline.
	FailOnNew bool
	// Baseline is a previous JSON report on this machine: findings are
	// marked new or unchanged, and gone ones listed as resolved.
	Baseline string
	// Logs also searches the detected services' log directories for
	// leaked tokens (scan --logs).
	Logs bool
	// LogPaths, when set, are searched instead (ttt-check logs PATH…).
	// Absolute paths are host paths; relative ones are relative to the
	// working directory on the live host (root "/") and to the root
	// otherwise (see hostLogPaths).
	LogPaths []string
	// OnlyLogs skips the configuration checks (ttt-check logs).
	OnlyLogs bool
	// Progress reports log-search progress (a terminal progress bar).
	Progress func(done, total int64)
	// AllInstances judges services systemd does not start like running
	// ones (--all-instances).
	AllInstances bool
	// Require names services that must be found; a missing one leaves
	// nothing to judge for it (--require).
	Require []string
	// Checks and SkipChecks narrow the findings to, or drop, these check
	// ids; Services narrows findings and inventory to these services.
	Checks, SkipChecks, Services []string
}

// validate rejects names the tool does not know, so a typo in a filter
// never silently passes a host.
func (s *Scanner) validate(opt Options) error {
	known := services.Names()
	for _, n := range append(append([]string{}, opt.Require...), opt.Services...) {
		if !slices.Contains(known, n) {
			return fmt.Errorf("unknown service %q (want one of %s)", n, strings.Join(known, ", "))
		}
	}
	ids := make([]string, 0, len(s.recipes.Checks))
	for id := range s.recipes.Checks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, c := range append(append([]string{}, opt.Checks...), opt.SkipChecks...) {
		if !slices.Contains(ids, c) {
			return fmt.Errorf("unknown check %q (see ttt-check checks)", c)
		}
	}
	return nil
}

// narrow keeps the findings the filters ask for.
func narrow(fs []finding.Finding, opt Options) []finding.Finding {
	if len(opt.Checks) == 0 && len(opt.SkipChecks) == 0 && len(opt.Services) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if len(opt.Checks) > 0 && !slices.Contains(opt.Checks, f.Check) {
			continue
		}
		if slices.Contains(opt.SkipChecks, f.Check) {
			continue
		}
		if len(opt.Services) > 0 && !slices.Contains(opt.Services, f.Service) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// judgedWaivers are the waivers for checks this run can raise: a waiver
// for a check the filters leave out, or for leaked tokens when no log was
// searched, is neither used nor unused here.
func judgedWaivers(ws []site.Waiver, opt Options) []site.Waiver {
	logsOnly := []string{vocab.CheckLogsTokenLeaked, vocab.CheckScanIncomplete}
	var out []site.Waiver
	for _, w := range ws {
		switch {
		case opt.OnlyLogs && !slices.Contains(logsOnly, w.Check):
		case !opt.OnlyLogs && !opt.Logs && w.Check == vocab.CheckLogsTokenLeaked:
		case len(opt.Checks) > 0 && !slices.Contains(opt.Checks, w.Check):
		case slices.Contains(opt.SkipChecks, w.Check):
		case len(opt.Services) > 0 && w.Service != "" && !slices.Contains(opt.Services, w.Service):
		default:
			out = append(out, w)
		}
	}
	return out
}

// nothingToJudge says why a scan judged nothing, or "".
func nothingToJudge(inv *inventory.Inventory, opt Options, logs *inventory.LogSearch) string {
	var why []string
	if !opt.OnlyLogs && len(inv.Services) == 0 {
		why = append(why, "no supported service found ("+strings.Join(services.Names(), ", ")+")")
	}
	for _, r := range opt.Require {
		if !slices.ContainsFunc(inv.Services, func(s inventory.Service) bool { return s.Name == r }) {
			why = append(why, "required service "+r+" not found")
		}
	}
	if logs != nil {
		for _, m := range logs.Missing {
			why = append(why, "log path "+m+" does not exist")
		}
		if opt.OnlyLogs && len(logs.Missing) == 0 && logs.Files == 0 {
			why = append(why, "no log file found to search")
		}
	}
	return strings.Join(why, "; ")
}

// Inventory reads every registered service on the host into the trust
// inventory.
func (s *Scanner) Inventory() *inventory.Inventory {
	host, from := s.hostName()
	inv := &inventory.Inventory{Host: host, HostnameFrom: from, Root: s.rootShown()}
	facts := newFacts(s.fsys, host)
	h := readers.Host{FS: s.fsys, Name: host, Packages: facts.packages, Unit: facts.unit}
	lines := map[string][]string{}
	for _, svc := range services.All() {
		found, err := svc.Reader.Read(h)
		if err != nil {
			// A reader that fails outright still leaves a trace: the
			// service's trust was not judged, and the admin must know.
			found = []inventory.Service{{Name: svc.Name, Problems: []inventory.Problem{{Reason: err.Error()}}}}
		}
		for i := range found {
			limitEntries(&found[i])
			found[i].Kind = svc.Kind
			found[i].PendingUpgrades = append(found[i].PendingUpgrades, leftovers(s.fsys, found[i].ConfigFiles)...)
			facts.annotate(svc, h, &found[i])
			readers.RecordLines(h, &found[i], lines)
			ensureSlices(&found[i])
		}
		inv.Services = append(inv.Services, found...)
	}
	inv.HostFacts = facts.summary()
	inv.Sort()
	return inv
}

// limitEntries keeps at most budget.Entries of each list of a service,
// whatever its reader (budget.Problems of the lists each of whose entries
// is a finding of its own, budget.Issuers distinct issuers), and records
// a problem for each list it cuts, at the first entry left out: the
// checks judge every entry, so a hostile config adding one per line must
// not cost the scan seconds and hundreds of MB.
func limitEntries(s *inventory.Service) {
	var over []inventory.Problem
	note := func(what string, first inventory.Source) {
		over = append(over, budget.EntriesProblem(first, what, s.Label()))
	}
	if len(s.Trusts) > budget.Entries {
		note("trusts", s.Trusts[budget.Entries].Source)
		s.Trusts = s.Trusts[:budget.Entries]
	}
	if len(s.Settings) > budget.Entries {
		note("settings", s.Settings[budget.Entries].Source)
		s.Settings = s.Settings[:budget.Entries]
	}
	if len(s.Bans) > budget.Entries {
		note("bans", s.Bans[budget.Entries].Source)
		s.Bans = s.Bans[:budget.Entries]
	}
	if len(s.Legacy) > budget.Problems {
		over = append(over, budget.LimitProblem(s.Legacy[budget.Problems].Source, "legacy settings", s.Label(), budget.Problems))
		s.Legacy = s.Legacy[:budget.Problems]
	}
	if len(s.Dangling) > budget.Problems {
		over = append(over, budget.LimitProblem(s.Dangling[budget.Problems].Source, "dangling references", s.Label(), budget.Problems))
		s.Dangling = s.Dangling[:budget.Problems]
	}
	if len(s.UnknownKeys) > budget.Problems {
		over = append(over, budget.LimitProblem(s.UnknownKeys[budget.Problems].Source, "unknown keys", s.Label(), budget.Problems))
		s.UnknownKeys = s.UnknownKeys[:budget.Problems]
	}
	limitIssuers(s, &over)
	if len(s.Problems) > budget.Problems {
		over = append(over, budget.LimitProblem(s.Problems[budget.Problems].Source, "problems", s.Label(), budget.Problems))
		s.Problems = s.Problems[:budget.Problems]
	}
	s.Problems = append(s.Problems, over...)
}

// limitIssuers keeps the trusts of the first budget.Issuers distinct
// issuers of a service, in the reader's order, and records a problem at
// the first trust left out: the checks' cost grows with the issuers (each
// is classified, and may get findings and fixes of its own), and a config
// naming a new issuer on every line must not cost the scan seconds.
func limitIssuers(s *inventory.Service, over *[]inventory.Problem) {
	seen := map[string]bool{}
	kept := s.Trusts[:0]
	var first inventory.Source
	for _, t := range s.Trusts {
		if !seen[t.Issuer] && len(seen) >= budget.Issuers {
			if first.IsZero() {
				first = t.Source
				if first.IsZero() {
					first = inventory.Source{File: s.Label()}
				}
			}
			continue
		}
		seen[t.Issuer] = true
		kept = append(kept, t)
	}
	if !first.IsZero() {
		*over = append(*over, budget.LimitProblem(first, "distinct issuers", s.Label(), budget.Issuers))
	}
	s.Trusts = kept
}

// facts are what runs on the host and which packages are installed, read
// once per scan; units are read when a service asks for them.
type facts struct {
	fsys     *hostfs.FS
	host     string
	packages []inventory.Package
	problems []inventory.Problem
	units    map[string]inventory.Unit
	// unitReader resolves the unit search path once, on first use.
	unitReader *hostfacts.UnitReader
	used       map[string]bool // packages a service runs
}

func newFacts(fsys *hostfs.FS, host string) *facts {
	pkgs, problems := hostfacts.Packages(fsys)
	return &facts{fsys: fsys, host: host, packages: pkgs, problems: problems, units: map[string]inventory.Unit{}, used: map[string]bool{}}
}

func (f *facts) unit(name string) inventory.Unit {
	if u, ok := f.units[name]; ok {
		return u
	}
	if f.unitReader == nil {
		f.unitReader = hostfacts.NewUnitReader(f.fsys, f.host)
	}
	u := f.unitReader.Unit(name)
	f.units[name] = u
	return u
}

// annotate records what systemd does with the service and which releases
// it runs. A service none of whose units the host holds (a snapshot of
// /etc only) is taken as running: it is judged, and the report says so.
func (f *facts) annotate(desc readers.Service, h readers.Host, svc *inventory.Service) {
	svc.Runs = inventory.RunsUnknown
	if desc.Units != nil {
		found, enabled, masked := 0, false, 0
		for _, name := range desc.Units(svc.Instance) {
			u := f.unit(name)
			if u.State == inventory.UnitNotFound || u.State == "" {
				continue
			}
			found++
			svc.Units = append(svc.Units, name)
			switch {
			case u.Masked:
				masked++
				if svc.RunsSource.IsZero() {
					svc.RunsSource = inventory.Source{File: u.MaskedBy}
				}
			case u.Enabled || u.State == inventory.UnitStatic || u.State == inventory.UnitIndirect || u.State == inventory.UnitGenerated:
				if !enabled {
					enabled = true
					src := u.File
					if len(u.EnabledBy) > 0 {
						src = u.EnabledBy[0]
					}
					svc.RunsSource = inventory.Source{File: src}
				}
			}
		}
		switch {
		case found == 0:
		case enabled:
			svc.Runs = inventory.RunsEnabled
		case masked == found:
			svc.Runs = inventory.RunsMasked
		default:
			svc.Runs = inventory.RunsDisabled
			if svc.RunsSource.IsZero() {
				if u := f.unit(svc.Units[0]); u.File != "" {
					svc.RunsSource = inventory.Source{File: u.File}
				}
			}
		}
	}
	names := make([]string, 0, len(desc.Components))
	for n := range desc.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if c, ok := h.Component(n, desc.Components[n]); ok {
			svc.Versions = append(svc.Versions, c)
			f.used[c.Package] = true
		}
	}
}

// summary is what the report keeps of the facts: the units and packages
// the services use, not the whole package database.
func (f *facts) summary() *inventory.HostFacts {
	out := &inventory.HostFacts{Units: []inventory.Unit{}, Packages: []inventory.Package{}, Problems: f.problems}
	names := make([]string, 0, len(f.units))
	for n, u := range f.units {
		if u.State != inventory.UnitNotFound && u.State != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out.Units = append(out.Units, f.units[n])
	}
	for _, p := range f.packages {
		if f.used[p.Name] {
			out.Packages = append(out.Packages, p)
		}
	}
	return out
}

func (s *Scanner) rootShown() string {
	return s.fsys.Root()
}

func ensureSlices(s *inventory.Service) {
	if s.ConfigFiles == nil {
		s.ConfigFiles = []string{}
	}
	if s.Trusts == nil {
		s.Trusts = []inventory.Trust{}
	}
	if s.Settings == nil {
		s.Settings = []inventory.Setting{}
	}
}

// hostName is the name the host's services know themselves by, and where
// it came from: --hostname, else the host's /etc/hostname (the machine
// running the scan may be another), else, on the live host, this
// machine's name.
func (s *Scanner) hostName() (name, from string) {
	if s.hostname != "" {
		return s.hostname, "--hostname"
	}
	if data, err := s.fsys.ReadFile("/etc/hostname"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				return line, "/etc/hostname"
			}
		}
	}
	if s.fsys.Root() == "/" {
		if n, err := os.Hostname(); err == nil && n != "" {
			return n, "this machine"
		}
	}
	return "unknown", "unknown"
}

// leftovers are the package-manager leftovers beside the config files.
// Each directory is listed once, rather than every suffix stat'ed for
// every file: a StoRM WebDAV with thousands of storage areas has as many
// config files in one directory.
func leftovers(fsys *hostfs.FS, files []string) []inventory.Source {
	listed := map[string]map[string]fs.FileMode{}
	seen := map[string]bool{}
	var out []inventory.Source
	for _, f := range files {
		dir, base := path.Split(f)
		// Only a clean absolute path's directory is what its lexical
		// parent names: "a/../b" resolves ".." after following links.
		names, listable := map[string]fs.FileMode(nil), path.IsAbs(f) && path.Clean(f) == f && base != ""
		if listable {
			var ok bool
			if names, ok = listed[dir]; !ok {
				names = leftoverNames(fsys, dir)
				listed[dir] = names
			}
			listable = names != nil
		}
		for _, suf := range leftoverSuffixes {
			p := f + suf
			if seen[p] {
				continue
			}
			seen[p] = true
			if listable {
				mode, ok := names[base+suf]
				if !ok {
					continue
				}
				if mode.IsRegular() {
					out = append(out, inventory.Source{File: p})
					continue
				}
				if mode&fs.ModeSymlink == 0 {
					continue
				}
				// A link counts when it leads to a regular file in the root.
			}
			// A leftover that cannot be stat'ed is no evidence either way.
			if st, err := fsys.Stat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, inventory.Source{File: p})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

// leftoverNames lists the entries of host directory dir whose names end
// in a leftover suffix, with their type; nil when dir cannot be listed,
// for the caller to stat each candidate instead (a directory may be
// searchable without being readable).
func leftoverNames(fsys *hostfs.FS, dir string) map[string]fs.FileMode {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil
	}
	names := map[string]fs.FileMode{}
	for _, e := range entries {
		for _, suf := range leftoverSuffixes {
			if strings.HasSuffix(e.Name(), suf) {
				names[e.Name()] = e.Type()
				break
			}
		}
	}
	return names
}

// Run scans the host and returns its report.
func (s *Scanner) Run(opt Options) (*finding.Report, error) {
	rep, _, err := s.run(opt)
	return rep, err
}

// run is Run, with what each site rule did (for rules test).
func (s *Scanner) run(opt Options) (rep *finding.Report, stats map[string]rules.Stats, err error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	var prev []finding.Finding
	if opt.Baseline != "" {
		var err error
		if prev, err = readBaseline(opt.Baseline); err != nil {
			return nil, nil, fmt.Errorf("--baseline: %w", err)
		}
	}
	if err := s.validate(opt); err != nil {
		return nil, nil, err
	}
	inv := s.Inventory()
	if len(opt.Services) > 0 {
		kept := inv.Services[:0]
		for _, sv := range inv.Services {
			if slices.Contains(opt.Services, sv.Name) {
				kept = append(kept, sv)
			}
		}
		inv.Services = kept
	}
	eff := site.Default()
	if s.profile != nil {
		eff = s.profile.ForHost(inv.Host)
	}
	in := &checks.Input{Inventory: inv, Recipes: s.recipes, Profile: checkProfile(eff)}
	var fs []finding.Finding
	if !opt.OnlyLogs {
		var err error
		if fs, err = checks.Evaluate(in); err != nil {
			return nil, nil, err
		}
		// The site's own rules judge the same inventory; their findings
		// go through the profile (severities, waivers) like the WG's.
		res, err := s.rules.Evaluate(inv, ruleSite(eff), rules.DefaultBudget)
		if err != nil {
			return nil, nil, fmt.Errorf("site rules: %w", err)
		}
		fs = append(fs, res.Findings...)
		stats = res.Stats
	}
	var res *inventory.LogSearch
	if opt.Logs || opt.OnlyLogs {
		paths := s.hostLogPaths(opt.LogPaths)
		if len(paths) == 0 {
			paths = logDirs(inv)
		}
		res = logsearch.Search(s.fsys, paths, logsearch.Options{Progress: opt.Progress, Explicit: len(opt.LogPaths) > 0})
		lf, err := checks.LogFindings(s.recipes, res, opt.Now, services.OfLog)
		if err != nil {
			return nil, nil, err
		}
		fs = append(fs, lf...)
	}
	fs = narrow(fs, opt)
	if !opt.AllInstances {
		markNotRunning(fs, inv)
	}
	// One problem, one finding: a file several services or instances read,
	// or a deviation written on several lines, is reported once (once for
	// the instances that run, once for those that do not).
	fs = finding.Aggregate(fs)
	eff.Waivers = judgedWaivers(eff.Waivers, opt)
	fs = site.Apply(eff, fs, opt.Now)
	if err := checks.FillMetadata(s.recipes, fs); err != nil {
		return nil, nil, err
	}
	finding.Sort(fs)
	if fs == nil {
		fs = []finding.Finding{}
	}
	rep = &finding.Report{
		SchemaVersion: finding.SchemaVersion,
		Tool:          "ttt-check",
		ToolVersion:   buildinfo.String(),
		Recipes:       finding.Recipes{Version: s.recipes.Version, Digest: s.recipes.Digest, Source: s.recipes.Source},
		Host:          inv.Host,
		Root:          s.rootShown(),
		ScannedAt:     opt.Now.UTC(),
		Profile:       finding.Profile{File: eff.File, Site: eff.Site, Environment: eff.Environment, Assumed: eff.Assumed},
		FailOn:        opt.FailOn,
		FailOnNew:     opt.FailOnNew,
		Summary:       finding.Summarize(fs),
		Inventory:     *inv,
		Findings:      fs,
	}
	if opt.Baseline != "" {
		rep.Findings, rep.Resolved = finding.CompareBaseline(rep.Findings, prev)
	}
	if res != nil {
		rep.LogsSearched = &finding.LogsSearched{Paths: res.Paths, Files: res.Files, Bytes: res.Bytes}
		if rep.LogsSearched.Paths == nil {
			rep.LogsSearched.Paths = []string{}
		}
	}
	rep.NothingToJudge = nothingToJudge(inv, opt, res)
	rep.Verdict = rep.Judge()
	return rep, stats, nil
}

// logDirs are the log directories of the services in the inventory.
// hostLogPaths makes the operator's log paths host paths. On the live
// host (root "/") a relative path is relative to the working directory,
// as for any other command: `cd /var/log/xrootd && ttt-check logs .`
// must search that directory, not the root's. Under another root it is
// relative to that root, since the working directory is not inside the
// snapshot.
func (s *Scanner) hostLogPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		switch {
		case path.IsAbs(p):
		case s.fsys.Root() == "/":
			if wd, err := os.Getwd(); err == nil {
				p = filepath.Join(wd, p)
			}
			// Without a working directory (deleted under us) the path is
			// taken from the root and, missing there, reported missing.
		}
		out = append(out, path.Clean("/"+filepath.ToSlash(p)))
	}
	return out
}

func logDirs(inv *inventory.Inventory) []string {
	var names []string
	for _, s := range inv.Services {
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return nil
	}
	return services.LogDirs(names...)
}

// ruleSite is the resolved profile as site rules see it.
func ruleSite(e site.Effective) rules.Site {
	r := rules.Site{Name: e.Site, Environment: e.Environment, Assumed: e.Assumed, VOs: e.VOs, VOsStated: e.VOs != nil}
	if r.Environment == "" {
		r.Environment = vocab.Production
	}
	for _, iss := range e.Issuers {
		r.Issuers = append(r.Issuers, rules.Issuer{Issuer: iss.Issuer, Name: iss.Name, Contact: iss.Contact})
	}
	return r
}

func checkProfile(e site.Effective) checks.Profile {
	p := checks.Profile{Environment: e.Environment, DeclaredIssuers: map[string]string{}}
	if p.Environment == "" {
		p.Environment = vocab.Production
	}
	if e.VOs != nil {
		p.VOs, p.VOsStated = e.VOs, true
	}
	for _, iss := range e.Issuers {
		if iss.Contact != "" {
			p.DeclaredIssuers[iss.Issuer] = iss.Contact
		}
	}
	return p
}

// readBaseline reads the findings of a previous JSON report.
func readBaseline(file string) ([]finding.Finding, error) {
	data, err := opfile.Read(file, opfile.MaxBaseline)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var prev struct {
		SchemaVersion string            `json:"schema_version"`
		Findings      []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal(data, &prev); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if !strings.HasPrefix(prev.SchemaVersion, "1.") {
		return nil, fmt.Errorf("read %s: not a ttt-check JSON report (schema_version %q)", file, prev.SchemaVersion)
	}
	return prev.Findings, nil
}

// Close releases what the scanner keeps open of the host (the
// directories its reads went through). A scan of many hosts closes each
// host's scanner when it is done with it; the scanner still works after
// Close, only without that cache.
func (s *Scanner) Close() error { return s.fsys.Close() }

// Catalog describes the tool's checks and services with the loaded
// recipes, and the site rules with their source files.
func (s *Scanner) Catalog() *catalog.Catalog {
	c := buildCatalog(s.recipes)
	if s.rules != nil {
		for _, r := range s.rules.Rules() {
			c.Checks = append(c.Checks, catalog.Check{
				ID: r.CheckID(), Title: r.Title, Severity: r.Severity,
				Rationale: r.Rationale, Remediation: r.Remediation, References: r.References,
				Source: r.Source(), Judges: r.Judges(),
			})
		}
	}
	return c
}

// LoadCatalog loads the recipes (embedded, or from dir) and describes the
// tool's checks and services, for commands that need no host.
func LoadCatalog(recipesDir string) (*catalog.Catalog, error) {
	set, err := loadRecipes(recipesDir)
	if err != nil {
		return nil, err
	}
	return buildCatalog(set), nil
}

func buildCatalog(set *recipes.Set) *catalog.Catalog {
	c := &catalog.Catalog{
		ToolVersion:    buildinfo.String(),
		RecipesVersion: set.Version,
		RecipesSource:  set.Source,
		RecipesDigest:  set.Digest,
	}
	// Fixes are shown with placeholders, for a release that has every
	// option (the lines they need are named in the text).
	rel := recipes.Release{Has: func(string) bool { return true }, Since: func(feature string) string {
		for _, name := range slices.Sorted(maps.Keys(set.Components)) {
			if v, ok := set.Components[name].Features[feature]; ok {
				return v
			}
		}
		return ""
	}}
	for _, id := range checks.AllIDs() {
		m := set.Checks[id]
		ch := catalog.Check{
			ID: id, Title: m.Title, Severity: m.Severity,
			Rationale: m.Rationale, Remediation: m.Remediation, References: m.References,
		}
		for _, f := range m.Fixes {
			text, err := f.Render(recipes.Placeholders(), rel)
			if err != nil {
				text = "(" + err.Error() + ")"
			}
			ch.Fixes = append(ch.Fixes, catalog.Fix{Service: f.Service, Case: f.Case, Text: text})
		}
		c.Checks = append(c.Checks, ch)
	}
	for _, vo := range set.SortedVOs() {
		c.VOs = append(c.VOs, catalog.VO{Name: vo.Name, Title: vo.Title, Issuer: vo.Issuer, Purpose: vo.Purpose})
	}
	for _, svc := range services.All() {
		c.Services = append(c.Services, catalog.Service{
			Name: svc.Name, Title: svc.Title, Kind: svc.Kind,
			Files: svc.Files, Reads: svc.Reads, LogDirs: svc.LogDirs,
		})
	}
	return c
}

// ToolVersion is the version of this build of ttt-check.
func ToolVersion() string { return buildinfo.String() }

// ServiceNames are the services ttt-check reads, sorted.
func ServiceNames() []string { return services.Names() }

// LogDirs are the log directories of every service ttt-check reads.
func LogDirs() []string { return services.LogDirs() }

// SeverityNames are the severities, least urgent first.
func SeverityNames() []string { return vocab.SeverityNames() }

// ParseSeverity reads a severity name for Options.FailOn.
func ParseSeverity(name string) (vocab.Severity, error) { return vocab.ParseSeverity(name) }

// Severity is a finding's severity, for the CLI's options.
type Severity = vocab.Severity

// Verdicts, as the report carries them.
const (
	VerdictPass    = finding.VerdictPass
	VerdictFail    = finding.VerdictFail
	VerdictUnknown = finding.VerdictUnknown
)

// SeverityInfo is the lowest severity (every finding).
func SeverityInfo() vocab.Severity { return vocab.Info }

// AtLeast returns the report with only the findings at or above min to
// show; the verdict and summary stay those of every finding.
func AtLeast(r *finding.Report, min vocab.Severity) *finding.Report {
	if min <= vocab.Info {
		return r
	}
	c := *r
	c.Findings = nil
	for _, f := range r.Findings {
		if f.Severity >= min {
			c.Findings = append(c.Findings, f)
		}
	}
	if c.Findings == nil {
		c.Findings = []finding.Finding{}
	}
	return &c
}

// markNotRunning sets the status of findings about services that systemd
// does not start to not-running: they are reported, below every fail
// threshold. It runs before findings are aggregated, so each finding is
// about one service or instance.
func markNotRunning(fs []finding.Finding, inv *inventory.Inventory) {
	type key struct{ name, instance string }
	off := map[key]bool{}
	for _, s := range inv.Services {
		if s.Runs == inventory.RunsDisabled || s.Runs == inventory.RunsMasked {
			off[key{s.Name, s.Instance}] = true
		}
	}
	if len(off) == 0 {
		return
	}
	for i := range fs {
		f := &fs[i]
		if f.Status != vocab.StatusFail || f.Service == "" || f.Check == vocab.CheckLogsTokenLeaked {
			continue
		}
		all := off[key{f.Service, f.Instance}]
		for _, p := range f.Also {
			all = all && off[key{p.Service, p.Instance}]
		}
		if all {
			f.Status = vocab.StatusNotRunning
		}
	}
}

// Reference renders the working group's reference configuration of
// service for this host: the files a correct token setup has, with the
// host's name and what it already gives each VO (area, account, pinned
// subjects, ports), for its installed release. vos names the VOs to
// configure; none means the host's supported VOs from the site profile,
// else the VOs the recipes mark production, and dteam. An unknown
// service or VO is an error that names the known ones.
func (s *Scanner) Reference(service string, vos []string) (*catalog.Reference, error) {
	if _, ok := s.recipes.References[service]; !ok {
		return nil, &reference.ErrUnknownService{Service: service, Known: s.recipes.ReferenceServices()}
	}
	inv := s.Inventory()
	if len(vos) == 0 {
		vos = s.defaultVOs(inv.Host)
	}
	var chosen []*recipes.VO
	for _, name := range vos {
		vo, ok := s.recipes.VOs[name]
		if !ok {
			var known []string
			for _, v := range s.recipes.SortedVOs() {
				known = append(known, v.Name)
			}
			return nil, fmt.Errorf("unknown VO %q (known: %s)", name, strings.Join(known, ", "))
		}
		if !slices.ContainsFunc(chosen, func(v *recipes.VO) bool { return v.Name == name }) {
			chosen = append(chosen, vo)
		}
	}
	return reference.Render(s.recipes, inv, service, inv.Host, inv.HostnameFrom, chosen)
}

// defaultVOs are the VOs a reference configuration is written for when
// none is named: the host's supported VOs from the site profile, else the
// production VOs of the recipes that are not opt-in, and dteam, the VO
// for site tests.
func (s *Scanner) defaultVOs(host string) []string {
	if s.profile != nil {
		if eff := s.profile.ForHost(host); eff.VOs != nil {
			return eff.VOs
		}
	}
	var out []string
	for _, vo := range s.recipes.SortedVOs() {
		if (vo.Purpose == vocab.PurposeProduction && !vo.OptIn) || vo.Name == "dteam" {
			out = append(out, vo.Name)
		}
	}
	return out
}

// Diff renders the mechanical edits of a report's failing findings as one
// unified diff against the host's own files, read through the scan's
// root (headers name them as on the host, relative to /, so that
// `patch -d ROOT -p0` applies the diff), with the failing findings it
// leaves. It writes nothing.
func (s *Scanner) Diff(rep *finding.Report) *finding.Patch {
	// A line that holds a secret is never shown as context: the output
	// would redact it, and the diff would no longer apply.
	sensitive := func(line string) bool { return redact.Redact(line) != line }
	return fix.Diff(s.fsys, rep.Findings, fix.Options{Root: s.fsys.Root(), Sensitive: sensitive})
}
