// Package fleet aggregates many hosts' JSON scan results into one view:
// a hosts × checks matrix (worst hosts first), which issuers are trusted
// where, waivers expiring soon, and stale or outdated results. It keeps
// a summary per host, never a whole result: each file is decoded into the
// few fields the view needs.
package fleet

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	// History counts this host's older results, which the view does not
	// judge: a results directory keeps every night's report.
	History int            `json:"history"`
	worst   vocab.Severity `json:"-"`
}

// FailsAt reports whether the host's latest result has a failing finding
// at or above min: the fleet's verdict, as the scan's --fail-on.
func (h *Host) FailsAt(min vocab.Severity) bool {
	return h.Failed > 0 && h.worst >= min
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

// Aggregate reads the results on every CPU, each into the few fields the
// view needs, and merges them in the order of files, so that the report
// does not depend on which worker read what first. A file that cannot be
// read or is not a ttt-check JSON report is listed in Errors.
func Aggregate(files []string, opt Options) *Report {
	sums := make([]summary, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			var w worker
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				sums[i] = w.summarize(files[i], opt)
			}
		})
	}
	wg.Wait()

	latestOnly(sums)

	rep := &Report{GeneratedAt: opt.Now.UTC(), RecipeVersion: opt.RecipeVersion, Issuers: map[string][]string{}, Errors: []string{}, Expiring: []Waiver{}}
	// The lists are sized first: appending 100,000 hosts' entries would
	// allocate them several times over.
	hosts, expiring, issuerHosts := 0, 0, map[string]int{}
	for _, s := range sums {
		if s.err == nil && !s.older {
			hosts++
			expiring += len(s.expiring)
			for _, iss := range s.issuers {
				issuerHosts[iss]++
			}
		}
	}
	if hosts > 0 {
		rep.Hosts = make([]*Host, 0, hosts)
	}
	rep.Expiring = make([]Waiver, 0, expiring)
	for iss, n := range issuerHosts {
		rep.Issuers[iss] = make([]string, 0, n)
	}
	checks := map[string]bool{}
	for i, s := range sums {
		if s.err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", files[i], s.err))
			continue
		}
		if s.older {
			continue
		}
		rep.Expiring = append(rep.Expiring, s.expiring...)
		for c := range s.host.Checks {
			checks[c] = true
		}
		for _, iss := range s.issuers {
			rep.Issuers[iss] = append(rep.Issuers[iss], s.host.Host)
		}
		rep.Hosts = append(rep.Hosts, s.host)
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
	// Each issuer's hosts once, sorted (two hosts may report one name).
	for iss, hosts := range rep.Issuers {
		slices.Sort(hosts)
		rep.Issuers[iss] = slices.Clip(slices.Compact(hosts))
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

// latestOnly keeps, of the results of each host, the one scanned last
// (the later file when two have the same time) and marks the others
// older, counting them in its History: what a host trusts and fails is
// what its latest result says.
func latestOnly(sums []summary) {
	latest := map[string]int{}
	for i := range sums {
		s := &sums[i]
		if s.err != nil {
			continue
		}
		j, ok := latest[s.host.Host]
		if !ok {
			latest[s.host.Host] = i
			continue
		}
		if s.host.ScannedAt.Before(sums[j].host.ScannedAt) {
			s.older = true
			sums[j].host.History++
			continue
		}
		sums[j].older = true
		s.host.History += sums[j].host.History + 1
		latest[s.host.Host] = i
	}
}
