package store_test

import (
	"context"
	"testing"

	"custodia/internal/store"
	"custodia/internal/vault"
)

// TestReconcileKeysOnOpen: opening a store destroys the data keys of
// subjects that do not exist (a crash between the two files of a SQLite
// transaction) and keeps every other key.
func TestReconcileKeysOnOpen(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		cr, err := e.vault.Create(ctx, "customers", "support", vault.Input{Data: map[string]any{"email": "an@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.raw.Exec(rebind(e, "INSERT INTO custodia_keys.subject_keys (subject_id, kek_version, dek_version, wrapped_dek, created_at) VALUES (?, 1, 1, ?, 0)"),
			"sub_ghost", []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		cfg := store.Config{DataDir: e.dir, DatabaseURL: e.url, AuditKey: e.keys.Derived().AuditChain}
		e.open(t, cfg)
		count := func(subject string) int {
			var n int
			if err := e.raw.QueryRow(rebind(e, "SELECT count(*) FROM custodia_keys.subject_keys WHERE subject_id = ?"), subject).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count("sub_ghost") != 0 || count(cr.Subject) != 1 {
			t.Errorf("keys after reopening: ghost %d, real subject %d", count("sub_ghost"), count(cr.Subject))
		}
	})
}

// TestReconcileKeepsKeysBesideAnEmptyDatabase: a database without any
// subject beside a key store with keys (a lost database, about to be
// restored into the data directory) destroys no key on open, so the
// restored records can be read.
func TestReconcileKeepsKeysBesideAnEmptyDatabase(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		cr, err := e.vault.Create(ctx, "customers", "support", vault.Input{Data: map[string]any{"email": "an@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"DELETE FROM blind_unique", "DELETE FROM blind_index", "DELETE FROM records", "DELETE FROM subjects"} {
			if _, err := e.raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		cfg := store.Config{DataDir: e.dir, DatabaseURL: e.url, AuditKey: e.keys.Derived().AuditChain}
		e.open(t, cfg)
		var n int
		if err := e.raw.QueryRow(rebind(e, "SELECT count(*) FROM custodia_keys.subject_keys WHERE subject_id = ?"), cr.Subject).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("the data key was destroyed on opening a database without subjects: %d keys", n)
		}
	})
}
