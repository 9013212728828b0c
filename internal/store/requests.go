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
	"custodia/internal/dsr"
)

const requestColumns = "id, type, jurisdiction, state, subject_id, lookup_kind, lookup_hash, channel, received_at, due_at, acknowledge_by, extend_notice_by, extensions, max_extensions, rule_source, details, created_by, created_at, updated_at, closed_at, outcome"

func scanRequest(sc interface{ Scan(...any) error }) (dsr.Request, error) {
	var r dsr.Request
	var received, due, created, updated int64
	var ack, notice, closed *int64
	var details string
	if err := sc.Scan(&r.ID, &r.Type, &r.Jurisdiction, &r.State, &r.SubjectID, &r.LookupKind, &r.LookupHash, &r.Channel, &received, &due,
		&ack, &notice, &r.Extensions, &r.MaxExtensions, &r.RuleSource, &details, &r.CreatedBy, &created, &updated, &closed, &r.Outcome); err != nil {
		return r, err
	}
	r.ReceivedAt, r.DueAt = time.UnixMicro(received).UTC(), time.UnixMicro(due).UTC()
	r.CreatedAt, r.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	r.AcknowledgeBy, r.ExtendNoticeBy, r.ClosedAt = timeOrNil(ack), timeOrNil(notice), timeOrNil(closed)
	if err := json.Unmarshal([]byte(details), &r.Details); err != nil {
		return r, fmt.Errorf("request details: %w", err)
	}
	return r, nil
}

func requestArgs(r dsr.Request) []any {
	details, _ := json.Marshal(r.Details)
	return []any{r.ID, r.Type, r.Jurisdiction, r.State, r.SubjectID, r.LookupKind, r.LookupHash, r.Channel, r.ReceivedAt.UnixMicro(), r.DueAt.UnixMicro(),
		microsOrNil(r.AcknowledgeBy), microsOrNil(r.ExtendNoticeBy), r.Extensions, r.MaxExtensions, r.RuleSource, string(details), r.CreatedBy,
		r.CreatedAt.UnixMicro(), r.UpdatedAt.UnixMicro(), microsOrNil(r.ClosedAt), r.Outcome}
}

// CreateRequest stores a new request with its first transitions. An open
// request of the same type for the same subject (or the same unmatched
// lookup) is a duplicate: Conflict, naming the existing request's id, or,
// with onDuplicate, what onDuplicate makes of it is stored instead.
func (db *DB) CreateRequest(ctx context.Context, r dsr.Request, ts []dsr.Transition, onDuplicate dsr.Rewrite, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		var dup string
		err := sql.ErrNoRows // a request filed closed duplicates nothing
		open := " AND state NOT IN ('" + dsr.StateCompleted + "', '" + dsr.StateRejected + "')"
		switch {
		case !dsr.Open(r.State):
		case r.SubjectID != "":
			err = tx.QueryRow(ctx, "SELECT id FROM requests WHERE subject_id = ? AND type = ?"+open+" LIMIT 1", r.SubjectID, r.Type).Scan(&dup)
		default:
			err = tx.QueryRow(ctx, "SELECT id FROM requests WHERE subject_id = '' AND lookup_hash = ? AND type = ?"+open+" LIMIT 1", r.LookupHash, r.Type).Scan(&dup)
		}
		switch {
		case err == nil && onDuplicate != nil:
			r, ts = onDuplicate(dup)
		case err == nil:
			return apperr.Newf(apperr.Conflict, "duplicate_request", "an open %s request for this subject already exists: %s", r.Type, dup)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find duplicate request: %w", err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO requests ("+requestColumns+") VALUES (?"+strings.Repeat(", ?", 20)+")", requestArgs(r)...); err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		for _, t := range ts {
			if err := insertTransition(ctx, tx, r.ID, t); err != nil {
				return err
			}
		}
		return nil
	}, e)
}

func insertTransition(ctx context.Context, tx *Tx, requestID string, t dsr.Transition) error {
	_, err := tx.Exec(ctx, "INSERT INTO request_transitions (request_id, seq, from_state, to_state, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
		requestID, t.Seq, t.From, t.To, t.At.UnixMicro(), t.By, t.Reason)
	if err != nil {
		return fmt.Errorf("insert transition: %w", err)
	}
	return nil
}

