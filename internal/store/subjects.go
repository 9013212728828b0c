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

// EraseSubject crypto-shreds a subject: its wrapped key is destroyed first,
// then its index entries, records and subject row, and an erasure receipt
// (pseudonym only) is kept.
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
		keyGone, _ := res.RowsAffected()
		collections, err := deleteSubjectIndex(ctx, tx, subjectID)
		if err != nil {
			return err
		}
		res, err = tx.Exec(ctx, "DELETE FROM records WHERE subject_id = ?", subjectID)
		if err != nil {
			return fmt.Errorf("delete records: %w", err)
		}
		n, _ := res.RowsAffected()
		res, err = tx.Exec(ctx, "DELETE FROM subjects WHERE id = ?", subjectID)
		if err != nil {
			return fmt.Errorf("delete subject: %w", err)
		}
		if gone, _ := res.RowsAffected(); gone == 0 && keyGone == 0 {
			return apperr.New(apperr.NotFound, "subject_not_found", "no such subject")
		}
		now := time.Now().UTC()
		if _, err := tx.Exec(ctx, "INSERT INTO erasures (subject_pseudonym, records_deleted, erased_at, audit_request) VALUES (?, ?, ?, ?)",
			pseudonym, n, now.UnixMicro(), requestIDOf(e)); err != nil {
			return fmt.Errorf("record erasure: %w", err)
		}
		cause, by, reqID := causeOf(e)
		if err := insertDeletion(ctx, tx, Deletion{At: now, Kind: DeletionErasure, SubjectPseudonym: pseudonym, Collections: collections,
			Fields: []string{"*"}, RecordsDeleted: n, Cause: cause, ApprovedBy: by, AuditRequest: reqID}); err != nil {
			return err
		}
		rc = vault.ErasureReceipt{SubjectPseudonym: pseudonym, RecordsDeleted: n, KeyDestroyed: keyGone > 0, ErasedAt: now}
		return nil
	}, e)
	return rc, err
}

func requestIDOf(e *audit.Entry) string {
	if e == nil {
		return ""
	}
	return e.RequestID
}

// deleteSubjectIndex removes the blind-index entries of all of a subject's
// records and returns the collections they were in.
func deleteSubjectIndex(ctx context.Context, tx *Tx, subjectID string) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT id, collection, idx FROM records WHERE subject_id = ?", subjectID)
	if err != nil {
		return nil, fmt.Errorf("list subject records: %w", err)
	}
	type rec struct {
		id, collection string
		idx            []byte
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.id, &r.collection, &r.idx); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list subject records: %w", err)
		}
		recs = append(recs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list subject records: %w", err)
	}
	collections := []string{}
	for _, r := range recs {
		if err := deleteIndex(ctx, tx, r.collection, r.idx, r.id); err != nil {
			return nil, err
		}
		collections = append(collections, r.collection)
	}
	return collections, nil
}
