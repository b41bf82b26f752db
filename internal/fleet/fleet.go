// Package fleet aggregates many hosts' JSON scan results into one view:
// a hosts × checks matrix (worst hosts first), which issuers are trusted
// where, waivers expiring soon, and stale or outdated results. It keeps
// the aggregate only, one host summary at a time, never every result.
package fleet

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Host is one host's summary.
type Host struct {
	Host          string         `json:"host"`
	File          string         `json:"file"`
	ScannedAt     time.Time      `json:"scanned_at"`
	RecipeVersion string         `json:"recipe_version"`
	Worst         string         `json:"worst"`
	Failed        int            `json:"failed"`
	Checks        map[string]int `json:"checks"`
	Stale         bool           `json:"stale"`
	OldRecipes    bool           `json:"old_recipes"`
	worst         vocab.Severity `json:"-"`
}

// Waiver is a waiver that expires soon.
type Waiver struct {
	Host    string `json:"host"`
	Check   string `json:"check"`
	Expires string `json:"expires"`
	Reason  string `json:"reason"`
}

// Report is the fleet aggregate.
type Report struct {
	GeneratedAt   time.Time           `json:"generated_at"`
	RecipeVersion string              `json:"recipe_version"`
	Hosts         []*Host             `json:"hosts"`
	Checks        []string            `json:"checks"`
	Issuers       map[string][]string `json:"issuers"`
	Expiring      []Waiver            `json:"expiring_waivers"`
	// Development lists the hosts trusting a development VO's issuer.
	Development map[string][]string `json:"development_vo"`
	Errors      []string            `json:"errors"`
}

// Options tune the aggregation.
type Options struct {
	Now time.Time
	// StaleAfter marks results older than this.
	StaleAfter time.Duration
	// RecipeVersion is the current recipe set; results judged against
	// another are flagged.
	RecipeVersion string
	// DevelopmentIssuers are the issuers of development VOs (recipes).
	DevelopmentIssuers []string
}

// result is the part of a scan report the fleet view needs.
type result struct {
	SchemaVersion string `json:"schema_version"`
	Host          string `json:"host"`
	// The report writes scanned_at, which an untagged ScannedAt does not
	// match (encoding/json folds case, not underscores).
	ScannedAt time.Time `json:"scanned_at"`
	Recipes   struct{ Version string }
	Inventory struct {
		Services []struct {
			Name   string
			Trusts []struct{ Issuer string }
		}
	}
	Findings []finding.Finding
}

// Files expands arguments (files or directories) into JSON files.
func Files(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", a, err)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".json") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", a, err)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Aggregate reads the results one at a time.
func Aggregate(files []string, opt Options) *Report {
	rep := &Report{GeneratedAt: opt.Now.UTC(), RecipeVersion: opt.RecipeVersion, Issuers: map[string][]string{}, Errors: []string{}, Expiring: []Waiver{}}
	checks := map[string]bool{}
	issuerHosts := map[string]map[string]bool{}
	for _, f := range files {
		var r result
		data, err := os.ReadFile(f)
		if err == nil {
			err = json.Unmarshal(data, &r)
		}
		if err == nil && !strings.HasPrefix(r.SchemaVersion, "1.") {
			err = fmt.Errorf("not a ttt-check JSON report")
		}
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		h := &Host{Host: r.Host, File: f, ScannedAt: r.ScannedAt, RecipeVersion: r.Recipes.Version, Checks: map[string]int{}}
		h.Stale = opt.StaleAfter > 0 && opt.Now.Sub(r.ScannedAt) > opt.StaleAfter
		h.OldRecipes = opt.RecipeVersion != "" && r.Recipes.Version != opt.RecipeVersion
		for _, fd := range r.Findings {
			if fd.Status == vocab.StatusNotRunning {
				continue
			}
			if fd.Status == vocab.StatusWaived {
				if fd.Waiver != nil {
					if exp, err := time.Parse("2006-01-02", fd.Waiver.Expires); err == nil && exp.Sub(opt.Now) <= 30*24*time.Hour {
						rep.Expiring = append(rep.Expiring, Waiver{Host: r.Host, Check: fd.Check, Expires: fd.Waiver.Expires, Reason: fd.Waiver.Reason})
					}
				}
				continue
			}
			h.Failed++
			h.Checks[fd.Check]++
			checks[fd.Check] = true
			if h.Failed == 1 || fd.Severity > h.worst {
				h.worst = fd.Severity
			}
		}
		h.Worst = "none"
		if h.Failed > 0 {
			h.Worst = h.worst.String()
		}
		for _, s := range r.Inventory.Services {
			for _, t := range s.Trusts {
				if t.Issuer == "" {
					continue
				}
				if issuerHosts[t.Issuer] == nil {
					issuerHosts[t.Issuer] = map[string]bool{}
				}
				issuerHosts[t.Issuer][r.Host] = true
			}
		}
		rep.Hosts = append(rep.Hosts, h)
	}
	sort.SliceStable(rep.Hosts, func(i, j int) bool {
		a, b := rep.Hosts[i], rep.Hosts[j]
		if (a.Failed > 0) != (b.Failed > 0) {
			return a.Failed > 0
		}
		if a.worst != b.worst {
			return a.worst > b.worst
		}
		if a.Failed != b.Failed {
			return a.Failed > b.Failed
		}
		return a.Host < b.Host
	})
	for c := range checks {
		rep.Checks = append(rep.Checks, c)
	}
	sort.Strings(rep.Checks)
	for iss, hosts := range issuerHosts {
		for h := range hosts {
			rep.Issuers[iss] = append(rep.Issuers[iss], h)
		}
		sort.Strings(rep.Issuers[iss])
	}
	rep.Development = map[string][]string{}
	for _, iss := range opt.DevelopmentIssuers {
		if hosts, ok := rep.Issuers[iss]; ok {
			rep.Development[iss] = hosts
		}
	}
	sort.Slice(rep.Expiring, func(i, j int) bool { return rep.Expiring[i].Expires < rep.Expiring[j].Expires })
	return rep
}
