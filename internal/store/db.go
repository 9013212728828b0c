package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"custodia/internal/keys"
)

//go:embed migrations
var migrations embed.FS

// Config selects and tunes the engine.
type Config struct {
	// DatabaseURL is a postgres:// URL; empty selects SQLite in DataDir.
	DatabaseURL string
	// DataDir holds the SQLite database file when DatabaseURL is empty.
	DataDir string
	// AuditKey keys the audit hash chain.
	AuditKey keys.Secret
	// MaxBatch bounds how many operations one group commit holds (default 256).
	MaxBatch int
	// RecordCache bounds the in-memory cache of ciphertext rows used on
	// SQLite (default 100000 records; negative disables). PostgreSQL, where
	// other replicas write too, never caches.
	RecordCache int
	// WriterCacheMiB sizes the SQLite writer's page cache (default 32
	// MiB, as every connection). A bulk import sets more: a batch's
	// dirty pages, spread over the random blind-index keys, then stay in
	// memory until its commit instead of spilling into the WAL early.
	WriterCacheMiB int
	// ReadOnly opens without starting the writer or migrating (for audit
	// verification and backups taken beside a running server).
	ReadOnly bool
}

// DB is the storage of one Custodia process.
type DB struct {
	engine Engine
	d      *dialect
	read   *sql.DB // concurrent readers
	write  *sql.DB // the group-commit writer's connection (SQLite); same pool as read on PostgreSQL
	w      *writer
	path   string // SQLite file path

	readStmts, writeStmts *stmtCache   // SQLite only
	cache                 *recordCache // SQLite only; nil when off
	purge                 *purger      // removes erased subjects' rows; nil when read-only
	headInvalid           headInvalidReports
}

// SQLiteFile is the database file name inside the data directory.
const SQLiteFile = "custodia.db"

// Open connects, migrates the schema, and starts the group-commit writer.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	var db *DB
	var err error
	if cfg.DatabaseURL != "" {
		db, err = openPostgres(ctx, cfg.DatabaseURL)
	} else {
		db, err = openSQLite(ctx, cfg.DataDir, cfg.ReadOnly, cfg.WriterCacheMiB)
	}
	if err != nil {
		return nil, err
	}
	if db.engine == SQLite && !cfg.ReadOnly {
		if cfg.RecordCache == 0 {
			cfg.RecordCache = 100000
		}
		db.cache = newRecordCache(cfg.RecordCache)
	}
	if !cfg.ReadOnly {
		sealsAdded, err := db.migrate(ctx)
		if err != nil {
			db.closeConns()
			return nil, err
		}
		if err := db.recreateMissingHead(ctx); err != nil {
			db.closeConns()
			return nil, err
		}
		// Before anything is written: a writer with another key file's
		// audit key would find the head's seal wrong and record it in the
		// chain as tampering, breaking it for good.
		if err := db.checkAuditKey(ctx, cfg.AuditKey); err != nil {
			db.closeConns()
			return nil, err
		}
		if err := db.createKeyStore(ctx); err != nil {
			db.closeConns()
			return nil, err
		}
		if err := db.reconcileKeys(ctx); err != nil {
			db.closeConns()
			return nil, err
		}
		// The head of a database from before heads were sealed is sealed
		// once, by the migration that adds seals. Any later unsealed head
		// had its seal cleared: the writer records that in the chain
		// before extending it.
		if sealsAdded {
			if err := db.sealAuditHead(ctx, cfg.AuditKey); err != nil {
				db.closeConns()
				return nil, err
			}
		}
		db.w = startWriter(db, cfg.AuditKey, cfg.MaxBatch)
		db.startPurger()
	}
	return db, nil
}

// Engine reports the engine in use.
func (db *DB) Engine() Engine { return db.engine }

// Path returns the SQLite database file path ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

func openSQLite(ctx context.Context, dir string, readOnly bool, writerCacheMiB int) (*DB, error) {
	if dir == "" {
		return nil, errors.New("open sqlite: no data directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, SQLiteFile)
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open sqlite: no database at %s", path)
		}
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
		"&_pragma=cache_size(-32000)&_pragma=temp_store(2)" +
		// Checkpoint every ~40 MB of WAL rather than 4 MB: hot pages (the
		// audit head, the right edge of each B-tree) are copied back once
		// per checkpoint instead of many times (see docs/PERFORMANCE.md).
		"&_pragma=wal_autocheckpoint(10000)"
	// synchronous(FULL): a commit is durable (WAL fsync) before the writer
	// acknowledges the batch. One fsync per batch, not per write.
	registerHook()
	writeDSN := base + "&_pragma=synchronous(FULL)&_txlock=immediate"
	if writerCacheMiB > 0 {
		// A later cache_size pragma overrides the base one.
		writeDSN += fmt.Sprintf("&_pragma=cache_size(%d)", -writerCacheMiB*1024)
	}
	readDSN := base + "&_pragma=query_only(1)"
	attachments.Store(writeDSN, keyStorePath(dir))
	attachments.Store(readDSN, keyStorePath(dir))
	write, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", readDSN)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	n := 2*runtime.GOMAXPROCS(0) + 2
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db := &DB{engine: SQLite, d: &dialect{engine: SQLite}, read: read, write: write, path: path,
		readStmts: &stmtCache{pool: read}, writeStmts: &stmtCache{pool: write}}
	if err := write.PingContext(ctx); err != nil {
		db.closeConns()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	for _, p := range []string{path, keyStorePath(dir)} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.closeConns()
			return nil, fmt.Errorf("restrict database file mode: %w", err)
		}
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, errors.New("database URL must start with postgres:// or postgresql://")
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
	pool.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", redactDSNError(err))
	}
	return &DB{engine: Postgres, d: &dialect{engine: Postgres}, read: pool, write: pool}, nil
}

// redactDSNError keeps a connection error but never a password from the URL.
func redactDSNError(err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), "password=", "password=REDACTED "))
}

// auditSealMigration is the migration that adds the audit head's seal.
const auditSealMigration = 23

// migrate brings the schema up to date. sealsAdded reports that this run
// applied auditSealMigration (a new database, or one from before seals).
func (db *DB) migrate(ctx context.Context) (sealsAdded bool, err error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.engine))
	if err != nil {
		return false, fmt.Errorf("migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	if db.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, sub)
	if err != nil {
		return false, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		if db.engine == Postgres && strings.Contains(err.Error(), "already exists") {
			return false, fmt.Errorf("migrate %s schema: %w (the database already holds tables with Custodia's names: give Custodia a database of its own, or a schema of its own with ?search_path=NAME in the database URL)", db.engine, err)
		}
		return false, fmt.Errorf("migrate %s schema: %w", db.engine, err)
	}
	for _, r := range results {
		if r.Source != nil && r.Source.Version == auditSealMigration {
			sealsAdded = true
		}
	}
	return sealsAdded, nil
}

// Ready checks the database answers.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("database not ready: %w", err)
	}
	if db.w != nil && db.w.stopped() {
		return errors.New("writer stopped")
	}
	return nil
}

// Close stops the writer after it drains what was submitted, then closes
// the connections.
func (db *DB) Close() error {
	db.stopPurger()
	if db.w != nil {
		db.w.stop()
	}
	return db.closeConns()
}

func (db *DB) closeConns() error {
	if db.readStmts != nil {
		db.readStmts.close()
		db.writeStmts.close()
	}
	err := db.read.Close()
	if db.write != db.read {
		if werr := db.write.Close(); err == nil {
			err = werr
		}
	}
	return err
}
