package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type recipesOption struct{ dir string }

// explainOptions are the flags of explain.
type explainOptions struct {
	dir, service string
}

func newChecksCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check: id, severity, title",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := scan.LoadCatalog(opt.dir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			return output.CatalogText(s.out, cat, output.Options{})
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}

func newExplainCommand(s streams) *cobra.Command {
	opt := explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain a check: title, severity, rationale, remediation per service and references",
		Long: `Explain prints what a check is about, why it matters, how to fix it in
general and, service by service, in the service's own files (with
placeholders such as <host> and <issuer> where a finding gives this host's
values), and its sources. --service shows one service's advice.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := scan.LoadCatalog(opt.dir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			ch, err := cat.Check(args[0])
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if opt.service != "" && !slices.Contains(cat.ServiceNames(), opt.service) {
				return usageError("--service: unknown service %q (known: %s)", opt.service, strings.Join(cat.ServiceNames(), ", "))
			}
			return output.Explain(s.out, ch, cat.Services, opt.service)
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	cmd.Flags().StringVar(&opt.service, "service", "", "show only this service's advice: "+strings.Join(scan.ServiceNames(), "|"))
	return cmd
}

func newVersionCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the tool version, the recipe set version and its digest",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := scan.LoadCatalog(opt.dir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			fmt.Fprintf(s.out, "ttt-check %s\nrecipes %s (%s)\ndigest %s\n", cat.ToolVersion, cat.RecipesVersion, cat.RecipesSource, cat.RecipesDigest)
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}
