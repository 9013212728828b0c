package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements per query text for one pool. SQLite
// spends most of a simple statement's time parsing it, so the embedded
// engine reuses prepared statements; pgx caches statements per connection
// itself, so PostgreSQL does not use this.
//
// The writer's pool has one connection, which a batch holds for its whole
// transaction, so the writer cannot prepare on the pool mid-batch: its
// cache is lazy (see lookup and prepareMissed).
type stmtCache struct {
	pool  *sql.DB
	stmts sync.Map // query text -> *sql.Stmt

	mu     sync.Mutex
	missed map[string]bool
}

// maxCachedStatements bounds the cache; statements past it run unprepared.
const maxCachedStatements = 512

// lookup returns a cached statement, or notes the query for prepareMissed.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	if s, ok := c.stmts.Load(query); ok {
		return s.(*sql.Stmt), true
	}
	c.mu.Lock()
	if c.missed == nil {
		c.missed = map[string]bool{}
	}
	if len(c.missed) < maxCachedStatements {
		c.missed[query] = true
	}
	c.mu.Unlock()
	return nil, false
}

// prepareMissed prepares the statements lookup missed; the writer calls it
// between batches, when its connection is free.
func (c *stmtCache) prepareMissed(ctx context.Context) {
	c.mu.Lock()
	missed := c.missed
	c.missed = nil
	c.mu.Unlock()
	if len(missed) == 0 {
		return // the usual case once the cache is warm
	}
	n := 0
	c.stmts.Range(func(_, _ any) bool { n++; return true })
	for q := range missed {
		if n >= maxCachedStatements {
			return
		}
		if _, err := c.get(ctx, q); err == nil {
			n++
		}
	}
}

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := c.stmts.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

func (c *stmtCache) close() {
	c.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}

// Tx is a write transaction handed to operations inside a batch. Its methods
// rebind placeholders for the engine and reuse prepared statements.
type Tx struct {
	tx    *sql.Tx
	d     *dialect
	cache *stmtCache // nil: no statement reuse

	// queueInserts makes Insert queue rows (an optimistic batch); see
	// txinsert.go.
	queueInserts bool
	pending      []*bulkInsert // tables in the order rows were first queued
	pendingBy    map[string]*bulkInsert
	queueErr     error // the first failure writing queued rows

	kekPrimary int64 // the KEK primary version read in this transaction; 0: not read
}

// stmt returns the cached statement bound to this transaction, if any.
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, bool) {
	if t.cache == nil {
		return nil, false
	}
	s, ok := t.cache.lookup(query)
	if !ok {
		return nil, false
	}
	return t.tx.StmtContext(ctx, s), true
}

// Exec runs a statement, after any queued inserts.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := t.flushInserts(ctx); err != nil {
		return nil, err
	}
	return t.exec(ctx, query, args...)
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s, ok := t.stmt(ctx, query); ok {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.q(query), args...)
}

// QueryRow runs a query expected to return at most one row, after any
// queued inserts (a failure writing those fails the batch).
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	_ = t.flushInserts(ctx)
	if s, ok := t.stmt(ctx, query); ok {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.d.q(query), args...)
}

// Query runs a query, after any queued inserts.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := t.flushInserts(ctx); err != nil {
		return nil, err
	}
	if s, ok := t.stmt(ctx, query); ok {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.q(query), args...)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.readStmts != nil {
		if s, err := db.readStmts.get(ctx, query); err == nil {
			return s.QueryRowContext(ctx, args...)
		}
	}
	return db.read.QueryRowContext(ctx, db.d.q(query), args...)
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.readStmts != nil {
		s, err := db.readStmts.get(ctx, query)
		if err != nil {
			return nil, err
		}
		return s.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, db.d.q(query), args...)
}
