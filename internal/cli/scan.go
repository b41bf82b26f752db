package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

// scanOptions are the flags of scan and logs.
type scanOptions struct {
	root     string
	hostname string
	site     string
	recipes  string
	// rules is a directory of site rules (scan only: the log search
	// judges no configuration).
	rules     string
	formats   []string
	output    string
	failOn    string
	now       string
	baseline  string
	failOnNew bool
	logs      bool
	logPaths  []string
	onlyLogs  bool
	// allInstances judges services systemd does not start as if they ran.
	allInstances bool
	// Many hosts in one run: more --root, --roots globs, where each
	// host's results go, and the fleet report of the run.
	roots     []string
	rootsGlob []string
	outputDir string
	fleetOut  []string
	workers   int
	// Filters: what to judge (checks, services) and what to show
	// (severity), and the services that must be there.
	checks, skipChecks, services, require []string
	severity                              string
	quiet                                 bool
	// diff prints a unified diff that fixes what it can instead of the
	// report.
	diff bool
}

// target is one requested output: a format and where it goes ("" is
// standard output).
type target struct {
	name  string
	path  string
	write output.Writer
}

// parseTargets reads repeated --format fmt[=path] values; --output is
// where the one format without a path goes.
func parseTargets(formats []string, file string, perHost bool) ([]target, error) {
	var out []target
	toStdout := 0
	for _, f := range formats {
		name, path, _ := strings.Cut(f, "=")
		w, err := output.Lookup(name)
		if err != nil {
			return nil, err
		}
		if path == "" {
			path = file
			if path == "" {
				toStdout++
			}
		}
		out = append(out, target{name: name, path: path, write: w})
	}
	if toStdout > 1 && !perHost {
		return nil, fmt.Errorf("only one format can go to standard output; give the others a file (--format json=/var/lib/ttt-check/last.json)")
	}
	if file != "" && !slices.ContainsFunc(out, func(t target) bool { return t.path == file }) {
		return nil, fmt.Errorf("--output %s has no format to write: every --format names its own file", file)
	}
	return out, nil
}

