package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// CreateRecord inserts a record, its blind-index entries, its provenance
// when prov is not nil and, for a new subject, the subject and its wrapped
// data key, in one operation.
func (db *DB) CreateRecord(ctx context.Context, r vault.StoredRecord, idx []vault.IndexEntry, subject *vault.NewSubjectKey, prov *vault.Provenance, e *audit.Entry) error {
	var createdAt int64
	var recordID, pseudonym string
	if e != nil {
		recordID, pseudonym = e.RecordID, e.Subject
	}
	err := db.w.submit(func(ctx context.Context, tx *Tx) (err error) {
		// A create that fails made no record, and no subject when it was to
		// make one: its audit entry names neither. (Set, not cleared: the
		// writer may run the operation again.)
		if e != nil {
			e.RecordID, e.Subject = recordID, pseudonym
			defer func() {
				if err != nil {
					e.RecordID = ""
					if subject != nil {
						e.Subject = ""
					}
				}
			}()
		}
		now := time.Now().UTC().UnixMicro()
		// A duplicate unique value fails the blind_unique insert below,
		// which names the field: no query first.
		if subject != nil {
			primary, err := tx.primaryKEK(ctx)
			if err != nil {
				return err
			}
			version, wrapped, err := subject.Wrap(uint32(primary))
			if err != nil {
				return fmt.Errorf("wrap subject key: %w", err)
			}
			r.WrappedDEK = wrapped
			if err := tx.Insert(ctx, "subjects", "id, created_at", subject.SubjectID, now); err != nil {
				return fmt.Errorf("insert subject: %w", err)
			}
			if err := tx.Insert(ctx, "custodia_keys.subject_keys", "subject_id, kek_version, dek_version, wrapped_dek, created_at",
				subject.SubjectID, int64(version), int64(1), wrapped, now); err != nil {
				return fmt.Errorf("insert subject key: %w", err)
			}
		} else {
			err := tx.QueryRow(ctx, "SELECT wrapped_dek FROM custodia_keys.subject_keys WHERE subject_id = ?", r.SubjectID).Scan(&r.WrappedDEK)
			if err != nil {
				if nf := notFound(err, "subject_not_found", "no such subject"); nf != err {
					return nf
				}
				return fmt.Errorf("check subject: %w", err)
			}
		}
		if err := tx.Insert(ctx, "records", "id, collection, subject_id, sealed, idx, version, created_at, updated_at",
			r.ID, r.Collection, r.SubjectID, r.Sealed, encodeIndex(idx), int64(1), now, now); err != nil {
			return fmt.Errorf("insert record: %w", err)
		}
		createdAt = now
		if err := insertIndex(ctx, tx, r.Collection, r.ID, idx); err != nil {
			return err
		}
		return insertProvenance(ctx, tx, r, prov, now)
	}, e)
	if err == nil && db.cache != nil {
		r.Version = 1
		r.CreatedAt = time.UnixMicro(createdAt).UTC()
		r.UpdatedAt = r.CreatedAt
		db.cache.created(r, idx)
	}
	return err
}

