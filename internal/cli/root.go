// Package cli holds the cobra commands of ttt-check. Each command has one
// constructor, decodes its flags into an options struct and returns errors
// from RunE; main turns them into exit codes. The commands call only the
// pipeline's entry (internal/scan), the output registry (internal/output)
// and the fleet aggregation (internal/fleet).
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

// Exit codes, the contract with Ansible, Puppet and CI callers.
const (
	ExitOK        = 0 // nothing unwaived at or above --fail-on
	ExitDeviation = 1 // deviations found
	ExitUsage     = 2 // usage error, invalid site profile or invalid recipes
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

// streams are where commands write; tests replace them.
type streams struct {
	out, err io.Writer
}

// NewRootCommand builds the ttt-check command tree.
func NewRootCommand(out, errOut io.Writer) *cobra.Command {
	s := streams{out: out, err: errOut}
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

// colorFor says whether w is a terminal that should get colour.
func colorFor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// emit writes to the output file or standard output; colour only on a
// terminal.
func emit(s streams, file string, write func(io.Writer, output.Options) error) error {
	if file == "" {
		return write(s.out, output.Options{Color: colorFor(s.out)})
	}
	f, err := os.Create(file)
	if err != nil {
		return usageError("create %s: %w", file, err)
	}
	if err := write(f, output.Options{}); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}
