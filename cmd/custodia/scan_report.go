package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"custodia/internal/scan"
	"custodia/internal/scan/scanrun"
)

// sarifWriter writes SARIF 2.1.0, one result per finding, so code-scanning
// tools can show where personal data sits. Messages hold the masked
// preview only.
func sarifWriter(w, errw io.Writer) scanWriter {
	type logical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
		// The CSV header, Sheet!B7 or table.column.
		LogicalLocations []logical `json:"logicalLocations,omitempty"`
	}
	type result struct {
		RuleID  string `json:"ruleId"`
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []location `json:"locations"`
	}
	var results []result
	return scanWriter{
		finding: func(f scanrun.Finding) {
			var r result
			r.RuleID, r.Level = string(f.Entity), "warning"
			if f.Confidence < 0.8 {
				r.Level = "note"
			}
			r.Message.Text = fmt.Sprintf("%s (%s, confidence %.2f): %s", f.Entity, f.Category, f.Confidence, f.Preview)
			var l location
			if f.Column != "" {
				r.Message.Text = fmt.Sprintf("%s in %s (%s, confidence %.2f): %s", f.Entity, f.Column, f.Category, f.Confidence, f.Preview)
				l.LogicalLocations = []logical{{FullyQualifiedName: f.Column, Kind: "member"}}
			}
			l.PhysicalLocation.ArtifactLocation.URI = sarifURI(f.Path)
			l.PhysicalLocation.Region.StartLine = max(f.Line, 1)
			r.Locations = []location{l}
			results = append(results, r)
		},
		end: func(rep scanrun.Report) error {
			rules := []map[string]any{}
			for _, e := range scan.Entities {
				rules = append(rules, map[string]any{"id": string(e), "shortDescription": map[string]string{"text": "personal data: " + string(e)}})
			}
			if results == nil {
				results = []result{}
			}
			doc := map[string]any{
				"version": "2.1.0",
				"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
				"runs": []any{map[string]any{
					"tool":    map[string]any{"driver": map[string]any{"name": "custodia scan", "rules": rules}},
					"results": results,
				}},
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			printScanErrors(errw, rep)
			return enc.Encode(doc)
		},
	}
}

// sarifURI turns a finding's path into a URI reference: a file path
// ("mail/a.eml!khách hàng.tsv") percent-encoded, a database URL (redacted
// already) as it is.
func sarifURI(p string) string {
	if strings.Contains(p, "://") {
		return p
	}
	return (&url.URL{Path: filepath.ToSlash(p)}).String()
}

var htmlReport = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custodia scan report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.bar{display:inline-block;height:.9rem;background:#4a7bd0;vertical-align:middle}
</style></head><body>
<h1>Personal data found</h1>
<p>{{.Summary.Findings}} findings in {{.Scanned}} ({{printf "%.1f" .MB}} MB scanned). Values are never shown, only masked previews.</p>
<h2>Entities per location</h2>
<table><tr><th>Location</th><th>Entity</th><th>Findings</th><th></th></tr>
{{range .Chart}}<tr><td>{{.Path}}</td><td>{{.Entity}}</td><td>{{.Count}}</td><td><span class="bar" style="width:{{.Width}}px"></span></td></tr>
{{end}}</table>
{{if .Summary.Columns}}<h2>Database columns</h2>
<table><tr><th>Database</th><th>Column</th><th>Kind</th><th>Sampled values</th><th>Entities (values holding each)</th></tr>
{{range .Summary.Columns}}<tr><td>{{.Database}}</td><td>{{.Column}}</td><td>{{.Kind}}</td><td>{{.Values}}</td><td>{{range $i, $e := .Entities}}{{if $i}}, {{end}}{{$e.Entity}} {{$e.Matches}}{{end}}</td></tr>
{{end}}</table>{{end}}
<h2>Findings</h2>
<table><tr><th>Path</th><th>Line</th><th>Column</th><th>Entity</th><th>Confidence</th><th>Preview</th></tr>
{{range .Findings}}<tr><td>{{.Path}}</td><td>{{.Line}}</td><td>{{.Column}}</td><td>{{.Entity}}</td><td>{{printf "%.2f" .Confidence}}</td><td>{{.Preview}}</td></tr>
{{end}}</table>
{{if .Errors}}<h2>Not read</h2><ul>{{range .Errors}}<li>{{.Path}}: {{.Error}}</li>{{end}}</ul>{{end}}
</body></html>
`))

// htmlWriter writes a standalone HTML report with a bar chart of entity
// counts per location (file). It keeps the first 10,000 findings for the
// table; the chart counts all of them.
func htmlWriter(w, _ io.Writer) scanWriter {
	type bar struct {
		Path   string
		Entity scan.Entity
		Count  int
		Width  int
	}
	counts := map[[2]string]int{}
	var kept []scanrun.Finding
	return scanWriter{
		finding: func(f scanrun.Finding) {
			counts[[2]string{f.Path, string(f.Entity)}]++
			if len(kept) < 10000 {
				kept = append(kept, f)
			}
		},
		end: func(rep scanrun.Report) error {
			var chart []bar
			top := 1
			for k, n := range counts {
				chart = append(chart, bar{Path: k[0], Entity: scan.Entity(k[1]), Count: n})
				top = max(top, n)
			}
			sort.Slice(chart, func(i, j int) bool {
				if chart[i].Path != chart[j].Path {
					return chart[i].Path < chart[j].Path
				}
				return chart[i].Entity < chart[j].Entity
			})
			for i := range chart {
				chart[i].Width = 1 + chart[i].Count*300/top
			}
			return htmlReport.Execute(w, map[string]any{"Summary": rep.Summary, "Scanned": scannedWhat(rep.Summary), "MB": float64(rep.Summary.Bytes) / 1e6,
				"Chart": chart, "Findings": kept, "Errors": rep.Errors})
		},
	}
}
