package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/keys"
)

func openWALTest(t *testing.T) *DB {
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
	return db
}

// TestWriterSyncsBothWALs: on SQLite the writer commits with
// synchronous=NORMAL on both files and syncs their WALs itself, the key
// store's only after a batch that wrote it.
func TestWriterSyncsBothWALs(t *testing.T) {
	ctx := context.Background()
	db := openWALTest(t)
	if db.w.wal == nil {
		t.Fatal("the SQLite writer does not sync its write-ahead logs itself")
	}
	for _, schema := range []string{"main", keyStoreSchema} {
		var mode int
		if err := db.write.QueryRowContext(ctx, "PRAGMA "+schema+".synchronous").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != 1 {
			t.Errorf("%s: synchronous = %d on the writer's connection, want 1 (NORMAL)", schema, mode)
		}
	}
	if err := db.AppendAudit(ctx, &audit.Entry{Actor: "tok_test", Action: "test.read"}); err != nil {
		t.Fatal(err)
	}
	if db.w.keyStoreWritten {
		t.Error("an audit entry alone marked the key store written")
	}
	insertKey := func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO custodia_keys.subject_keys (subject_id, kek_version, dek_version, wrapped_dek, created_at) VALUES (?, 1, 1, ?, 0)", "sub_walsync", []byte{1, 2, 3})
		return err
	}
	if err := db.w.submit(insertKey, &audit.Entry{Actor: "tok_test", Action: "test.key"}); err != nil {
		t.Fatal(err)
	}
	if !db.w.keyStoreWritten {
		t.Error("a batch that wrote a data key did not mark the key store written")
	}
}

// TestWALSyncerFollowsAReplacedFile: a WAL file replaced under the syncer
// is opened anew and synced, and a missing one has nothing to sync.
func TestWALSyncerFollowsAReplacedFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	if err := os.WriteFile(db+"-wal", []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := openWALSyncer(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.sync(false); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db+"-wal.new", []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(db+"-wal.new", db+"-wal"); err != nil {
		t.Fatal(err)
	}
	if err := s.sync(false); err != nil {
		t.Fatal(err)
	}
	now, err := os.Stat(db + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(now, s.files[0].info) {
		t.Error("the syncer kept the replaced file")
	}
	if err := os.Remove(db + "-wal"); err != nil {
		t.Fatal(err)
	}
	if err := s.sync(false); err != nil {
		t.Errorf("a missing WAL: %v", err)
	}
	if _, err := openWALSyncer(filepath.Join(dir, "none.db")); err == nil {
		t.Error("a syncer opened a WAL that does not exist")
	}
}

// TestFailedSyncStopsWrites: once a sync fails, that batch and every later
// one are refused with storage_sync_failed, never acknowledged.
func TestFailedSyncStopsWrites(t *testing.T) {
	ctx := context.Background()
	db := openWALTest(t)
	if err := db.AppendAudit(ctx, &audit.Entry{Actor: "tok_test", Action: "test.before"}); err != nil {
		t.Fatal(err)
	}
	// A closed descriptor makes fdatasync fail, as an I/O error would.
	db.w.wal.files[0].f.Close()
	for i := range 2 {
		err := db.AppendAudit(ctx, &audit.Entry{Actor: "tok_test", Action: "test.after"})
		if !errors.Is(err, ErrStorageSync) || apperr.KindOf(err) != apperr.Unavailable {
			t.Fatalf("write %d after a failed sync: %v, want %v", i+1, err, ErrStorageSync)
		}
	}
}
