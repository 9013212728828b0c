package store

import (
	"context"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

// insertProvenance records where a created record came from, inside its
// write transaction. A row a job already imported is refused, so that a
// resumed job cannot import it twice.
func insertProvenance(ctx context.Context, tx *Tx, r vault.StoredRecord, prov *vault.Provenance, now int64) error {
	if prov == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, "INSERT INTO record_provenance (job_id, row_ref, record_id, subject_id, source, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
		prov.JobID, prov.RowRef, r.ID, r.SubjectID, prov.Source, now); err != nil {
		if isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "row_imported", "this row was already imported by this job")
		}
		return fmt.Errorf("insert provenance: %w", err)
	}
	return nil
}

// ProvenanceRow is one stored provenance reference of a record.
type ProvenanceRow struct {
	vault.Provenance
	RecordID   string    `json:"record_id"`
	SubjectID  string    `json:"subject"`
	ImportedAt time.Time `json:"imported_at"`
}

// SubjectProvenance lists where a subject's imported records came from,
// by job and row.
func (db *DB) SubjectProvenance(ctx context.Context, subjectID string) ([]ProvenanceRow, error) {
	return db.provenance(ctx, "WHERE subject_id = ? ORDER BY job_id, row_ref", subjectID)
}

// JobProvenance lists the rows a job imported, by row reference.
func (db *DB) JobProvenance(ctx context.Context, jobID string) ([]ProvenanceRow, error) {
	return db.provenance(ctx, "WHERE job_id = ? ORDER BY row_ref", jobID)
}

func (db *DB) provenance(ctx context.Context, where string, args ...any) ([]ProvenanceRow, error) {
	rows, err := db.query(ctx, "SELECT job_id, row_ref, record_id, subject_id, source, imported_at FROM record_provenance "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("query provenance: %w", err)
	}
	defer rows.Close()
	var out []ProvenanceRow
	for rows.Next() {
		var p ProvenanceRow
		var at int64
		if err := rows.Scan(&p.JobID, &p.RowRef, &p.RecordID, &p.SubjectID, &p.Source, &at); err != nil {
			return nil, fmt.Errorf("scan provenance: %w", err)
		}
		p.ImportedAt = time.UnixMicro(at).UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query provenance: %w", err)
	}
	return out, nil
}
