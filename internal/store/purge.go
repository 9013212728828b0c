package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// purgeBatch is how many records one purge transaction removes.
const purgeBatch = 500

// purger removes the ciphertext rows and index entries of erased subjects
// in the background.
type purger struct {
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

func (db *DB) startPurger() {
	db.purge = &purger{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go db.purgeLoop()
}

// kickPurge asks the purger to run now.
func (db *DB) kickPurge() {
	if db.purge == nil {
		return
	}
	select {
	case db.purge.kick <- struct{}{}:
	default:
	}
}

func (db *DB) stopPurger() {
	if db.purge == nil {
		return
	}
	close(db.purge.stop)
	<-db.purge.done
}

func (db *DB) purgeLoop() {
	defer close(db.purge.done)
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		if _, err := db.PurgeErased(context.Background()); err != nil && !errors.Is(err, ErrStopping) {
			slog.Error("purge of erased subjects failed", "err", err)
		}
		select {
		case <-db.purge.stop:
			return
		case <-db.purge.kick:
		case <-t.C:
		}
	}
}

// PurgeErased removes the rows of erased subjects (whose keys are already
// destroyed) in batches, writes each erasure's deletion record when its
// subject is done, and returns how many records it removed.
func (db *DB) PurgeErased(ctx context.Context) (int64, error) {
	var total int64
	for {
		var subject string
		err := db.queryRow(ctx, "SELECT subject_id FROM purge_queue ORDER BY queued_at LIMIT 1").Scan(&subject)
		if errors.Is(err, sql.ErrNoRows) {
			return total, nil
		}
		if err != nil {
			return total, fmt.Errorf("purge queue: %w", err)
		}
		for {
			var n int64
			var finished bool
			err := db.w.submit(func(ctx context.Context, tx *Tx) (err error) {
				n, finished, err = purgeBatchOf(ctx, tx, subject)
				return err
			}, nil)
			if err != nil {
				return total, err
			}
			total += n
			if finished {
				break
			}
		}
		if db.cache != nil {
			db.cache.clear()
		}
	}
}

// purgeBatchOf removes up to purgeBatch records of an erased subject; when
// none is left it removes the subject and its queue row and writes the
// erasure's receipt and deletion record.
func purgeBatchOf(ctx context.Context, tx *Tx, subject string) (int64, bool, error) {
	var purged int64
	var pseudonym, cause, by, reqID, colsJSON string
	var queued int64
	err := tx.QueryRow(ctx, "SELECT queued_at, pseudonym, cause, approved_by, audit_request, purged, collections FROM purge_queue WHERE subject_id = ?", subject).
		Scan(&queued, &pseudonym, &cause, &by, &reqID, &purged, &colsJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, true, nil // another replica finished it
	}
	if err != nil {
		return 0, false, fmt.Errorf("purge queue: %w", err)
	}
	var cols []string
	if err := json.Unmarshal([]byte(colsJSON), &cols); err != nil {
		return 0, false, fmt.Errorf("purge collections: %w", err)
	}
	rows, err := tx.Query(ctx, "SELECT id, collection, idx FROM records WHERE subject_id = ? LIMIT ?", subject, purgeBatch)
	if err != nil {
		return 0, false, fmt.Errorf("purge records: %w", err)
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
			return 0, false, fmt.Errorf("purge records: %w", err)
		}
		recs = append(recs, r)
	}
	rows.Close()
	for _, r := range recs {
		if err := removeRecordWithIndex(ctx, tx, r.collection, r.id, r.idx); err != nil {
			return 0, false, err
		}
		if !slices.Contains(cols, r.collection) {
			cols = append(cols, r.collection)
		}
	}
	n := int64(len(recs))
	purged += n
	if len(recs) == purgeBatch {
		b, _ := json.Marshal(cols)
		if _, err := tx.Exec(ctx, "UPDATE purge_queue SET purged = ?, collections = ? WHERE subject_id = ?", purged, string(b), subject); err != nil {
			return 0, false, fmt.Errorf("purge progress: %w", err)
		}
		return n, false, nil
	}
	if _, err := tx.Exec(ctx, "DELETE FROM subjects WHERE id = ? AND id NOT IN (SELECT subject_id FROM custodia_keys.subject_keys)", subject); err != nil {
		return 0, false, fmt.Errorf("purge subject: %w", err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM purge_queue WHERE subject_id = ?", subject); err != nil {
		return 0, false, fmt.Errorf("purge queue: %w", err)
	}
	erasedAt := time.UnixMicro(queued).UTC()
	if _, err := tx.Exec(ctx, "INSERT INTO erasures (subject_pseudonym, records_deleted, erased_at, audit_request) VALUES (?, ?, ?, ?)",
		pseudonym, purged, queued, reqID); err != nil {
		return 0, false, fmt.Errorf("record erasure: %w", err)
	}
	if err := insertDeletion(ctx, tx, Deletion{At: erasedAt, Kind: DeletionErasure, SubjectPseudonym: pseudonym, Collections: cols,
		Fields: []string{"*"}, RecordsDeleted: purged, Cause: cause, ApprovedBy: by, AuditRequest: reqID}); err != nil {
		return 0, false, err
	}
	return n, true, nil
}
