package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/fleet"
	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type reportOptions struct {
	formats []string
	output  string
	stale   age
	failOn  string
	recipes string
}

func newReportCommand(s streams) *cobra.Command {
	opt := reportOptions{stale: age(7 * 24 * time.Hour)}
	cmd := &cobra.Command{
		Use:   "report FILE…|DIR",
		Short: "Aggregate many hosts' JSON results into one fleet report",
		Long: `Report reads the JSON results of many hosts (files, or directories searched for
*.json) and writes one fleet view: a hosts × checks matrix with the worst hosts
first, which issuers are trusted where (and which hosts trust a development
VO), waivers expiring within 30 days, and hosts whose results are stale or
from another recipe version.

Of several results of one host (a directory that keeps every night's report),
the one scanned last is judged; the others count as its history.

Exit codes: 0 no host's latest result has a finding at or above --fail-on;
1 some host's has; 2 usage error, invalid recipes, or a report that could not
be written; 3 nothing to judge (no result could be read). 2 wins over 1, 1
over 3. Unreadable results are listed in the report.`,
		Example: `  ttt-check report /srv/ttt-check/results --format html --output fleet.html
  ttt-check report results/ --format html=fleet.html --format csv=fleet.csv --fail-on high
  ttt-check report results/ --stale 36h --format markdown`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failOn, err := scan.ParseSeverity(opt.failOn)
			if err != nil {
				return usageError("--fail-on: %w", err)
			}
			targets, err := parseFleetTargets(opt.formats, opt.output)
			if err != nil {
				return usageError("--format: %w", err)
			}
			cat, err := scan.LoadCatalog(opt.recipes)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			files, err := fleet.Files(args)
			if err != nil {
				return usageError("report: %w", err)
			}
			rep := fleet.Aggregate(files, fleet.Options{Now: time.Now(), StaleAfter: time.Duration(opt.stale), RecipeVersion: cat.RecipesVersion, DevelopmentIssuers: cat.DevelopmentIssuers()})
			if err := writeFleetTargets(s, targets, rep); err != nil {
				return err
			}
			for _, h := range rep.Hosts {
				if h.FailsAt(failOn) {
					return &ExitError{Code: ExitDeviation}
				}
			}
			if len(rep.Hosts) == 0 {
				return &ExitError{Code: ExitNothing, Err: fmt.Errorf("nothing to judge: none of the %d result file(s) could be read", len(files))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opt.formats, "format", []string{"html"}, "fleet report format, repeatable, fmt or fmt=path: "+strings.Join(output.Names(output.DocFleet), "|"))
	f.StringVar(&opt.output, "output", "", "write the report to this file instead of standard output")
	f.Var(&opt.stale, "stale", "flag results older than this (7d, 36h, 90m, 1d12h)")
	f.StringVar(&opt.failOn, "fail-on", "medium", "exit 1 when a host's latest result has a failing finding at or above: "+strings.Join(scan.SeverityNames(), "|"))
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(output.Names(output.DocFleet)...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion(scan.SeverityNames()...))
	return cmd
}

// fleetTarget is one requested fleet report: a format and where it goes
// ("" is standard output).
type fleetTarget struct {
	path  string
	write output.FleetWriter
}

// parseFleetTargets reads repeated --format fmt[=path] values as
// parseTargets does for a host's report; file is --output.
func parseFleetTargets(formats []string, file string) ([]fleetTarget, error) {
	var out []fleetTarget
	toStdout := 0
	for _, f := range formats {
		name, path, _ := strings.Cut(f, "=")
		w, err := output.LookupFleet(name)
		if err != nil {
			return nil, err
		}
		if path == "" {
			if path = file; path == "" {
				toStdout++
			}
		}
		out = append(out, fleetTarget{path: path, write: w})
	}
	if toStdout > 1 {
		return nil, fmt.Errorf("only one format can go to standard output; give the others a file (--format csv=fleet.csv)")
	}
	if file != "" {
		n := 0
		for _, t := range out {
			if t.path == file {
				n++
			}
		}
		switch {
		case n == 0:
			return nil, fmt.Errorf("--output %s has no format to write: every --format names its own file", file)
		case n > 1:
			return nil, fmt.Errorf("--output %s would get several formats, one over the other", file)
		}
	}
	return out, nil
}

// writeFleetTargets writes the fleet report in every requested format.
func writeFleetTargets(s streams, targets []fleetTarget, rep *fleet.Report) error {
	for _, t := range targets {
		if err := emit(s, t.path, func(w io.Writer, o output.Options) error { return t.write(w, rep, o) }); err != nil {
			return err
		}
	}
	return nil
}

// writeFleet writes the fleet report of a scan of many hosts (--fleet
// fmt or fmt=path, repeatable) from the hosts' JSON results.
func writeFleet(s streams, outs []string, files []string, recipesDir string, now time.Time) error {
	cat, err := scan.LoadCatalog(recipesDir)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	targets, err := parseFleetTargets(outs, "")
	if err != nil {
		return usageError("--fleet: %w", err)
	}
	rep := fleet.Aggregate(files, fleet.Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: cat.RecipesVersion, DevelopmentIssuers: cat.DevelopmentIssuers()})
	return writeFleetTargets(s, targets, rep)
}

// age is a duration flag that also takes days, the unit in which admins
// think of result ages: 7d, 1d12h, as well as Go's 36h and 90m.
type age time.Duration

// String prints the age as it is best read: whole days as 7d.
func (a *age) String() string {
	d := time.Duration(*a)
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// Set parses an age: an optional whole number of days ("7d") followed by
// what time.ParseDuration takes ("12h", "90m").
func (a *age) Set(s string) error {
	var d time.Duration
	rest := strings.TrimSpace(s)
	if days, after, ok := strings.Cut(rest, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 16)
		if err != nil {
			return fmt.Errorf("%q: want a duration such as 7d, 36h or 1d12h", s)
		}
		d, rest = time.Duration(n)*24*time.Hour, after
	}
	if rest != "" {
		more, err := time.ParseDuration(rest)
		if err != nil {
			return fmt.Errorf("%q: want a duration such as 7d, 36h or 1d12h", s)
		}
		d += more
	}
	if d < 0 || strings.TrimSpace(s) == "" {
		return fmt.Errorf("%q: want a positive duration such as 7d, 36h or 1d12h", s)
	}
	*a = age(d)
	return nil
}

// Type names the flag's value in help.
func (a *age) Type() string { return "duration" }