// GetRequest reads a request.
func (db *DB) GetRequest(ctx context.Context, id string) (dsr.Request, error) {
	r, err := scanRequest(db.queryRow(ctx, "SELECT "+requestColumns+" FROM requests WHERE id = ?", id))
	if err != nil {
		if nf := notFound(err, "request_not_found", "no such request"); nf != err {
			return r, nf
		}
		return r, fmt.Errorf("get request: %w", err)
	}
	return r, nil
}

// ListRequests lists requests by due date: open ones only when openOnly,
// those due before dueBefore when it is set.
func (db *DB) ListRequests(ctx context.Context, f dsr.Filter) ([]dsr.Request, error) {
	q := "SELECT " + requestColumns + " FROM requests WHERE 1 = 1"
	var args []any
	if f.OpenOnly {
		q += " AND state NOT IN ('" + dsr.StateCompleted + "', '" + dsr.StateRejected + "')"
	}
	if !f.DueBefore.IsZero() {
		q += " AND due_at < ?"
		args = append(args, f.DueBefore.UnixMicro())
	}
	if f.State != "" {
		q += " AND state = ?"
		args = append(args, f.State)
	}
	if f.Type != "" {
		q += " AND type = ?"
		args = append(args, f.Type)
	}
	if f.SubjectID != "" {
		q += " AND subject_id = ?"
		args = append(args, f.SubjectID)
	}
	q += " ORDER BY due_at, id LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	out := []dsr.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("list requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MoveRequest applies a state change when the request is still in state
// t.From: update changes the stored request, and the transition is
// appended in the same transaction.
func (db *DB) MoveRequest(ctx context.Context, id string, t dsr.Transition, update func(*dsr.Request) error, e *audit.Entry) (dsr.Request, error) {
	var out dsr.Request
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		r, err := scanRequest(tx.QueryRow(ctx, "SELECT "+requestColumns+" FROM requests WHERE id = ?"+db.d.forUpdate(), id))
		if err != nil {
			if nf := notFound(err, "request_not_found", "no such request"); nf != err {
				return nf
			}
			return fmt.Errorf("get request: %w", err)
		}
		if r.State != t.From {
			return apperr.Newf(apperr.Conflict, "state_changed", "the request is %s, not %s", r.State, t.From)
		}
		if err := update(&r); err != nil {
			return err
		}
		r.State, r.UpdatedAt = t.To, t.At
		if !dsr.Open(t.To) {
			at := t.At
			r.ClosedAt, r.Outcome = &at, t.Reason
		}
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM request_transitions WHERE request_id = ?", id).Scan(&t.Seq); err != nil {
			return fmt.Errorf("next transition: %w", err)
		}
		args := requestArgs(r)
		// A new due date (an extension) may be overdue again later: alert anew.
		if _, err := tx.Exec(ctx, "UPDATE requests SET overdue_alerted = CASE WHEN due_at = ? THEN overdue_alerted ELSE NULL END, state = ?, due_at = ?, acknowledge_by = ?, extend_notice_by = ?, extensions = ?, max_extensions = ?, rule_source = ?, details = ?, updated_at = ?, closed_at = ?, outcome = ? WHERE id = ?",
			args[9], r.State, args[9], args[10], args[11], r.Extensions, r.MaxExtensions, r.RuleSource, args[15], r.UpdatedAt.UnixMicro(), args[19], r.Outcome, id); err != nil {
			return fmt.Errorf("update request: %w", err)
		}
		if err := insertTransition(ctx, tx, id, t); err != nil {
			return err
		}
		out = r
		return nil
	}, e)
	return out, err
}

