package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type inventoryOptions struct {
	root     string
	hostname string
	format   string
	output   string
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
			write, err := output.LookupInventory(opt.format)
			if err != nil {
				return usageError("--format: %w", err)
			}
			scanner, err := scan.New(scan.Config{Root: opt.root, Hostname: opt.hostname, SkipProfile: true, SkipRules: true})
			if err != nil {
				return usageError("inventory: %w", err)
			}
			inv := scanner.Inventory()
			return emit(s, opt.output, func(w io.Writer, o output.Options) error { return write(w, inv, o) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.root, "root", "/", "read a copy of a host's filesystem as if it were /")
	f.StringVar(&opt.hostname, "hostname", "", "the host's name as its services know it (default: /etc/hostname under --root)")
	f.StringVar(&opt.format, "format", "text", "output format: "+strings.Join(output.Names(output.DocInventory), "|"))
	f.StringVar(&opt.output, "output", "", "write to this file instead of standard output")
	return cmd
}
