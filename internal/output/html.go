package output

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/ttt-wg/ttt-check/internal/finding"
)

//go:embed html/report.html.tmpl
var htmlTemplate string

// htmlPage is parsed on first use: only --format html needs it, and
// parsing it at init cost every command, `version` included.
var htmlPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"summary": func(r *finding.Report) string { return summaryLine(r) },
		"strategies": func(x any) string {
			return strings.Trim(strings.ReplaceAll(fmt.Sprint(x), " ", ", "), "[]")
		},
		"join":  strings.Join,
		"also":  alsoAt,
		"lower": strings.ToLower,
	}).Parse(htmlTemplate))
})

// HTML writes one self-contained page (no scripts, fonts or images from
// the network): summary, per-service trust inventory, findings with
// remediation and sources.
func HTML(w io.Writer, r *finding.Report, _ Options) error {
	r = sanitize(r)
	if err := htmlPage().Execute(w, r); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}
