package store

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/keys"
)

// applyFunc is one operation's work inside a batch transaction. A returned
// error undoes only this operation (its savepoint) and is given back to the
// caller; the batch goes on. An operation may run more than once (a batch
// that fails is run again with savepoints), so it must set, never add to,
// whatever it shares with its caller.
type applyFunc func(ctx context.Context, tx *Tx) error

type op struct {
	apply applyFunc
	entry *audit.Entry
	// more are further entries of an operation that writes many things at
	// once (a bulk import); they share the operation's outcome.
	more []*audit.Entry
	// alone marks an operation with effects outside the database (a key
	// file change): it runs in a batch of its own and is never re-run.
	alone bool
	done  chan error
}

// writer is the group-commit writer: one goroutine, one transaction per
// batch, acknowledgement only after the commit is durable.
type writer struct {
	db       *DB
	key      keys.Secret
	maxBatch int
	ops      chan *op

	mu     sync.RWMutex // guards closed against concurrent submit
	closed bool
	done   chan struct{}
	m      writerMetrics
	// indexedThrough is the audit subject index's position as this writer
	// last saw it (auditIndexUnknown: read it at the next batch).
	indexedThrough int64
	// headInvalidEntry is the entry a batch run appended to record a chain
	// head without a valid seal, 0 when it appended none.
	headInvalidEntry int64
}

// ErrStopping is returned for writes submitted after shutdown began.
var ErrStopping = apperr.New(apperr.Unavailable, "shutting_down", "the server is shutting down")

func startWriter(db *DB, key keys.Secret, maxBatch int) *writer {
	if maxBatch <= 0 {
		maxBatch = 256
	}
	w := &writer{db: db, key: key, maxBatch: maxBatch, ops: make(chan *op, 4*maxBatch), done: make(chan struct{}),
		indexedThrough: auditIndexUnknown}
	go w.loop()
	return w
}

var opPool = sync.Pool{New: func() any { return &op{done: make(chan error, 1)} }}

// submit queues an operation and waits until its batch committed (or
// failed). It always waits for the writer's answer, even when ctx ends, so
// a caller never reports failure for a write that did commit.
func (w *writer) submit(apply applyFunc, entry *audit.Entry) error {
	return w.submitOp(apply, entry, nil, false)
}

// submitAlone is submit for an operation that must run in its own batch.
func (w *writer) submitAlone(apply applyFunc, entry *audit.Entry) error {
	return w.submitOp(apply, entry, nil, true)
}

// submitMany is submit for an operation with one audit entry per thing it
// writes; the entries share its outcome.
func (w *writer) submitMany(apply applyFunc, entries []*audit.Entry) error {
	if len(entries) == 0 {
		return w.submitOp(apply, nil, nil, false)
	}
	return w.submitOp(apply, entries[0], entries[1:], false)
}

func (w *writer) submitOp(apply applyFunc, entry *audit.Entry, more []*audit.Entry, alone bool) error {
	o := opPool.Get().(*op)
	o.apply, o.entry, o.more, o.alone = apply, entry, more, alone
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		opPool.Put(o)
		return ErrStopping
	}
	w.ops <- o
	w.mu.RUnlock()
	err := <-o.done
	o.apply, o.entry, o.alone, o.more = nil, nil, false, nil
	opPool.Put(o)
	return err
}

func (w *writer) stop() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ops)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *writer) stopped() bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.closed
}

