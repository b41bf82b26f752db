package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type recipesOption struct {
	dir    string
	format string
}

func newChecksCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check: id, severity, title",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			write, err := output.LookupCatalog(opt.format)
			if err != nil {
				return usageError("--format: %w", err)
			}
			cat, err := scan.LoadCatalog(opt.dir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			return emit(s, "", func(w io.Writer, o output.Options) error { return write(w, cat, o) })
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	cmd.Flags().StringVar(&opt.format, "format", "text", "output format: "+strings.Join(output.Names(output.DocCatalog), "|"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(output.Names(output.DocCatalog)...))
	return cmd
}

func newExplainCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:               "explain ID",
		Short:             "Explain a check: title, severity, rationale, remediation and references",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: checkCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := scan.LoadCatalog(opt.dir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			ch, err := cat.Check(args[0])
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			return output.Explain(s.out, ch)
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
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
