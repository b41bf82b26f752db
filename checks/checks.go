// Package checks compares a host's trust inventory with the working group's
// recipes and the site profile, and returns deviations as findings. A check
// sees only the service-neutral inventory: it knows what a service's
// settings mean, never how they are written in a file.
package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/reference"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// Profile is what the checks need to know of the site profile, already
// resolved for the scanned host.
type Profile struct {
	// Environment is production, testbed or development.
	Environment string
	// VOs are the supported VO names; VOsStated is false when the profile
	// does not say, in which case no issuer is "unsupported".
	VOs       []string
	VOsStated bool
	// DeclaredIssuers maps extra trusted issuers to their security contact.
	// Only issuers declared with a contact are in it.
	DeclaredIssuers map[string]string
}

// Input is everything a check may look at. Recipes and Profile must not
// change once the checks have seen it: what they work out from them is
// kept for the Input's life.
type Input struct {
	Inventory *inventory.Inventory
	Recipes   *recipes.Set
	Profile   Profile
	// memo holds what checks work out from recipes and profile alone.
	memo *memo
	// refs caches each service's reference values on this host (what
	// fixes and edits write), filled on first use, for one Evaluate.
	refs map[string]*reference.Host
}

// reference returns the reference values of a service on this host: the
// values `ttt-check recipe` writes (nil when the recipes have none).
func (in *Input) reference(service string) *reference.Host {
	if h, ok := in.refs[service]; ok {
		return h
	}
	if in.refs == nil {
		in.refs = map[string]*reference.Host{}
	}
	h, err := reference.For(in.Recipes, in.Inventory, service, in.Inventory.Host)
	if err != nil {
		h = nil
	}
	in.refs[service] = h
	return h
}

// Result is one deviation as a check sees it; Evaluate turns it into a
// finding with the check's metadata from the recipes.
type Result struct {
	Source inventory.Source
	// Also are more places of the same problem in this service (other
	// lines that say the same thing).
	Also     []inventory.Source
	Message  string
	Expected string
	Actual   string
	// Key says what the result is about (an issuer, a setting) so that its
	// fingerprint survives unrelated edits that move lines.
	Key string
	// Severity, when set, replaces the recipe's severity for this result
	// (for example info instead of critical on a testbed host).
	Severity *vocab.Severity
	// Fix, when set, replaces the recipe's remediation: a fix that fits
	// this host (its installed release, its values). Evaluate sets it from
	// the check's fix for the service in the recipes, rendered with
	// Values, unless the check set it itself.
	Fix string
	// FixCase picks a variant of the service's fix in the recipes (a
	// release that lacks an option, a proxy); "" is the usual advice.
	FixCase string
	// Values are what the check knows that its fix names (the trust's
	// issuer and label, the line to write, …; see recipes.FixVars).
	Values map[string]string
	// Edits are the mechanical changes that apply the fix, derived from
	// the lines and sections the reader recorded; none when the fix needs
	// a person's decision.
	Edits []finding.Edit
}

// Func evaluates one check against one service.
type Func func(in *Input, svc inventory.Service) []Result

// Check is one check of a service's inventory. Each lives in
// checks/<id>.go (dashes as underscores) beside its table test, so that
// the id in a finding leads a reader straight to the logic behind it.
type Check struct {
	// ID is fixed once released: recipes, reports, waivers and scripts
	// refer to it.
	ID string
	// Run judges one service; every result becomes a finding of ID.
	Run Func
}

// all lists the checks evaluated on services, sorted by id. The list is
// explicit rather than filled by init functions in the check files, so
// that what runs is visible in one place and a forgotten file is caught
// by the registry test, not silently skipped. Checks that are not about a
// service (waiver-expired, waiver-unused) are raised by the site profile
// and have metadata only.
var all = []Check{
	accessOpen,
	audienceAny,
	audienceUnchecked,
	authnAnonymous,
	authzGroupFallback,
	authzOnMissingAllow,
	banShadowed,
	configDanglingReference,
	configUnknownKey,
	issuerDevVO,
	issuerDTeamMissing,
	issuerLegacy,
	issuerNearMiss,
	issuerUnknown,
	issuerUnsupportedVO,
	issuerWildcard,
	legacyConfig,
	legacyGSI,
	logTokenLeak,
	mappingCarriedOver,
	mappingIssuerWide,
	mappingPrivileged,
	scanIncomplete,
	scopeUnchecked,
	storagePathRoot,
	tokenInURL,
	tokenLifetimeLong,
	upgradePending,
}

// registry maps check ids to their logic.
var registry = index(all)

// index maps checks by id. Two checks with one id would make findings
// ambiguous, so that is a programming error caught at start-up.
func index(checks []Check) map[string]Func {
	m := make(map[string]Func, len(checks))
	for _, c := range checks {
		if _, dup := m[c.ID]; dup {
			panic("checks: duplicate check id " + c.ID)
		}
		m[c.ID] = c.Run
	}
	return m
}

// metadataOnly are check ids that are not run on services but still need
// recipe metadata: the site profile raises the waiver findings,
// LogFindings the findings of the log search, and the site rules the
// finding for a rule that matches nothing on a host.
var metadataOnly = []string{vocab.CheckWaiverExpired, vocab.CheckWaiverUnused, vocab.CheckLogsTokenLeaked, vocab.CheckSiteRuleUnmatched}

// IDs returns the ids of the checks evaluated on services, sorted.
func IDs() []string {
	return slices.Sorted(maps.Keys(registry))
}

