package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type docsOptions struct {
	man, completions, readme string
}

// newDocsCommand writes man pages and shell completions from the command
// tree, for packaging, and the README's generated tables (make docs);
// hidden from users.
func newDocsCommand(s streams, root func() *cobra.Command) *cobra.Command {
	opt := docsOptions{}
	cmd := &cobra.Command{
		Use:    "docs",
		Short:  "Write man pages, shell completions and the README's generated tables",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.readme != "" {
				if err := writeREADME(opt.readme); err != nil {
					return err
				}
			}
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
	cmd.Flags().StringVar(&opt.readme, "readme", "", "README.md whose generated tables to rewrite from the recipes and the service registry")
	return cmd
}

// writeREADME rewrites the generated sections of the README in place.
func writeREADME(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	text, err := generatedREADME(string(data))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}

// generatedREADME returns the README with every section between
// `<!-- BEGIN GENERATED name -->` and `<!-- END GENERATED name -->`
// replaced by its current content.
func generatedREADME(readme string) (string, error) {
	cat, err := scan.LoadCatalog("")
	if err != nil {
		return "", err
	}
	for name, body := range output.READMESections(cat) {
		begin := "<!-- BEGIN GENERATED " + name + " (make docs) -->\n"
		end := "<!-- END GENERATED " + name + " -->"
		i := strings.Index(readme, begin)
		j := strings.Index(readme, end)
		if i < 0 || j < i {
			return "", fmt.Errorf("no generated section %q (want %q … %q)", name, strings.TrimSpace(begin), end)
		}
		readme = readme[:i+len(begin)] + body + readme[j:]
	}
	return readme, nil
}
