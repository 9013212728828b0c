package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"custodia/internal/audit"
	"custodia/internal/incidents"
)

const clockColumns = "incident_id, regime, recipient, state, start_at, due_at, affected, rule, met_at, reference, near_alerted, overdue_alerted"

// IncidentClock is a stored clock with the incident it belongs to.
type IncidentClock struct {
	IncidentID string
	incidents.Clock
}

func scanClock(sc interface{ Scan(...any) error }) (IncidentClock, error) {
	var c IncidentClock
	var start, due int64
	var met, near, overdue *int64
	var rule string
	if err := sc.Scan(&c.IncidentID, &c.Regime, &c.Recipient, &c.State, &start, &due, &c.Affected, &rule, &met, &c.Reference, &near, &overdue); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(rule), &c.Rule); err != nil {
		return c, fmt.Errorf("incident clock rule: %w", err)
	}
	c.StartAt, c.DueAt = time.UnixMicro(start).UTC(), time.UnixMicro(due).UTC()
	c.MetAt, c.NearAlerted, c.OverdueAlerted = timeOrNil(met), timeOrNil(near), timeOrNil(overdue)
	c.To, c.Audience, c.Period, c.Source, c.Notes, c.After = c.Rule.To, c.Rule.Audience, c.Rule.Period.String(), c.Rule.Source, c.Rule.Notes, c.Rule.After
	return c, nil
}

// loadClocks reads the clocks a WHERE clause with one argument selects.
func loadClocks(ctx context.Context, q rowReader, where string, arg any) ([]incidents.Clock, error) {
	rows, err := q.Query(ctx, "SELECT "+clockColumns+" FROM incident_clocks "+where, arg)
	if err != nil {
		return nil, fmt.Errorf("incident clocks: %w", err)
	}
	defer rows.Close()
	out := []incidents.Clock{}
	for rows.Next() {
		c, err := scanClock(rows)
		if err != nil {
			return nil, fmt.Errorf("incident clocks: %w", err)
		}
		out = append(out, c.Clock)
	}
	return out, rows.Err()
}

// OpenIncidentClocks returns the clocks not yet met nor waived, due first.
func (db *DB) OpenIncidentClocks(ctx context.Context) ([]IncidentClock, error) {
	rows, err := db.query(ctx, "SELECT "+clockColumns+" FROM incident_clocks WHERE state = ? ORDER BY due_at LIMIT 10000", incidents.ClockOpen)
	if err != nil {
		return nil, fmt.Errorf("open incident clocks: %w", err)
	}
	defer rows.Close()
	var out []IncidentClock
	for rows.Next() {
		c, err := scanClock(rows)
		if err != nil {
			return nil, fmt.Errorf("open incident clocks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Which alert of a clock ClaimIncidentAlert marks.
const (
	AlertNearEnd = "near_end"
	AlertOverdue = "overdue"
)

// ClaimIncidentAlert marks that a clock's nearing-its-end or overdue alert
// was raised at now, unless it was already, the clock is no longer open
// or its due time moved from due; it adds ev to the incident's timeline.
// It reports whether this call claimed the alert, so that each alert is
// raised once, even with several replicas.
func (db *DB) ClaimIncidentAlert(ctx context.Context, c IncidentClock, which string, now time.Time, ev incidents.Event) (bool, error) {
	col := "near_alerted"
	if which == AlertOverdue {
		col = "overdue_alerted"
	}
	claimed := false
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		claimed = false
		res, err := tx.Exec(ctx, "UPDATE incident_clocks SET "+col+" = ? WHERE incident_id = ? AND regime = ? AND recipient = ? AND state = ? AND due_at = ? AND "+col+" IS NULL",
			now.UnixMicro(), c.IncidentID, c.Regime, c.Recipient, incidents.ClockOpen, c.DueAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("claim incident alert: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		var last int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM incident_events WHERE incident_id = ?", c.IncidentID).Scan(&last); err != nil {
			return fmt.Errorf("claim incident alert: %w", err)
		}
		claimed = true
		return insertIncidentEvents(ctx, tx, c.IncidentID, last, []incidents.Event{ev})
	}, nil)
	return claimed, err
}

// SubjectsReadBy returns the distinct subjects (audit pseudonyms) whose
// data an actor read between from and to, both included: the audit
// entries of successful calls that read a subject and disclosed at least
// part of its record (a decision other than deny), such as record.read,
// record.search and access packages.
func (db *DB) SubjectsReadBy(ctx context.Context, actor string, from, to time.Time) ([]string, error) {
	rows, err := db.query(ctx, "SELECT DISTINCT subject FROM audit_log WHERE actor = ? AND at >= ? AND at <= ? AND subject <> '' AND outcome = ? AND decision <> '' AND decision NOT LIKE 'deny%' ORDER BY subject",
		actor, from.UnixMicro(), to.UnixMicro(), audit.OutcomeOK)
	if err != nil {
		return nil, fmt.Errorf("subjects read: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("subjects read: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ReadCounts returns how many records (one per audit entry of a record
// disclosed, so a record read twice counts twice) and distinct subjects an
// actor read between from and to, both included, counted as
// SubjectsReadBy counts.
func (db *DB) ReadCounts(ctx context.Context, actor string, from, to time.Time) (records, subjects int, err error) {
	err = db.queryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT subject) FROM audit_log WHERE actor = ? AND at >= ? AND at <= ? AND subject <> '' AND outcome = ? AND decision <> '' AND decision NOT LIKE 'deny%'",
		actor, from.UnixMicro(), to.UnixMicro(), audit.OutcomeOK).Scan(&records, &subjects)
	if err != nil {
		return 0, 0, fmt.Errorf("read counts: %w", err)
	}
	return records, subjects, nil
}

// CollectionSubjects returns the ids of the subjects with records in a
// collection.
func (db *DB) CollectionSubjects(ctx context.Context, collection string) ([]string, error) {
	rows, err := db.query(ctx, "SELECT DISTINCT subject_id FROM records WHERE collection = ? ORDER BY subject_id", collection)
	if err != nil {
		return nil, fmt.Errorf("collection subjects: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("collection subjects: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