// AllIDs returns every check id the tool can report, sorted.
func AllIDs() []string {
	ids := append(IDs(), metadataOnly...)
	slices.Sort(ids)
	return ids
}

// Validate reports check ids that have no metadata in the recipe set, so
// that an incomplete recipe set fails loudly instead of dropping checks.
func Validate(set *recipes.Set) error {
	var missing []string
	for _, id := range AllIDs() {
		if _, ok := set.Checks[id]; !ok {
			missing = append(missing, id)
		}
	}
	var unknown []string
	for id := range set.Checks {
		if _, ok := registry[id]; !ok && !slices.Contains(metadataOnly, id) {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	switch {
	case len(missing) > 0:
		return fmt.Errorf("recipes (%s) have no check block for: %s", set.Source, strings.Join(missing, ", "))
	case len(unknown) > 0:
		c := set.Checks[unknown[0]]
		return fmt.Errorf("%s:%d: recipes define check %q, which this version of ttt-check does not implement", c.Range.Filename, c.Range.Start.Line, unknown[0])
	}
	return nil
}

// Evaluate runs every check on every service of the inventory. The recipe
// set must have passed Validate (the scan does so once, when it loads it).
func Evaluate(in *Input) ([]finding.Finding, error) {
	// The memo is shared by every Evaluate of this Input (it is guarded);
	// the reference values are not: a reference.Host collects notes and
	// VO values as fixes use it, so each call works on its own.
	in.cache()
	run := *in
	run.refs = nil
	in = &run
	var out []finding.Finding
	fixes := newFixer(in)
	for _, svc := range in.Inventory.Services {
		svc = resolvePatterns(in, svc)
		for _, id := range IDs() {
			// Results with the same key in the same file become one
			// finding (finding.Aggregate), which keeps the fix of the
			// first or of a more severe one: only those fixes are
			// rendered, since a CE's mapfile may give one check 100,000
			// results of one problem.
			rendered := map[[2]string]vocab.Severity{}
			for _, r := range registry[id](in, svc) {
				sev, err := resultSeverity(in.Recipes, id, r)
				if err != nil {
					return nil, err
				}
				group := [2]string{r.Key, r.Source.File}
				if best, seen := rendered[group]; r.Key == "" || !seen || sev > best {
					if err := fixes.render(id, svc, &r); err != nil {
						return nil, err
					}
					rendered[group] = sev
				}
				f, err := NewFinding(in.Recipes, id, svc.Name, svc.Instance, r)
				if err != nil {
					return nil, err
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// resultSeverity is the severity of a result of check id: its own, else
// the recipe's.
func resultSeverity(set *recipes.Set, id string, r Result) (vocab.Severity, error) {
	if r.Severity != nil {
		return *r.Severity, nil
	}
	meta, ok := set.Checks[id]
	if !ok {
		return 0, fmt.Errorf("recipes (%s) have no check block for %s", set.Source, id)
	}
	sev, err := vocab.ParseSeverity(meta.SeverityRaw)
	if err != nil {
		return 0, fmt.Errorf("%s:%d: %w", meta.Range.Filename, meta.Range.Start.Line, err)
	}
	return sev, nil
}

// NewFinding builds a finding for check id from a result, with title,
// severity, remediation and references from the recipes.
func NewFinding(set *recipes.Set, id, service, instance string, r Result) (finding.Finding, error) {
	meta, ok := set.Checks[id]
	if !ok {
		return finding.Finding{}, fmt.Errorf("recipes (%s) have no check block for %s", set.Source, id)
	}
	sev, err := resultSeverity(set, id, r)
	if err != nil {
		return finding.Finding{}, err
	}
	fix := strings.TrimSpace(meta.Remediation)
	if r.Fix != "" {
		fix = r.Fix
	}
	return finding.Finding{
		Check:       id,
		Title:       meta.Title,
		Severity:    sev,
		Status:      vocab.StatusFail,
		Service:     service,
		Instance:    instance,
		Message:     r.Message,
		Expected:    r.Expected,
		Actual:      r.Actual,
		File:        r.Source.File,
		Line:        r.Source.Line,
		Remediation: fix,
		References:  meta.References,
		Also:        places(service, instance, r.Also),
		Fingerprint: finding.Fingerprint(id, r.Source.File, r.Key),
		Key:         r.Key,
		Edits:       r.Edits,
	}, nil
}

// FillMetadata completes findings raised outside the checks (by the site
// profile) with title, severity, remediation and references.
func FillMetadata(set *recipes.Set, fs []finding.Finding) error {
	for i := range fs {
		f := &fs[i]
		if f.Title != "" {
			continue
		}
		meta, ok := set.Checks[f.Check]
		if !ok {
			return fmt.Errorf("recipes (%s) have no check block for %s", set.Source, f.Check)
		}
		sev, err := vocab.ParseSeverity(meta.SeverityRaw)
		if err != nil {
			return err
		}
		f.Title, f.Severity = meta.Title, sev
		f.Remediation = strings.TrimSpace(meta.Remediation)
		if fix := meta.FixFor(f.Service, ""); fix != nil {
			r := Result{Source: inventory.Source{File: f.File, Line: f.Line}, Expected: f.Expected, Actual: f.Actual}
			text, err := fix.Render(placeValues(f.Service, r), recipes.Release{})
			if err != nil {
				return err
			}
			f.Remediation = text
		}
		f.References = meta.References
	}
	return nil
}

func places(service, instance string, srcs []inventory.Source) []finding.Place {
	var out []finding.Place
	for _, s := range srcs {
		out = append(out, finding.Place{Service: service, Instance: instance, File: s.File, Line: s.Line})
	}
	return out
}
