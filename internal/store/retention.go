package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/retention"
	"custodia/internal/vault"
)

// PutRetentionRule stores a retention rule.
func (db *DB) PutRetentionRule(ctx context.Context, r retention.Rule, e *audit.Entry) error {
	fields, _ := json.Marshal(r.Fields)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO retention_rules (id, collection, fields, purpose, anchor, anchor_field, keep_n, keep_unit, action, description, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			r.ID, r.Collection, string(fields), r.Purpose, r.Anchor, r.AnchorField, r.Keep.N, r.Keep.Unit, r.Action, r.Description, r.CreatedBy, r.CreatedAt.UnixMicro())
		return err
	}, e)
}

// ListRetentionRules lists the retention rules.
func (db *DB) ListRetentionRules(ctx context.Context) ([]retention.Rule, error) {
	rows, err := db.query(ctx, "SELECT id, collection, fields, purpose, anchor, anchor_field, keep_n, keep_unit, action, description, created_by, created_at FROM retention_rules ORDER BY collection, created_at, id")
	if err != nil {
		return nil, fmt.Errorf("list retention rules: %w", err)
	}
	defer rows.Close()
	out := []retention.Rule{}
	for rows.Next() {
		var r retention.Rule
		var fields string
		var created int64
		if err := rows.Scan(&r.ID, &r.Collection, &fields, &r.Purpose, &r.Anchor, &r.AnchorField, &r.Keep.N, &r.Keep.Unit, &r.Action, &r.Description, &r.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("list retention rules: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
			return nil, fmt.Errorf("rule fields: %w", err)
		}
		r.CreatedAt = time.UnixMicro(created).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteRetentionRule removes a rule.
func (db *DB) DeleteRetentionRule(ctx context.Context, id string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "delete retention rule", apperr.New(apperr.NotFound, "rule_not_found", "no such retention rule"), "DELETE FROM retention_rules WHERE id = ?", id)
	}, e)
}

// PutHold stores a legal hold.
func (db *DB) PutHold(ctx context.Context, h retention.Hold, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO legal_holds (id, subject_id, collection, reason, expires_at, created_by, created_at, released_at, released_by) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, '')",
			h.ID, h.SubjectID, h.Collection, h.Reason, microsOrNil(h.ExpiresAt), h.CreatedBy, h.CreatedAt.UnixMicro())
		return err
	}, e)
}

// ListHolds lists legal holds, newest first.
func (db *DB) ListHolds(ctx context.Context) ([]retention.Hold, error) {
	rows, err := db.query(ctx, "SELECT id, subject_id, collection, reason, expires_at, created_by, created_at, released_at, released_by, release_reason FROM legal_holds ORDER BY created_at DESC, id")
	if err != nil {
		return nil, fmt.Errorf("list holds: %w", err)
	}
	defer rows.Close()
	out := []retention.Hold{}
	for rows.Next() {
		var h retention.Hold
		var exp, rel *int64
		var created int64
		if err := rows.Scan(&h.ID, &h.SubjectID, &h.Collection, &h.Reason, &exp, &h.CreatedBy, &created, &rel, &h.ReleasedBy, &h.ReleaseReason); err != nil {
			return nil, fmt.Errorf("list holds: %w", err)
		}
		h.ExpiresAt, h.ReleasedAt, h.CreatedAt = timeOrNil(exp), timeOrNil(rel), time.UnixMicro(created).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReleaseHold ends a hold, keeping who released it and why.
func (db *DB) ReleaseHold(ctx context.Context, id, by, reason string, at time.Time, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "release hold", apperr.New(apperr.NotFound, "hold_not_found", "no such active hold"),
			"UPDATE legal_holds SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ? AND released_at IS NULL", at.UnixMicro(), by, reason, id)
	}, e)
}

// Candidate is a record a retention rule may act on.
type Candidate = retention.Candidate

// ExpiredRecords returns up to limit records of collection after afterID
// whose creation (byUpdate false) or last change (byUpdate true) is before
// cutoff. Creation scans use the time-ordered ids as a range bound.
func (db *DB) ExpiredRecords(ctx context.Context, collection string, byUpdate bool, cutoff time.Time, afterID string, limit int) ([]Candidate, error) {
	q := "SELECT id, subject_id FROM records WHERE collection = ? AND id > ? AND created_at < ?"
	args := []any{collection, afterID, cutoff.UnixMicro()}
	if byUpdate {
		q = "SELECT id, subject_id FROM records WHERE collection = ? AND id > ? AND updated_at < ?"
	} else {
		q += " AND id < ?"
		args = append(args, vault.RecordIDBefore(cutoff.Add(time.Second)))
	}
	return db.candidates(ctx, q+" ORDER BY id LIMIT ?", append(args, limit)...)
}

