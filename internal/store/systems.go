package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/incidents"
)

// systemSpec is what the spec column holds: a system's declared fields.
type systemSpec struct {
	Kind          string             `json:"kind"`
	Description   string             `json:"description,omitempty"`
	Owner         string             `json:"owner,omitempty"`
	Holders       []string           `json:"holders"`
	Categories    []string           `json:"categories"`
	Declared      map[string]int64   `json:"declared_at,omitempty"` // category -> when first declared, micros
	Jurisdictions []string           `json:"jurisdictions"`
	Purposes      []string           `json:"purposes"`
	Retention     string             `json:"retention,omitempty"`
	Transfers     []string           `json:"transfers"`
	Processors    []string           `json:"processors"`
	Match         datamap.Match      `json:"match"`
	Discovered    []datamap.Category `json:"-"`
}

// specOf returns the declared fields of s as JSON.
func specOf(s datamap.System) string {
	sp := systemSpec{Kind: s.Kind, Description: s.Description, Owner: s.Owner, Holders: s.Holders, Jurisdictions: s.Jurisdictions,
		Purposes: s.Purposes, Retention: s.Retention, Transfers: s.Transfers, Processors: s.Processors, Match: s.Match, Categories: []string{},
		Declared: map[string]int64{}}
	for _, c := range s.Categories {
		if c.Source == datamap.SourceDeclared {
			sp.Categories = append(sp.Categories, c.Category)
			if !c.Since.IsZero() {
				sp.Declared[c.Category] = c.Since.UnixMicro()
			}
		}
	}
	b, _ := json.Marshal(sp)
	return string(b)
}

// errSystemExists refuses a second system of the same name.
var errSystemExists = apperr.New(apperr.Conflict, "system_exists", "a system with this name already exists")

// checkNameFree refuses a name another system (not id) has, compared
// without regard to case: "sales team excel exports" next to "Sales team
// Excel exports" would show the data map one channel twice (QA). The map
// holds at most a few hundred systems, read in the write's transaction.
func checkNameFree(ctx context.Context, tx *Tx, id, name string) error {
	rows, err := tx.Query(ctx, "SELECT name FROM systems WHERE id <> ?", id)
	if err != nil {
		return fmt.Errorf("system names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var other string
		if err := rows.Scan(&other); err != nil {
			return fmt.Errorf("system names: %w", err)
		}
		if strings.EqualFold(other, name) {
			return errSystemExists
		}
	}
	return rows.Err()
}

// insertSystem adds a system inside a write.
func insertSystem(ctx context.Context, tx *Tx, s datamap.System) error {
	if err := checkNameFree(ctx, tx, s.ID, s.Name); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "INSERT INTO systems (id, name, status, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		s.ID, s.Name, s.Status, specOf(s), s.CreatedAt.UnixMicro(), s.UpdatedAt.UnixMicro())
	if isUniqueViolation(err) {
		return errSystemExists
	}
	if err != nil {
		return fmt.Errorf("insert system: %w", err)
	}
	return nil
}

// PutSystem adds a system to the map.
func (db *DB) PutSystem(ctx context.Context, s datamap.System, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error { return insertSystem(ctx, tx, s) }, e)
}

// UpdateSystem replaces a system's declared fields and status.
func (db *DB) UpdateSystem(ctx context.Context, s datamap.System, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if err := checkNameFree(ctx, tx, s.ID, s.Name); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE systems SET name = ?, status = ?, spec = ?, updated_at = ? WHERE id = ?",
			s.Name, s.Status, specOf(s), s.UpdatedAt.UnixMicro(), s.ID)
		if isUniqueViolation(err) {
			return errSystemExists
		}
		if err != nil {
			return fmt.Errorf("update system: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "system_not_found", "no such system")
		}
		return nil
	}, e)
}

// DeleteSystem removes a system and its links to scans (the scans stay).
func (db *DB) DeleteSystem(ctx context.Context, id string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if err := systemInUse(ctx, tx, id); err != nil {
			return err
		}
		if err := execOne(ctx, tx, "delete system", apperr.New(apperr.NotFound, "system_not_found", "no such system"), "DELETE FROM systems WHERE id = ?", id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM scan_systems WHERE system_id = ?", id)
		return err
	}, e)
}

// systemInUse refuses to delete a system that an open incident names
// (its breach record would lose what was breached) or whose migrated copy
// still waits to be destroyed (an open clean-up task).
func systemInUse(ctx context.Context, tx *Tx, id string) error {
	rows, err := tx.Query(ctx, "SELECT "+incidentColumns+" FROM incidents WHERE status = ? ORDER BY created_at, id", incidents.StatusOpen)
	if err != nil {
		return fmt.Errorf("read open incidents: %w", err)
	}
	defer rows.Close()
	var open []string
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return fmt.Errorf("read open incidents: %w", err)
		}
		if slices.Contains(i.Systems, id) {
			open = append(open, i.ID)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read open incidents: %w", err)
	}
	if len(open) > 0 {
		return apperr.New(apperr.Conflict, "system_in_use", fmt.Sprintf("open incidents name this system (%s): close them before deleting it", strings.Join(open, ", ")))
	}
	var tasks int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM cleanup_tasks WHERE system_id = ? AND state = ?", id, cleanup.StateOpen).Scan(&tasks); err != nil {
		return fmt.Errorf("read clean-up tasks: %w", err)
	}
	if tasks > 0 {
		return apperr.New(apperr.Conflict, "system_in_use", fmt.Sprintf("%d clean-up task(s) of this system are open: close them with evidence of the copy's destruction before deleting it", tasks))
	}
	return nil
}

