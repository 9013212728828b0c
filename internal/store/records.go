package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/vault"
)

const recordColumns = "r.id, r.collection, r.subject_id, r.sealed, r.version, r.created_at, r.updated_at, k.wrapped_dek"

func scanRecord(sc interface{ Scan(...any) error }) (vault.StoredRecord, error) {
	var r vault.StoredRecord
	var created, updated int64
	err := sc.Scan(&r.ID, &r.Collection, &r.SubjectID, &r.Sealed, &r.Version, &created, &updated, &r.WrappedDEK)
	r.CreatedAt, r.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return r, err
}

// CreateRecord inserts a record, its blind-index entries and, for a new
// subject, the subject and its wrapped data key, in one operation.
func (db *DB) CreateRecord(ctx context.Context, r vault.StoredRecord, idx []vault.IndexEntry, subject *vault.NewSubjectKey, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		now := time.Now().UTC().UnixMicro()
		if err := checkUnique(ctx, tx, r.Collection, "", idx); err != nil {
			return err
		}
		if subject != nil {
			version, wrapped, err := subject.Wrap()
			if err != nil {
				return fmt.Errorf("wrap subject key: %w", err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO subjects (id, created_at) VALUES (?, ?)", subject.SubjectID, now); err != nil {
				return fmt.Errorf("insert subject: %w", err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO subject_keys (subject_id, kek_version, dek_version, wrapped_dek, created_at) VALUES (?, ?, 1, ?, ?)",
				subject.SubjectID, int64(version), wrapped, now); err != nil {
				return fmt.Errorf("insert subject key: %w", err)
			}
		} else {
			var one int
			err := tx.QueryRow(ctx, "SELECT 1 FROM subjects WHERE id = ?", r.SubjectID).Scan(&one)
			if err != nil {
				if nf := notFound(err, "subject_not_found", "no such subject"); nf != err {
					return nf
				}
				return fmt.Errorf("check subject: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO records (id, collection, subject_id, sealed, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
			r.ID, r.Collection, r.SubjectID, r.Sealed, now, now); err != nil {
			return fmt.Errorf("insert record: %w", err)
		}
		return insertIndex(ctx, tx, r.Collection, r.ID, idx)
	}, e)
}

// checkUnique reports which unique field already holds a value, so the
// conflict can name the field (never the value).
func checkUnique(ctx context.Context, tx *Tx, collection, exceptRecord string, idx []vault.IndexEntry) error {
	for _, ie := range idx {
		if !ie.Unique {
			continue
		}
		var id string
		err := tx.QueryRow(ctx, "SELECT record_id FROM blind_index WHERE collection = ? AND field = ? AND mac = ? AND is_unique = 1",
			collection, ie.Field, ie.MAC).Scan(&id)
		if err == sql.ErrNoRows || (err == nil && id == exceptRecord) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check unique %s: %w", ie.Field, err)
		}
		return apperr.Newf(apperr.Conflict, "duplicate_value", "another record already has this %s (the field is unique)", ie.Field)
	}
	return nil
}

func insertIndex(ctx context.Context, tx *Tx, collection, recordID string, idx []vault.IndexEntry) error {
	for _, ie := range idx {
		u := 0
		if ie.Unique {
			u = 1
		}
		if _, err := tx.Exec(ctx, "INSERT INTO blind_index (collection, field, mac, record_id, is_unique) VALUES (?, ?, ?, ?, ?)",
			collection, ie.Field, ie.MAC, recordID, u); err != nil {
			if isUniqueViolation(err) {
				return apperr.Newf(apperr.Conflict, "duplicate_value", "another record already has this %s (the field is unique)", ie.Field)
			}
			return fmt.Errorf("insert index %s: %w", ie.Field, err)
		}
	}
	return nil
}

// GetRecord returns one record with its subject's wrapped key.
func (db *DB) GetRecord(ctx context.Context, collection, id string) (vault.StoredRecord, error) {
	r, err := scanRecord(db.queryRow(ctx, "SELECT "+recordColumns+" FROM records r JOIN subject_keys k ON k.subject_id = r.subject_id WHERE r.id = ? AND r.collection = ?", id, collection))
	if err != nil {
		if nf := notFound(err, "record_not_found", "no such record"); nf != err {
			return r, nf
		}
		return r, fmt.Errorf("get record: %w", err)
	}
	return r, nil
}

// LookupRecords finds records whose field has the blind-index value mac.
func (db *DB) LookupRecords(ctx context.Context, collection, field string, mac []byte, limit int) ([]vault.StoredRecord, error) {
	return db.records(ctx, "SELECT "+recordColumns+" FROM blind_index b JOIN records r ON r.id = b.record_id JOIN subject_keys k ON k.subject_id = r.subject_id WHERE b.collection = ? AND b.field = ? AND b.mac = ? ORDER BY r.id LIMIT ?",
		collection, field, mac, limit)
}

// ListRecords pages through a collection's records by id.
func (db *DB) ListRecords(ctx context.Context, collection, afterID string, limit int) ([]vault.StoredRecord, error) {
	return db.records(ctx, "SELECT "+recordColumns+" FROM records r JOIN subject_keys k ON k.subject_id = r.subject_id WHERE r.collection = ? AND r.id > ? ORDER BY r.id LIMIT ?",
		collection, afterID, limit)
}

func (db *DB) records(ctx context.Context, query string, args ...any) ([]vault.StoredRecord, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query records: %w", err)
	}
	defer rows.Close()
	var out []vault.StoredRecord
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("scan record: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query records: %w", err)
	}
	return out, nil
}

// UpdateRecord replaces a record's sealed data and index entries if its
// version is unchanged since it was read.
func (db *DB) UpdateRecord(ctx context.Context, r vault.StoredRecord, idx []vault.IndexEntry, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if err := checkUnique(ctx, tx, r.Collection, r.ID, idx); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE records SET sealed = ?, version = version + 1, updated_at = ? WHERE id = ? AND collection = ? AND version = ?",
			r.Sealed, time.Now().UTC().UnixMicro(), r.ID, r.Collection, r.Version)
		if err != nil {
			return fmt.Errorf("update record: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "version_conflict", "the record changed or was deleted concurrently")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM blind_index WHERE record_id = ?", r.ID); err != nil {
			return fmt.Errorf("clear index: %w", err)
		}
		return insertIndex(ctx, tx, r.Collection, r.ID, idx)
	}, e)
}

// DeleteRecord removes one record and its index entries. The subject and
// its key remain (other records may belong to it); erase the subject to
// shred the key.
func (db *DB) DeleteRecord(ctx context.Context, collection, id string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM blind_index WHERE record_id = ?", id); err != nil {
			return fmt.Errorf("delete index: %w", err)
		}
		res, err := tx.Exec(ctx, "DELETE FROM records WHERE id = ? AND collection = ?", id, collection)
		if err != nil {
			return fmt.Errorf("delete record: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "record_not_found", "no such record")
		}
		return nil
	}, e)
}
