// Package cli holds the cobra commands of ttt-check. Each command has one
// constructor, decodes its flags into an options struct and returns errors
// from RunE; main turns them into exit codes. The commands call only the
// pipeline's entry (internal/scan), the output registry (internal/output)
// and the fleet aggregation (internal/fleet).
package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

// Exit codes, the contract with Ansible, Puppet, Nagios and CI callers.
// When several apply, 2 wins over 1 and 1 over 3.
const (
	ExitOK        = 0 // nothing unwaived at or above --fail-on
	ExitDeviation = 1 // deviations found
	ExitUsage     = 2 // usage error, invalid site profile, recipes or site rules, output error
	ExitNothing   = 3 // nothing to judge: no service, a required one or a named path missing
)

// ExitError carries an exit code through cobra back to main. A nil Err
// means the code speaks for itself (deviations were already reported).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

func usageError(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// streams are where commands write; tests replace them. color is the
// --color mode shared by every command.
type streams struct {
	out, err io.Writer
	color    *string
}

// NewRootCommand builds the ttt-check command tree.
func NewRootCommand(out, errOut io.Writer) *cobra.Command {
	color := "auto"
	s := streams{out: out, err: errOut, color: &color}
	root := &cobra.Command{
		Use:   "ttt-check",
		Short: "Check a grid host's token trust against the WLCG TTT working group's recipes",
		Long: `ttt-check reads the token-trust configuration of the grid services on a host
(` + strings.Join(scan.ServiceNames(), ", ") + `), builds one inventory of which token issuers
each service trusts, for what, mapped to which account, compares it with the
Token Trust and Traceability working group's reference recipes, and reports every
deviation with file:line, why it matters and how to fix it.

It only reads files; it never executes anything it finds in a config.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       scan.ToolVersion(),
	}
	root.SetOut(out)
	root.SetErr(errOut)
	root.PersistentFlags().StringVar(&color, "color", "auto", "colour: auto (on a terminal, unless NO_COLOR is set), always or never")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	// Every flag can come from TTT_CHECK_<FLAG> (--fail-on: TTT_CHECK_FAIL_ON);
	// a flag on the command line wins.
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := flagsFromEnv(cmd, os.LookupEnv); err != nil {
			return err
		}
		switch color {
		case "auto", "always", "never":
			return nil
		}
		return usageError("--color: %q is not auto, always or never", color)
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})
	root.AddCommand(
		newScanCommand(s),
		newInventoryCommand(s),
		newChecksCommand(s),
		newExplainCommand(s),
		newRecipeCommand(s),
		newVersionCommand(s),
		newReportCommand(s),
		newLogsCommand(s),
		newRulesCommand(s),
		newDocsCommand(s, func() *cobra.Command { return NewRootCommand(out, errOut) }),
	)
	return root
}

// Execute runs the command line and returns the process exit code. It is
// what main calls; nothing below it exits the process.
func Execute(args []string, out, errOut io.Writer) int {
	root := NewRootCommand(out, errOut)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(errOut, "ttt-check: %v\n", ee.Err)
		}
		return ee.Code
	}
	// Anything cobra itself rejects (unknown command, bad args) is usage.
	fmt.Fprintf(errOut, "ttt-check: %v\n", err)
	return ExitUsage
}

// envPrefix starts the environment variable of every flag.
const envPrefix = "TTT_CHECK_"

// flagsFromEnv sets every flag of cmd not given on the command line from
// TTT_CHECK_<NAME> (upper case, dashes as underscores). A list flag takes
// a comma-separated value. A bad value is a usage error naming the
// variable.
func flagsFromEnv(cmd *cobra.Command, lookup func(string) (string, bool)) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "help" {
			return
		}
		name := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := lookup(name)
		if !ok {
			return
		}
		values := []string{v}
		if strings.HasSuffix(f.Value.Type(), "Array") || strings.HasSuffix(f.Value.Type(), "Slice") {
			values = strings.Split(v, ",")
		}
		for _, x := range values {
			if e := cmd.Flags().Set(f.Name, strings.TrimSpace(x)); e != nil {
				err = usageError("%s: %w", name, e)
				return
			}
		}
	})
	return err
}

// fixedCompletion completes a flag or argument from a fixed list.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// colorFor says whether w gets colour: --color always or never, else only
// a terminal, and never with NO_COLOR set (https://no-color.org).
func colorFor(s streams, w io.Writer) bool {
	mode := "auto"
	if s.color != nil {
		mode = *s.color
	}
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// stickyWriter remembers the first write error, so that a writer that
// ignores errors (fmt.Fprintf) cannot report success on a full disk.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

// writeAll runs write on w through a 64 KiB buffer and returns the first
// error of the writer, a write or the flush. Buffered: the writers write
// in pieces of a few bytes to a few KB (the HTML of a CE with 100,000
// mapping rules in about a million), a system call each on a bare
// descriptor.
func writeAll(w io.Writer, o output.Options, write func(io.Writer, output.Options) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	sw := &stickyWriter{w: bw}
	err := write(sw, o)
	if err == nil {
		err = sw.err
	}
	if err == nil {
		err = bw.Flush()
	}
	return err
}

// emit writes to standard output, or to a file atomically: into a
// temporary file beside it, synced, then renamed over it, so a failed
// write (full disk) leaves the previous report in place. Every write
// error is an output error (exit 2).
func emit(s streams, file string, write func(io.Writer, output.Options) error) error {
	if file == "" {
		if err := writeAll(s.out, output.Options{Color: colorFor(s, s.out)}, write); err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("write standard output: %w", err)}
		}
		return nil
	}
	fail := func(err error) error {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("write %s: %w", file, err)}
	}
	// A device, FIFO or socket (/dev/stdout, /dev/full, a pipe) is written
	// in place: renaming a file over it would replace the device node.
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return fail(errors.New("is a directory"))
		}
		f, err := os.OpenFile(file, os.O_WRONLY, 0)
		if err != nil {
			return fail(err)
		}
		err = writeAll(f, output.Options{}, write)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(err)
		}
		return nil
	}
	dir, base := filepath.Split(file)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fail(err)
	}
	renamed := false
	defer func() {
		if !renamed {
			os.Remove(tmp.Name())
		}
	}()
	err = writeAll(tmp, output.Options{}, write)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	// A new report is as readable as the one it replaces: node_exporter
	// and monitoring read these files as other users.
	if err == nil {
		err = os.Chmod(tmp.Name(), reportMode(file))
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
		renamed = err == nil
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// reportMode keeps the mode of the report a new one replaces, 0644 for a
// new one.
func reportMode(file string) os.FileMode {
	if st, err := os.Stat(file); err == nil && st.Mode().IsRegular() {
		return st.Mode().Perm()
	}
	return 0o644
}
