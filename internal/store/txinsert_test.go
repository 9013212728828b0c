package store

import (
	"context"
	"testing"

	"custodia/internal/keys"
)

// writeTx opens a store in a new data directory and begins a write
// transaction on it, queueing inserts as an optimistic batch does when
// queue is set.
func writeTx(t *testing.T, queue bool) *Tx {
	t.Helper()
	key, err := keys.NewRandomSecret(32)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), Config{DataDir: t.TempDir(), AuditKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sqlTx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sqlTx.Rollback() })
	return &Tx{tx: sqlTx, d: db.d, cache: db.writeStmts, queueInserts: queue}
}

// TestQueuedInserts: rows queued in an optimistic batch are visible to the
// next statement of the same transaction, written in table order, across
// chunk sizes; a failing queued row is kept as the batch's failure.
func TestQueuedInserts(t *testing.T) {
	ctx := context.Background()
	tx := writeTx(t, true)

	const n = 75 // 64 + 8 + 2 + 1 rows
	for i := range n {
		id := "sub-" + string(rune('A'+i/26)) + string(rune('a'+i%26))
		if err := tx.Insert(ctx, "subjects", "id, created_at", id, int64(i)); err != nil {
			t.Fatalf("insert: %v", err)
		}
	}
	if len(tx.pending) != 1 {
		t.Fatalf("%d pending tables, want 1", len(tx.pending))
	}
	var count int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM subjects").Scan(&count); err != nil || count != n {
		t.Fatalf("after queueing %d rows a query sees %d (err %v)", n, count, err)
	}
	if len(tx.pending) != 0 || tx.queueErr != nil {
		t.Fatalf("queue not written: %d pending, err %v", len(tx.pending), tx.queueErr)
	}

	// A duplicate primary key fails the flush and stays the batch's error.
	if err := tx.Insert(ctx, "subjects", "id, created_at", "sub-Aa", int64(1)); err != nil {
		t.Fatalf("queueing never fails on values: %v", err)
	}
	if err := tx.flushInserts(ctx); err == nil || tx.queueErr == nil {
		t.Fatal("a duplicate queued row did not fail the flush")
	}
	if err := tx.flushInserts(ctx); err == nil {
		t.Fatal("the first failure was forgotten")
	}
	if err := tx.Insert(ctx, "subjects", "id", "x"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(ctx, "subjects", "id", "y", "z"); err == nil {
		t.Fatal("a row with more values than columns was queued")
	}
}

// TestInsertAtOnce: outside an optimistic batch Insert writes at once and
// returns the engine's error, so the caller can name a duplicate.
func TestInsertAtOnce(t *testing.T) {
	ctx := context.Background()
	tx := writeTx(t, false)
	if err := tx.Insert(ctx, "subjects", "id, created_at", "s1", int64(1)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(ctx, "subjects", "id, created_at", "s1", int64(2)); !isUniqueViolation(err) {
		t.Fatalf("duplicate at once: %v, want a unique violation", err)
	}
}
