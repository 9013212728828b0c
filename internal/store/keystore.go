package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// The key store holds the subjects' wrapped data keys apart from the data,
// so that a copy or backup of the data never carries the keys: destroying a
// subject's key in the live key store makes its ciphertexts unreadable in
// every copy (crypto-shredding). On SQLite it is a second database file,
// custodia-keys.db, attached to every connection as "custodia_keys"; on
// PostgreSQL it is the custodia_keys schema, to be excluded from long-lived
// backups (pg_dump --exclude-schema=custodia_keys) and kept apart.
const (
	keyStoreSchema = "custodia_keys"
	// KeyStoreFile is the SQLite key store's file name in the data directory.
	KeyStoreFile = "custodia-keys.db"
)

const keyStoreTable = `CREATE TABLE IF NOT EXISTS custodia_keys.subject_keys (
    subject_id   TEXT PRIMARY KEY,
    kek_version  %[1]s NOT NULL,
    dek_version  %[1]s NOT NULL,
    wrapped_dek  %[2]s NOT NULL,
    created_at   %[1]s NOT NULL,
    rewrapped_at %[1]s
)%[3]s`

// attachments maps a SQLite DSN to the key store file its connections
// attach; the driver's connection hook reads it.
var attachments sync.Map

var registerHook = sync.OnceFunc(func() {
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		v, ok := attachments.Load(dsn)
		if !ok {
			return nil
		}
		ctx := context.Background()
		if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS "+keyStoreSchema, []driver.NamedValue{{Ordinal: 1, Value: v.(string)}}); err != nil {
			return fmt.Errorf("attach key store: %w", err)
		}
		// secure_delete: a destroyed data key's bytes are overwritten, not
		// left in the file's free space, where a copy of the key store
		// would keep an erased subject readable.
		for _, p := range []string{"journal_mode=WAL", "synchronous=FULL", "secure_delete=ON"} {
			if _, err := conn.ExecContext(ctx, "PRAGMA "+keyStoreSchema+"."+p, nil); err != nil {
				return fmt.Errorf("key store pragma %s: %w", p, err)
			}
		}
		return nil
	})
})

// keyStorePath is the SQLite key store file for a data directory.
func keyStorePath(dataDir string) string { return filepath.Join(dataDir, KeyStoreFile) }

// createKeyStore makes the key store's table (idempotent).
func (db *DB) createKeyStore(ctx context.Context) error {
	var ddl []string
	if db.engine == Postgres {
		ddl = []string{"CREATE SCHEMA IF NOT EXISTS " + keyStoreSchema,
			fmt.Sprintf(keyStoreTable, "BIGINT", "BYTEA", ""),
			"CREATE INDEX IF NOT EXISTS subject_keys_kek_version ON custodia_keys.subject_keys (kek_version)"}
	} else {
		ddl = []string{fmt.Sprintf(keyStoreTable, "INTEGER", "BLOB", " WITHOUT ROWID"),
			"CREATE INDEX IF NOT EXISTS custodia_keys.subject_keys_kek_version ON subject_keys (kek_version)"}
	}
	for _, q := range ddl {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create key store: %w", err)
		}
	}
	return nil
}

// reconcileKeys finishes what a crash may have interrupted between the two
// files of a SQLite transaction: an erasure whose purge was queued in the
// database while its key's deletion did not reach the key store has the
// key destroyed now. Keys whose subject the database does not hold are
// kept and reported, never destroyed: they are those of a database lost or
// restored from an older backup (a newer backup, restored into this data
// directory, needs them), or of a create a crash interrupted, which
// encrypts nothing. Subjects whose key is missing stay unreadable and are
// only reported.
func (db *DB) reconcileKeys(ctx context.Context) error {
	res, err := db.write.ExecContext(ctx, "DELETE FROM custodia_keys.subject_keys WHERE subject_id IN (SELECT subject_id FROM purge_queue)")
	if err != nil {
		return fmt.Errorf("reconcile key store: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		slog.Warn("destroyed the data keys of erasures a crash interrupted", "keys", n)
	}
	var strays int64
	if err := db.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM custodia_keys.subject_keys k WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = k.subject_id)").Scan(&strays); err != nil {
		return fmt.Errorf("reconcile key store: %w", err)
	}
	if strays > 0 {
		slog.Warn("data keys of subjects this database does not hold are kept (a lost database, or one restored from an older backup: restore the newer backup into this data directory to read them)", "keys", strays)
	}
	var orphans int64
	if err := db.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM subjects s WHERE NOT EXISTS (SELECT 1 FROM custodia_keys.subject_keys k WHERE k.subject_id = s.id) AND NOT EXISTS (SELECT 1 FROM purge_queue q WHERE q.subject_id = s.id)").Scan(&orphans); err != nil {
		return fmt.Errorf("reconcile key store: %w", err)
	}
	if orphans > 0 {
		slog.Warn("subjects without a data key: their records cannot be read (erased, or the key store is not the one this database was written with)", "subjects", orphans)
	}
	return nil
}

// scrubKeyStore checkpoints the SQLite key store and truncates its WAL, so
// that the frames that held a destroyed key (an erasure's) leave the
// write-ahead log too; the pages, with secure_delete, hold zeros. It runs
// in the background, trying again while the store is busy, for up to 30 s.
func (db *DB) scrubKeyStore() {
	if db.engine != SQLite || db.read == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// A checkpoint that readers or the writer hold up reports busy:
		// tried again, a little later each time.
		for wait := 50 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
			var busy, logFrames, done int64
			err := db.read.QueryRowContext(ctx, "PRAGMA "+keyStoreSchema+".wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done)
			if err == nil && busy == 0 {
				return
			}
			select {
			case <-ctx.Done():
				slog.Debug("key store checkpoint after an erasure did not complete", "err", err)
				return
			case <-time.After(wait):
			}
		}
	}()
}