func (w *writer) loop() {
	defer close(w.done)
	batch := make([]*op, 0, w.maxBatch)
	var held *op // an op that must run alone, taken while filling a batch
	for {
		var first *op
		if held != nil {
			first, held = held, nil
		} else {
			o, ok := <-w.ops
			if !ok {
				return
			}
			first = o
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < w.maxBatch && !first.alone {
			select {
			case o, ok := <-w.ops:
				if !ok {
					break fill
				}
				if o.alone {
					held = o
					break fill
				}
				batch = append(batch, o)
			default:
				break fill
			}
		}
		w.commit(batch)
	}
}

// commit applies one batch in one transaction and answers every caller.
func (w *writer) commit(batch []*op) {
	start := time.Now()
	results := make([]error, len(batch))
	// Optimistic first: no savepoints, which cost SQLite a statement
	// journal per operation. If any operation fails, the whole transaction
	// is rolled back and the batch runs again with a savepoint around each
	// operation, so a failing one undoes only itself.
	// A lone operation runs under a savepoint, as its failure must still
	// leave its audit entry; a bulk one (many entries) runs without, as its
	// savepoint's statement journal would cost more than a rare re-run.
	careful := (len(batch) == 1 && batch[0].more == nil) || batch[0].alone
	err := w.runBatch(batch, results, careful)
	if errors.Is(err, errRetryCareful) {
		clear(results)
		err = w.runBatch(batch, results, true)
	}
	if err == nil && w.headInvalidEntry != 0 {
		slog.Error("the audit chain head had no valid seal: entries after it may have been deleted; recorded in the chain", "entry", w.headInvalidEntry)
		w.db.reportHeadInvalid(w.headInvalidEntry)
	}
	if err != nil {
		w.indexedThrough = auditIndexUnknown // its index insert, if any, was rolled back
		slog.Error("group commit failed", "ops", len(batch), "err", err)
		for i, o := range batch {
			results[i] = apperr.Wrap(err, "commit batch")
			if o.entry != nil {
				o.entry.Seq = 0 // not written: the caller must not count it as audited
			}
			for _, e := range o.more {
				e.Seq = 0
			}
		}
	}
	w.m.observe(len(batch), time.Since(start), err)
	for i, o := range batch {
		o.done <- results[i]
	}
	if w.db.writeStmts != nil {
		w.db.writeStmts.prepareMissed(context.Background())
	}
}

// errRetryCareful asks commit to re-run a batch with savepoints.
var errRetryCareful = errors.New("an operation failed; retry the batch with savepoints")

func (w *writer) runBatch(batch []*op, results []error, careful bool) (err error) {
	ctx := context.Background()
	sqlTx, err := w.db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{tx: sqlTx, d: w.db.d, cache: w.db.writeStmts, queueInserts: !careful}
	var seq int64
	var prev, mac []byte
	if err := tx.QueryRow(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1"+w.db.d.forUpdate()).Scan(&seq, &prev, &mac); err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	entries := make([]*audit.Entry, 0, len(batch)+1)
	now := time.Now().UTC()
	w.headInvalidEntry = 0
	if w.key.Len() > 0 && !hmac.Equal(mac, audit.HeadMAC(w.key, seq, prev)) {
		// Someone moved the head (over deleted entries) or cleared its
		// seal. Extending it would seal the damage: the chain records it
		// first, and verification reports that entry from then on.
		e := audit.HeadInvalidEntry(seq, now)
		seq++
		e.Seal(w.key, seq, prev)
		prev = e.Hash
		entries = append(entries, e)
		w.headInvalidEntry = seq // logged and reported once the batch commits
	}
	for i, o := range batch {
		if o.apply != nil {
			if !careful {
				if results[i] = safeApply(ctx, tx, o.apply); results[i] != nil || tx.queueErr != nil {
					return errRetryCareful
				}
			} else if results[i], err = w.applyOne(ctx, tx, o.apply); err != nil {
				return err
			}
		}
		if o.entry != nil {
			finishEntry(o.entry, results[i], now)
			seq++
			o.entry.Seal(w.key, seq, prev)
			prev = o.entry.Hash
			entries = append(entries, o.entry)
		}
		for _, e := range o.more {
			finishEntry(e, results[i], now)
			seq++
			e.Seal(w.key, seq, prev)
			prev = e.Hash
			entries = append(entries, e)
		}
	}
	if err := tx.flushInserts(ctx); err != nil {
		// Only an optimistic batch queues rows: run it again with
		// savepoints, where the failing operation fails alone.
		return errRetryCareful
	}
	if err := insertAudit(ctx, tx, entries); err != nil {
		return err
	}
	if len(entries) > 0 {
		if _, err := tx.Exec(ctx, "UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1", seq, prev, audit.HeadMAC(w.key, seq, prev)); err != nil {
			return fmt.Errorf("advance audit head: %w", err)
		}
		if err := w.indexAuditSubjects(ctx, tx, seq); err != nil {
			return err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// applyOne runs one operation under a savepoint. The first result is the
// operation's own error; the second is a failure that dooms the batch.
func (w *writer) applyOne(ctx context.Context, tx *Tx, apply applyFunc) (opErr, batchErr error) {
	if _, err := tx.Exec(ctx, "SAVEPOINT op"); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	opErr = safeApply(ctx, tx, apply)
	if opErr != nil {
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT op"); err != nil {
			return nil, fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT op"); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	return opErr, nil
}

// safeApply turns a panic in an operation into an internal error so one bad
// operation cannot stop the writer.
func safeApply(ctx context.Context, tx *Tx, apply applyFunc) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = apperr.Wrap(fmt.Errorf("panic: %v", r), "write operation")
		}
	}()
	return apply(ctx, tx)
}

// finishEntry fills the outcome of an entry from its operation's result.
func finishEntry(e *audit.Entry, opErr error, now time.Time) {
	e.RecordID = audit.SafeRecordID(e.RecordID)
	if e.At.IsZero() {
		e.At = now
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if opErr != nil {
		e.Status = apperr.KindOf(opErr).HTTPStatus()
		e.Detail = apperr.CodeOf(opErr)
		e.Outcome = audit.OutcomeFor(e.Status)
		return
	}
	if e.Outcome == "" {
		e.Outcome = audit.OutcomeOK
	}
	if e.Status == 0 {
		e.Status = 200
	}
}

const auditColumns = 15

func insertAudit(ctx context.Context, tx *Tx, entries []*audit.Entry) error {
	const chunk = 200
	for len(entries) > 0 {
		n := min(len(entries), chunk)
		var b strings.Builder
		b.WriteString("INSERT INTO audit_log (seq, at, actor, action, collection, record_id, subject, purpose, outcome, status, request_id, detail, prev_hash, hash, decision) VALUES ")
		args := make([]any, 0, n*auditColumns)
		for i, e := range entries[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, e.Seq, e.At.UnixMicro(), e.Actor, e.Action, e.Collection, e.RecordID, e.Subject,
				e.Purpose, e.Outcome, e.Status, e.RequestID, e.Detail, e.PrevHash, e.Hash, e.Decision)
		}
		if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("append audit entries: %w", err)
		}
		entries = entries[n:]
	}
	return nil
}
