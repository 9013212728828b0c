package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/incidents"
)

// incidentSpec is what the spec column of incidents holds.
type incidentSpec struct {
	Description       string              `json:"description"`
	Window            *incidents.Window   `json:"window,omitempty"`
	Systems           []string            `json:"systems"`
	Categories        []string            `json:"categories"`
	Actor             string              `json:"actor,omitempty"`
	Collections       []string            `json:"collections"`
	Jurisdictions     []string            `json:"jurisdictions"`
	JurisdictionField *incidents.FieldRef `json:"jurisdiction_field,omitempty"`
	HighRisk          bool                `json:"high_risk,omitempty"`
	Contact           string              `json:"contact,omitempty"`
	Affected          incidents.Affected  `json:"affected"`
}

func incidentSpecOf(i incidents.Incident) string {
	b, _ := json.Marshal(incidentSpec{Description: i.Description, Window: i.Window, Systems: i.Systems, Categories: i.Categories, Actor: i.Actor,
		Collections: i.Collections, Jurisdictions: i.Jurisdictions, JurisdictionField: i.JurisdictionField, HighRisk: i.HighRisk,
		Contact: i.Contact, Affected: i.Affected})
	return string(b)
}

const incidentColumns = "id, status, detected_at, aware_at, spec, created_by, created_at, updated_at, closed_at"

func scanIncident(sc interface{ Scan(...any) error }) (incidents.Incident, error) {
	var i incidents.Incident
	var detected, aware, created, updated int64
	var closed *int64
	var spec string
	if err := sc.Scan(&i.ID, &i.Status, &detected, &aware, &spec, &i.CreatedBy, &created, &updated, &closed); err != nil {
		return i, err
	}
	var sp incidentSpec
	if err := json.Unmarshal([]byte(spec), &sp); err != nil {
		return i, fmt.Errorf("incident spec: %w", err)
	}
	i.DetectedAt, i.BecameAwareAt = time.UnixMicro(detected).UTC(), time.UnixMicro(aware).UTC()
	i.CreatedAt, i.UpdatedAt, i.ClosedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC(), timeOrNil(closed)
	i.Description, i.Window, i.Systems, i.Categories, i.Actor = sp.Description, sp.Window, orEmpty(sp.Systems), orEmpty(sp.Categories), sp.Actor
	i.Collections, i.Jurisdictions, i.JurisdictionField = orEmpty(sp.Collections), orEmpty(sp.Jurisdictions), sp.JurisdictionField
	i.HighRisk, i.Contact, i.Affected = sp.HighRisk, sp.Contact, sp.Affected
	if i.Affected.ByJurisdiction == nil {
		i.Affected.ByJurisdiction = map[string]int{}
	}
	return i, nil
}

// CreateIncident stores a new incident with its clocks, tasks and first
// timeline events, in one transaction with its audit entry.
func (db *DB) CreateIncident(ctx context.Context, r incidents.Record, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		i := r.Incident
		if _, err := tx.Exec(ctx, "INSERT INTO incidents ("+incidentColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			i.ID, i.Status, i.DetectedAt.UnixMicro(), i.BecameAwareAt.UnixMicro(), incidentSpecOf(i), i.CreatedBy,
			i.CreatedAt.UnixMicro(), i.UpdatedAt.UnixMicro(), microsOrNil(i.ClosedAt)); err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		for _, c := range r.Clocks {
			rule, _ := json.Marshal(c.Rule)
			if _, err := tx.Exec(ctx, "INSERT INTO incident_clocks (incident_id, regime, recipient, state, start_at, due_at, affected, rule, met_at, reference, near_alerted, overdue_alerted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
				i.ID, c.Regime, c.Recipient, c.State, c.StartAt.UnixMicro(), c.DueAt.UnixMicro(), c.Affected, string(rule), microsOrNil(c.MetAt), c.Reference); err != nil {
				return fmt.Errorf("insert incident clock: %w", err)
			}
		}
		for n, t := range r.Tasks {
			if _, err := tx.Exec(ctx, "INSERT INTO incident_tasks (incident_id, task, position, title, state, evidence, evidence_sha256, closed_at, closed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				i.ID, t.Name, n, t.Title, t.State, t.Evidence, t.EvidenceSHA256, microsOrNil(t.ClosedAt), t.ClosedBy); err != nil {
				return fmt.Errorf("insert incident task: %w", err)
			}
		}
		return insertIncidentEvents(ctx, tx, i.ID, 0, r.Timeline)
	}, e)
}

