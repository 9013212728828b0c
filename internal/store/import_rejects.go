package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"custodia/internal/importer"
)

// ImportReject is a stored reject of an import job: its order in the run
// (from 1) and the row as the importer reported it, values masked.
type ImportReject struct {
	Seq int `json:"seq"`
	importer.Reject
}

// DeleteImportRejects removes a job's stored rejects (a new run of the job
// records its own).
func (db *DB) DeleteImportRejects(ctx context.Context, jobID string) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM import_rejects WHERE job_id = ?", jobID); err != nil {
			return fmt.Errorf("delete import rejects: %w", err)
		}
		return nil
	}, nil)
}

// AddImportRejects stores rejects of a job in one transaction. Their
// values are masked already; a seq stored before is kept.
func (db *DB) AddImportRejects(ctx context.Context, jobID string, rejects []ImportReject) error {
	if len(rejects) == 0 {
		return nil
	}
	type row struct {
		seq                     int
		ref, code, reason, vals string
	}
	rows := make([]row, len(rejects))
	for i, r := range rejects {
		vals := r.Values
		if vals == nil {
			vals = []importer.Masked{}
		}
		b, err := json.Marshal(vals)
		if err != nil {
			return fmt.Errorf("encode import reject: %w", err)
		}
		rows[i] = row{r.Seq, r.Row, r.Code, r.Reason, string(b)}
	}
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		for _, r := range rows {
			if _, err := tx.Exec(ctx, "INSERT INTO import_rejects (job_id, seq, row_ref, code, reason, masked) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, seq) DO NOTHING",
				jobID, r.seq, r.ref, r.code, r.reason, r.vals); err != nil {
				return fmt.Errorf("insert import reject: %w", err)
			}
		}
		return nil
	}, nil)
}

// ImportRejects returns a job's stored rejects in order, at most limit of
// them (all when limit <= 0).
func (db *DB) ImportRejects(ctx context.Context, jobID string, limit int) ([]ImportReject, error) {
	q := "SELECT seq, row_ref, code, reason, masked FROM import_rejects WHERE job_id = ? ORDER BY seq"
	args := []any{jobID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("import rejects: %w", err)
	}
	defer rows.Close()
	out := []ImportReject{}
	for rows.Next() {
		var r ImportReject
		var vals string
		if err := rows.Scan(&r.Seq, &r.Row, &r.Code, &r.Reason, &vals); err != nil {
			return nil, fmt.Errorf("import rejects: %w", err)
		}
		if err := json.Unmarshal([]byte(vals), &r.Values); err != nil {
			return nil, fmt.Errorf("decode import reject: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import rejects: %w", err)
	}
	return out, nil
}

// ListImports returns import jobs, newest first, at most limit of them;
// after, a job id, continues a listing after that job.
func (db *DB) ListImports(ctx context.Context, limit int, after string) ([]importer.Import, error) {
	q := "SELECT id FROM imports ORDER BY started_at DESC, id DESC LIMIT ?"
	args := []any{limit}
	if after != "" {
		var started int64
		err := db.queryRow(ctx, "SELECT started_at FROM imports WHERE id = ?", after).Scan(&started)
		if errors.Is(err, sql.ErrNoRows) {
			return []importer.Import{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list imports: %w", err)
		}
		q = "SELECT id FROM imports WHERE started_at < ? OR (started_at = ? AND id < ?) ORDER BY started_at DESC, id DESC LIMIT ?"
		args = []any{started, started, after, limit}
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list imports: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	out := make([]importer.Import, 0, len(ids))
	for _, id := range ids {
		im, err := db.GetImport(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, nil
}