func newScanCommand(s streams) *cobra.Command {
	opt := scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Scan the host's token trust and report deviations from the recipes",
		Long: `Scan reads every supported service's configuration on the host (or under --root),
evaluates the checks and reports deviations.

Findings about a service or instance that systemd does not start (its units
are disabled or masked) are reported as not running and do not fail the
scan; --all-instances judges them fully. A host without unit files (a
snapshot of /etc) is judged as if everything ran.

The site's own rules (` + scan.DefaultRulesDir + `/*.hcl under --root, or
--rules DIR; see ttt-check rules) are judged with the working group's
checks; their findings are site/ID.

--diff prints, instead of the report, a unified diff against the host's own
files (named under --root) that brings them to the recipe for every failing
finding with a mechanical fix, keeping comments and layout, then the
findings it leaves with their advice. It writes nothing: apply it with
patch -p0.

Exit codes: 0 nothing unwaived at or above --fail-on; 1 deviations (a
service that could not be fully read is a scan-incomplete finding and counts
by its severity); 2 usage error, invalid site profile, recipes or site rules, or a report
that could not be written; 3 nothing to judge (no supported service found, a
--require'd service missing). 2 wins over 1, 1 over 3. With --format nagios
on standard output the plugin codes apply: 3 UNKNOWN for nothing to judge,
2 CRITICAL when the scan fails on a high or critical finding, 1 WARNING when
it fails on lower ones or passes with open findings of low severity or
above, 0 OK otherwise.

Every flag can also be set as TTT_CHECK_<FLAG> (TTT_CHECK_FAIL_ON=high,
TTT_CHECK_FORMAT=text,json=/var/lib/ttt-check/last.json); flags win.`,
		Example: `  sudo ttt-check scan
  ttt-check scan --root /srv/snapshots/ce01 --format json --output ce01.json
  ttt-check scan --site /etc/ttt-check/site.toml --fail-on high
  sudo ttt-check scan --diff > fix.diff && less fix.diff && sudo patch -p0 < fix.diff`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			err := runScan(s, opt)
			if err != nil && nagiosOnStdout(opt) {
				// The monitoring-plugin API: UNKNOWN (3) on a tool error.
				var ee *ExitError
				// Results carry no error text; only failures of the tool do.
				if !errors.As(err, &ee) || ee.Err != nil {
					fmt.Fprintf(s.out, "TTT-CHECK UNKNOWN - %v\n", err)
					return &ExitError{Code: 3}
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opt.roots, "root", nil, "scan a copy of a host's filesystem as if it were / (default /); repeat to scan several snapshots in one run")
	f.StringArrayVar(&opt.rootsGlob, "roots", nil, "scan every directory matching this glob as a host snapshot (snapshots/*), with --root")
	f.StringVar(&opt.outputDir, "output-dir", "", "several hosts: write each host's reports to DIR/<host>.<ext>")
	f.StringArrayVar(&opt.fleetOut, "fleet", nil, "several hosts: also write the fleet report, fmt or fmt=path (with --output-dir)")
	f.IntVar(&opt.workers, "workers", 0, "several hosts: scan this many at once (default: one per CPU)")
	addJudgeFlags(cmd, &opt)
	f.StringVar(&opt.rules, "rules", "", "directory of site rules (*.hcl) (default: "+scan.DefaultRulesDir+" under --root, if present)")
	f.StringVar(&opt.baseline, "baseline", "", "previous JSON report: mark findings new or unchanged and list resolved ones")
	f.BoolVar(&opt.failOnNew, "fail-on-new", false, "with --baseline: exit 1 only for new findings at or above --fail-on")
	f.BoolVar(&opt.allInstances, "all-instances", false, "judge services and instances systemd does not start (disabled or masked) as if they ran")
	f.BoolVar(&opt.logs, "logs", false, "also search the services' log directories for leaked bearer tokens")
	f.BoolVar(&opt.diff, "diff", false, "print a unified diff against the host's files that brings them to the recipe (apply with patch -p0), then the findings it leaves with their advice; writes nothing")
	f.StringVar(&opt.now, "now", "", "evaluate waivers as of this date (YYYY-MM-DD), for reproducible reports")
	_ = f.MarkHidden("now")
	return cmd
}

// addJudgeFlags adds the flags scan and logs share: what to judge against
// and how to report.
func addJudgeFlags(cmd *cobra.Command, opt *scanOptions) {
	f := cmd.Flags()
	f.StringVar(&opt.hostname, "hostname", "", "the host's name as its services know it (default: /etc/hostname under --root)")
	f.StringVar(&opt.site, "site", "", "site profile (default: "+scan.DefaultProfilePath+" under --root, if present)")
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	f.StringArrayVar(&opt.formats, "format", []string{"text"}, "report format, repeatable, fmt or fmt=path: "+strings.Join(output.Names(output.DocReport), "|"))
	f.StringVar(&opt.output, "output", "", "write the report to this file instead of standard output")
	f.StringVar(&opt.failOn, "fail-on", "medium", "exit 1 when an unwaived finding is at or above: "+strings.Join(scan.SeverityNames(), "|"))
	f.StringVar(&opt.severity, "severity", "", "show only findings at or above this severity (the verdict still counts all): "+strings.Join(scan.SeverityNames(), "|"))
	f.StringSliceVar(&opt.checks, "check", nil, "judge only these checks (ids, repeatable or comma-separated)")
	f.StringSliceVar(&opt.skipChecks, "skip-check", nil, "do not judge these checks")
	f.StringSliceVar(&opt.services, "service", nil, "judge only these services: "+strings.Join(scan.ServiceNames(), "|"))
	f.StringSliceVar(&opt.require, "require", nil, "exit 3 unless these services are found: "+strings.Join(scan.ServiceNames(), "|"))
	f.BoolVarP(&opt.quiet, "quiet", "q", false, "text: print only the verdict line with the counts")
	sev := fixedCompletion(scan.SeverityNames()...)
	_ = cmd.RegisterFlagCompletionFunc("fail-on", sev)
	_ = cmd.RegisterFlagCompletionFunc("severity", sev)
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(output.Names(output.DocReport)...))
	_ = cmd.RegisterFlagCompletionFunc("service", fixedCompletion(scan.ServiceNames()...))
	_ = cmd.RegisterFlagCompletionFunc("require", fixedCompletion(scan.ServiceNames()...))
	_ = cmd.RegisterFlagCompletionFunc("check", checkCompletion)
	_ = cmd.RegisterFlagCompletionFunc("skip-check", checkCompletion)
}

