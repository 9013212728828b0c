package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/exports"
)

// errExportState refuses a change to an entry whose status changed since
// it was read.
var errExportState = apperr.New(apperr.Conflict, "export_state", "the export changed state meanwhile; read it again")

// errPackagePending refuses a second waiting entry for one request's
// access package (the exports_pending_package index).
var errPackagePending = apperr.New(apperr.Conflict, "package_export_pending", "this request's access package already waits for approval")

// PutExport adds an entry to the export register. A second waiting entry
// for one request's access package is a conflict with code
// package_export_pending.
func (db *DB) PutExport(ctx context.Context, x exports.Export, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error { return insertExport(ctx, tx, x) }, e)
}

func insertExport(ctx context.Context, tx *Tx, x exports.Export) error {
	spec, _ := json.Marshal(x)
	_, err := tx.Exec(ctx, "INSERT INTO exports (id, kind, status, requested_by, requested_at, spec, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
		x.ID, x.Kind, x.Status, x.RequestedBy, x.RequestedAt.UnixMicro(), string(spec), x.Request)
	if isUniqueViolation(err) {
		return errPackagePending
	}
	if err != nil {
		return fmt.Errorf("register export: %w", err)
	}
	return nil
}

// ReplaceExport registers x, which takes the place of old, an approved
// entry never produced: old becomes superseded in the same transaction
// (409 export_state when it is no longer approved).
func (db *DB) ReplaceExport(ctx context.Context, x, old exports.Export, e *audit.Entry) error {
	old.Status = exports.StatusSuperseded
	oldSpec, _ := json.Marshal(old)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if err := execOne(ctx, tx, "supersede export", errExportState,
			"UPDATE exports SET status = ?, spec = ? WHERE id = ? AND status = ?", old.Status, string(oldSpec), old.ID, exports.StatusApproved); err != nil {
			return err
		}
		return insertExport(ctx, tx, x)
	}, e)
}

// UpdateExport replaces an entry whose status is still from: the
// compare-and-set that keeps two approvers, or an approval and a
// download, from both acting. A changed status is 409 export_state.
func (db *DB) UpdateExport(ctx context.Context, x exports.Export, from string, e *audit.Entry) error {
	spec, _ := json.Marshal(x)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "update export", errExportState, "UPDATE exports SET status = ?, spec = ? WHERE id = ? AND status = ?", x.Status, string(spec), x.ID, from)
	}, e)
}

// GetExport returns one entry of the register.
func (db *DB) GetExport(ctx context.Context, id string) (exports.Export, error) {
	return getSpec[exports.Export](ctx, db, "SELECT spec FROM exports WHERE id = ?", id, "export_not_found", "no such export")
}

// OpenPackageExport returns the newest entry of a request's access
// package that waits for approval or was approved and not yet produced
// (an apperr not-found when there is none).
func (db *DB) OpenPackageExport(ctx context.Context, requestID string) (exports.Export, error) {
	var x exports.Export
	var spec string
	err := db.queryRow(ctx, "SELECT spec FROM exports WHERE request_id = ? AND kind = ? AND status IN (?, ?) ORDER BY requested_at DESC, id LIMIT 1",
		requestID, exports.KindAccessPackage, exports.StatusPending, exports.StatusApproved).Scan(&spec)
	if errors.Is(err, sql.ErrNoRows) {
		return x, apperr.New(apperr.NotFound, "export_not_found", "no access package of this request waits for approval")
	}
	if err != nil {
		return x, fmt.Errorf("read package export: %w", err)
	}
	if err := json.Unmarshal([]byte(spec), &x); err != nil {
		return x, fmt.Errorf("decode package export: %w", err)
	}
	return x, nil
}

// ListExports lists the register, newest first.
func (db *DB) ListExports(ctx context.Context, limit int) ([]exports.Export, error) {
	return listSpecs[exports.Export](ctx, db, "exports", "SELECT spec FROM exports ORDER BY requested_at DESC, id LIMIT ?", limit)
}

// CountRecords counts the records of a collection and their subjects.
func (db *DB) CountRecords(ctx context.Context, collection string) (records, subjects int, err error) {
	err = db.queryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT subject_id) FROM records WHERE collection = ?", collection).Scan(&records, &subjects)
	if err != nil {
		return 0, 0, fmt.Errorf("count records: %w", err)
	}
	return records, subjects, nil
}

// ConsentGaps counts the consents in force whose grant was recorded without
// full evidence: no method, notice version or collector. A consent is a
// subject and purpose; it is in force when its latest event (by seq, the
// ledger's order) is a grant. A later grant with full evidence, or a
// withdrawal, closes the gap, and repeated grants count once.
func (db *DB) ConsentGaps(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM consent_events c WHERE c.action = 'grant' AND (c.method = '' OR c.notice_version = '' OR c.collected_by = '')"+
		" AND NOT EXISTS (SELECT 1 FROM consent_events l WHERE l.subject_id = c.subject_id AND l.purpose = c.purpose AND l.seq > c.seq)").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("consent gaps: %w", err)
	}
	return n, nil
}

// AuditTimes returns when the audit log began and when an action was last
// recorded with success (zero when never).
func (db *DB) AuditTimes(ctx context.Context, action string) (first, last time.Time, err error) {
	var f, l sql.NullInt64
	// The first entry by sequence number (the primary key), not MIN(at),
	// which would read every entry.
	err = db.queryRow(ctx, "SELECT at FROM audit_log ORDER BY seq LIMIT 1").Scan(&f)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return first, last, fmt.Errorf("audit start: %w", err)
	}
	if err := db.queryRow(ctx, "SELECT MAX(at) FROM audit_log WHERE action = ? AND outcome = 'ok'", action).Scan(&l); err != nil {
		return first, last, fmt.Errorf("audit last %s: %w", action, err)
	}
	if f.Valid {
		first = time.UnixMicro(f.Int64).UTC()
	}
	if l.Valid {
		last = time.UnixMicro(l.Int64).UTC()
	}
	return first, last, nil
}