// insertIncidentEvents appends events after sequence number last.
func insertIncidentEvents(ctx context.Context, tx *Tx, id string, last int64, events []incidents.Event) error {
	for n, ev := range events {
		if _, err := tx.Exec(ctx, "INSERT INTO incident_events (incident_id, seq, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
			id, last+int64(n)+1, ev.At.UnixMicro(), ev.Kind, ev.Actor, ev.Detail); err != nil {
			return fmt.Errorf("insert incident event: %w", err)
		}
	}
	return nil
}

// ListIncidents lists incidents newest first; open ones only when openOnly.
func (db *DB) ListIncidents(ctx context.Context, openOnly bool, limit int) ([]incidents.Incident, error) {
	q := "SELECT " + incidentColumns + " FROM incidents"
	if openOnly {
		q += " WHERE status = '" + incidents.StatusOpen + "'"
	}
	rows, err := db.query(ctx, q+" ORDER BY created_at DESC, id LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	out := []incidents.Incident{}
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("list incidents: %w", err)
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// rowReader is what loading an incident needs: a DB's reads or a write
// transaction.
type rowReader interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type dbReader struct{ db *DB }

func (r dbReader) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return r.db.queryRow(ctx, q, args...)
}

func (r dbReader) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.db.query(ctx, q, args...)
}

// GetIncident reads an incident with its clocks, tasks, timeline and
// evidence (drafts are rendered by the caller).
func (db *DB) GetIncident(ctx context.Context, id string) (incidents.Record, error) {
	return loadIncident(ctx, dbReader{db}, id, "")
}

func loadIncident(ctx context.Context, q rowReader, id, lock string) (incidents.Record, error) {
	var r incidents.Record
	i, err := scanIncident(q.QueryRow(ctx, "SELECT "+incidentColumns+" FROM incidents WHERE id = ?"+lock, id))
	if err != nil {
		if nf := notFound(err, "incident_not_found", "no such incident"); nf != err {
			return r, nf
		}
		return r, fmt.Errorf("get incident: %w", err)
	}
	r.Incident = i
	if r.Clocks, err = loadClocks(ctx, q, "WHERE incident_id = ? ORDER BY start_at, regime, recipient", id); err != nil {
		return r, err
	}
	if err := loadRows(ctx, q, "SELECT task, title, state, evidence, evidence_sha256, closed_at, closed_by FROM incident_tasks WHERE incident_id = ? ORDER BY position", id,
		func(sc *sql.Rows) error {
			var t incidents.Task
			var closed *int64
			err := sc.Scan(&t.Name, &t.Title, &t.State, &t.Evidence, &t.EvidenceSHA256, &closed, &t.ClosedBy)
			t.ClosedAt = timeOrNil(closed)
			r.Tasks = append(r.Tasks, t)
			return err
		}); err != nil {
		return r, fmt.Errorf("incident tasks: %w", err)
	}
	r.Timeline = []incidents.Event{}
	if err := loadRows(ctx, q, "SELECT seq, at, kind, actor, detail FROM incident_events WHERE incident_id = ? ORDER BY at, seq", id,
		func(sc *sql.Rows) error {
			var ev incidents.Event
			var at int64
			err := sc.Scan(&ev.Seq, &at, &ev.Kind, &ev.Actor, &ev.Detail)
			ev.At = time.UnixMicro(at).UTC()
			r.Timeline = append(r.Timeline, ev)
			return err
		}); err != nil {
		return r, fmt.Errorf("incident timeline: %w", err)
	}
	r.Evidence = []incidents.Evidence{}
	if err := loadRows(ctx, q, "SELECT sha256, description, added_at, added_by FROM incident_evidence WHERE incident_id = ? ORDER BY added_at, sha256", id,
		func(sc *sql.Rows) error {
			var ev incidents.Evidence
			var at int64
			err := sc.Scan(&ev.SHA256, &ev.Description, &at, &ev.AddedBy)
			ev.AddedAt = time.UnixMicro(at).UTC()
			r.Evidence = append(r.Evidence, ev)
			return err
		}); err != nil {
		return r, fmt.Errorf("incident evidence: %w", err)
	}
	return r, nil
}

