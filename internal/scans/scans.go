// Package scans is the server's record of scanner results: what a
// `custodia scan --report-to` run found where, as counts per location and
// entity. It never holds a found value, not even a masked preview; the
// governance data map builds on these records.
package scans

import (
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/scan"
)

// Limits on what one report may carry.
const (
	MaxLocationsPerCall = 2000
	MaxLocations        = 200_000
	MaxErrors           = 1000
	MaxRoots            = 100
	maxText             = 1024
)

// Scan is one reported scan run.
type Scan struct {
	ID         string         `json:"id"`
	Source     string         `json:"source"` // the host that ran the scan
	Roots      []string       `json:"roots"`  // paths and database URLs, without passwords
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt time.Time      `json:"finished_at"`
	Summary    Summary        `json:"summary"`
	Errors     []FileError    `json:"errors"`
	ReportedBy string         `json:"reported_by"`
	CreatedAt  time.Time      `json:"created_at"`
	Locations  []Location     `json:"locations,omitempty"`
	Categories map[string]int `json:"categories,omitempty"` // fideslang category -> findings, derived
}

// Summary counts what the scan read and found.
type Summary struct {
	Files int `json:"files"`
	// Tables counts the database tables, views and materialized views
	// sampled (a database scan reads tables, not files).
	Tables   int                 `json:"tables,omitempty"`
	Bytes    int64               `json:"bytes"`
	Findings int                 `json:"findings"`
	ByEntity map[scan.Entity]int `json:"by_entity"`
}

// FileError is an input the scan could not read, and why.
type FileError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// Location is where personal data of one entity was found: a file (or
// archive entry, or database), a column when the data was tabular, how
// many findings, the highest confidence, and the fideslang category.
type Location struct {
	Path          string      `json:"path"`
	Column        string      `json:"column,omitempty"`
	Entity        scan.Entity `json:"entity"`
	Category      string      `json:"category"`
	Count         int         `json:"count"`
	MaxConfidence float64     `json:"max_confidence"`
}

// Key identifies a location within a scan.
type Key struct {
	Path, Column string
	Entity       scan.Entity
}

// Key returns the location's key.
func (l Location) Key() Key { return Key{l.Path, l.Column, l.Entity} }

// knownEntities lets Validate refuse entities the scanner does not report.
var knownEntities = func() map[scan.Entity]bool {
	m := map[scan.Entity]bool{}
	for _, e := range scan.Entities {
		m[e] = true
	}
	return m
}()

// ValidateLocations checks a batch of locations.
func ValidateLocations(ls []Location) error {
	if len(ls) > MaxLocationsPerCall {
		return apperr.Newf(apperr.Invalid, "too_many_locations", "at most %d locations per call; send the rest to /v1/scans/{id}/locations", MaxLocationsPerCall)
	}
	for i, l := range ls {
		switch {
		case !validText(l.Path, true):
			return apperr.Newf(apperr.Invalid, "invalid_location", "locations[%d].path must be 1 to %d bytes of UTF-8", i, maxText)
		case !validText(l.Column, false):
			return apperr.Newf(apperr.Invalid, "invalid_location", "locations[%d].column must be at most %d bytes of UTF-8", i, maxText)
		case !knownEntities[l.Entity]:
			return apperr.Newf(apperr.Invalid, "invalid_location", "locations[%d].entity is not an entity the scanner reports", i)
		case !validText(l.Category, true) || !strings.HasPrefix(l.Category, "user."):
			return apperr.Newf(apperr.Invalid, "invalid_location", "locations[%d].category must be a fideslang user.* category", i)
		case l.Count < 1:
			return apperr.Newf(apperr.Invalid, "invalid_location", "locations[%d].count must be at least 1", i)
		case l.MaxConfidence < 0 || l.MaxConfidence > 1:
			return apperr.Newf(apperr.Invalid, "invalid_location", "locations[%d].max_confidence must be between 0 and 1", i)
		}
	}
	return nil
}

// Validate checks a new scan report, locations included.
func (s *Scan) Validate() error {
	switch {
	case !validText(s.Source, true):
		return apperr.Newf(apperr.Invalid, "invalid_source", "source (the scanning host) must be 1 to %d bytes of UTF-8", maxText)
	case len(s.Roots) == 0 || len(s.Roots) > MaxRoots:
		return apperr.Newf(apperr.Invalid, "invalid_roots", "roots must list 1 to %d scanned paths or databases", MaxRoots)
	case s.StartedAt.IsZero() || s.FinishedAt.IsZero() || s.FinishedAt.Before(s.StartedAt):
		return apperr.New(apperr.Invalid, "invalid_times", "started_at and finished_at are required, and finished_at may not be before started_at")
	case s.Summary.Files < 0 || s.Summary.Tables < 0 || s.Summary.Bytes < 0 || s.Summary.Findings < 0:
		return apperr.New(apperr.Invalid, "invalid_summary", "summary counts may not be negative")
	case len(s.Errors) > MaxErrors:
		return apperr.Newf(apperr.Invalid, "too_many_errors", "at most %d errors per scan", MaxErrors)
	}
	for i, r := range s.Roots {
		if !validText(r, true) {
			return apperr.Newf(apperr.Invalid, "invalid_roots", "roots[%d] must be 1 to %d bytes of UTF-8", i, maxText)
		}
		if HasPassword(r) {
			return apperr.Newf(apperr.Invalid, "invalid_roots", "roots[%d] holds a password: send database URLs without one", i)
		}
	}
	for e, n := range s.Summary.ByEntity {
		if !knownEntities[e] || n < 0 {
			return apperr.New(apperr.Invalid, "invalid_summary", "summary.by_entity names an unknown entity or a negative count")
		}
	}
	for i, fe := range s.Errors {
		if !validText(fe.Path, true) || !validText(fe.Error, true) {
			return apperr.Newf(apperr.Invalid, "invalid_errors", "errors[%d] needs a path and an error of 1 to %d bytes", i, maxText)
		}
	}
	return ValidateLocations(s.Locations)
}

// validText reports whether s is valid UTF-8 within the length limit,
// and not empty when required.
func validText(s string, required bool) bool {
	return (!required || strings.TrimSpace(s) != "") && len(s) <= maxText && utf8.ValidString(s)
}

// HasPassword reports whether s is a URL whose user information carries a
// password (postgres://user:secret@host/db), which must not be stored.
func HasPassword(s string) bool {
	i := strings.Index(s, "://")
	if i < 0 {
		return false
	}
	rest := s[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return false
	}
	slash := strings.IndexByte(rest, '/')
	if slash >= 0 && slash < at {
		return false
	}
	return strings.Contains(rest[:at], ":")
}

// Categories sums the findings of locations per fideslang category.
func Categories(ls []Location) map[string]int {
	m := map[string]int{}
	for _, l := range ls {
		m[l.Category] += l.Count
	}
	return m
}
