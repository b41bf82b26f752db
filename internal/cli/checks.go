package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type recipesOption struct {
	dir    string
	format string
}

// catalogOptions are the flags of checks and explain: the recipes, and
// the site rules listed beside the WG's checks.
type catalogOptions struct {
	recipes string
	rules   string
	format  string
	service string // explain: one service's advice
}

func (o *catalogOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	cmd.Flags().StringVar(&o.rules, "rules", "", "directory of site rules (*.hcl) (default: "+scan.DefaultRulesDir+" on this host, if present)")
}

// scanner loads the recipes and the site rules of this host (or of
// --rules), whose Catalog lists both: invalid rules are an error here as
// in a scan.
func (o *catalogOptions) scanner() (*scan.Scanner, error) {
	scanner, err := scan.New(scan.Config{RecipesDir: o.recipes, RulesDir: o.rules, SkipProfile: true})
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return scanner, nil
}

// explainOptions are the flags of explain.
type explainOptions struct {
	dir, service string
}

func newChecksCommand(s streams) *cobra.Command {
	opt := catalogOptions{}
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check (the working group's and the site's own rules): id, severity, title",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			write, err := output.LookupCatalog(opt.format)
			if err != nil {
				return usageError("--format: %w", err)
			}
			scanner, err := opt.scanner()
			if err != nil {
				return err
			}
			return emit(s, "", func(w io.Writer, o output.Options) error { return write(w, scanner.Catalog(), o) })
		},
	}
	opt.flags(cmd)
	cmd.Flags().StringVar(&opt.format, "format", "text", "output format: "+strings.Join(output.Names(output.DocCatalog), "|"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(output.Names(output.DocCatalog)...))
	return cmd
}

func newExplainCommand(s streams) *cobra.Command {
	opt := catalogOptions{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain a check or a site rule (site/ID): title, severity, rationale, remediation per service and references",
		Long: `Explain prints what a check is about, why it matters, how to fix it in
general and, service by service, in the service's own files (with
placeholders such as <host> and <issuer> where a finding gives this host's
values), and its sources. --service shows one service's advice. A site rule
(site/ID) also shows its file and what it judges.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: checkCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			scanner, err := opt.scanner()
			if err != nil {
				return err
			}
			cat := scanner.Catalog()
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
	opt.flags(cmd)
	cmd.Flags().StringVar(&opt.service, "service", "", "show only this service's advice: "+strings.Join(scan.ServiceNames(), "|"))
	_ = cmd.RegisterFlagCompletionFunc("service", fixedCompletion(scan.ServiceNames()...))
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
