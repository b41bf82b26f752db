package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

type docsOptions struct {
	man, completions string
}

// newDocsCommand writes man pages and shell completions from the command
// tree, for packaging; hidden from users.
func newDocsCommand(root func() *cobra.Command) *cobra.Command {
	opt := docsOptions{}
	cmd := &cobra.Command{
		Use:    "docs",
		Short:  "Write man pages and shell completions (for packaging)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := root()
			r.DisableAutoGenTag = true
			if opt.man != "" {
				if err := os.MkdirAll(opt.man, 0o755); err != nil {
					return fmt.Errorf("create %s: %w", opt.man, err)
				}
				if err := doc.GenManTree(r, &doc.GenManHeader{Title: "TTT-CHECK", Section: "1", Source: "ttt-check"}, opt.man); err != nil {
					return fmt.Errorf("write man pages: %w", err)
				}
			}
			if opt.completions != "" {
				if err := os.MkdirAll(opt.completions, 0o755); err != nil {
					return fmt.Errorf("create %s: %w", opt.completions, err)
				}
				if err := r.GenBashCompletionFileV2(filepath.Join(opt.completions, "ttt-check.bash"), true); err != nil {
					return fmt.Errorf("write bash completion: %w", err)
				}
				if err := r.GenZshCompletionFile(filepath.Join(opt.completions, "_ttt-check")); err != nil {
					return fmt.Errorf("write zsh completion: %w", err)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.man, "man", "", "directory for man pages")
	cmd.Flags().StringVar(&opt.completions, "completions", "", "directory for bash and zsh completions")
	return cmd
}