// checkCompletion completes check ids from the embedded recipes.
func checkCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	cat, err := scan.LoadCatalog("")
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var ids []string
	for _, c := range cat.Checks {
		ids = append(ids, c.ID+"\t"+c.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

func nagiosOnStdout(opt scanOptions) bool {
	for _, f := range opt.formats {
		if f == "nagios" && opt.output == "" {
			return true
		}
	}
	return false
}

func runScan(s streams, opt scanOptions) error {
	failOn, err := scan.ParseSeverity(opt.failOn)
	if err != nil {
		return usageError("--fail-on: %w", err)
	}
	// With --output-dir every format goes to one file per host, none to
	// standard output.
	targets, err := parseTargets(opt.formats, opt.output, opt.outputDir != "")
	if err != nil {
		return usageError("--format: %w", err)
	}
	if opt.diff && (len(opt.formats) != 1 || opt.formats[0] != "text" || opt.output != "") {
		return usageError("--diff prints the diff on standard output: it takes no --format or --output")
	}
	if opt.failOnNew && opt.baseline == "" {
		return usageError("--fail-on-new needs --baseline")
	}
	minSev := scan.SeverityInfo()
	if opt.severity != "" {
		if minSev, err = scan.ParseSeverity(opt.severity); err != nil {
			return usageError("--severity: %w", err)
		}
	}
	if opt.quiet && opt.outputDir == "" && slices.ContainsFunc(targets, func(t target) bool { return t.name != "text" && t.path == "" }) {
		return usageError("--quiet shortens the text report; it cannot apply to --format %s on standard output", targets[0].name)
	}
	now := time.Now()
	if opt.now != "" {
		if now, err = time.Parse("2006-01-02", opt.now); err != nil {
			return usageError("--now: %w", err)
		}
	}
	roots := opt.roots
	for _, g := range opt.rootsGlob {
		m, err := filepath.Glob(g)
		if err != nil {
			return usageError("--roots %s: %w", g, err)
		}
		for _, d := range m {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				roots = append(roots, d)
			}
		}
		if len(m) == 0 {
			return usageError("--roots %s matches no directory", g)
		}
	}
	switch {
	case (len(roots) > 1 || len(opt.rootsGlob) > 0) && opt.diff:
		return usageError("--diff shows one host's changes: give one --root")
	case len(roots) > 1 || len(opt.rootsGlob) > 0:
		return runMany(s, opt, roots, targets, now, failOn, minSev)
	case len(roots) == 1:
		opt.root = roots[0]
	case opt.root == "":
		opt.root = "/"
	}
	if opt.outputDir != "" || len(opt.fleetOut) > 0 {
		return usageError("--output-dir and --fleet are for several hosts (--root repeated or --roots)")
	}
	scanner, err := scan.New(scan.Config{Root: opt.root, Hostname: opt.hostname, ProfileFile: opt.site, RecipesDir: opt.recipes,
		RulesDir: opt.rules, SkipRules: opt.onlyLogs})
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	so := scanOptionsOf(opt, now, failOn)
	if (opt.logs || opt.onlyLogs) && colorFor(s, s.err) && len(targets) == 1 && targets[0].name == "text" {
		so.Progress = progressBar(s.err)
	}
	rep, err := scanner.Run(so)
	if err != nil {
		return usageError("scan: %w", err)
	}
	if opt.diff {
		if err := output.PatchText(s.out, scanner.Diff(rep), rep.Host, output.Options{}); err != nil {
			return err
		}
		return verdictExit(rep.Verdict)
	}
	shown := scan.AtLeast(rep, minSev)
	for _, t := range targets {
		if err := emit(s, t.path, func(w io.Writer, o output.Options) error {
			o.Quiet = opt.quiet && t.name == "text"
			return t.write(w, shown, o)
		}); err != nil {
			return err
		}
	}
	if nagiosOnStdout(opt) {
		if code := output.NagiosCode(rep); code != 0 {
			return &ExitError{Code: code}
		}
		return nil
	}
	return verdictExit(rep.Verdict)
}

// scanOptionsOf builds the pipeline's options from the flags.
func scanOptionsOf(opt scanOptions, now time.Time, failOn scan.Severity) scan.Options {
	return scan.Options{Now: now, FailOn: failOn, FailOnNew: opt.failOnNew, Baseline: opt.baseline, Logs: opt.logs, LogPaths: opt.logPaths, OnlyLogs: opt.onlyLogs, AllInstances: opt.allInstances,
		Require: opt.require, Checks: opt.checks, SkipChecks: opt.skipChecks, Services: opt.services}
}

// extensions name the file each format writes per host with --output-dir.
var extensions = map[string]string{"json": "json", "text": "txt", "compact": "txt", "junit": "xml", "sarif": "sarif", "nagios": "nagios.txt", "prometheus": "prom", "markdown": "md", "html": "html"}

// runMany scans several snapshots in one run (an audit over fetched
// hosts): recipes loaded once, hosts in parallel, each host's reports in
// --output-dir (or, for text and compact, one after another on standard
// output), the fleet report on request; the exit code is the worst
// host's (2 over 1 over 3 over 0).
func runMany(s streams, opt scanOptions, roots []string, targets []target, now time.Time, failOn scan.Severity, minSev scan.Severity) error {
	if len(roots) == 0 {
		return usageError("no host to scan")
	}
	if opt.hostname != "" || opt.baseline != "" {
		return usageError("--hostname and --baseline name one host: not with several --root")
	}
	if opt.outputDir == "" {
		if len(opt.fleetOut) > 0 {
			return usageError("--fleet needs --output-dir: the fleet report is built from the hosts' JSON results")
		}
		for _, t := range targets {
			if t.path != "" || (t.name != "text" && t.name != "compact") {
				return usageError("several hosts: --format %s needs --output-dir DIR (one file per host)", t.name)
			}
		}
	} else {
		if err := os.MkdirAll(opt.outputDir, 0o755); err != nil {
			return usageError("--output-dir: %w", err)
		}
		for _, t := range targets {
			if t.path != "" {
				return usageError("several hosts: --format %s=%s names one file; --output-dir writes one per host", t.name, t.path)
			}
		}
		// The fleet report reads the hosts' JSON results.
		if len(opt.fleetOut) > 0 && !slices.ContainsFunc(targets, func(t target) bool { return t.name == "json" }) {
			w, _ := output.Lookup("json")
			targets = append(targets, target{name: "json", write: w})
		}
	}
	cfg := scan.Config{ProfileFile: opt.site, RecipesDir: opt.recipes, RulesDir: opt.rules, SkipRules: opt.onlyLogs}
	so := scanOptionsOf(opt, now, failOn)
	// A many-host run keeps a few hosts' reports live (about 10 MB) and
	// allocates hundreds of MB over the run; collecting at every doubling
	// of so small a heap is a tenth of its CPU. At 400 % the peak stays
	// near 50 MB. GOGC, when set, is the operator's choice.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	worst := 0 // exit codes ranked: 2 over 1 over 3 over 0
	rank := map[int]int{0: 0, 3: 1, 1: 2, 2: 3}
	raise := func(code int) {
		if rank[code] > rank[worst] {
			worst = code
		}
	}
	used := map[string]int{}
	var jsonFiles []string
	files := newFileWriters(opt.workers)
	err := scan.Many(cfg, roots, so, opt.workers, func(r scan.Result) error {
		if r.Err != nil {
			fmt.Fprintf(s.err, "ttt-check: %v\n", r.Err)
			raise(ExitUsage)
			return nil
		}
		shown := scan.AtLeast(r.Report, minSev)
		name := fileName(r.Report.Host, r.Root, used)
		for _, t := range targets {
			write := func(w io.Writer, o output.Options) error {
				o.Quiet = opt.quiet && t.name == "text"
				return t.write(w, shown, o)
			}
			if opt.outputDir == "" {
				if err := emit(s, "", write); err != nil {
					return err
				}
				continue
			}
			path := filepath.Join(opt.outputDir, name+"."+extensions[t.name])
			if t.name == "json" {
				jsonFiles = append(jsonFiles, path)
			}
			if err := files.start(func() error { return emit(s, path, write) }); err != nil {
				return err
			}
		}
		switch r.Report.Verdict {
		case scan.VerdictFail:
			raise(ExitDeviation)
		case scan.VerdictUnknown:
			raise(ExitNothing)
		}
		return nil
	})
	if werr := files.wait(); err == nil {
		err = werr
	}
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			return err
		}
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if len(opt.fleetOut) > 0 {
		if err := writeFleet(s, opt.fleetOut, jsonFiles, opt.recipes, now); err != nil {
			return err
		}
	}
	if worst != 0 {
		return &ExitError{Code: worst}
	}
	return nil
}

