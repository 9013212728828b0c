package store

import (
	"context"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/vault"
)

// SubjectKey returns a subject's wrapped data key.
func (db *DB) SubjectKey(ctx context.Context, subjectID string) ([]byte, error) {
	var w []byte
	err := db.queryRow(ctx, "SELECT wrapped_dek FROM custodia_keys.subject_keys WHERE subject_id = ?", subjectID).Scan(&w)
	if err != nil {
		if nf := notFound(err, "subject_not_found", "no such subject"); nf != err {
			return nil, nf
		}
		return nil, fmt.Errorf("get subject key: %w", err)
	}
	return w, nil
}

// EraseSubject crypto-shreds a subject: its wrapped key is destroyed, which
// makes every record of it unreadable at once. The unreadable ciphertext
// rows and index entries are then removed by the background purge, which
// writes the erasure's deletion record with the count and collections when
// it is done; so an erasure takes the same time whatever the number of
// records.
func (db *DB) EraseSubject(ctx context.Context, subjectID, pseudonym string, e *audit.Entry) (vault.ErasureReceipt, error) {
	var rc vault.ErasureReceipt
	if db.cache != nil {
		defer db.cache.clear()
	}
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM custodia_keys.subject_keys WHERE subject_id = ?", subjectID)
		if err != nil {
			return fmt.Errorf("destroy subject key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "subject_not_found", "no such subject")
		}
		// Where the subject's records came from goes with the key: the
		// rows left behind are unreadable and purged later.
		if _, err := tx.Exec(ctx, "DELETE FROM record_provenance WHERE subject_id = ?", subjectID); err != nil {
			return fmt.Errorf("delete provenance: %w", err)
		}
		now := time.Now().UTC()
		cause, by, reqID := causeOf(e)
		if _, err := tx.Exec(ctx, "INSERT INTO purge_queue (subject_id, queued_at, pseudonym, cause, approved_by, audit_request, purged, collections) VALUES (?, ?, ?, ?, ?, ?, 0, '[]') ON CONFLICT (subject_id) DO NOTHING",
			subjectID, now.UnixMicro(), pseudonym, cause, by, reqID); err != nil {
			return fmt.Errorf("queue purge: %w", err)
		}
		rc = vault.ErasureReceipt{SubjectPseudonym: pseudonym, KeyDestroyed: true, ErasedAt: now, Purge: "queued"}
		return nil
	}, e)
	if err == nil {
		db.kickPurge()
		db.scrubKeyStore()
	}
	return rc, err
}
