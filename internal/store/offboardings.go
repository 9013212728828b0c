package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/offboard"
)

// PutOffboarding stores a new offboarding review and, in the same
// transaction, disables the person again should an enabling have slipped
// in since they were disabled (moving updated_at on, so that a write
// read before fails its compare and reads the review): an open review
// always stands over a disabled account (QA: a race left it enabled).
func (db *DB) PutOffboarding(ctx context.Context, o offboard.Offboarding, e *audit.Entry) error {
	spec, _ := json.Marshal(o)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO offboardings (id, user_id, state, spec, created_at) VALUES (?, ?, ?, ?, ?)",
			o.ID, o.UserID, o.State, string(spec), o.CreatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("insert offboarding: %w", err)
		}
		if o.State == offboard.StateOpen {
			now := o.CreatedAt.UnixMicro()
			if _, err := tx.Exec(ctx, "UPDATE users SET disabled_at = COALESCE(disabled_at, ?), updated_at = CASE WHEN updated_at >= ? THEN updated_at + 1 ELSE ? END WHERE id = ?",
				now, now, now, o.UserID); err != nil {
				return fmt.Errorf("offboarding: disable: %w", err)
			}
		}
		return nil
	}, e)
}

// UpdateOffboarding replaces a review that is still open.
func (db *DB) UpdateOffboarding(ctx context.Context, o offboard.Offboarding, e *audit.Entry) error {
	spec, _ := json.Marshal(o)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "update offboarding", apperr.New(apperr.Conflict, "offboarding_closed", "the offboarding is closed"), "UPDATE offboardings SET state = ?, spec = ? WHERE id = ? AND state = 'open'", o.State, string(spec), o.ID)
	}, e)
}

// GetOffboarding returns one review.
func (db *DB) GetOffboarding(ctx context.Context, id string) (offboard.Offboarding, error) {
	return getSpec[offboard.Offboarding](ctx, db, "SELECT spec FROM offboardings WHERE id = ?", id, "offboarding_not_found", "no such offboarding")
}

// ListOffboardings lists the reviews, newest first.
func (db *DB) ListOffboardings(ctx context.Context) ([]offboard.Offboarding, error) {
	return listSpecs[offboard.Offboarding](ctx, db, "offboardings", "SELECT spec FROM offboardings ORDER BY created_at DESC, id LIMIT 1000")
}

// OpenOffboardingOf returns the id of a person's open offboarding review,
// "" when none is open.
func (db *DB) OpenOffboardingOf(ctx context.Context, userID string) (string, error) {
	var id string
	err := db.queryRow(ctx, "SELECT id FROM offboardings WHERE user_id = ? AND state = 'open' ORDER BY created_at DESC LIMIT 1", userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("open offboarding: %w", err)
	}
	return id, nil
}
