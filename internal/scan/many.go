package scan

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/rules"
	"github.com/ttt-wg/ttt-check/recipes"
)

// Result is one host's outcome in a scan of many roots.
type Result struct {
	Root   string
	Report *finding.Report
	// Err is what kept the host from being scanned (an invalid profile of
	// its own, an unreadable root); the other hosts are still scanned.
	Err error
}

// Many scans the snapshots under roots — an audit over fetched hosts —
// in one process: the recipes (and an operator's --rules) are loaded and
// validated once, and the hosts are scanned on workers goroutines (0: one
// per CPU). each receives the results in the order of roots, as soon as
// the next one is ready, so results are written while later hosts are
// still being scanned. An error from each stops the run. An error loading
// the shared recipes or rules is returned before any host is scanned.
func Many(cfg Config, roots []string, opt Options, workers int, each func(Result) error) error {
	set, err := loadRecipes(cfg.RecipesDir)
	if err != nil {
		return err
	}
	var shared *rules.Set
	if cfg.RulesDir != "" && !cfg.SkipRules {
		// The operator's rules are the same for every host; a host's own
		// rules.d is read per host.
		if shared, err = loadRules(nil, cfg.RulesDir); err != nil {
			return err
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]Result, len(roots))
	ready := make([]chan struct{}, len(roots))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	jobs := make(chan int)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = scanOne(cfg, set, shared, roots[i], opt)
				close(ready[i])
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range roots {
			select {
			case jobs <- i:
			case <-stop:
				return
			}
		}
	}()
	var firstErr error
	for i := range roots {
		<-ready[i]
		if err := each(results[i]); err != nil {
			firstErr = err
			break
		}
		results[i] = Result{} // let the report go once written
	}
	close(stop)
	// Workers finish the host they are on; nothing waits for their results.
	go wg.Wait()
	return firstErr
}

// scanOne scans one root with the shared recipes and rules.
func scanOne(cfg Config, set *recipes.Set, shared *rules.Set, root string, opt Options) Result {
	c := cfg
	c.Root = root
	s, err := open(c, set, shared)
	if err != nil {
		return Result{Root: root, Err: fmt.Errorf("%s: %w", root, err)}
	}
	defer s.Close()
	rep, err := s.Run(opt)
	if err != nil {
		return Result{Root: root, Err: fmt.Errorf("%s: %w", root, err)}
	}
	return Result{Root: root, Report: rep}
}
