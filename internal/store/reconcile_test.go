package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"custodia/internal/store"
	"custodia/internal/vault"
)

// TestReconcileKeysOnOpen: opening a store destroys the data key of an
// erasure a crash interrupted (its purge queued in the database, its key
// still in the key store), keeps the key of a subject the database does
// not hold (a lost or older database: a newer backup needs it) and every
// other key.
func TestReconcileKeysOnOpen(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		cr, err := e.vault.Create(ctx, "customers", "support", vault.Input{Data: map[string]any{"email": "an@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		erased, err := e.vault.Create(ctx, "customers", "support", vault.Input{Data: map[string]any{"email": "binh@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.raw.Exec(rebind(e, "INSERT INTO custodia_keys.subject_keys (subject_id, kek_version, dek_version, wrapped_dek, created_at) VALUES (?, 1, 1, ?, 0)"),
			"sub_ghost", []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		// The erasure's purge reached the database; its key's deletion did not.
		if _, err := e.raw.Exec(rebind(e, "INSERT INTO purge_queue (subject_id, queued_at, pseudonym, cause, approved_by, audit_request, purged, collections) VALUES (?, 0, 'p', 'api:subject.erase', 'dpo', '', 0, '[]')"),
			erased.Subject); err != nil {
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
		if count(erased.Subject) != 0 || count("sub_ghost") != 1 || count(cr.Subject) != 1 {
			t.Errorf("keys after reopening: interrupted erasure %d (want 0), no subject %d (want 1), real subject %d (want 1)",
				count(erased.Subject), count("sub_ghost"), count(cr.Subject))
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

// TestErasureScrubsKeyStore: after an erasure the destroyed data key's
// bytes are in neither the key store file nor its write-ahead log (a copy
// of either must not make the subject readable again).
func TestErasureScrubsKeyStore(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	ctx := context.Background()
	mustCollections(t, e.vault)
	cr, err := e.vault.Create(ctx, "customers", "support", vault.Input{Data: map[string]any{"email": "erase.me@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	var wrapped []byte
	if err := e.raw.QueryRow("SELECT wrapped_dek FROM custodia_keys.subject_keys WHERE subject_id = ?", cr.Subject).Scan(&wrapped); err != nil || len(wrapped) < 16 {
		t.Fatalf("wrapped key: %v (%d bytes)", err, len(wrapped))
	}
	if _, err := e.vault.Erase(ctx, cr.Subject, "erasure"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var found []string
		for _, name := range []string{store.KeyStoreFile, store.KeyStoreFile + "-wal"} {
			b, err := os.ReadFile(filepath.Join(e.dir, name))
			if err == nil && bytes.Contains(b, wrapped) {
				found = append(found, name)
			}
		}
		if len(found) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the erased subject's wrapped key is still in %v", found)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
