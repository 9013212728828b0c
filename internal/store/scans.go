package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/datamap"
	"custodia/internal/scan"
	"custodia/internal/scans"
)

// PutScan stores a reported scan and its first locations, links it to
// the systems of the data map it belongs to, and adds proposed (a new
// system the scan proposes) when it is not nil.
func (db *DB) PutScan(ctx context.Context, s scans.Scan, systems []string, proposed *datamap.System, e *audit.Entry) error {
	roots, _ := json.Marshal(s.Roots)
	summary, _ := json.Marshal(s.Summary)
	errs, _ := json.Marshal(s.Errors)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO scans (id, source, roots, started_at, finished_at, summary, errors, reported_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			s.ID, s.Source, string(roots), s.StartedAt.UnixMicro(), s.FinishedAt.UnixMicro(), string(summary), string(errs), s.ReportedBy, s.CreatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("insert scan: %w", err)
		}
		// The closure may run twice (a failed group commit retries each op
		// alone), so it must not change what it captured.
		links := systems
		if proposed != nil {
			if err := insertSystem(ctx, tx, *proposed); err != nil {
				return err
			}
			links = append(slices.Clip(systems), proposed.ID)
		}
		for _, id := range links {
			if _, err := tx.Exec(ctx, "INSERT INTO scan_systems (scan_id, system_id) VALUES (?, ?)", s.ID, id); err != nil {
				return fmt.Errorf("link scan to system: %w", err)
			}
		}
		return db.addLocations(ctx, tx, s.ID, s.Locations)
	}, e)
}

// AddScanLocations adds locations to a scan that reporter reported; a
// location already there has its count added to and its highest
// confidence kept. It returns the scan's number of locations.
func (db *DB) AddScanLocations(ctx context.Context, id, reporter string, ls []scans.Location, e *audit.Entry) (int, error) {
	var total int
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		var by string
		err := tx.QueryRow(ctx, "SELECT reported_by FROM scans WHERE id = ?"+db.d.forUpdate(), id).Scan(&by)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return apperr.New(apperr.NotFound, "scan_not_found", "no such scan")
		case err != nil:
			return fmt.Errorf("find scan: %w", err)
		case by != reporter:
			return apperr.New(apperr.Forbidden, "not_your_scan", "locations may only be added by whoever reported the scan")
		}
		if err := db.addLocations(ctx, tx, id, ls); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM scan_locations WHERE scan_id = ?", id).Scan(&total); err != nil {
			return fmt.Errorf("count locations: %w", err)
		}
		if total > scans.MaxLocations {
			return apperr.Newf(apperr.Invalid, "too_many_locations", "a scan holds at most %d locations", scans.MaxLocations)
		}
		return nil
	}, e)
	return total, err
}

// addLocations upserts locations of scan id.
func (db *DB) addLocations(ctx context.Context, tx *Tx, id string, ls []scans.Location) error {
	for _, l := range ls {
		_, err := tx.Exec(ctx, `INSERT INTO scan_locations (scan_id, path, column_name, entity, category, hits, max_confidence) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scan_id, path, column_name, entity) DO UPDATE SET hits = scan_locations.hits + excluded.hits,
max_confidence = CASE WHEN excluded.max_confidence > scan_locations.max_confidence THEN excluded.max_confidence ELSE scan_locations.max_confidence END`,
			id, l.Path, l.Column, string(l.Entity), l.Category, l.Count, l.MaxConfidence)
		if err != nil {
			return fmt.Errorf("insert scan location: %w", err)
		}
	}
	return nil
}

const scanColumns = "id, source, roots, started_at, finished_at, summary, errors, reported_by, created_at"

// scanScan reads one scans row.
func scanScan(row interface{ Scan(...any) error }) (scans.Scan, error) {
	var s scans.Scan
	var roots, summary, errs string
	var started, finished, created int64
	if err := row.Scan(&s.ID, &s.Source, &roots, &started, &finished, &summary, &errs, &s.ReportedBy, &created); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(roots), &s.Roots); err != nil {
		return s, fmt.Errorf("scan roots: %w", err)
	}
	if err := json.Unmarshal([]byte(summary), &s.Summary); err != nil {
		return s, fmt.Errorf("scan summary: %w", err)
	}
	if err := json.Unmarshal([]byte(errs), &s.Errors); err != nil {
		return s, fmt.Errorf("scan errors: %w", err)
	}
	if s.Summary.ByEntity == nil {
		s.Summary.ByEntity = map[scan.Entity]int{}
	}
	s.StartedAt, s.FinishedAt, s.CreatedAt = time.UnixMicro(started).UTC(), time.UnixMicro(finished).UTC(), time.UnixMicro(created).UTC()
	return s, nil
}

// ListScans lists the reported scans, newest first, without locations.
func (db *DB) ListScans(ctx context.Context, limit int) ([]scans.Scan, error) {
	rows, err := db.query(ctx, "SELECT "+scanColumns+" FROM scans ORDER BY created_at DESC, id LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	defer rows.Close()
	out := []scans.Scan{}
	for rows.Next() {
		s, err := scanScan(rows)
		if err != nil {
			return nil, fmt.Errorf("list scans: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// GetScan returns a scan with a page of its locations (ordered by path,
// column and entity) and the number of locations in all.
func (db *DB) GetScan(ctx context.Context, id string, offset, limit int) (scans.Scan, int, error) {
	s, err := scanScan(db.queryRow(ctx, "SELECT "+scanColumns+" FROM scans WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, 0, apperr.New(apperr.NotFound, "scan_not_found", "no such scan")
	}
	if err != nil {
		return s, 0, fmt.Errorf("get scan: %w", err)
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM scan_locations WHERE scan_id = ?", id).Scan(&total); err != nil {
		return s, 0, fmt.Errorf("count locations: %w", err)
	}
	cats, err := db.query(ctx, "SELECT category, SUM(hits) FROM scan_locations WHERE scan_id = ? GROUP BY category", id)
	if err != nil {
		return s, 0, fmt.Errorf("scan categories: %w", err)
	}
	s.Categories = map[string]int{}
	for cats.Next() {
		var c string
		var n int
		if err := cats.Scan(&c, &n); err != nil {
			cats.Close()
			return s, 0, fmt.Errorf("scan categories: %w", err)
		}
		s.Categories[c] = n
	}
	if err := cats.Close(); err != nil {
		return s, 0, fmt.Errorf("scan categories: %w", err)
	}
	rows, err := db.query(ctx, "SELECT path, column_name, entity, category, hits, max_confidence FROM scan_locations WHERE scan_id = ? ORDER BY path, column_name, entity LIMIT ? OFFSET ?", id, limit, offset)
	if err != nil {
		return s, 0, fmt.Errorf("scan locations: %w", err)
	}
	defer rows.Close()
	s.Locations = []scans.Location{}
	for rows.Next() {
		var l scans.Location
		var entity string
		if err := rows.Scan(&l.Path, &l.Column, &entity, &l.Category, &l.Count, &l.MaxConfidence); err != nil {
			return s, 0, fmt.Errorf("scan locations: %w", err)
		}
		l.Entity = scan.Entity(entity)
		s.Locations = append(s.Locations, l)
	}
	return s, total, rows.Err()
}
