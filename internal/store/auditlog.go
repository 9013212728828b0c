package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"custodia/internal/audit"
	"custodia/internal/keys"
)

// AppendAudit appends entries through the group-commit writer and returns
// once all are durable. Their Seq and Hash are set on return. The entries
// are submitted concurrently, so they usually share one batch.
func (db *DB) AppendAudit(_ context.Context, entries ...*audit.Entry) error {
	if len(entries) == 1 {
		return db.w.submit(nil, entries[0])
	}
	errs := make(chan error, len(entries))
	for _, e := range entries {
		go func() { errs <- db.w.submit(nil, e) }()
	}
	var first error
	for range entries {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

const auditSelect = "SELECT seq, at, actor, action, collection, record_id, subject, purpose, outcome, status, request_id, detail, prev_hash, hash, decision FROM audit_log"

func scanEntry(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := sc.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Collection, &e.RecordID, &e.Subject, &e.Purpose,
		&e.Outcome, &e.Status, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash, &e.Decision)
	e.At = time.UnixMicro(at).UTC()
	return e, err
}

// ListAudit returns up to limit entries after sequence number after.
func (db *DB) ListAudit(ctx context.Context, after int64, limit int) ([]audit.Entry, error) {
	rows, err := db.query(ctx, auditSelect+" WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditFilter selects audit entries; a zero field matches every entry.
type AuditFilter struct {
	After   int64 // entries with a greater sequence number
	Before  int64 // entries with a smaller sequence number; 0: no bound
	Newest  bool  // newest first (descending sequence numbers)
	Limit   int   // at most this many (required)
	Actor   string
	Action  string
	Purpose string
	Outcome string
	Subject string    // a subject's pseudonym, as entries name it
	Since   time.Time // entries at or after
	Until   time.Time // entries strictly before
}

// FindAudit returns up to f.Limit entries matching every set field of f,
// in sequence order.
func (db *DB) FindAudit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	var b strings.Builder
	b.WriteString(auditSelect + " WHERE seq > ?")
	args := []any{f.After}
	if f.Before > 0 {
		b.WriteString(" AND seq < ?")
		args = append(args, f.Before)
	}
	if f.Subject != "" {
		b.WriteString(" AND " + subjectAuditCondition)
		args = append(args, f.Subject, f.Subject)
	}
	for _, c := range []struct{ column, value string }{
		{"actor", f.Actor}, {"action", f.Action}, {"purpose", f.Purpose}, {"outcome", f.Outcome},
	} {
		if c.value != "" {
			// With a subject, its few entries are the way in: SQLite's
			// unary + keeps it from walking a busy actor's or action's index.
			b.WriteString(" AND " + unindexedIf(f.Subject != "" && db.engine == SQLite) + c.column + " = ?")
			args = append(args, c.value)
		}
	}
	if !f.Since.IsZero() {
		b.WriteString(" AND at >= ?")
		args = append(args, f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		b.WriteString(" AND at < ?")
		args = append(args, f.Until.UnixMicro())
	}
	if f.Newest {
		b.WriteString(" ORDER BY seq DESC LIMIT ?")
	} else {
		b.WriteString(" ORDER BY seq LIMIT ?")
	}
	args = append(args, f.Limit)
	rows, err := db.query(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("find audit: %w", err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("find audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ScanAudit streams the entries up to sequence number upTo in order, in
// pages, to fn.
func (db *DB) ScanAudit(ctx context.Context, upTo int64, fn func(audit.Entry) error) error {
	var after int64
	for after < upTo {
		page, err := db.ListAudit(ctx, after, int(min(5000, upTo-after)))
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].Seq
	}
	return nil
}

// AuditHead returns the recorded chain head and its seal.
func (db *DB) AuditHead(ctx context.Context) (int64, []byte, []byte, error) {
	var seq int64
	var h, mac []byte
	err := db.queryRow(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1").Scan(&seq, &h, &mac)
	if errors.Is(err, sql.ErrNoRows) || missingTable(err) {
		return 0, nil, nil, audit.ErrHeadMissing
	}
	if err != nil {
		return 0, nil, nil, fmt.Errorf("audit head: %w", err)
	}
	return seq, h, mac, nil
}

// missingTable reports whether err is the engine's "no such table".
func missingTable(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "SQLSTATE 42P01")
}

// recreateMissingHead puts back a chain head someone deleted, unsealed, at
// the last entry there is: the server can start, and its writer, finding
// the head without a valid seal, records that in the chain (and raises an
// alert) before extending it. Verification reports the chain broken from
// then on. The head's own migration seals only the heads it finds.
func (db *DB) recreateMissingHead(ctx context.Context) error {
	_, _, _, err := db.AuditHead(ctx)
	if !errors.Is(err, audit.ErrHeadMissing) {
		return err
	}
	// The table itself may have been dropped: put it back as the
	// migrations made it.
	ddl := "CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash BLOB NOT NULL, mac BLOB)"
	if db.engine == Postgres {
		ddl = "CREATE TABLE IF NOT EXISTS audit_head (id BIGINT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash BYTEA NOT NULL, mac BYTEA)"
	}
	if _, err := db.write.ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("recreate audit head: %w", err)
	}
	var seq int64
	hash := audit.GenesisHash
	err = db.write.QueryRowContext(ctx, db.d.q("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).Scan(&seq, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("recreate audit head: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, db.d.q("INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, NULL)"), seq, hash); err != nil {
		return fmt.Errorf("recreate audit head: %w", err)
	}
	slog.Error("the audit chain head was missing (deleted): put back unsealed at the last entry; the chain records it", "entry", seq)
	return nil
}

// sealAuditHead seals a head left unsealed (a database from before heads
// were sealed) with the audit key, once, when a server opens it.
func (db *DB) sealAuditHead(ctx context.Context, key keys.Secret) error {
	if key.Len() == 0 {
		return nil
	}
	var seq int64
	var h []byte
	err := db.write.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1 AND mac IS NULL").Scan(&seq, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seal audit head: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, db.d.q("UPDATE audit_head SET mac = ? WHERE id = 1 AND mac IS NULL AND seq = ?"), audit.HeadMAC(key, seq, h), seq); err != nil {
		return fmt.Errorf("seal audit head: %w", err)
	}
	return nil
}

// SubjectAudit returns up to limit audit entries about a subject (by
// pseudonym), oldest first.
func (db *DB) SubjectAudit(ctx context.Context, pseudonym string, limit int) ([]audit.Entry, error) {
	rows, err := db.query(ctx, auditSelect+" WHERE "+subjectAuditCondition+" ORDER BY seq LIMIT ?", pseudonym, pseudonym, limit)
	if err != nil {
		return nil, fmt.Errorf("subject audit: %w", err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("subject audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// unindexedIf returns SQLite's unary plus, which keeps a column's index out
// of the plan, when yes is set (PostgreSQL has no unary + on text).
func unindexedIf(yes bool) string {
	if yes {
		return "+"
	}
	return ""
}

// ErrForeignKeyFile refuses to open a database with a key file that is not
// the one its audit chain was written with.
var ErrForeignKeyFile = errors.New("the key file does not belong to this database: its audit key does not verify the database's audit chain; use the key file the database was written with")

// checkAuditKey tells a key file that is not this database's from a
// tampered chain head, before anything is written. The head's seal is
// checked with key; when it fails, the entry the head names is checked
// too: an entry key did not seal (or an empty chain sealed with another
// key) means another key file, and Open refuses with ErrForeignKeyFile.
// An entry key did seal, under a head whose seal is wrong, is a head
// moved or its seal cleared: the writer records that in the chain. A head
// from before heads were sealed (no seal) is left to the migration.
func (db *DB) checkAuditKey(ctx context.Context, key keys.Secret) error {
	if key.Len() == 0 {
		return nil
	}
	seq, hash, mac, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if mac == nil || hmac.Equal(mac, audit.HeadMAC(key, seq, hash)) {
		return nil
	}
	if seq == 0 {
		return ErrForeignKeyFile
	}
	page, err := db.ListAudit(ctx, seq-1, 1)
	if err != nil {
		return err
	}
	if len(page) == 0 || page[0].Seq != seq || !bytes.Equal(page[0].Hash, hash) {
		return nil // the head names an entry that is not there: tampering
	}
	if !audit.SealedBy(key, page[0]) {
		return ErrForeignKeyFile
	}
	return nil
}

// headInvalidReports hands the entries a writer appended for a chain head
// without a valid seal to the handler the application sets, so that it
// raises an alert; those found before a handler was set wait for it.
type headInvalidReports struct {
	mu      sync.Mutex
	handle  func(entry int64)
	pending []int64
}

// OnHeadInvalid sets the function told of each entry the writer appends
// because it found the chain head without a valid seal (someone moved the
// head over deleted entries, or cleared its seal): the application raises
// an alert. Entries recorded before it was set are handed to it at once.
// fn runs on a goroutine of its own: it may write to the database.
func (db *DB) OnHeadInvalid(fn func(entry int64)) {
	db.headInvalid.mu.Lock()
	db.headInvalid.handle = fn
	pending := db.headInvalid.pending
	db.headInvalid.pending = nil
	db.headInvalid.mu.Unlock()
	for _, e := range pending {
		go fn(e)
	}
}

func (db *DB) reportHeadInvalid(entry int64) {
	db.headInvalid.mu.Lock()
	defer db.headInvalid.mu.Unlock()
	if db.headInvalid.handle == nil {
		db.headInvalid.pending = append(db.headInvalid.pending, entry)
		return
	}
	go db.headInvalid.handle(entry)
}