// fileWriters writes hosts' report files beside the scan: rendering and
// writing a report (JSON encoding, redaction, a file created and synced)
// costs about what scanning the host does, and done one after another it
// would leave all but one core idle. At most a few reports per worker wait
// to be written, so memory stays that of a few hosts.
type fileWriters struct {
	slots chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
}

func newFileWriters(workers int) *fileWriters {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &fileWriters{slots: make(chan struct{}, 2*workers)}
}

// start runs write in the background once a slot is free; it returns the
// first error of an earlier write, so that the run stops on a full disk.
func (f *fileWriters) start(write func() error) error {
	f.slots <- struct{}{}
	if err := f.failed(); err != nil {
		<-f.slots
		return err
	}
	f.wg.Add(1)
	go func() {
		defer func() { <-f.slots; f.wg.Done() }()
		if err := write(); err != nil {
			f.mu.Lock()
			if f.err == nil {
				f.err = err
			}
			f.mu.Unlock()
		}
	}()
	return nil
}

func (f *fileWriters) failed() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// wait waits for every write and returns the first error.
func (f *fileWriters) wait() error {
	f.wg.Wait()
	return f.failed()
}

// fileName is the host's file name in --output-dir: its name, made safe
// for a path, and unique in the run (two snapshots of one host get the
// snapshot's directory name added).
func fileName(host, root string, used map[string]int) string {
	clean := strings.Map(func(r rune) rune {
		if r == '/' || r == 0 || r < 0x20 || r == '\\' {
			return '_'
		}
		return r
	}, host)
	if clean == "" || clean == "." || clean == ".." || strings.HasPrefix(clean, ".") {
		clean = "host-" + strings.TrimLeft(clean, ".")
	}
	used[clean]++
	if used[clean] > 1 {
		clean += "-" + filepath.Base(root)
		used[clean]++
		if used[clean] > 1 {
			clean += fmt.Sprintf("-%d", used[clean])
		}
	}
	return clean
}

// verdictExit turns a verdict into the exit code contract.
func verdictExit(verdict string) error {
	switch verdict {
	case scan.VerdictFail:
		return &ExitError{Code: ExitDeviation}
	case scan.VerdictUnknown:
		return &ExitError{Code: ExitNothing}
	}
	return nil
}

// progressBar draws a one-line progress bar on a terminal, at most a few
// times a second.
func progressBar(w io.Writer) func(done, total int64) {
	var mu sync.Mutex
	last := time.Time{}
	return func(done, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < 200*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		pct := 100.0
		if total > 0 {
			pct = float64(done) * 100 / float64(total)
		}
		bar := strings.Repeat("#", int(pct/5)) + strings.Repeat(".", 20-int(pct/5))
		fmt.Fprintf(w, "\r[%s] %5.1f%% %d/%d MB", bar, pct, done>>20, total>>20)
		if done >= total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
