// Package scan runs the pipeline: detect the services under a root, read
// their configs into the trust inventory, evaluate the checks with the
// recipes and the site profile, and return the report. It is the only
// place that knows every stage; each stage knows only its neighbours' data.
package scan

import (
	"errors"
	"fmt"

	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/checks"
	"github.com/ttt-wg/ttt-check/internal/buildinfo"
	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/logscan"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/readers/arcce"
	"github.com/ttt-wg/ttt-check/internal/readers/dcache"
	"github.com/ttt-wg/ttt-check/internal/readers/eos"
	"github.com/ttt-wg/ttt-check/internal/readers/htcondorce"
	"github.com/ttt-wg/ttt-check/internal/readers/storm"
	"github.com/ttt-wg/ttt-check/internal/readers/xrootd"
	"github.com/ttt-wg/ttt-check/internal/site"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// services is the registry of service readers, by the service names used
// in every output.
var services = map[string]readers.Reader{
	"arc-ce":       arcce.Reader,
	"dcache":       dcache.Reader,
	"eos":          eos.Reader,
	"htcondor-ce":  htcondorce.Reader,
	"storm-webdav": storm.Reader,
	"xrootd":       xrootd.Reader,
}

// ServiceNames returns the names of the services ttt-check reads, sorted.
func ServiceNames() []string {
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// leftoverSuffixes are what RPM and dpkg leave beside a config file they
// did not overwrite or remove.
var leftoverSuffixes = []string{".rpmnew", ".rpmsave", ".rpmorig", ".dpkg-dist", ".dpkg-new", ".dpkg-old", ".ucf-dist"}

// Options configures a scan.
type Options struct {
	// Root is the directory read as the host's /; "" or "/" is the live host.
	Root string
	// Recipes is the recipe set to judge against.
	Recipes *recipes.Set
	// Profile is the site profile; nil when there is none.
	Profile *site.Profile
	// Now is the scan time (waiver expiry, report timestamp).
	Now time.Time
	// FailOn is the exit threshold recorded in the report.
	FailOn vocab.Severity
	// Logs also scans the detected services' log directories for leaked
	// tokens (scan --logs).
	Logs bool
	// LogPaths, when set, are scanned instead (ttt-check logs PATH…).
	LogPaths []string
	// OnlyLogs skips the configuration checks (ttt-check logs).
	OnlyLogs bool
	// Progress reports log-scan progress (a terminal progress bar).
	Progress logscan.Progress
}

// LogPaths are the log directories of the services in the inventory.
func LogPaths(inv *inventory.Inventory) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range inv.Services {
		if d := checks.LogDir(s.Name); d != "" && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// Inventory reads every service under root into the trust inventory.
func Inventory(root string) (*inventory.Inventory, error) {
	fsys, err := hostfs.New(root)
	if err != nil {
		return nil, err
	}
	return readInventory(fsys)
}

func readInventory(fsys *hostfs.FS) (*inventory.Inventory, error) {
	host := HostName(fsys)
	inv := &inventory.Inventory{Host: host, Root: fsys.Root()}
	h := readers.Host{FS: fsys, Name: host}
	for _, name := range ServiceNames() {
		svcs, err := services[name].Read(h)
		if err != nil {
			// A reader that fails outright still leaves a trace: the
			// service's trust was not judged, and the admin must know.
			svcs = []inventory.Service{{Name: name, Problems: []inventory.Problem{{Reason: err.Error()}}}}
		}
		for i := range svcs {
			svcs[i].PendingUpgrades = append(svcs[i].PendingUpgrades, leftovers(fsys, svcs[i].ConfigFiles)...)
			ensureSlices(&svcs[i])
		}
		inv.Services = append(inv.Services, svcs...)
	}
	inv.Sort()
	return inv, nil
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

// HostName reads the host's name from its /etc/hostname, as the issue of
// scanning a snapshot requires: the machine running the scan may be another.
func HostName(fsys *hostfs.FS) string {
	data, err := fsys.ReadFile("/etc/hostname")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	return "unknown"
}

func leftovers(fsys *hostfs.FS, files []string) []inventory.Source {
	seen := map[string]bool{}
	var out []inventory.Source
	for _, f := range files {
		for _, suf := range leftoverSuffixes {
			p := f + suf
			if seen[p] {
				continue
			}
			seen[p] = true
			// A leftover that cannot be stat'ed is no evidence either way.
			if st, err := fsys.Stat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, inventory.Source{File: p})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

// Run scans one host and returns its report.
func Run(opt Options) (*finding.Report, error) {
	if opt.Recipes == nil {
		return nil, errors.New("scan: no recipes")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	fsys, err := hostfs.New(opt.Root)
	if err != nil {
		return nil, err
	}
	inv, err := readInventory(fsys)
	if err != nil {
		return nil, err
	}
	eff := site.Default()
	if opt.Profile != nil {
		eff = opt.Profile.ForHost(inv.Host)
	}
	in := &checks.Input{Inventory: inv, Recipes: opt.Recipes, Profile: checkProfile(eff)}
	var fs []finding.Finding
	if !opt.OnlyLogs {
		if fs, err = checks.Evaluate(in); err != nil {
			return nil, err
		}
	}
	if opt.Logs || opt.OnlyLogs {
		paths := opt.LogPaths
		if len(paths) == 0 {
			paths = LogPaths(inv)
		}
		res := logscan.Scan(fsys, paths, logscan.Options{Progress: opt.Progress})
		lf, err := checks.LogFindings(opt.Recipes, res, opt.Now)
		if err != nil {
			return nil, err
		}
		fs = append(fs, lf...)
	}
	fs = site.Apply(eff, fs, opt.Now)
	if err := checks.FillMetadata(opt.Recipes, fs); err != nil {
		return nil, err
	}
	finding.Sort(fs)
	if fs == nil {
		fs = []finding.Finding{}
	}
	rootShown := "/"
	if fsys.Root() != "/" {
		rootShown = fsys.Root()
	}
	inv.Root = rootShown
	return &finding.Report{
		SchemaVersion: finding.SchemaVersion,
		Tool:          "ttt-check",
		ToolVersion:   buildinfo.String(),
		Recipes:       finding.Recipes{Version: opt.Recipes.Version, Digest: opt.Recipes.Digest, Source: opt.Recipes.Source},
		Host:          inv.Host,
		Root:          rootShown,
		ScannedAt:     opt.Now.UTC(),
		Profile:       finding.Profile{File: eff.File, Site: eff.Site, Environment: eff.Environment, Assumed: eff.Assumed},
		FailOn:        opt.FailOn,
		Summary:       finding.Summarize(fs),
		Inventory:     *inv,
		Findings:      fs,
	}, nil
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

// ValidateProfile checks the profile's references (VO names, check ids)
// against the recipes and the checks, so that a typo is an error (exit 2)
// rather than a waiver or VO that silently applies to nothing.
func ValidateProfile(p *site.Profile, set *recipes.Set) error {
	var errs []string
	for _, r := range p.References() {
		switch r.Kind {
		case "vo":
			if _, ok := set.VOs[r.Name]; !ok {
				errs = append(errs, fmt.Sprintf("%s:%d: unknown VO %q (known: %s)", p.File, r.Line, r.Name, strings.Join(voNames(set), ", ")))
			}
		case "check":
			if _, ok := set.Checks[r.Name]; !ok {
				errs = append(errs, fmt.Sprintf("%s:%d: unknown check %q (see ttt-check checks)", p.File, r.Line, r.Name))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

func voNames(set *recipes.Set) []string {
	var n []string
	for _, vo := range set.SortedVOs() {
		n = append(n, vo.Name)
	}
	return n
}

// DefaultProfilePath is where a host keeps its site profile.
const DefaultProfilePath = "/etc/ttt-check/site.toml"
