package testutil

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"custodia/internal/access"
	"custodia/internal/keys"
	"custodia/internal/store"
)

// Store is a real store for a test, with its key file: SQLite in a
// temporary directory, or a fresh PostgreSQL database.
type Store struct {
	DB   *store.DB
	Keys *keys.Keyring
	Dir  string // the temporary data directory (the key file, SQLite's files)
}

// MustStore opens a store on engine with a new key file, sets its KEK
// version and seeds the default purposes, and closes it when the test
// ends. PostgreSQL skips or fails as MustPostgres does. Each option may
// change the configuration before the store opens.
func MustStore(tb testing.TB, engine store.Engine, options ...func(*store.Config)) Store {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	kr, _, err := keys.Open(filepath.Join(dir, "custodia.key"), true)
	if err != nil {
		tb.Fatalf("key file: %v", err)
	}
	cfg := store.Config{DataDir: dir, AuditKey: kr.Derived().AuditChain}
	if engine == store.Postgres {
		cfg.DatabaseURL = MustPostgres(tb)
	}
	for _, o := range options {
		o(&cfg)
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("open %s: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.KEKPrimary(ctx, kr.Primary()); err != nil {
		tb.Fatalf("KEK primary: %v", err)
	}
	if err := db.SeedPurposes(ctx, access.DefaultPurposes(), time.Now().UTC()); err != nil {
		tb.Fatalf("seed purposes: %v", err)
	}
	return Store{DB: db, Keys: kr, Dir: dir}
}
