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
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
)

const cleanupColumns = "id, system_id, import_id, title, assignees, state, evidence, evidence_sha256, closed_by, closed_at, created_at"

var errCleanupTaskNotFound = apperr.New(apperr.NotFound, "cleanup_task_not_found", "no such clean-up task")

// OpenCleanupTask stores a new open clean-up task and, in the same
// transaction, marks its system "migrated, copy to destroy" with the
// task's import and id. When the import has a task already nothing
// changes and that task is returned.
func (db *DB) OpenCleanupTask(ctx context.Context, t cleanup.Task, e *audit.Entry) (cleanup.Task, error) {
	if prev, err := db.cleanupTaskWhere(ctx, "import_id", t.ImportID); err == nil {
		return prev, nil
	} else if !apperr.IsNotFound(err) {
		return cleanup.Task{}, err
	}
	if t.Assignees == nil {
		t.Assignees = []string{}
	}
	assignees, err := json.Marshal(t.Assignees)
	if err != nil {
		return cleanup.Task{}, fmt.Errorf("encode assignees: %w", err)
	}
	m, err := json.Marshal(datamap.Migration{State: datamap.MigrationCopyToDestroy, ImportID: t.ImportID, TaskID: t.ID, At: t.CreatedAt})
	if err != nil {
		return cleanup.Task{}, fmt.Errorf("encode migration: %w", err)
	}
	var out cleanup.Task
	err = db.w.submit(func(ctx context.Context, tx *Tx) error {
		// Set, never append: this may run twice.
		prev, err := scanCleanupTask(tx.QueryRow(ctx, "SELECT "+cleanupColumns+" FROM cleanup_tasks WHERE import_id = ?", t.ImportID))
		if err == nil {
			out = prev
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read clean-up task: %w", err)
		}
		if err := execOne(ctx, tx, "mark system migrated", apperr.New(apperr.NotFound, "system_not_found", "no such system"),
			"UPDATE systems SET migration = ?, updated_at = ? WHERE id = ?", string(m), t.CreatedAt.UnixMicro(), t.SystemID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO cleanup_tasks ("+cleanupColumns+") VALUES (?, ?, ?, ?, ?, ?, '', '', '', 0, ?)",
			t.ID, t.SystemID, t.ImportID, t.Title, string(assignees), cleanup.StateOpen, t.CreatedAt.UnixMicro()); err != nil {
			return fmt.Errorf("insert clean-up task: %w", err)
		}
		out = t
		out.State = cleanup.StateOpen
		return nil
	}, e)
	if err != nil {
		return cleanup.Task{}, err
	}
	return out, nil
}

// CloseCleanupTask closes a task with the evidence that its copy was
// destroyed (see cleanup.Task.Close) and, in the same transaction, marks
// its system destroyed when the system's migration is this task's. A
// closed task is a 409 task_closed.
func (db *DB) CloseCleanupTask(ctx context.Context, id, evidence, sha, by string, at time.Time, e *audit.Entry) (cleanup.Task, error) {
	at = at.UTC().Truncate(time.Microsecond)
	var out cleanup.Task
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		t, err := scanCleanupTask(tx.QueryRow(ctx, "SELECT "+cleanupColumns+" FROM cleanup_tasks WHERE id = ?"+tx.d.forUpdate(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errCleanupTaskNotFound
		}
		if err != nil {
			return fmt.Errorf("read clean-up task: %w", err)
		}
		if err := t.Close(evidence, sha, by, at); err != nil {
			return err
		}
		if err := execOne(ctx, tx, "close clean-up task", apperr.New(apperr.Conflict, "task_closed", "this clean-up task is closed already"),
			"UPDATE cleanup_tasks SET state = ?, evidence = ?, evidence_sha256 = ?, closed_by = ?, closed_at = ? WHERE id = ? AND state = ?",
			t.State, t.Evidence, t.EvidenceSHA256, t.ClosedBy, at.UnixMicro(), t.ID, cleanup.StateOpen); err != nil {
			return err
		}
		var raw string
		err = tx.QueryRow(ctx, "SELECT migration FROM systems WHERE id = ?"+tx.d.forUpdate(), t.SystemID).Scan(&raw)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// The system left the map; the task still records the deletion.
		case err != nil:
			return fmt.Errorf("read system migration: %w", err)
		default:
			m, err := decodeMigration(raw)
			if err != nil {
				return err
			}
			if m != nil && m.TaskID == t.ID {
				m.State, m.DestroyedAt = datamap.MigrationDestroyed, &at
				b, err := json.Marshal(m)
				if err != nil {
					return fmt.Errorf("encode migration: %w", err)
				}
				if _, err := tx.Exec(ctx, "UPDATE systems SET migration = ?, updated_at = ? WHERE id = ?", string(b), at.UnixMicro(), t.SystemID); err != nil {
					return fmt.Errorf("mark system destroyed: %w", err)
				}
			}
		}
		out = t
		return nil
	}, e)
	if err != nil {
		return cleanup.Task{}, err
	}
	return out, nil
}

