package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/consent"
	"custodia/internal/vault"
)

// CreateRecords inserts many new persons records at once, each with its
// new subject and wrapped data key, its blind-index entries and its
// provenance, in one operation of the group-commit writer: all of them or
// none. They belong to one collection; entries[i] is the audit entry of
// recs[i]. It skips the per-record uniqueness queries of CreateRecord: a
// unique value already taken, or a row its job imported already, fails
// the whole operation with a conflict (code bulk_conflict), and the caller
// writes the records one by one to learn which. The records are not
// cached.
func (db *DB) CreateRecords(ctx context.Context, recs []vault.NewRecord, entries []*audit.Entry) error {
	if len(recs) == 0 {
		return nil
	}
	if len(entries) != len(recs) {
		return fmt.Errorf("create records: %d records but %d audit entries", len(recs), len(entries))
	}
	for _, nr := range recs {
		if nr.Subject == nil || nr.Subject.SubjectID != nr.Record.SubjectID {
			return fmt.Errorf("create records: record %s does not create its own subject", nr.Record.ID)
		}
		if nr.Record.Collection != recs[0].Record.Collection {
			return fmt.Errorf("create records: records of collections %s and %s in one call", recs[0].Record.Collection, nr.Record.Collection)
		}
	}
	// The rows are made ready here, in the caller's goroutine, so that
	// the single writer only runs the INSERTs. The data keys are wrapped
	// under the primary KEK version read now; should a rotation change it
	// before the transaction (or retire it before they are wrapped), they
	// are wrapped inside the transaction.
	rows, err := newBulkCreate(recs, time.Now().UTC().UnixMicro())
	if err != nil {
		return err
	}
	var kek int64
	if err := db.read.QueryRowContext(ctx, "SELECT primary_version FROM kek_state WHERE id = 1").Scan(&kek); err == nil {
		_ = rows.wrapKeys(kek) // on failure the transaction wraps them
	}
	err = db.w.submitMany(func(ctx context.Context, tx *Tx) error {
		primary, err := tx.primaryKEK(ctx)
		if err != nil {
			return err
		}
		if primary != rows.kek {
			if err := rows.wrapKeys(primary); err != nil {
				return err
			}
		}
		return rows.exec(ctx, tx)
	}, entries)
	// A bulk import's records are not cached (they would push out the
	// records in use); the index lists they change are forgotten, whether
	// or not the operation committed.
	if db.cache != nil {
		var idx []vault.IndexEntry
		for _, nr := range recs {
			idx = append(idx, nr.Index...)
		}
		db.invalidate(recs[0].Record.Collection, nil, idx)
	}
	return err
}

// bulkCreate is the rows a CreateRecords call inserts, made ready before
// the writer's transaction.
type bulkCreate struct {
	recs []vault.NewRecord
	now  int64
	kek  int64 // the KEK version keys holds the data keys wrapped under; 0: not wrapped yet

	subjects, keys, records, unique, index, prov *bulkInsert
	grants                                       *grantInsert
}

// newBulkCreate makes the rows of new records and their blind-index
// entries in key order; wrapKeys makes those of their data keys.
func newBulkCreate(recs []vault.NewRecord, now int64) (*bulkCreate, error) {
	n := len(recs)
	c := &bulkCreate{recs: recs, now: now,
		subjects: newBulkInsert("INSERT INTO subjects (id, created_at) VALUES ", 2, n),
		records:  newBulkInsert("INSERT INTO records (id, collection, subject_id, sealed, idx, version, created_at, updated_at) VALUES ", 8, n),
		unique:   newBulkInsert("INSERT INTO blind_unique (collection, field, mac, record_id) VALUES ", 4, 0),
		index:    newBulkInsert("INSERT INTO blind_index (collection, field, mac, record_id) VALUES ", 4, 0),
		prov:     newBulkInsert("INSERT INTO record_provenance (job_id, row_ref, record_id, subject_id, source, imported_at) VALUES ", 6, 0),
		grants:   newGrantInsert(),
	}
	collection := recs[0].Record.Collection
	entries := make([]keyedEntry, 0, n*len(recs[0].Index))
	for _, nr := range recs {
		r := nr.Record
		c.subjects.add(r.SubjectID, now)
		c.records.add(r.ID, r.Collection, r.SubjectID, r.Sealed, encodeIndex(nr.Index), 1, now, now)
		for _, ie := range nr.Index {
			entries = append(entries, keyedEntry{ie, r.ID})
		}
		if p := nr.Provenance; p != nil {
			c.prov.add(p.JobID, p.RowRef, r.ID, r.SubjectID, p.Source, now)
		}
		if g := nr.Grant; g != nil {
			// A subject created here has no earlier event: nothing can
			// supersede its grant.
			if g.SubjectID != r.SubjectID {
				return nil, fmt.Errorf("create records: the grant of record %s names another subject", r.ID)
			}
			if err := c.grants.add(*g, nr.GrantNotice); err != nil {
				return nil, err
			}
		}
	}
	// Blind-index keys are random by design: inserted in key order, a
	// batch walks each B-tree once, left to right, instead of jumping
	// between its pages.
	slices.SortFunc(entries, compareKeyed)
	for _, e := range entries {
		if e.Unique {
			c.unique.add(collection, e.Field, e.MAC, e.recordID)
		} else {
			c.index.add(collection, e.Field, e.MAC, e.recordID)
		}
	}
	return c, nil
}

