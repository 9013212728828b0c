package store

import (
	"context"
	"fmt"
)

// Queued inserts. Most of a create's time in the writer was statement
// overhead: five single-row INSERTs per record, each bound, stepped and
// reset on its own. In an optimistic batch (no savepoints) Tx.Insert
// queues rows instead, and the writer writes each table's rows with a few
// multi-row INSERTs. Any other statement writes the queue first, so every
// statement sees the rows queued before it, as if they had been inserted
// at once. A queued row that fails (a duplicate, a missing parent) fails
// the optimistic batch, which then runs again with savepoints, where
// Insert executes at once and the failing operation gets its own error.

// Insert adds one row to table. columns is the column list as SQL
// ("a, b, c"); args holds one value per column.
func (t *Tx) Insert(ctx context.Context, table, columns string, args ...any) error {
	prefix := "INSERT INTO " + table + " (" + columns + ") VALUES "
	if !t.queueInserts {
		_, err := t.Exec(ctx, newBulkInsert(prefix, len(args), 1).statement(1), args...)
		return err
	}
	if t.pendingBy == nil {
		t.pendingBy = map[string]*bulkInsert{}
	}
	p := t.pendingBy[prefix]
	if p == nil {
		p = newBulkInsert(prefix, len(args), 1)
		t.pendingBy[prefix] = p
		t.pending = append(t.pending, p)
	} else if p.cols != len(args) {
		return fmt.Errorf("insert into %s: %d values for %d columns", table, len(args), p.cols)
	}
	p.add(args...)
	return nil
}

// flushInserts writes the queued rows, tables in the order they were first
// queued (parents before children, as operations insert them). The first
// failure is kept in t.queueErr, which fails the batch.
func (t *Tx) flushInserts(ctx context.Context) error {
	if len(t.pending) == 0 {
		return t.queueErr
	}
	pending := t.pending
	t.pending, t.pendingBy = nil, nil
	for _, p := range pending {
		if err := p.exec(ctx, t); err != nil {
			if t.queueErr == nil {
				t.queueErr = fmt.Errorf("queued insert: %w", err)
			}
			return t.queueErr
		}
	}
	return t.queueErr
}

// primaryKEK returns the KEK version new data keys are wrapped with, read
// once per transaction (shared-locked on PostgreSQL, so rotation waits).
func (t *Tx) primaryKEK(ctx context.Context) (int64, error) {
	if t.kekPrimary != 0 {
		return t.kekPrimary, nil
	}
	var v int64
	if err := t.QueryRow(ctx, "SELECT primary_version FROM kek_state WHERE id = 1"+t.d.forShare()).Scan(&v); err != nil {
		return 0, fmt.Errorf("read KEK version: %w", err)
	}
	t.kekPrimary = v
	return v, nil
}