// loadRows runs a query with one argument and calls scan for each row.
func loadRows(ctx context.Context, q rowReader, query string, arg any, scan func(*sql.Rows) error) error {
	rows, err := q.Query(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UpdateIncident applies change to the stored incident inside one write
// transaction, then stores its incident row, clocks and tasks, appends the
// events change returns and adds evidence it added. It returns the record
// as stored.
func (db *DB) UpdateIncident(ctx context.Context, id string, change func(*incidents.Record) ([]incidents.Event, error), e *audit.Entry) (incidents.Record, error) {
	var out incidents.Record
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		r, err := loadIncident(ctx, tx, id, db.d.forUpdate())
		if err != nil {
			return err
		}
		known := slices.Clone(r.Evidence)
		events, err := change(&r)
		if err != nil {
			return err
		}
		i := r.Incident
		if _, err := tx.Exec(ctx, "UPDATE incidents SET status = ?, spec = ?, updated_at = ?, closed_at = ? WHERE id = ?",
			i.Status, incidentSpecOf(i), i.UpdatedAt.UnixMicro(), microsOrNil(i.ClosedAt), id); err != nil {
			return fmt.Errorf("update incident: %w", err)
		}
		for _, c := range r.Clocks {
			if _, err := tx.Exec(ctx, "UPDATE incident_clocks SET state = ?, start_at = ?, due_at = ?, met_at = ?, reference = ?, near_alerted = CASE WHEN due_at = ? THEN near_alerted ELSE NULL END, overdue_alerted = CASE WHEN due_at = ? THEN overdue_alerted ELSE NULL END WHERE incident_id = ? AND regime = ? AND recipient = ?",
				c.State, c.StartAt.UnixMicro(), c.DueAt.UnixMicro(), microsOrNil(c.MetAt), c.Reference, c.DueAt.UnixMicro(), c.DueAt.UnixMicro(), id, c.Regime, c.Recipient); err != nil {
				return fmt.Errorf("update incident clock: %w", err)
			}
		}
		for _, t := range r.Tasks {
			if _, err := tx.Exec(ctx, "UPDATE incident_tasks SET state = ?, evidence = ?, evidence_sha256 = ?, closed_at = ?, closed_by = ? WHERE incident_id = ? AND task = ?",
				t.State, t.Evidence, t.EvidenceSHA256, microsOrNil(t.ClosedAt), t.ClosedBy, id, t.Name); err != nil {
				return fmt.Errorf("update incident task: %w", err)
			}
		}
		for _, ev := range r.Evidence {
			if slices.ContainsFunc(known, func(k incidents.Evidence) bool { return k.SHA256 == ev.SHA256 }) {
				continue
			}
			_, err := tx.Exec(ctx, "INSERT INTO incident_evidence (incident_id, sha256, description, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
				id, ev.SHA256, ev.Description, ev.AddedAt.UnixMicro(), ev.AddedBy)
			if isUniqueViolation(err) {
				return apperr.New(apperr.Conflict, "evidence_exists", "evidence with this hash is recorded already")
			}
			if err != nil {
				return fmt.Errorf("insert incident evidence: %w", err)
			}
		}
		var last int64
		for _, ev := range r.Timeline {
			last = max(last, ev.Seq)
		}
		if err := insertIncidentEvents(ctx, tx, id, last, events); err != nil {
			return err
		}
		for n := range events {
			events[n].Seq = last + int64(n) + 1
		}
		r.Timeline = append(r.Timeline, events...)
		slices.SortStableFunc(r.Timeline, func(a, b incidents.Event) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return cmp.Compare(a.Seq, b.Seq)
		})
		out = r
		return nil
	}, e)
	return out, err
}