// wrapKeys (re)makes the rows of the data keys, wrapped under KEK version
// kek. On failure the rows are left as they were.
func (c *bulkCreate) wrapKeys(kek int64) error {
	keys := newBulkInsert("INSERT INTO custodia_keys.subject_keys (subject_id, kek_version, dek_version, wrapped_dek, created_at) VALUES ", 5, len(c.recs))
	for _, nr := range c.recs {
		version, w, err := nr.Subject.Wrap(uint32(kek))
		if err != nil {
			return fmt.Errorf("wrap subject key: %w", err)
		}
		keys.add(nr.Record.SubjectID, int64(version), 1, w, c.now)
	}
	c.keys, c.kek = keys, kek
	return nil
}

// exec inserts the rows; the grants come after their subjects, so that a
// person imported on consent commits with their grant.
func (c *bulkCreate) exec(ctx context.Context, tx *Tx) error {
	for _, b := range []*bulkInsert{c.subjects, c.keys, c.records, c.unique, c.index, c.prov} {
		if err := b.exec(ctx, tx); err != nil {
			return err
		}
	}
	return c.grants.exec(ctx, tx)
}

// AppendGrants appends consent grants for subjects that exist, storing
// their notice text once, in one operation of the writer. A grant whose
// subject's latest event for the purpose is a withdrawal at or after the
// grant's time is left out (consent.Superseded): evidence older than a
// withdrawal does not revive consent. The check reads the ledger inside
// the writer's transaction, so a withdrawal committed before it is seen.
// skipped counts the grants left out.
func (db *DB) AppendGrants(ctx context.Context, evs []consent.Event, noticeText string) (skipped int, err error) {
	if len(evs) == 0 {
		return 0, nil
	}
	err = db.w.submit(func(ctx context.Context, tx *Tx) error {
		skipped = 0 // the writer may run an operation again: set, never add
		grants := newGrantInsert()
		latest := map[[2]string]*consent.Event{}
		for _, ev := range evs {
			key := [2]string{ev.SubjectID, ev.Purpose}
			last, seen := latest[key]
			if !seen {
				var err error
				if last, err = latestConsent(ctx, tx, ev.SubjectID, ev.Purpose); err != nil {
					return err
				}
			}
			if consent.Superseded(last, ev) {
				latest[key] = last
				skipped++
				continue
			}
			if err := grants.add(ev, noticeText); err != nil {
				return err
			}
			latest[key] = &ev
		}
		return grants.exec(ctx, tx)
	}, nil)
	if err != nil {
		return 0, err
	}
	return skipped, nil
}

// appendRecordGrant stores an update's consent grant. A later withdrawal
// supersedes it (it sets grant.Superseded): the update, which rests on
// that consent, then fails with no_consent, as a change without the grant
// would (vault.Service.Patch).
func appendRecordGrant(ctx context.Context, tx *Tx, subjectID string, grant *vault.RecordGrant) error {
	if grant == nil {
		return nil
	}
	grant.Superseded = false // the writer may run an operation again: set, never add
	ev := grant.Event
	if ev.SubjectID != subjectID {
		return fmt.Errorf("update record: the grant names another subject")
	}
	last, err := latestConsent(ctx, tx, ev.SubjectID, ev.Purpose)
	if err != nil {
		return err
	}
	if consent.Superseded(last, ev) {
		grant.Superseded = true
		return apperr.Newf(apperr.Conflict, "no_consent",
			"the subject withdrew consent for %q after this consent evidence was collected: their data cannot be changed for it", ev.Purpose)
	}
	g := newGrantInsert()
	if err := g.add(ev, grant.NoticeText); err != nil {
		return err
	}
	return g.exec(ctx, tx)
}