// RequestTransitions returns a request's state history.
func (db *DB) RequestTransitions(ctx context.Context, id string) ([]dsr.Transition, error) {
	rows, err := db.query(ctx, "SELECT seq, from_state, to_state, at, actor, reason FROM request_transitions WHERE request_id = ? ORDER BY seq", id)
	if err != nil {
		return nil, fmt.Errorf("request history: %w", err)
	}
	defer rows.Close()
	out := []dsr.Transition{}
	for rows.Next() {
		var t dsr.Transition
		var at int64
		if err := rows.Scan(&t.Seq, &t.From, &t.To, &at, &t.By, &t.Reason); err != nil {
			return nil, fmt.Errorf("request history: %w", err)
		}
		t.At = time.UnixMicro(at).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddTask stores a task of a request.
func (db *DB) AddTask(ctx context.Context, t dsr.Task, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO request_tasks (id, request_id, system, description, state, evidence, attachment_hash, created_at, closed_at, closed_by, assignee) VALUES (?, ?, ?, ?, ?, '', '', ?, NULL, '', ?)",
			t.ID, t.RequestID, t.System, t.Description, t.State, t.CreatedAt.UnixMicro(), t.Assignee)
		return err
	}, e)
}

// ListTasks returns a request's tasks.
func (db *DB) ListTasks(ctx context.Context, requestID string) ([]dsr.Task, error) {
	return db.tasks(ctx, "WHERE request_id = ? ORDER BY created_at, id", requestID)
}

// OpenTasksAssigned returns the open tasks of requests assigned to the
// person with this e-mail address, oldest first.
func (db *DB) OpenTasksAssigned(ctx context.Context, email string) ([]dsr.Task, error) {
	return db.tasks(ctx, "WHERE assignee = ? AND state = 'open' ORDER BY created_at, id", email)
}

// tasks returns the request tasks a WHERE clause selects.
func (db *DB) tasks(ctx context.Context, where string, args ...any) ([]dsr.Task, error) {
	rows, err := db.query(ctx, "SELECT id, request_id, system, description, state, evidence, attachment_hash, created_at, closed_at, closed_by, assignee FROM request_tasks "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	defer rows.Close()
	out := []dsr.Task{}
	for rows.Next() {
		var t dsr.Task
		var created int64
		var closed *int64
		if err := rows.Scan(&t.ID, &t.RequestID, &t.System, &t.Description, &t.State, &t.Evidence, &t.AttachmentHash, &created, &closed, &t.ClosedBy, &t.Assignee); err != nil {
			return nil, fmt.Errorf("list tasks: %w", err)
		}
		t.CreatedAt, t.ClosedAt = time.UnixMicro(created).UTC(), timeOrNil(closed)
		out = append(out, t)
	}
	return out, rows.Err()
}

// CloseTask closes or justifies an open task of a request.
func (db *DB) CloseTask(ctx context.Context, t dsr.Task, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE request_tasks SET state = ?, evidence = ?, attachment_hash = ?, closed_at = ?, closed_by = ? WHERE id = ? AND request_id = ? AND state = 'open'",
			t.State, t.Evidence, t.AttachmentHash, microsOrNil(t.ClosedAt), t.ClosedBy, t.ID, t.RequestID)
		if err != nil {
			return fmt.Errorf("close task: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		// Closed already (409), or no such task on this request (404).
		var state string
		switch err := tx.QueryRow(ctx, "SELECT state FROM request_tasks WHERE id = ? AND request_id = ?", t.ID, t.RequestID).Scan(&state); {
		case errors.Is(err, sql.ErrNoRows):
			return apperr.New(apperr.NotFound, "task_not_found", "no such task on this request")
		case err != nil:
			return fmt.Errorf("close task: %w", err)
		}
		return apperr.Newf(apperr.Conflict, "task_closed", "the task is %s already", state)
	}, e)
}

// SetObjections records the purposes a subject objects to.
func (db *DB) SetObjections(ctx context.Context, subjectID string, purposes []string, requestID string, at time.Time, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		for _, p := range purposes {
			if _, err := tx.Exec(ctx, "INSERT INTO subject_objections (subject_id, purpose, since, request_id) VALUES (?, ?, ?, ?) ON CONFLICT (subject_id, purpose) DO NOTHING",
				subjectID, p, at.UnixMicro(), requestID); err != nil {
				return fmt.Errorf("record objection: %w", err)
			}
		}
		return nil
	}, e)
}

