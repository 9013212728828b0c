package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/importer"
)

const importColumns = "id, collection, purpose, source, legal_basis, consent, on_duplicate, status, result, started_at, finished_at, updated_at, system_id, cleanup_task, fingerprint, mapping"

// CreateImport stores a new import job; when one with its id exists it
// returns that one and created false.
func (db *DB) CreateImport(ctx context.Context, im importer.Import) (importer.Import, bool, error) {
	consent, counts, err := importJSON(im)
	if err != nil {
		return importer.Import{}, false, err
	}
	mapping, err := mappingJSON(im.Mapping)
	if err != nil {
		return importer.Import{}, false, err
	}
	var created bool
	actor, requestID := audit.ActorFrom(ctx)
	e := &audit.Entry{Actor: actor, RequestID: requestID, Action: "import.start", Collection: im.Collection, Purpose: im.Purpose, Detail: "job:" + im.ID}
	err = db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "INSERT INTO imports ("+importColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
			im.ID, im.Collection, im.Purpose, im.Source, im.LegalBasis, consent, string(im.OnDuplicate), im.Status, counts,
			im.StartedAt.UnixMicro(), finishedAt(im), im.UpdatedAt.UnixMicro(), im.SystemID, im.CleanupTaskID, im.Fingerprint, mapping)
		if err != nil {
			return fmt.Errorf("insert import: %w", err)
		}
		n, _ := res.RowsAffected()
		created = n == 1
		return nil
	}, e)
	if err != nil {
		return importer.Import{}, false, err
	}
	if created {
		return im, true, nil
	}
	stored, err := db.GetImport(ctx, im.ID)
	return stored, false, err
}

// UpdateImport stores a job's state, counts, times and mapping.
func (db *DB) UpdateImport(ctx context.Context, im importer.Import) error {
	_, counts, err := importJSON(im)
	if err != nil {
		return err
	}
	mapping, err := mappingJSON(im.Mapping)
	if err != nil {
		return err
	}
	var e *audit.Entry
	if im.Status != importer.StatusRunning {
		actor, requestID := audit.ActorFrom(ctx)
		e = &audit.Entry{Actor: actor, RequestID: requestID, Action: "import." + im.Status, Collection: im.Collection, Purpose: im.Purpose, Detail: "job:" + im.ID}
	}
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "update import", apperr.New(apperr.NotFound, "import_not_found", "no such import"),
			"UPDATE imports SET on_duplicate = ?, status = ?, result = ?, finished_at = ?, updated_at = ?, system_id = ?, cleanup_task = ?, mapping = ? WHERE id = ?",
			string(im.OnDuplicate), im.Status, counts, finishedAt(im), im.UpdatedAt.UnixMicro(), im.SystemID, im.CleanupTaskID, mapping, im.ID)
	}, e)
}

// GetImport returns one import job.
func (db *DB) GetImport(ctx context.Context, id string) (importer.Import, error) {
	var im importer.Import
	var consent, counts, onDup, mapping string
	var started, finished, updated int64
	err := db.queryRow(ctx, "SELECT "+importColumns+" FROM imports WHERE id = ?", id).Scan(&im.ID, &im.Collection, &im.Purpose, &im.Source,
		&im.LegalBasis, &consent, &onDup, &im.Status, &counts, &started, &finished, &updated, &im.SystemID, &im.CleanupTaskID, &im.Fingerprint, &mapping)
	if errors.Is(err, sql.ErrNoRows) {
		return im, apperr.New(apperr.NotFound, "import_not_found", "no such import")
	}
	if err != nil {
		return im, fmt.Errorf("get import: %w", err)
	}
	im.OnDuplicate = importer.OnDuplicate(onDup)
	if consent != "{}" {
		im.Consent = &importer.ConsentEvidence{}
		if err := json.Unmarshal([]byte(consent), im.Consent); err != nil {
			return im, fmt.Errorf("import consent evidence: %w", err)
		}
	}
	if err := json.Unmarshal([]byte(counts), &im.Counts); err != nil {
		return im, fmt.Errorf("import counts: %w", err)
	}
	if mapping != "" {
		if err := json.Unmarshal([]byte(mapping), &im.Mapping); err != nil {
			return im, fmt.Errorf("import mapping: %w", err)
		}
	}
	im.StartedAt, im.UpdatedAt = time.UnixMicro(started).UTC(), time.UnixMicro(updated).UTC()
	if finished != 0 {
		im.FinishedAt = time.UnixMicro(finished).UTC()
	}
	return im, nil
}

// ImportedRows maps those of refs that a job imported to their records'
// subjects.
func (db *DB) ImportedRows(ctx context.Context, jobID string, refs []string) (map[string]string, error) {
	out := map[string]string{}
	at := 0
	for _, size := range bulkChunks {
		if len(refs)-at < size {
			continue
		}
		query := "SELECT row_ref, subject_id FROM record_provenance WHERE job_id = ? AND row_ref IN (" + strings.TrimSuffix(strings.Repeat("?, ", size), ", ") + ")"
		for ; len(refs)-at >= size; at += size {
			args := make([]any, 0, size+1)
			args = append(args, jobID)
			for _, ref := range refs[at : at+size] {
				args = append(args, ref)
			}
			if err := db.importedRows(ctx, query, args, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (db *DB) importedRows(ctx context.Context, query string, args []any, out map[string]string) error {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("imported rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref, subject string
		if err := rows.Scan(&ref, &subject); err != nil {
			return fmt.Errorf("imported rows: %w", err)
		}
		out[ref] = subject
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("imported rows: %w", err)
	}
	return nil
}

// importJSON encodes a job's consent evidence ("{}" when none) and counts.
func importJSON(im importer.Import) (consent, counts string, err error) {
	consent = "{}"
	if im.Consent != nil {
		b, err := json.Marshal(im.Consent)
		if err != nil {
			return "", "", fmt.Errorf("encode consent evidence: %w", err)
		}
		consent = string(b)
	}
	b, err := json.Marshal(im.Counts)
	if err != nil {
		return "", "", fmt.Errorf("encode import counts: %w", err)
	}
	return consent, string(b), nil
}

// mappingJSON encodes a job's mapping for its column: "" when there is none.
func mappingJSON(m importer.Mapping) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode import mapping: %w", err)
	}
	return string(b), nil
}

// finishedAt is a job's finish time in microseconds, 0 while unfinished.
func finishedAt(im importer.Import) int64 {
	if im.FinishedAt.IsZero() {
		return 0
	}
	return im.FinishedAt.UnixMicro()
}