// latestConsent returns a subject's latest consent event for a purpose
// (its action and time only), nil when there is none.
func latestConsent(ctx context.Context, tx *Tx, subjectID, purpose string) (*consent.Event, error) {
	ev := consent.Event{SubjectID: subjectID, Purpose: purpose}
	var at int64
	err := tx.QueryRow(ctx, "SELECT action, at FROM consent_events WHERE subject_id = ? AND purpose = ? ORDER BY seq DESC LIMIT 1", subjectID, purpose).Scan(&ev.Action, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read consent state: %w", err)
	}
	ev.At = time.UnixMicro(at).UTC()
	return &ev, nil
}

// grantInsert gathers consent grants and their notice texts for one
// transaction.
type grantInsert struct {
	notices map[string]string // hex hash -> text
	order   []string
	at      int64
	events  *bulkInsert
}

func newGrantInsert() *grantInsert {
	return &grantInsert{notices: map[string]string{}, events: newBulkInsert("INSERT INTO consent_events (id, subject_id, purpose, action, method, channel, notice_version, notice_hash, collected_by, ip_hash, ua_hash, at, recorded_at, recorded_by, request_id) VALUES ", 15, 0)}
}

func (g *grantInsert) add(ev consent.Event, noticeText string) error {
	if ev.Action != consent.Grant {
		return fmt.Errorf("append grants: event %s is not a grant", ev.ID)
	}
	if ev.NoticeHash != "" {
		if _, ok := g.notices[ev.NoticeHash]; !ok {
			g.notices[ev.NoticeHash] = noticeText
			g.order = append(g.order, ev.NoticeHash)
			if g.at == 0 {
				g.at = ev.RecordedAt.UnixMicro()
			}
		}
	}
	g.events.add(ev.ID, ev.SubjectID, ev.Purpose, ev.Action, ev.Method, ev.Channel, ev.NoticeVersion, hexOrNil(ev.NoticeHash), ev.CollectedBy,
		hexOrNil(ev.IPHash), hexOrNil(ev.UAHash), ev.At.UnixMicro(), ev.RecordedAt.UnixMicro(), ev.RecordedBy, ev.RequestID)
	return nil
}

// exec stores the notices (once per hash) and then the events.
func (g *grantInsert) exec(ctx context.Context, tx *Tx) error {
	for _, h := range g.order {
		if _, err := tx.Exec(ctx, "INSERT INTO consent_notices (hash, text, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
			hexOrNil(h), g.notices[h], g.at); err != nil {
			return fmt.Errorf("store notice: %w", err)
		}
	}
	return g.events.exec(ctx, tx)
}

// errBulkConflict fails a bulk create that met a stored unique value or
// an already imported row.
var errBulkConflict = apperr.New(apperr.Conflict, "bulk_conflict", "a unique value or an imported row of the batch is stored already; write the records one by one")

// bulkInsert gathers the rows of one multi-row INSERT. It runs them in
// statements of 64, 32, 16, 8, 4, 2 and 1 rows, so that a few statement
// texts per table reach the prepared-statement cache whatever the count.
type bulkInsert struct {
	prefix string
	cols   int
	args   []any
}

// newBulkInsert returns an empty bulkInsert with room for rows rows.
func newBulkInsert(prefix string, cols, rows int) *bulkInsert {
	return &bulkInsert{prefix: prefix, cols: cols, args: make([]any, 0, cols*rows)}
}

func (b *bulkInsert) add(vals ...any) { b.args = append(b.args, vals...) }

// bulkChunks are the statement sizes, largest first.
var bulkChunks = []int{64, 32, 16, 8, 4, 2, 1}

func (b *bulkInsert) exec(ctx context.Context, tx *Tx) error {
	rows := len(b.args) / b.cols
	at := 0
	for _, size := range bulkChunks {
		if rows-at < size {
			continue
		}
		query := b.statement(size)
		for ; rows-at >= size; at += size {
			if _, err := tx.Exec(ctx, query, b.args[at*b.cols:(at+size)*b.cols]...); err != nil {
				if isUniqueViolation(err) {
					return errBulkConflict
				}
				return fmt.Errorf("%s: %w", strings.TrimSuffix(b.prefix, " VALUES "), err)
			}
		}
	}
	return nil
}

