package cli

import (
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/fleet"
	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type reportOptions struct {
	format  string
	output  string
	stale   time.Duration
	recipes string
}

func newReportCommand(s streams) *cobra.Command {
	opt := reportOptions{}
	cmd := &cobra.Command{
		Use:   "report FILE…|DIR",
		Short: "Aggregate many hosts' JSON results into one fleet report",
		Long: `Report reads the JSON results of many hosts (files, or directories searched for
*.json) and writes one fleet view: a hosts × checks matrix with the worst hosts
first, which issuers are trusted where (and which hosts trust a development
VO), waivers expiring within 30 days, and hosts whose results are stale or
from another recipe version.`,
		Example: "  ttt-check report /srv/ttt-check/results --format html --output fleet.html",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := output.LookupFleet(opt.format)
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
			rep := fleet.Aggregate(files, fleet.Options{Now: time.Now(), StaleAfter: opt.stale, RecipeVersion: cat.RecipesVersion, DevelopmentIssuers: cat.DevelopmentIssuers()})
			return emit(s, opt.output, func(w io.Writer, o output.Options) error { return write(w, rep, o) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.format, "format", "html", "fleet report format: "+strings.Join(output.Names(output.DocFleet), "|"))
	f.StringVar(&opt.output, "output", "", "write to this file instead of standard output")
	f.DurationVar(&opt.stale, "stale", 7*24*time.Hour, "flag results older than this")
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}

// writeFleet writes the fleet report of a scan of many hosts (--fleet
// fmt or fmt=path, repeatable) from the hosts' JSON results.
func writeFleet(s streams, outs []string, files []string, recipesDir string, now time.Time) error {
	cat, err := scan.LoadCatalog(recipesDir)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	rep := fleet.Aggregate(files, fleet.Options{Now: now, StaleAfter: 7 * 24 * time.Hour, RecipeVersion: cat.RecipesVersion, DevelopmentIssuers: cat.DevelopmentIssuers()})
	toStdout := 0
	for _, o := range outs {
		name, path, _ := strings.Cut(o, "=")
		write, err := output.LookupFleet(name)
		if err != nil {
			return usageError("--fleet: %w", err)
		}
		if path == "" {
			if toStdout++; toStdout > 1 {
				return usageError("--fleet: only one fleet format can go to standard output")
			}
		}
		if err := emit(s, path, func(w io.Writer, o output.Options) error { return write(w, rep, o) }); err != nil {
			return err
		}
	}
	return nil
}
