package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/report"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func newLogsCommand(s streams) *cobra.Command {
	opt := scanOptions{onlyLogs: true}
	cmd := &cobra.Command{
		Use:   "logs [PATH…]",
		Short: "Find bearer tokens leaked into logs, without ever printing them",
		Long: `Logs searches files and directories (recursively; rotated and gzip-compressed
logs included) for JWT bearer tokens in every form seen in real logs — bare,
after "Bearer ", URL-encoded (Bearer%20…, authz=Bearer%20…, %2E dots), inside
JSON or quotes — and reports each distinct token once: its issuer and VO,
subject, audience, scope, expiry, whether it still works, how often and where
it was seen. Tokens are named by a fingerprint (a sha256 prefix), never shown.

Without PATH it searches the log directories of the services detected on the
host (/var/log/xrootd, /var/log/condor-ce, /var/log/arc, /var/log/dcache,
/var/log/storm, /var/log/eos). Same formats and exit codes as scan.`,
		Example: "  sudo ttt-check logs\n  ttt-check logs --root /srv/snapshots/se01 /var/log/xrootd --format json",
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.logPaths = args
			return runScan(s, opt)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.root, "root", "/", "read a copy of a host's filesystem as if it were /")
	f.StringVar(&opt.site, "site", "", "site profile (default: /etc/ttt-check/site.toml under --root, if present)")
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	f.StringArrayVar(&opt.formats, "format", []string{"text"}, "report format, repeatable, fmt or fmt=path: "+strings.Join(report.Names(), "|"))
	f.StringVar(&opt.output, "output", "", "write the report to this file instead of standard output")
	f.StringVar(&opt.failOn, "fail-on", "medium", "exit 1 when an unwaived finding is at or above: "+strings.Join(vocab.SeverityNames(), "|"))
	f.StringVar(&opt.now, "now", "", "judge token expiry as of this date (YYYY-MM-DD)")
	_ = f.MarkHidden("now")
	return cmd
}
