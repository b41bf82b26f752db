package output

import (
	"html/template"
	"io"
	"sync"

	"github.com/ttt-wg/ttt-check/internal/fleet"
)

// fleetPage is parsed on first use, like htmlPage.
var fleetPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("fleet").Funcs(template.FuncMap{
		"count": func(h *fleet.Host, c string) int { return h.Checks[c] },
	}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ttt-check fleet report</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2em .5em}
.critical{background:#a40000;color:#fff}.high{background:#d9480f;color:#fff}.medium{background:#ffd43b}.low{background:#d0ebff}</style></head>
<body><h1>ttt-check fleet report</h1>
<p>{{len .Hosts}} hosts; current recipes {{.RecipeVersion}}; generated {{.GeneratedAt.Format "2006-01-02 15:04 MST"}}.</p>
<h2>Hosts × checks</h2>
<table id="matrix"><tr><th>host</th><th>worst</th><th>failed</th>{{range .Checks}}<th>{{.}}</th>{{end}}</tr>
{{range $h := .Hosts}}<tr><td>{{$h.Host}}{{if $h.Stale}} (stale){{end}}{{if $h.OldRecipes}} (recipes {{$h.RecipeVersion}}){{end}}</td><td class="{{$h.Worst}}">{{$h.Worst}}</td><td>{{$h.Failed}}</td>{{range $.Checks}}<td>{{count $h .}}</td>{{end}}</tr>
{{end}}</table>
<h2>Hosts trusting a development VO</h2><ul id="dev">{{range $iss, $hosts := .Development}}<li><code>{{$iss}}</code>: {{range $hosts}}{{.}} {{end}}</li>{{end}}</ul>
<h2>Trusted issuers</h2><ul>{{range $iss, $hosts := .Issuers}}<li><code>{{$iss}}</code>: {{len $hosts}} host(s): {{range $hosts}}{{.}} {{end}}</li>{{end}}</ul>
<h2>Waivers expiring within 30 days</h2><ul>{{range .Expiring}}<li>{{.Expires}} {{.Check}} on {{.Host}}: {{.Reason}}</li>{{end}}</ul>
{{if .Errors}}<h2>Unreadable results</h2><ul>{{range .Errors}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`))
})

// FleetHTML writes the fleet view as one self-contained page.
func FleetHTML(w io.Writer, r *fleet.Report, _ Options) error { return fleetPage().Execute(w, r) }