// bulkStatements caches statement texts by prefix and row count.
var bulkStatements sync.Map

// statement returns the INSERT text for n rows.
func (b *bulkInsert) statement(n int) string {
	key := fmt.Sprintf("%d\x00%s", n, b.prefix)
	if q, ok := bulkStatements.Load(key); ok {
		return q.(string)
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	var sb strings.Builder
	sb.Grow(len(b.prefix) + n*(len(row)+2))
	sb.WriteString(b.prefix)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	bulkStatements.Store(key, sb.String())
	return sb.String()
}

// LookupRefs finds, for each blind-index value of each query, the records
// of a collection whose field holds it, as ids and subjects only: the
// importer's duplicate check of a whole batch of rows, in one read
// transaction (SQLite drops a connection's page cache at the start of
// each read after a write, so one transaction rather than one per field).
// The answer is keyed by field, a zero byte and string(mac); values
// without a record are absent.
func (db *DB) LookupRefs(ctx context.Context, collection string, queries []vault.IndexQuery) (map[string][]vault.RecordRef, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("lookup index values: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	out := map[string][]vault.RecordRef{}
	for _, q := range queries {
		at := 0
		for _, size := range bulkChunks {
			if len(q.MACs)-at < size {
				continue
			}
			query := "SELECT b.mac, r.id, r.subject_id FROM " + indexTable(q.Unique) + " b JOIN records r ON r.id = b.record_id WHERE b.collection = ? AND b.field = ? AND b.mac IN (" +
				strings.TrimSuffix(strings.Repeat("?, ", size), ", ") + ")"
			for ; len(q.MACs)-at >= size; at += size {
				args := make([]any, 0, size+2)
				args = append(args, collection, q.Field)
				for _, m := range q.MACs[at : at+size] {
					args = append(args, m)
				}
				if err := db.lookupRefs(ctx, tx, query, args, q.Field, out); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, refs := range out {
		slices.SortFunc(refs, func(a, b vault.RecordRef) int { return strings.Compare(a.ID, b.ID) })
	}
	return out, nil
}

func (db *DB) lookupRefs(ctx context.Context, tx *sql.Tx, query string, args []any, field string, out map[string][]vault.RecordRef) error {
	var rows *sql.Rows
	var err error
	if db.readStmts != nil {
		var s *sql.Stmt
		if s, err = db.readStmts.get(ctx, query); err == nil {
			rows, err = tx.StmtContext(ctx, s).QueryContext(ctx, args...)
		}
	} else {
		rows, err = tx.QueryContext(ctx, db.d.q(query), args...)
	}
	if err != nil {
		return fmt.Errorf("lookup index values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mac []byte
		var ref vault.RecordRef
		if err := rows.Scan(&mac, &ref.ID, &ref.Subject); err != nil {
			return fmt.Errorf("lookup index values: %w", err)
		}
		key := field + "\x00" + string(mac)
		out[key] = append(out[key], ref)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lookup index values: %w", err)
	}
	return nil
}

// RefreshStatistics brings PostgreSQL's planner statistics of the tables
// an import reads up to date (ANALYZE). A bulk load outruns autovacuum's
// analyze, and with the statistics of a nearly empty table the cached plan
// of the duplicate lookups scans a whole field's index entries for every
// batch (a 20,000-row import into 125,000 people took 180 s before, 2 s
// after). SQLite plans these queries by their indexes alone: nothing to do.
func (db *DB) RefreshStatistics(ctx context.Context) error {
	if db.engine != Postgres {
		return nil
	}
	if _, err := db.read.ExecContext(ctx, "ANALYZE blind_index, blind_unique, records, record_provenance"); err != nil {
		return fmt.Errorf("refresh planner statistics: %w", err)
	}
	return nil
}

// keyedEntry is a blind-index entry of a bulk create with its record.
type keyedEntry struct {
	vault.IndexEntry
	recordID string
}

// compareKeyed orders entries as their index B-tree does: by field, then
// MAC.
func compareKeyed(a, b keyedEntry) int {
	if c := strings.Compare(a.Field, b.Field); c != 0 {
		return c
	}
	return bytes.Compare(a.MAC, b.MAC)
}
