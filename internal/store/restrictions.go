package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// Restriction is a subject's restriction of processing.
type Restriction struct {
	SubjectID string    `json:"subject"`
	Purposes  []string  `json:"purposes"` // purposes reads are still allowed for
	Reason    string    `json:"reason"`
	Since     time.Time `json:"since"`
	SetBy     string    `json:"set_by"`
}

// SetRestriction restricts a subject's processing to purposes (replacing
// any earlier restriction).
func (db *DB) SetRestriction(ctx context.Context, r Restriction, e *audit.Entry) error {
	ps, _ := json.Marshal(r.Purposes)
	if r.Purposes == nil {
		ps = []byte("[]")
	}
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM subjects WHERE id = ?", r.SubjectID).Scan(&one); err != nil {
			if nf := notFound(err, "subject_not_found", "no such subject"); nf != err {
				return nf
			}
			return fmt.Errorf("find subject: %w", err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO subject_restrictions (subject_id, purposes, reason, since, set_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (subject_id) DO UPDATE SET purposes = excluded.purposes, reason = excluded.reason, since = excluded.since, set_by = excluded.set_by",
			r.SubjectID, string(ps), r.Reason, r.Since.UnixMicro(), r.SetBy)
		return err
	}, e)
}

// LiftRestriction ends a subject's restriction.
func (db *DB) LiftRestriction(ctx context.Context, subjectID string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "lift restriction", apperr.New(apperr.NotFound, "not_restricted", "this subject's processing is not restricted"), "DELETE FROM subject_restrictions WHERE subject_id = ?", subjectID)
	}, e)
}

// ListRestrictions returns every restricted subject with the purposes its
// data may still be read for. Restrictions are rare, so the access engine
// holds them all in memory.
func (db *DB) ListRestrictions(ctx context.Context) (map[string][]string, error) {
	rows, err := db.query(ctx, "SELECT subject_id, purposes FROM subject_restrictions")
	if err != nil {
		return nil, fmt.Errorf("list restrictions: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var sub, ps string
		if err := rows.Scan(&sub, &ps); err != nil {
			return nil, fmt.Errorf("list restrictions: %w", err)
		}
		var purposes []string
		if err := json.Unmarshal([]byte(ps), &purposes); err != nil {
			return nil, fmt.Errorf("restriction purposes: %w", err)
		}
		out[sub] = purposes
	}
	return out, rows.Err()
}

// SubjectLimits returns one subject's restriction of processing (whether
// it has one, and the purposes still allowed) and whether it objects to
// purpose, in one query.
func (db *DB) SubjectLimits(ctx context.Context, subjectID, purpose string) (restricted bool, allowed []string, objected bool, err error) {
	var ps sql.NullString
	err = db.queryRow(ctx, "SELECT (SELECT purposes FROM subject_restrictions WHERE subject_id = ?), "+
		"EXISTS (SELECT 1 FROM subject_objections WHERE subject_id = ? AND purpose = ?)", subjectID, subjectID, purpose).Scan(&ps, &objected)
	if err != nil {
		return false, nil, false, fmt.Errorf("subject limits: %w", err)
	}
	if ps.Valid {
		if err := json.Unmarshal([]byte(ps.String), &allowed); err != nil {
			return false, nil, false, fmt.Errorf("restriction purposes: %w", err)
		}
		restricted = true
	}
	return restricted, allowed, objected, nil
}
