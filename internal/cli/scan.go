package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/report"
	"github.com/ttt-wg/ttt-check/internal/scan"
	"github.com/ttt-wg/ttt-check/internal/site"
	"github.com/ttt-wg/ttt-check/recipes"
)

type scanOptions struct {
	root    string
	site    string
	recipes string
	format  string
	output  string
	failOn  string
	now     string
}

func newScanCommand(s streams) *cobra.Command {
	opt := scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Scan the host's token trust and report deviations from the recipes",
		Long: `Scan reads every supported service's configuration on the host (or under --root),
evaluates the checks and reports deviations.

Exit codes: 0 nothing unwaived at or above --fail-on; 1 deviations;
2 usage error, invalid site profile or invalid recipes.`,
		Example: `  sudo ttt-check scan
  ttt-check scan --root /srv/snapshots/ce01 --format json --output ce01.json
  ttt-check scan --site /etc/ttt-check/site.toml --fail-on high`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(s, opt)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.root, "root", "/", "scan a copy of a host's filesystem as if it were /")
	f.StringVar(&opt.site, "site", "", "site profile (default: "+scan.DefaultProfilePath+" under --root, if present)")
	f.StringVar(&opt.recipes, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	f.StringVar(&opt.format, "format", "text", "report format: "+strings.Join(report.Names(), "|"))
	f.StringVar(&opt.output, "output", "", "write the report to this file instead of standard output")
	f.StringVar(&opt.failOn, "fail-on", "medium", "exit 1 when an unwaived finding is at or above: "+strings.Join(finding.SeverityNames(), "|"))
	f.StringVar(&opt.now, "now", "", "evaluate waivers as of this date (YYYY-MM-DD), for reproducible reports")
	_ = f.MarkHidden("now")
	return cmd
}

func runScan(s streams, opt scanOptions) error {
	failOn, err := finding.ParseSeverity(opt.failOn)
	if err != nil {
		return usageError("--fail-on: %w", err)
	}
	write, err := report.Lookup(opt.format)
	if err != nil {
		return usageError("--format: %w", err)
	}
	now := time.Now()
	if opt.now != "" {
		if now, err = time.Parse("2006-01-02", opt.now); err != nil {
			return usageError("--now: %w", err)
		}
	}
	set, err := loadRecipes(opt.recipes)
	if err != nil {
		return err
	}
	profile, err := loadProfile(opt.root, opt.site, set)
	if err != nil {
		return err
	}
	rep, err := scan.Run(scan.Options{Root: opt.root, Recipes: set, Profile: profile, Now: now, FailOn: failOn})
	if err != nil {
		return usageError("scan: %w", err)
	}
	if err := emit(s, opt.output, func(w io.Writer, color bool) error {
		return write(w, rep, report.Options{Color: color})
	}); err != nil {
		return err
	}
	if finding.AtOrAbove(rep.Findings, failOn) {
		return &ExitError{Code: ExitDeviation}
	}
	return nil
}

// emit writes to --output or standard output; colour only on a terminal.
func emit(s streams, output string, write func(io.Writer, bool) error) error {
	if output == "" {
		return write(s.out, colorFor(s.out))
	}
	f, err := os.Create(output)
	if err != nil {
		return usageError("create %s: %w", output, err)
	}
	if err := write(f, false); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", output, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", output, err)
	}
	return nil
}

// loadProfile reads --site from this machine, or the host's own
// /etc/ttt-check/site.toml under --root; no profile is not an error.
func loadProfile(root, file string, set *recipes.Set) (*site.Profile, error) {
	var (
		data []byte
		name string
		err  error
	)
	if file != "" {
		name = file
		if data, err = os.ReadFile(file); err != nil {
			return nil, usageError("read site profile: %w", err)
		}
	} else {
		fsys, err := hostfs.New(root)
		if err != nil {
			return nil, usageError("--root: %w", err)
		}
		name = scan.DefaultProfilePath
		if data, err = fsys.ReadFile(name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil
			}
			return nil, usageError("read site profile: %w", err)
		}
	}
	p, err := site.Load(name, data)
	if err != nil {
		return nil, usageError("invalid site profile: %w", err)
	}
	if err := scan.ValidateProfile(p, set); err != nil {
		return nil, usageError("invalid site profile:\n%w", err)
	}
	return p, nil
}