// checkUnique reports which unique field already holds a value, so the
// conflict can name the field (never the value).
func checkUnique(ctx context.Context, tx *Tx, collection, exceptRecord string, idx []vault.IndexEntry) error {
	for _, ie := range idx {
		if !ie.Unique {
			continue
		}
		var id string
		err := tx.QueryRow(ctx, "SELECT record_id FROM blind_unique WHERE collection = ? AND field = ? AND mac = ?",
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

// indexTable is the table holding an entry: unique fields' entries live in
// blind_unique, whose primary key enforces uniqueness.
func indexTable(unique bool) string {
	if unique {
		return "blind_unique"
	}
	return "blind_index"
}

func insertIndex(ctx context.Context, tx *Tx, collection, recordID string, idx []vault.IndexEntry) error {
	for _, ie := range idx {
		if err := tx.Insert(ctx, indexTable(ie.Unique), "collection, field, mac, record_id",
			collection, ie.Field, ie.MAC, recordID); err != nil {
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
	var gen uint64
	if db.cache != nil {
		if r, ok := db.cache.get(collection, id); ok {
			return r, nil
		}
		gen = db.cache.generation()
	}
	r, err := scanRecord(db.queryRow(ctx, "SELECT "+recordColumns+" FROM records r JOIN custodia_keys.subject_keys k ON k.subject_id = r.subject_id WHERE r.id = ? AND r.collection = ?", id, collection))
	if err != nil {
		if nf := notFound(err, "record_not_found", "no such record"); nf != err {
			return r, nf
		}
		return r, fmt.Errorf("get record: %w", err)
	}
	if db.cache != nil {
		db.cache.fill(gen, "", []vault.StoredRecord{r})
	}
	return r, nil
}

// deleteIndex removes a record's blind-index entries, listed in its idx
// column.
func deleteIndex(ctx context.Context, tx *Tx, collection string, encoded []byte, recordID string) error {
	idx, err := decodeIndex(encoded)
	if err != nil {
		return err
	}
	for _, ie := range idx {
		if _, err := tx.Exec(ctx, "DELETE FROM "+indexTable(ie.Unique)+" WHERE collection = ? AND field = ? AND mac = ? AND record_id = ?",
			collection, ie.Field, ie.MAC, recordID); err != nil {
			return fmt.Errorf("delete index %s: %w", ie.Field, err)
		}
	}
	return nil
}

// LookupRecords finds records whose field has the blind-index value mac.
func (db *DB) LookupRecords(ctx context.Context, collection, field string, unique bool, mac []byte, limit int) ([]vault.StoredRecord, error) {
	var gen uint64
	key := indexKey(collection, field, mac)
	if db.cache != nil {
		if rs, ok := db.cache.lookup(key); ok && len(rs) <= limit {
			return rs, nil
		}
		gen = db.cache.generation()
	}
	rs, err := db.records(ctx, "SELECT "+recordColumns+" FROM "+indexTable(unique)+" b JOIN records r ON r.id = b.record_id JOIN custodia_keys.subject_keys k ON k.subject_id = r.subject_id WHERE b.collection = ? AND b.field = ? AND b.mac = ? ORDER BY r.id LIMIT ?",
		collection, field, mac, limit+1)
	if err != nil {
		return nil, err
	}
	if len(rs) > limit {
		return rs[:limit], nil // more than a page: not a complete list, not cached
	}
	if db.cache != nil {
		db.cache.fill(gen, key, rs)
	}
	return rs, nil
}

// ListRecords pages through a collection's records by id.
func (db *DB) ListRecords(ctx context.Context, collection, afterID string, limit int) ([]vault.StoredRecord, error) {
	return db.records(ctx, "SELECT "+recordColumns+" FROM records r JOIN custodia_keys.subject_keys k ON k.subject_id = r.subject_id WHERE r.collection = ? AND r.id > ? ORDER BY r.id LIMIT ?",
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
// version is unchanged since it was read. r.UpdatedAt is the time of the
// update (now when zero), so the caller can answer with what is stored.
func (db *DB) UpdateRecord(ctx context.Context, r vault.StoredRecord, idx []vault.IndexEntry, prov *vault.Provenance, grant *vault.RecordGrant, e *audit.Entry) error {
	defer db.invalidate(r.Collection, []string{r.ID}, idx)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if err := checkUnique(ctx, tx, r.Collection, r.ID, idx); err != nil {
			return err
		}
		var old []byte
		err := tx.QueryRow(ctx, "SELECT idx FROM records WHERE id = ? AND collection = ? AND version = ?", r.ID, r.Collection, r.Version).Scan(&old)
		if err == sql.ErrNoRows {
			return apperr.New(apperr.Conflict, "version_conflict", "the record changed or was deleted concurrently")
		}
		if err != nil {
			return fmt.Errorf("read record index: %w", err)
		}
		if err := deleteIndex(ctx, tx, r.Collection, old, r.ID); err != nil {
			return err
		}
		now := r.UpdatedAt.UTC().UnixMicro()
		if r.UpdatedAt.IsZero() {
			now = time.Now().UTC().UnixMicro()
		}
		if _, err := tx.Exec(ctx, "UPDATE records SET sealed = ?, idx = ?, version = version + 1, updated_at = ? WHERE id = ? AND collection = ?",
			r.Sealed, encodeIndex(idx), now, r.ID, r.Collection); err != nil {
			return fmt.Errorf("update record: %w", err)
		}
		if err := insertIndex(ctx, tx, r.Collection, r.ID, idx); err != nil {
			return err
		}
		if err := insertProvenance(ctx, tx, r, prov, now); err != nil {
			return err
		}
		return appendRecordGrant(ctx, tx, r.SubjectID, grant)
	}, e)
}

// DeleteRecord removes one record and its index entries. The subject and
// its key remain (other records may belong to it); erase the subject to
// shred the key.
func (db *DB) DeleteRecord(ctx context.Context, collection, id string, e *audit.Entry) error {
	defer db.invalidate(collection, []string{id}, nil)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		found, err := removeRecord(ctx, tx, collection, id)
		if err != nil {
			return err
		}
		if !found {
			return apperr.New(apperr.NotFound, "record_not_found", "no such record")
		}
		cause, by, reqID := causeOf(e)
		pseudonym, kind := "", DeletionManual
		if e != nil {
			pseudonym = e.Subject
			if strings.HasPrefix(e.Action, "retention.") && strings.HasPrefix(e.Detail, "rule:") {
				kind, cause = DeletionRetention, e.Detail // a retention rule left it without a field
			}
		}
		return insertDeletion(ctx, tx, Deletion{At: time.Now().UTC(), Kind: kind, SubjectPseudonym: pseudonym, Collections: []string{collection},
			Fields: []string{"*"}, RecordsDeleted: 1, Cause: cause, ApprovedBy: by, AuditRequest: reqID})
	}, e)
}

// invalidate forgets cached records and the index lists of idx after a
// change (whether or not it committed: forgetting is always safe).
func (db *DB) invalidate(collection string, ids []string, idx []vault.IndexEntry) {
	if db.cache == nil {
		return
	}
	keys := make([]string, 0, len(idx))
	for _, ie := range idx {
		keys = append(keys, indexKey(collection, ie.Field, ie.MAC))
	}
	db.cache.invalidate(ids, keys)
}

// SubjectRecords returns every record of a subject, by collection and id.
func (db *DB) SubjectRecords(ctx context.Context, subjectID string) ([]vault.StoredRecord, error) {
	return db.records(ctx, "SELECT "+recordColumns+" FROM records r JOIN custodia_keys.subject_keys k ON k.subject_id = r.subject_id WHERE r.subject_id = ? ORDER BY r.collection, r.id", subjectID)
}

// SubjectCollections lists the collections holding a subject's records.
func (db *DB) SubjectCollections(ctx context.Context, subjectID string) ([]string, error) {
	rows, err := db.query(ctx, "SELECT DISTINCT collection FROM records WHERE subject_id = ?", subjectID)
	if err != nil {
		return nil, fmt.Errorf("subject collections: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("subject collections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// removeRecord deletes a record and its blind-index entries inside a write
// transaction; found is false when the record was already gone.
func removeRecord(ctx context.Context, tx *Tx, collection, id string) (found bool, err error) {
	var idx []byte
	err = tx.QueryRow(ctx, "SELECT idx FROM records WHERE id = ? AND collection = ?", id, collection).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read record index: %w", err)
	}
	return true, removeRecordWithIndex(ctx, tx, collection, id, idx)
}

// removeRecordWithIndex deletes a record whose index keys idx are known.
func removeRecordWithIndex(ctx context.Context, tx *Tx, collection, id string, idx []byte) error {
	if err := deleteIndex(ctx, tx, collection, idx, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM records WHERE id = ? AND collection = ?", id, collection); err != nil {
		return fmt.Errorf("delete record: %w", err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM record_provenance WHERE record_id = ?", id); err != nil {
		return fmt.Errorf("delete record provenance: %w", err)
	}
	return nil
}
