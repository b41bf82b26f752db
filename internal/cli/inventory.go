package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/report"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type inventoryOptions struct {
	root   string
	format string
	output string
}

func newInventoryCommand(s streams) *cobra.Command {
	opt := inventoryOptions{}
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Show which token issuers each service trusts, for what, mapped to what",
		Long: `Inventory prints the trust inventory alone: per service, which issuers are
trusted, for which subjects, audiences and paths, mapped to which account, and
the file:line each value comes from. It judges nothing and always exits 0 when
it could read the host.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var write func(io.Writer, bool) error
			inv, err := scan.Inventory(opt.root)
			if err != nil {
				return usageError("inventory: %w", err)
			}
			switch opt.format {
			case "text":
				write = func(w io.Writer, c bool) error { return report.InventoryText(w, inv, report.Options{Color: c}) }
			case "json":
				write = func(w io.Writer, c bool) error { return report.InventoryJSON(w, inv, report.Options{Color: c}) }
			default:
				return usageError("--format: unknown format %q (want text or json)", opt.format)
			}
			return emit(s, opt.output, write)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.root, "root", "/", "read a copy of a host's filesystem as if it were /")
	f.StringVar(&opt.format, "format", "text", "output format: text|json")
	f.StringVar(&opt.output, "output", "", "write to this file instead of standard output")
	return cmd
}