func (db *DB) candidates(ctx context.Context, q string, args ...any) ([]Candidate, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("retention scan: %w", err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.RecordID, &c.SubjectID); err != nil {
			return nil, fmt.Errorf("retention scan: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// WithdrawnBefore returns the subjects whose latest consent event for
// purpose is a withdrawal made before cutoff.
func (db *DB) WithdrawnBefore(ctx context.Context, purpose string, cutoff time.Time) ([]string, error) {
	rows, err := db.query(ctx, "SELECT e.subject_id FROM consent_events e WHERE e.purpose = ? AND e.action = 'withdraw' AND e.at < ? AND e.seq = (SELECT MAX(x.seq) FROM consent_events x WHERE x.subject_id = e.subject_id AND x.purpose = e.purpose)",
		purpose, cutoff.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("withdrawn consents: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("withdrawn consents: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SubjectCandidates returns a subject's records in collection.
func (db *DB) SubjectCandidates(ctx context.Context, collection, subjectID string) ([]Candidate, error) {
	return db.candidates(ctx, "SELECT id, subject_id FROM records WHERE collection = ? AND subject_id = ? ORDER BY id", collection, subjectID)
}

// DeleteExpired deletes records of one collection in one transaction, with
// one deletion record per subject (never the values).
func (db *DB) DeleteExpired(ctx context.Context, collection string, cs []Candidate, ruleID, approvedBy string, pseudonym func(string) string) (int64, error) {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.RecordID
	}
	defer db.invalidate(collection, ids, nil)
	var n int64
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		n = 0 // a failed group commit runs the operation again
		perSubject := map[string]int64{}
		for _, c := range cs {
			found, err := removeRecord(ctx, tx, collection, c.RecordID)
			if err != nil {
				return err
			}
			if !found {
				continue // already gone
			}
			perSubject[c.SubjectID]++
			n++
		}
		now := time.Now().UTC()
		for sub, k := range perSubject {
			if err := insertDeletion(ctx, tx, Deletion{At: now, Kind: DeletionRetention, SubjectPseudonym: pseudonym(sub), Collections: []string{collection},
				Fields: []string{"*"}, RecordsDeleted: k, Cause: "rule:" + ruleID, ApprovedBy: approvedBy}); err != nil {
				return err
			}
		}
		return nil
	}, &audit.Entry{Actor: approvedBy, Action: "retention.delete", Collection: collection, Detail: "rule:" + ruleID})
	return n, err
}

// RecordFieldDeletion writes the deletion record of fields a retention rule
// dropped from a subject's records (a retention.FieldDeletionRecorder).
func (db *DB) RecordFieldDeletion(ctx context.Context, kind, pseudonym, collection string, fields []string, records int64, ruleID, approvedBy string) error {
	d := Deletion{At: time.Now().UTC(), Kind: DeletionRetention, SubjectPseudonym: pseudonym, Collections: []string{collection},
		Fields: fields, RecordsDeleted: records, Cause: "rule:" + ruleID, ApprovedBy: approvedBy}
	return db.w.submit(func(ctx context.Context, tx *Tx) error { return insertDeletion(ctx, tx, d) },
		&audit.Entry{Actor: approvedBy, Action: "retention." + kind, Collection: collection, Subject: pseudonym, Detail: d.Cause})
}

// TryLock takes the named lock without waiting, for work that outlives the
// call (an import job running in the background): on PostgreSQL a session
// advisory lock on a connection of its own, held until release; SQLite has
// one server per database, so it always succeeds. ok is false when
// another process holds it.
func (db *DB) TryLock(ctx context.Context, key int64) (release func(), ok bool, err error) {
	if db.engine != Postgres {
		return func() {}, true, nil
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock connection: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("lock: %w", err)
	}
	if !got {
		conn.Close()
		return nil, false, nil
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		conn.Close()
	}, true, nil
}

// TryExclusive runs fn only if no other process holds the named job lock:
// on PostgreSQL a session advisory lock, so one replica runs a scheduled
// job at a time; SQLite has one server per database, so fn always runs.
// It reports whether fn ran.
func (db *DB) TryExclusive(ctx context.Context, key int64, fn func(context.Context) error) (bool, error) {
	if db.engine != Postgres {
		return true, fn(ctx)
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("job lock connection: %w", err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, fmt.Errorf("job lock: %w", err)
	}
	if !got {
		return false, nil
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()
	return true, fn(ctx)
}
