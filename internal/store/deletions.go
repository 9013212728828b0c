package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
)

// Deletion is the record of one deletion. It never holds deleted values.
type Deletion struct {
	ID               string    `json:"id"`
	At               time.Time `json:"at"`
	Kind             string    `json:"kind"` // erasure, retention or manual
	SubjectPseudonym string    `json:"subject_pseudonym"`
	Collections      []string  `json:"collections"`
	Fields           []string  `json:"fields"` // ["*"]: whole records
	RecordsDeleted   int64     `json:"records_deleted"`
	Cause            string    `json:"cause"` // request:req_…, rule:…, api:<action>, or restore
	ApprovedBy       string    `json:"approved_by"`
	AuditRequest     string    `json:"audit_request,omitempty"`
}

// Kinds of deletion.
const (
	DeletionErasure   = "erasure"
	DeletionRetention = "retention"
	DeletionManual    = "manual"
)

// causeOf names what caused a deletion from its audit entry: a
// data-subject request (its id is the entry's record id) or the API call.
func causeOf(e *audit.Entry) (cause, approvedBy, requestID string) {
	if e == nil {
		return "system", "system", ""
	}
	if strings.HasPrefix(e.RecordID, "req_") {
		return "request:" + e.RecordID, e.Actor, e.RequestID
	}
	return "api:" + e.Action, e.Actor, e.RequestID
}

// insertDeletion writes a deletion record inside a write transaction.
func insertDeletion(ctx context.Context, tx *Tx, d Deletion) error {
	slices.Sort(d.Collections)
	d.Collections = slices.Compact(d.Collections)
	cols, _ := json.Marshal(d.Collections)
	fields, _ := json.Marshal(d.Fields)
	_, err := tx.Exec(ctx, "INSERT INTO deletions (id, at, kind, subject_pseudonym, collections, fields, records_deleted, cause, approved_by, audit_request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		auth.NewID("del_"), d.At.UnixMicro(), d.Kind, d.SubjectPseudonym, string(cols), string(fields), d.RecordsDeleted, d.Cause, d.ApprovedBy, d.AuditRequest)
	if err != nil {
		return fmt.Errorf("record deletion: %w", err)
	}
	return nil
}

// ListDeletions lists deletion records, newest first: of one kind and of
// one subject (by pseudonym) when those are given.
func (db *DB) ListDeletions(ctx context.Context, kind, pseudonym string, limit int) ([]Deletion, error) {
	q, args := "SELECT id, at, kind, subject_pseudonym, collections, fields, records_deleted, cause, approved_by, audit_request FROM deletions WHERE 1 = 1", []any{}
	if kind != "" {
		q, args = q+" AND kind = ?", append(args, kind)
	}
	if pseudonym != "" {
		q, args = q+" AND subject_pseudonym = ?", append(args, pseudonym)
	}
	rows, err := db.query(ctx, q+" ORDER BY at DESC, id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list deletions: %w", err)
	}
	defer rows.Close()
	out := []Deletion{}
	for rows.Next() {
		var d Deletion
		var at int64
		var cols, fields string
		if err := rows.Scan(&d.ID, &at, &d.Kind, &d.SubjectPseudonym, &cols, &fields, &d.RecordsDeleted, &d.Cause, &d.ApprovedBy, &d.AuditRequest); err != nil {
			return nil, fmt.Errorf("list deletions: %w", err)
		}
		d.At = time.UnixMicro(at).UTC()
		if err := json.Unmarshal([]byte(cols), &d.Collections); err != nil {
			return nil, fmt.Errorf("deletion collections: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
			return nil, fmt.Errorf("deletion fields: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ErasedSubject reports when a subject was erased and from which
// collections, if it was: from the purge queue while its records are
// being removed, then from the deletion register (by its pseudonym).
// found is false for a subject never erased (or unknown).
func (db *DB) ErasedSubject(ctx context.Context, subjectID, pseudonym string) (at time.Time, collections []string, found bool, err error) {
	var queued int64
	var cols string
	err = db.queryRow(ctx, "SELECT queued_at, collections FROM purge_queue WHERE subject_id = ?", subjectID).Scan(&queued, &cols)
	if err == nil {
		_ = json.Unmarshal([]byte(cols), &collections)
		return time.UnixMicro(queued).UTC(), collections, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil, false, fmt.Errorf("erased subject: %w", err)
	}
	var when int64
	err = db.queryRow(ctx, "SELECT at, collections FROM deletions WHERE subject_pseudonym = ? AND kind = ? ORDER BY at LIMIT 1", pseudonym, DeletionErasure).Scan(&when, &cols)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil, false, nil
	case err != nil:
		return time.Time{}, nil, false, fmt.Errorf("erased subject: %w", err)
	}
	_ = json.Unmarshal([]byte(cols), &collections)
	return time.UnixMicro(when).UTC(), collections, true, nil
}
