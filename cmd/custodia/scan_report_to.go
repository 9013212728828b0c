package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/scan/dbsource"
	"custodia/internal/scan/scanrun"
	"custodia/internal/scans"
)

// scanReporter gathers a scan's findings into locations (counts per path,
// column and entity; never a value) and records them in a server under
// /v1/scans.
type scanReporter struct {
	client    *apiClient
	started   time.Time
	locations map[scans.Key]*scans.Location
	dropped   int // findings at locations past scans.MaxLocations
}

// redactURL is a URL as it may be shown: without a password, or "the
// URL" when it does not parse.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the URL"
	}
	return u.Redacted()
}

// newScanReporter checks the server URL and token of --report-to.
func newScanReporter(rawURL, token string) (*scanReporter, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErr(fmt.Errorf("--report-to must be the server's http:// or https:// URL"))
	}
	if token == "" {
		return nil, usageErr(fmt.Errorf("--token (or CUSTODIA_TOKEN) is required with --report-to"))
	}
	base := strings.TrimSuffix(strings.TrimRight(rawURL, "/"), "/v1/scans")
	c, err := newAPIClient(remoteFlags{url: base, token: token})
	if err != nil {
		return nil, err
	}
	return &scanReporter{client: c, started: time.Now().UTC(), locations: map[scans.Key]*scans.Location{}}, nil
}

// add counts one finding.
func (r *scanReporter) add(f scanrun.Finding) {
	k := scans.Key{Path: f.Path, Column: f.Column, Entity: f.Entity}
	l, ok := r.locations[k]
	if !ok {
		if len(r.locations) >= scans.MaxLocations {
			r.dropped++
			return
		}
		l = &scans.Location{Path: f.Path, Column: f.Column, Entity: f.Entity, Category: f.Category}
		r.locations[k] = l
	}
	l.Count++
	if f.Confidence > l.MaxConfidence {
		l.MaxConfidence = f.Confidence
	}
}

// reportBatchBytes keeps each call well under the server's 1 MiB body limit.
const reportBatchBytes = 512 << 10

// sent is what the server answered to a scan report.
type sent struct {
	Scan struct {
		ID string `json:"id"`
	} `json:"scan"`
	Systems  []string `json:"systems"`
	Proposed bool     `json:"proposed_system"`
}

// send records the scan in the server.
func (r *scanReporter) send(roots []string, rep scanrun.Report) (sent, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	sc := scans.Scan{Source: host, StartedAt: r.started, FinishedAt: time.Now().UTC(),
		Summary: scans.Summary{Files: rep.Summary.Files, Tables: rep.Summary.Tables, Bytes: rep.Summary.Bytes, Findings: rep.Summary.Findings, ByEntity: rep.Summary.ByEntity}}
	for _, root := range roots {
		sc.Roots = append(sc.Roots, reportedRoot(root))
	}
	for _, e := range rep.Errors {
		if len(sc.Errors) == scans.MaxErrors {
			break
		}
		sc.Errors = append(sc.Errors, scans.FileError{Path: clip(e.Path), Error: clip(e.Error)})
	}
	batches := r.batches()
	if len(batches) > 0 {
		sc.Locations = batches[0]
	}
	var created sent
	if _, err := r.client.call("POST", "/v1/scans", sc, &created); err != nil {
		return created, err
	}
	for _, b := range batches[min(1, len(batches)):] {
		if _, err := r.client.call("POST", "/v1/scans/"+created.Scan.ID+"/locations", map[string]any{"locations": b}, nil); err != nil {
			return created, err
		}
	}
	return created, nil
}

// batches splits the locations, in a stable order, into calls under the
// server's limits.
func (r *scanReporter) batches() [][]scans.Location {
	all := make([]scans.Location, 0, len(r.locations))
	for _, l := range r.locations {
		l.Path, l.Column = clip(l.Path), clip(l.Column)
		all = append(all, *l)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Entity < b.Entity
	})
	var out [][]scans.Location
	var cur []scans.Location
	size := 0
	for _, l := range all {
		b, _ := json.Marshal(l)
		if len(cur) > 0 && (len(cur) == scans.MaxLocationsPerCall || size+len(b) > reportBatchBytes) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, l)
		size += len(b) + 1
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// reportedRoot is how a root is recorded: a database URL without its
// password, a path made absolute so that the data map can match it.
func reportedRoot(root string) string {
	if dbsource.IsURL(root) {
		return clip(dbsource.Redact(root))
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return clip(filepath.ToSlash(root))
}

// clip shortens s to the server's 1024-byte text limit on a rune boundary.
func clip(s string) string {
	const max = 1024
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
