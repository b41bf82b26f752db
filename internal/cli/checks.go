package cli

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/agext/levenshtein"
	"github.com/spf13/cobra"

	"github.com/ttt-wg/ttt-check/checks"
	"github.com/ttt-wg/ttt-check/internal/buildinfo"
	"github.com/ttt-wg/ttt-check/internal/scan"
)

type recipesOption struct{ dir string }

func newChecksCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check: id, severity, title",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := loadRecipes(opt.dir)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
			for _, id := range checks.AllIDs() {
				c := set.Checks[id]
				fmt.Fprintf(tw, "%s\t%s\t%s\n", id, c.SeverityRaw, c.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}

func newExplainCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain a check: title, severity, rationale, remediation and references",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRecipes(opt.dir)
			if err != nil {
				return err
			}
			c, ok := set.Checks[args[0]]
			if !ok {
				return usageError("unknown check %q%s (see ttt-check checks)", args[0], suggest(args[0], checks.AllIDs()))
			}
			fmt.Fprintf(s.out, "%s — %s\nseverity: %s\n\nWhy it matters\n%s\n\nHow to fix it\n%s\n\nReferences\n",
				c.ID, c.Title, c.SeverityRaw, indent(c.Rationale), indent(c.Remediation))
			for _, r := range c.References {
				fmt.Fprintf(s.out, "  - %s\n", r)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}

func newVersionCommand(s streams) *cobra.Command {
	opt := recipesOption{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the tool version, the recipe set version and its digest",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := loadRecipes(opt.dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.out, "ttt-check %s\nrecipes %s (%s)\ndigest %s\n", buildinfo.String(), set.Version, set.Source, set.Digest)
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.dir, "recipes", "", "directory of *.hcl recipes replacing the embedded set")
	return cmd
}

func indent(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

// suggest names the nearest known ids, for a mistyped one.
func suggest(id string, known []string) string {
	type cand struct {
		id string
		d  int
	}
	var cs []cand
	for _, k := range known {
		if d := levenshtein.Distance(id, k, nil); d <= 3 || strings.Contains(k, id) {
			cs = append(cs, cand{k, d})
		}
	}
	if len(cs) == 0 {
		return ""
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	return "; did you mean " + cs[0].id + "?"
}

func serviceNames() []string { return scan.ServiceNames() }
