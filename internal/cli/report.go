package cli

import (
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/fleet"
	"github.com/ttt-wg/ttt-check/recipes"
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
			write, ok := fleet.Writers[opt.format]
			if !ok {
				return usageError("--format: unknown format %q (want one of %s)", opt.format, strings.Join(fleet.Names(), ", "))
			}
			set, err := loadRecipes(opt.recipes)
			if err != nil {
				return err
			}
			files, err := fleet.Files(args)
			if err != nil {
				return usageError("report: %w", err)
			}
			var dev []string
			for _, vo := range set.SortedVOs() {
				if vo.Purpose == recipes.PurposeDevelopment {
					dev = append(dev, vo.Issuer)
				}
			}
			rep := fleet.Aggregate(files, fleet.Options{Now: time.Now(), StaleAfter: opt.stale, RecipeVersion: set.Version, DevelopmentIssuers: dev})
			return emit(s, opt.output, func(w io.Writer, _ bool) error { return write(w, rep) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.format, "format", "html", "fleet report format: "+strings.Join(fleet.Names(), "|"))
	f.StringVar(&opt.output, "output", "", "write to this file instead of standard output")
	f.DurationVar(&opt.stale, "stale", 7*24*time.Hour, "flag results older than this")
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}
