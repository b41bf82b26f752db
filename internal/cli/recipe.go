package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

// recipeOptions are the flags of recipe.
type recipeOptions struct {
	vos      []string
	root     string
	hostname string
	site     string
	recipes  string
	format   string
	output   string
}

func newRecipeCommand(s streams) *cobra.Command {
	opt := recipeOptions{}
	cmd := &cobra.Command{
		Use:   "recipe SERVICE",
		Short: "Print the working group's reference configuration of a service for this host",
		Long: `Recipe prints the TTT working group's reference configuration of one service
(` + strings.Join(scan.ServiceNames(), ", ") + `) for this host and its VOs: every file a
correct token setup has, under "==> path <==" with its path on the host, ready to
paste into a configuration template. Values come from the host where it has
them (its name, ports, each VO's area, account and pinned subjects, its
installed release) and from the recipes otherwise.

The VOs are --vo, else the supported VOs of the site profile (--site, or the
host's own /etc/ttt-check/site.toml under --root), else the VOs the recipes
mark production, and dteam. It only reads; it writes nothing to the host.

Exit codes: 0 printed; 2 unknown service or VO, invalid site profile or recipes.`,
		Example: `  ttt-check recipe xrootd
  ttt-check recipe htcondor-ce --vo atlas --vo dteam --hostname ce01.example.org
  ttt-check recipe dcache --root /srv/snapshots/se01 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRecipe(s, args[0], opt)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opt.vos, "vo", nil, "VO to configure, repeatable (default: the site profile's, else the production VOs and dteam)")
	f.StringVar(&opt.root, "root", "/", "read a copy of a host's filesystem as if it were /")
	f.StringVar(&opt.hostname, "hostname", "", "the host's name as its services know it (default: /etc/hostname under --root)")
	f.StringVar(&opt.site, "site", "", "site profile (default: "+scan.DefaultProfilePath+" under --root, if present)")
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	f.StringVar(&opt.format, "format", "text", "output format: "+strings.Join(output.Names(output.DocReference), "|"))
	f.StringVar(&opt.output, "output", "", "write to this file instead of standard output")
	return cmd
}

func runRecipe(s streams, service string, opt recipeOptions) error {
	write, err := output.LookupReference(opt.format)
	if err != nil {
		return usageError("--format: %w", err)
	}
	scanner, err := scan.New(scan.Config{Root: opt.root, Hostname: opt.hostname, ProfileFile: opt.site, RecipesDir: opt.recipes})
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	ref, err := scanner.Reference(service, opt.vos)
	if err != nil {
		return usageError("recipe: %w", err)
	}
	return emit(s, opt.output, func(w io.Writer, o output.Options) error { return write(w, ref, o) })
}
