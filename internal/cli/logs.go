package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/scan"
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
host (` + strings.Join(scan.LogDirs(), ", ") + `).

A relative PATH is relative to the working directory on the live host
(--root /, the default), and relative to the root under --root DIR, where an
absolute PATH is read inside DIR too. A PATH that does not exist is reported
(scan-incomplete), never taken for an empty search. Same formats and exit
codes as scan.`,
		Example: "  sudo ttt-check logs\n  cd /var/log/xrootd && ttt-check logs .\n  ttt-check logs --root /srv/snapshots/se01 var/log/xrootd --format json",
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.logPaths = args
			return runScan(s, opt)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.root, "root", "/", "read a copy of a host's filesystem as if it were /")
	addJudgeFlags(cmd, &opt)
	f.StringVar(&opt.now, "now", "", "judge token expiry as of this date (YYYY-MM-DD)")
	_ = f.MarkHidden("now")
	return cmd
}
