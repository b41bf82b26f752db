package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

// scanOptions are the flags of scan and logs.
type scanOptions struct {
	root      string
	hostname  string
	site      string
	recipes   string
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
func parseTargets(formats []string, file string) ([]target, error) {
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
	if toStdout > 1 {
		return nil, fmt.Errorf("only one format can go to standard output; give the others a file (--format json=/var/lib/ttt-check/last.json)")
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

--diff prints, instead of the report, a unified diff against the host's own
files (named under --root) that brings them to the recipe for every failing
finding with a mechanical fix, keeping comments and layout, then the
findings it leaves with their advice. It writes nothing: apply it with
patch -p0.

Exit codes: 0 nothing unwaived at or above --fail-on; 1 deviations;
2 usage error, invalid site profile or invalid recipes.`,
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
	f.StringVar(&opt.root, "root", "/", "scan a copy of a host's filesystem as if it were /")
	addJudgeFlags(cmd, &opt)
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
	targets, err := parseTargets(opt.formats, opt.output)
	if err != nil {
		return usageError("--format: %w", err)
	}
	if opt.diff && (len(opt.formats) != 1 || opt.formats[0] != "text" || opt.output != "") {
		return usageError("--diff prints the diff on standard output: it takes no --format or --output")
	}
	if opt.failOnNew && opt.baseline == "" {
		return usageError("--fail-on-new needs --baseline")
	}
	now := time.Now()
	if opt.now != "" {
		if now, err = time.Parse("2006-01-02", opt.now); err != nil {
			return usageError("--now: %w", err)
		}
	}
	scanner, err := scan.New(scan.Config{Root: opt.root, Hostname: opt.hostname, ProfileFile: opt.site, RecipesDir: opt.recipes})
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	so := scan.Options{Now: now, FailOn: failOn, FailOnNew: opt.failOnNew, Baseline: opt.baseline, Logs: opt.logs, LogPaths: opt.logPaths, OnlyLogs: opt.onlyLogs, AllInstances: opt.allInstances}
	if (opt.logs || opt.onlyLogs) && colorFor(s.err) && len(targets) == 1 && targets[0].name == "text" {
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
		if rep.Fails() {
			return &ExitError{Code: ExitDeviation}
		}
		return nil
	}
	for _, t := range targets {
		if err := emit(s, t.path, func(w io.Writer, o output.Options) error {
			return t.write(w, rep, o)
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
	if rep.Fails() {
		return &ExitError{Code: ExitDeviation}
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