// ListSystems lists the systems of the map by name, each with the
// categories scans found in it.
func (db *DB) ListSystems(ctx context.Context) ([]datamap.System, error) {
	return db.systems(ctx, "")
}

// GetSystem returns one system.
func (db *DB) GetSystem(ctx context.Context, id string) (datamap.System, error) {
	ss, err := db.systems(ctx, id)
	if err != nil {
		return datamap.System{}, err
	}
	if len(ss) == 0 {
		return datamap.System{}, apperr.New(apperr.NotFound, "system_not_found", "no such system")
	}
	return ss[0], nil
}

// systems reads the systems (one when id is set) and their discovered
// categories.
func (db *DB) systems(ctx context.Context, id string) ([]datamap.System, error) {
	q, args := "SELECT id, name, status, spec, migration, created_at, updated_at FROM systems ORDER BY name", []any{}
	if id != "" {
		q, args = "SELECT id, name, status, spec, migration, created_at, updated_at FROM systems WHERE id = ?", []any{id}
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list systems: %w", err)
	}
	defer rows.Close()
	out := []datamap.System{}
	index := map[string]int{}
	for rows.Next() {
		var s datamap.System
		var spec, migration string
		var created, updated int64
		if err := rows.Scan(&s.ID, &s.Name, &s.Status, &spec, &migration, &created, &updated); err != nil {
			return nil, fmt.Errorf("list systems: %w", err)
		}
		if s.Migration, err = decodeMigration(migration); err != nil {
			return nil, err
		}
		var sp systemSpec
		if err := json.Unmarshal([]byte(spec), &sp); err != nil {
			return nil, fmt.Errorf("system spec: %w", err)
		}
		s.Kind, s.Description, s.Owner, s.Retention, s.Match = sp.Kind, sp.Description, sp.Owner, sp.Retention, sp.Match
		s.Holders, s.Jurisdictions, s.Purposes, s.Transfers, s.Processors = orEmpty(sp.Holders), orEmpty(sp.Jurisdictions), orEmpty(sp.Purposes), orEmpty(sp.Transfers), orEmpty(sp.Processors)
		s.Match.Hosts, s.Match.Paths = orEmpty(s.Match.Hosts), orEmpty(s.Match.Paths)
		s.Categories = []datamap.Category{}
		for _, c := range sp.Categories {
			cat := datamap.Category{Category: c, Source: datamap.SourceDeclared}
			if at, ok := sp.Declared[c]; ok {
				cat.Since = time.UnixMicro(at).UTC()
			}
			s.Categories = append(s.Categories, cat)
		}
		s.CreatedAt, s.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
		index[s.ID] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list systems: %w", err)
	}
	found, err := db.discovered(ctx, id)
	if err != nil {
		return nil, err
	}
	for sysID, cats := range found {
		if k, ok := index[sysID]; ok {
			out[k].Categories = append(out[k].Categories, cats...)
		}
	}
	return out, nil
}

// discovered returns, per system (one when id is set), the categories its
// scans found: the latest scan and its findings, and the date of the
// first scan that found each.
func (db *DB) discovered(ctx context.Context, id string) (map[string][]datamap.Category, error) {
	q := `SELECT ss.system_id, l.category, s.id, s.created_at, SUM(l.hits) FROM scan_systems ss
JOIN scans s ON s.id = ss.scan_id JOIN scan_locations l ON l.scan_id = s.id`
	args := []any{}
	if id != "" {
		q += " WHERE ss.system_id = ?"
		args = append(args, id)
	}
	q += " GROUP BY ss.system_id, l.category, s.id, s.created_at ORDER BY ss.system_id, l.category, s.created_at, s.id"
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("discovered categories: %w", err)
	}
	defer rows.Close()
	out := map[string][]datamap.Category{}
	for rows.Next() {
		var sysID, cat, scanID string
		var at int64
		var hits int
		if err := rows.Scan(&sysID, &cat, &scanID, &at, &hits); err != nil {
			return nil, fmt.Errorf("discovered categories: %w", err)
		}
		cs := out[sysID]
		if n := len(cs); n > 0 && cs[n-1].Category == cat {
			cs[n-1].ScanID, cs[n-1].Findings = scanID, hits // a later scan: the latest wins, Since stays the first
			continue
		}
		out[sysID] = append(cs, datamap.Category{Category: cat, Source: datamap.SourceScan, ScanID: scanID, Findings: hits, Since: time.UnixMicro(at).UTC()})
	}
	return out, rows.Err()
}

// orEmpty returns l, or an empty list for nil.
func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