// HandOverCleanupTask gives an open task's assignments of the person with
// this e-mail address or display name to another (see
// cleanup.Task.HandOver). A closed task, or one not assigned to the
// person, is left as it is; the task as stored is returned either way.
func (db *DB) HandOverCleanupTask(ctx context.Context, id, email, displayName, to string, e *audit.Entry) (cleanup.Task, error) {
	var out cleanup.Task
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		t, err := scanCleanupTask(tx.QueryRow(ctx, "SELECT "+cleanupColumns+" FROM cleanup_tasks WHERE id = ?"+tx.d.forUpdate(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errCleanupTaskNotFound
		}
		if err != nil {
			return fmt.Errorf("read clean-up task: %w", err)
		}
		out = t
		if t.State != cleanup.StateOpen || !t.HandOver(email, displayName, to) {
			return nil
		}
		b, err := json.Marshal(t.Assignees)
		if err != nil {
			return fmt.Errorf("encode assignees: %w", err)
		}
		if _, err := tx.Exec(ctx, "UPDATE cleanup_tasks SET assignees = ? WHERE id = ?", string(b), t.ID); err != nil {
			return fmt.Errorf("hand over clean-up task: %w", err)
		}
		out = t
		return nil
	}, e)
	if err != nil {
		return cleanup.Task{}, err
	}
	return out, nil
}

// GetCleanupTask returns one clean-up task.
func (db *DB) GetCleanupTask(ctx context.Context, id string) (cleanup.Task, error) {
	return db.cleanupTaskWhere(ctx, "id", id)
}

// cleanupTaskWhere reads the task whose column (id or import_id) is v.
func (db *DB) cleanupTaskWhere(ctx context.Context, column, v string) (cleanup.Task, error) {
	t, err := scanCleanupTask(db.queryRow(ctx, "SELECT "+cleanupColumns+" FROM cleanup_tasks WHERE "+column+" = ?", v))
	if errors.Is(err, sql.ErrNoRows) {
		return cleanup.Task{}, errCleanupTaskNotFound
	}
	if err != nil {
		return cleanup.Task{}, fmt.Errorf("read clean-up task: %w", err)
	}
	return t, nil
}

// ListCleanupTasks lists the tasks f selects, newest first (at most 1000).
func (db *DB) ListCleanupTasks(ctx context.Context, f cleanup.Filter) ([]cleanup.Task, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"state", f.State}, {"system_id", f.SystemID}, {"import_id", f.ImportID}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	q := "SELECT " + cleanupColumns + " FROM cleanup_tasks"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.query(ctx, q+" ORDER BY created_at DESC, id DESC LIMIT 1000", args...)
	if err != nil {
		return nil, fmt.Errorf("list clean-up tasks: %w", err)
	}
	defer rows.Close()
	out := []cleanup.Task{}
	for rows.Next() {
		t, err := scanCleanupTask(rows)
		if err != nil {
			return nil, fmt.Errorf("list clean-up tasks: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list clean-up tasks: %w", err)
	}
	return out, nil
}

// scanCleanupTask reads one row of cleanupColumns.
func scanCleanupTask(row interface{ Scan(...any) error }) (cleanup.Task, error) {
	var t cleanup.Task
	var assignees string
	var closed, created int64
	if err := row.Scan(&t.ID, &t.SystemID, &t.ImportID, &t.Title, &assignees, &t.State, &t.Evidence, &t.EvidenceSHA256, &t.ClosedBy, &closed, &created); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(assignees), &t.Assignees); err != nil {
		return t, fmt.Errorf("decode assignees: %w", err)
	}
	if t.Assignees == nil {
		t.Assignees = []string{}
	}
	if closed != 0 {
		c := time.UnixMicro(closed).UTC()
		t.ClosedAt = &c
	}
	t.CreatedAt = time.UnixMicro(created).UTC()
	return t, nil
}

// decodeMigration reads a system's migration column ("" when none).
func decodeMigration(raw string) (*datamap.Migration, error) {
	if raw == "" {
		return nil, nil
	}
	var m datamap.Migration
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("system migration: %w", err)
	}
	return &m, nil
}

// ReopenMigration clears the migration state of a system whose copy was
// recorded destroyed: a later import from it left rows (rejected or
// skipped) whose values are only in the source, so it holds personal data
// outside the vault again. Any other state is left as it is; changed says
// whether it was cleared.
func (db *DB) ReopenMigration(ctx context.Context, systemID string, at time.Time, e *audit.Entry) (changed bool, err error) {
	err = db.w.submit(func(ctx context.Context, tx *Tx) error {
		changed = false
		var raw string
		if err := tx.QueryRow(ctx, "SELECT migration FROM systems WHERE id = ?", systemID).Scan(&raw); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.New(apperr.NotFound, "system_not_found", "no such system")
			}
			return fmt.Errorf("read system migration: %w", err)
		}
		m, err := decodeMigration(raw)
		if err != nil || m == nil || m.State != datamap.MigrationDestroyed {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE systems SET migration = '', updated_at = ? WHERE id = ?", at.UnixMicro(), systemID); err != nil {
			return fmt.Errorf("reopen system migration: %w", err)
		}
		changed = true
		return nil
	}, e)
	return changed, err
}
