package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrDatabaseInUse refuses an offline command on a PostgreSQL database
// that servers are using, or a server while an offline command runs.
var ErrDatabaseInUse = errors.New("another custodia process is using this PostgreSQL database (a server, or an offline command such as restore or keys rotate): stop it, or run the command through the server with --url")

// lockKey names the advisory lock of this Custodia database: one per
// schema, so deployments in different schemas of one database do not
// block each other.
const lockKey = "hashtext('custodia'), hashtext(current_schema())"

// LockDatabase takes, without waiting, an advisory lock that admits either
// any number of servers (shared) or one offline command that changes keys
// or data (exclusive) on a PostgreSQL database, whatever host or key-file
// path each runs with: the key file's own lock only covers processes that
// share its path. On SQLite it does nothing (the data directory's file
// locks do this). The lock is held by one connection until release, or
// until that connection ends.
func (db *DB) LockDatabase(ctx context.Context, exclusive bool) (release func(), err error) {
	if db.engine != Postgres {
		return func() {}, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	kind := "_shared"
	if exclusive {
		kind = ""
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock"+kind+"("+lockKey+")").Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if !ok {
		conn.Close()
		return nil, ErrDatabaseInUse
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock"+kind+"("+lockKey+")")
		conn.Close()
	}, nil
}

// LockDatabaseOrClose is LockDatabase for a caller that holds other locks
// (released by unlock): when the lock cannot be taken it closes db, calls
// unlock and returns the error; otherwise it returns unlock extended to
// release this lock first.
func (db *DB) LockDatabaseOrClose(ctx context.Context, exclusive bool, unlock func()) (func(), error) {
	release, err := db.LockDatabase(ctx, exclusive)
	if err != nil {
		db.Close()
		unlock()
		return nil, err
	}
	return func() { release(); unlock() }, nil
}