// LiftObjection ends a subject's objection to processing for a purpose
// (the person consented again, or the objection was settled).
func (db *DB) LiftObjection(ctx context.Context, subjectID, purpose string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "lift objection", apperr.New(apperr.NotFound, "not_objected", "this subject has no objection to this purpose"),
			"DELETE FROM subject_objections WHERE subject_id = ? AND purpose = ?", subjectID, purpose)
	}, e)
}

// ListObjections returns every subject's objected purposes.
func (db *DB) ListObjections(ctx context.Context) (map[string][]string, error) {
	rows, err := db.query(ctx, "SELECT subject_id, purpose FROM subject_objections")
	if err != nil {
		return nil, fmt.Errorf("list objections: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var s, p string
		if err := rows.Scan(&s, &p); err != nil {
			return nil, fmt.Errorf("list objections: %w", err)
		}
		out[s] = append(out[s], p)
	}
	return out, rows.Err()
}

// ClaimOverdue marks open requests due before now that have not been
// alerted yet, and returns them: each overdue request is alerted once, even
// with several replicas.
func (db *DB) ClaimOverdue(ctx context.Context, now time.Time) ([]dsr.Request, error) {
	var out []dsr.Request
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		out = out[:0] // a failed group commit runs the operation again
		rows, err := tx.Query(ctx, "SELECT "+requestColumns+" FROM requests WHERE state NOT IN ('"+dsr.StateCompleted+"', '"+dsr.StateRejected+"') AND due_at < ? AND overdue_alerted IS NULL ORDER BY due_at LIMIT 1000"+db.d.forUpdate(), now.UnixMicro())
		if err != nil {
			return fmt.Errorf("overdue requests: %w", err)
		}
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("overdue requests: %w", err)
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("overdue requests: %w", err)
		}
		for _, r := range out {
			if _, err := tx.Exec(ctx, "UPDATE requests SET overdue_alerted = ? WHERE id = ?", now.UnixMicro(), r.ID); err != nil {
				return fmt.Errorf("mark overdue: %w", err)
			}
		}
		return nil
	}, nil)
	return out, err
}

// ClaimUnacknowledged marks requests still in state received whose
// acknowledgement deadline passed before now and that have not been
// alerted for it, and returns them: each is alerted once, even with
// several replicas. (Moving a request out of received acknowledges it.)
func (db *DB) ClaimUnacknowledged(ctx context.Context, now time.Time) ([]dsr.Request, error) {
	var out []dsr.Request
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		out = out[:0] // a failed group commit runs the operation again
		rows, err := tx.Query(ctx, "SELECT "+requestColumns+" FROM requests WHERE state = '"+dsr.StateReceived+"' AND acknowledge_by IS NOT NULL AND acknowledge_by < ? AND ack_alerted IS NULL ORDER BY acknowledge_by LIMIT 1000"+db.d.forUpdate(), now.UnixMicro())
		if err != nil {
			return fmt.Errorf("unacknowledged requests: %w", err)
		}
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("unacknowledged requests: %w", err)
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("unacknowledged requests: %w", err)
		}
		for _, r := range out {
			if _, err := tx.Exec(ctx, "UPDATE requests SET ack_alerted = ? WHERE id = ?", now.UnixMicro(), r.ID); err != nil {
				return fmt.Errorf("mark unacknowledged: %w", err)
			}
		}
		return nil
	}, nil)
	return out, err
}

// ReassignTasks hands the open request tasks assigned to from over to to,
// and returns how many there were.
func (db *DB) ReassignTasks(ctx context.Context, from, to string, e *audit.Entry) (int, error) {
	var n int64
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE request_tasks SET assignee = ? WHERE assignee = ? AND state = 'open'", to, from)
		if err != nil {
			return fmt.Errorf("reassign tasks: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	}, e)
	return int(n), err
}

// CountOpenTasks counts the open request tasks assigned to a person.
func (db *DB) CountOpenTasks(ctx context.Context, assignee string) (int, error) {
	var n int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM request_tasks WHERE assignee = ? AND state = 'open'", assignee).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tasks: %w", err)
	}
	return n, nil
}
