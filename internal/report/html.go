package report

import (
	"html/template"
	"io"
)

// page renders the report; html/template escapes every value. The data
// map's picture is embedded as an image from the same server when given.
var page = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custodia compliance report</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}.pass{color:#276749}.fail{color:#c53030}li{margin:.2em 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}</style></head><body>
<h1>Compliance report</h1>
<p>Score <strong>{{.R.Score}}%</strong>: {{.R.Passed}} of {{.R.Total}} items pass. Generated {{.R.GeneratedAt.Format "2006-01-02 15:04 MST"}}.</p>
<table><tr><th>Item</th><th>Status</th><th>Evidence</th><th>Fix</th></tr>
{{range .R.Items}}<tr><td>{{.Title}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Detail}}{{if .Evidence}}<ul>{{range .Evidence}}<li>{{.}}</li>{{end}}</ul>{{end}}</td><td>{{if .Link}}<a href="{{.Link}}">Fix it in the console</a><br>{{end}}<code>{{.Fix}}</code></td></tr>
{{end}}</table>
{{if .Map}}<h2>Data map</h2><p>{{.Map}}</p>{{end}}
</body></html>
`))

// WriteHTML writes the report as a standalone page; dataMap, when not
// empty, is the data map's SVG drawn inline.
func WriteHTML(w io.Writer, r Report, dataMap []byte) error {
	return page.Execute(w, map[string]any{"R": r, "Map": template.HTML(dataMap)}) // #nosec: the SVG escapes every name it draws
}
