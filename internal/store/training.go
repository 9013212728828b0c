package store

import (
	"context"
	"fmt"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
)

// AddTraining stores a training record.
func (db *DB) AddTraining(ctx context.Context, t auth.TrainingRecord, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO training (id, user_id, course, completed_at, expires_at, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			t.ID, t.UserID, t.Course, t.CompletedAt.UnixMicro(), microsOrNil(t.ExpiresAt), t.RecordedBy, t.CreatedAt.UnixMicro())
		return err
	}, e)
}

// ListTraining lists training records, of one person when userID is set.
func (db *DB) ListTraining(ctx context.Context, userID string) ([]auth.TrainingRecord, error) {
	q, args := "SELECT id, user_id, course, completed_at, expires_at, recorded_by, created_at FROM training", []any{}
	if userID != "" {
		q, args = q+" WHERE user_id = ?", append(args, userID)
	}
	rows, err := db.query(ctx, q+" ORDER BY completed_at DESC, id", args...)
	if err != nil {
		return nil, fmt.Errorf("list training: %w", err)
	}
	defer rows.Close()
	out := []auth.TrainingRecord{}
	for rows.Next() {
		var t auth.TrainingRecord
		var done, created int64
		var exp *int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Course, &done, &exp, &t.RecordedBy, &created); err != nil {
			return nil, fmt.Errorf("list training: %w", err)
		}
		t.CompletedAt, t.CreatedAt, t.ExpiresAt = time.UnixMicro(done).UTC(), time.UnixMicro(created).UTC(), timeOrNil(exp)
		out = append(out, t)
	}
	return out, rows.Err()
}

// TrainingCurrent reports whether a person has training completed by at
// and not expired at at.
func (db *DB) TrainingCurrent(ctx context.Context, userID string, at time.Time) (bool, error) {
	current, _, err := db.TrainingState(ctx, userID, at)
	return current, err
}

// TrainingState reports whether a person has training completed by at
// and not expired at at, and whether they have any training record.
func (db *DB) TrainingState(ctx context.Context, userID string, at time.Time) (current, any bool, err error) {
	var n, all int64
	err = db.queryRow(ctx, "SELECT COUNT(*) FILTER (WHERE completed_at <= ? AND (expires_at IS NULL OR expires_at > ?)), COUNT(*) FROM training WHERE user_id = ?",
		at.UnixMicro(), at.UnixMicro(), userID).Scan(&n, &all)
	if err != nil {
		return false, false, fmt.Errorf("training state: %w", err)
	}
	return n > 0, all > 0, nil
}
