package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"custodia/internal/apperr"
)

// BackupFormat names the backup file layout.
const BackupFormat = "custodia-backup/1"

// tableSpec lists a table's columns in backup order; blob columns are
// base64 strings in the file, integer columns numbers, the rest strings.
// Parents come before children.
type tableSpec struct {
	name    string
	columns []string
	blobs   map[string]bool
	key     string // ORDER BY for a stable dump
	// texts are columns of this table that hold text although a column of
	// that name elsewhere holds integers (a "status" word, not a code).
	texts map[string]bool
}

// integerColumns are the columns holding integers, in every table.
var integerColumns = map[string]bool{
	"version": true, "created_at": true, "updated_at": true, "rewrapped_at": true, "kek_version": true,
	"dek_version": true, "records_deleted": true, "erased_at": true, "expires_at": true, "revoked_at": true,
	"seq": true, "at": true, "status": true, "rate_limit": true, "blocked_at": true, "totp_last_step": true,
	"disabled_at": true, "used_at": true, "mfa": true, "recorded_at": true, "completed_at": true, "cleared_at": true,
	"since": true, "received_at": true, "due_at": true, "acknowledge_by": true, "extend_notice_by": true,
	"extensions": true, "max_extensions": true, "overdue_alerted": true, "ack_alerted": true, "queued_at": true, "purged": true,
	"closed_at": true, "released_at": true, "keep_n": true, "started_at": true, "finished_at": true, "hits": true,
	"requested_at": true, "detected_at": true, "aware_at": true, "start_at": true, "affected": true, "met_at": true,
	"near_alerted": true, "position": true, "added_at": true, "imported_at": true,
}

// isInteger reports whether a table's column holds integers (audit_head's
// id is the one integer "id").
func (t tableSpec) isInteger(col string) bool {
	return !t.texts[col] && integerColumns[col] || (t.name == "audit_head" && col == "id")
}

// floatColumns are the columns holding real numbers, in every table.
var floatColumns = map[string]bool{"max_confidence": true}

// keyStoreSpec is the key store's table, in a backup only on request.
var keyStoreSpec = tableSpec{"custodia_keys.subject_keys", []string{"subject_id", "kek_version", "dek_version", "wrapped_dek", "created_at", "rewrapped_at"}, map[string]bool{"wrapped_dek": true}, "subject_id", nil}

// textStatus marks a table whose status column is a word.
var textStatus = map[string]bool{"status": true}

var backupTables = []tableSpec{
	{"collections", []string{"name", "kind", "schema", "version", "created_at", "updated_at"}, map[string]bool{"schema": true}, "name", nil},
	{"subjects", []string{"id", "created_at"}, nil, "id", nil},
	{"records", []string{"id", "collection", "subject_id", "sealed", "idx", "version", "created_at", "updated_at"}, map[string]bool{"sealed": true, "idx": true}, "id", nil},
	{"blind_index", []string{"collection", "field", "mac", "record_id"}, map[string]bool{"mac": true}, "collection, field, mac, record_id", nil},
	{"blind_unique", []string{"collection", "field", "mac", "record_id"}, map[string]bool{"mac": true}, "collection, field, mac", nil},
	{"imports", []string{"id", "collection", "purpose", "source", "legal_basis", "consent", "on_duplicate", "status", "result", "started_at", "finished_at", "updated_at", "system_id", "cleanup_task", "fingerprint", "mapping"}, nil, "id", textStatus},
	{"record_provenance", []string{"job_id", "row_ref", "record_id", "subject_id", "source", "imported_at"}, nil, "job_id, row_ref", nil},
	{"import_rejects", []string{"job_id", "seq", "row_ref", "code", "reason", "masked"}, nil, "job_id, seq", nil},
	{"erasures", []string{"subject_pseudonym", "records_deleted", "erased_at", "audit_request"}, nil, "erased_at, subject_pseudonym", nil},
	{"roles", []string{"name", "spec", "created_at", "updated_at"}, map[string]bool{"spec": true}, "name", nil},
	{"purposes", []string{"name", "description", "legal_basis", "roles", "created_at", "updated_at"}, nil, "name", nil},
	{"api_tokens", []string{"id", "name", "role", "collections", "purposes", "secret_hash", "created_by", "created_at", "expires_at", "revoked_at", "rate_limit", "blocked_at"}, map[string]bool{"secret_hash": true}, "id", nil},
	{"users", []string{"id", "email", "display_name", "role", "password_hash", "totp_secret", "totp_pending", "totp_last_step", "created_at", "updated_at", "disabled_at", "blocked_at"}, map[string]bool{"totp_secret": true, "totp_pending": true}, "id", nil},
	{"recovery_codes", []string{"user_id", "code_hash", "used_at"}, map[string]bool{"code_hash": true}, "user_id, code_hash", nil},
	{"training", []string{"id", "user_id", "course", "completed_at", "expires_at", "recorded_by", "created_at"}, nil, "id", nil},
	{"consent_notices", []string{"hash", "text", "created_at"}, map[string]bool{"hash": true}, "hash", nil},
	{"consent_events", []string{"seq", "id", "subject_id", "purpose", "action", "method", "channel", "notice_version", "notice_hash", "collected_by", "ip_hash", "ua_hash", "at", "recorded_at", "recorded_by", "request_id"}, map[string]bool{"notice_hash": true, "ip_hash": true, "ua_hash": true}, "seq", nil},
	{"subject_restrictions", []string{"subject_id", "purposes", "reason", "since", "set_by"}, nil, "subject_id", nil},
	{"requests", []string{"id", "type", "jurisdiction", "state", "subject_id", "lookup_kind", "lookup_hash", "channel", "received_at", "due_at", "acknowledge_by", "extend_notice_by", "extensions", "max_extensions", "rule_source", "details", "created_by", "created_at", "updated_at", "closed_at", "outcome", "overdue_alerted", "ack_alerted"}, map[string]bool{"lookup_hash": true}, "id", nil},
	{"request_transitions", []string{"request_id", "seq", "from_state", "to_state", "at", "actor", "reason"}, nil, "request_id, seq", nil},
	{"request_tasks", []string{"id", "request_id", "system", "description", "state", "evidence", "attachment_hash", "created_at", "closed_at", "closed_by", "assignee"}, nil, "id", nil},
	{"subject_objections", []string{"subject_id", "purpose", "since", "request_id"}, nil, "subject_id, purpose", nil},
	{"purge_queue", []string{"subject_id", "queued_at", "pseudonym", "cause", "approved_by", "audit_request", "purged", "collections"}, nil, "subject_id", nil},
	{"deletions", []string{"id", "at", "kind", "subject_pseudonym", "collections", "fields", "records_deleted", "cause", "approved_by", "audit_request"}, nil, "id", nil},
	{"alerts", []string{"id", "at", "kind", "severity", "principal", "message", "data", "cleared_at", "cleared_by"}, nil, "id", nil},
	{"retention_rules", []string{"id", "collection", "fields", "purpose", "anchor", "anchor_field", "keep_n", "keep_unit", "action", "description", "created_by", "created_at"}, nil, "id", nil},
	{"legal_holds", []string{"id", "subject_id", "collection", "reason", "expires_at", "created_by", "created_at", "released_at", "released_by", "release_reason"}, nil, "id", nil},
	{"scans", []string{"id", "source", "roots", "started_at", "finished_at", "summary", "errors", "reported_by", "created_at"}, nil, "id", nil},
	{"scan_locations", []string{"scan_id", "path", "column_name", "entity", "category", "hits", "max_confidence"}, nil, "scan_id, path, column_name, entity", nil},
	{"systems", []string{"id", "name", "status", "spec", "created_at", "updated_at", "migration"}, nil, "id", textStatus},
	{"scan_systems", []string{"scan_id", "system_id"}, nil, "scan_id, system_id", nil},
	{"processors", []string{"id", "vendor", "service", "spec", "alert_key", "created_at", "updated_at"}, nil, "id", nil},
	{"exports", []string{"id", "kind", "status", "requested_by", "requested_at", "spec", "request_id"}, nil, "id", textStatus},
	{"offboardings", []string{"id", "user_id", "state", "spec", "created_at"}, nil, "id", nil},
	{"cleanup_tasks", []string{"id", "system_id", "import_id", "title", "assignees", "state", "evidence", "evidence_sha256", "closed_by", "closed_at", "created_at"}, nil, "id", nil},
	{"incidents", []string{"id", "status", "detected_at", "aware_at", "spec", "created_by", "created_at", "updated_at", "closed_at"}, nil, "id", textStatus},
	{"incident_clocks", []string{"incident_id", "regime", "recipient", "state", "start_at", "due_at", "affected", "rule", "met_at", "reference", "near_alerted", "overdue_alerted"}, nil, "incident_id, regime, recipient", nil},
	{"incident_tasks", []string{"incident_id", "task", "position", "title", "state", "evidence", "evidence_sha256", "closed_at", "closed_by"}, nil, "incident_id, task", nil},
	{"incident_events", []string{"incident_id", "seq", "at", "kind", "actor", "detail"}, nil, "incident_id, seq", nil},
	{"incident_evidence", []string{"incident_id", "sha256", "description", "added_at", "added_by"}, nil, "incident_id, sha256", nil},
	{"audit_log", []string{"seq", "at", "actor", "action", "collection", "record_id", "subject", "purpose", "outcome", "status", "request_id", "detail", "prev_hash", "hash", "decision"}, map[string]bool{"prev_hash": true, "hash": true}, "seq", nil},
	{"audit_head", []string{"id", "seq", "hash", "mac"}, map[string]bool{"hash": true, "mac": true}, "id", nil},
}

// BackupHeader is the first line of a backup.
type BackupHeader struct {
	Format    string    `json:"format"`
	Engine    Engine    `json:"engine"`
	CreatedAt time.Time `json:"created_at"`
	// KeyCheck identifies the key file the backup needs, without revealing
	// it: restore refuses a mismatching key file.
	KeyCheck string `json:"key_check"`
	// WithKeys reports whether the backup holds the key store too. Without
	// it a restore reads only subjects whose keys are in the live key store,
	// so subjects erased since the backup stay unreadable.
	WithKeys bool `json:"with_keys"`
}

type tableLine struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

// BackupStats summarises a backup or restore.
type BackupStats struct {
	Rows map[string]int64 `json:"rows"`
	// Restored only: the subjects, and those without a data key in the
	// key store (their records cannot be read: erased since the backup,
	// or a backup without keys restored away from its key store).
	Subjects           int64 `json:"subjects,omitempty"`
	SubjectsWithoutKey int64 `json:"subjects_without_key,omitempty"`
}

// Backup writes a consistent snapshot of every data table to w as gzip'd
// JSON lines, reading in one snapshot transaction while the server keeps
// running. Values are as stored: ciphertexts, MACs and pseudonyms, never
// plaintext personal data. The key file is never included; the key store
// (wrapped data keys) only with withKeys, because a backup holding keys
// would bring erased subjects back on restore.
func (db *DB) Backup(ctx context.Context, w io.Writer, keyCheck string, withKeys bool) (BackupStats, error) {
	stats := BackupStats{Rows: map[string]int64{}}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return stats, fmt.Errorf("backup: begin snapshot: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriterSize(zw, 1<<16)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(BackupHeader{Format: BackupFormat, Engine: db.engine, CreatedAt: time.Now().UTC(), KeyCheck: keyCheck, WithKeys: withKeys}); err != nil {
		return stats, fmt.Errorf("backup: %w", err)
	}
	tables := backupTables
	if withKeys {
		tables = append(append([]tableSpec{}, backupTables...), keyStoreSpec)
	}
	for _, t := range tables {
		n, err := dumpTable(ctx, tx, db.d, t, enc)
		if err != nil {
			return stats, fmt.Errorf("backup %s: %w", t.name, err)
		}
		stats.Rows[t.name] = n
	}
	if err := bw.Flush(); err != nil {
		return stats, fmt.Errorf("backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return stats, fmt.Errorf("backup: %w", err)
	}
	return stats, nil
}

func dumpTable(ctx context.Context, tx *sql.Tx, d *dialect, t tableSpec, enc *json.Encoder) (int64, error) {
	if err := enc.Encode(tableLine{Table: t.name, Columns: t.columns}); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, d.q("SELECT "+strings.Join(t.columns, ", ")+" FROM "+t.name+" ORDER BY "+t.key))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, len(t.columns))
	ptrs := make([]any, len(t.columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		out := make([]any, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case []byte:
				if t.blobs[t.columns[i]] {
					out[i] = base64.StdEncoding.EncodeToString(x)
				} else {
					out[i] = string(x)
				}
			default:
				out[i] = x
			}
		}
		if err := enc.Encode(out); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// ReadBackupHeader reads a backup's header line.
func ReadBackupHeader(r io.Reader) (BackupHeader, *json.Decoder, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return BackupHeader{}, nil, apperr.New(apperr.Invalid, "invalid_backup", "not a Custodia backup (not gzip)")
	}
	dec := json.NewDecoder(zr)
	dec.UseNumber()
	var h BackupHeader
	if err := dec.Decode(&h); err != nil || h.Format != BackupFormat {
		return h, nil, apperr.New(apperr.Invalid, "invalid_backup", "not a Custodia backup (bad header)")
	}
	return h, dec, nil
}

// Restore loads a backup into this database, which must hold no records,
// subjects or tokens unless force is set, in one transaction.
func (db *DB) Restore(ctx context.Context, r io.Reader, keyCheck string, force bool, unwrap KeyUnwrapper) (BackupStats, error) {
	stats := BackupStats{Rows: map[string]int64{}}
	h, dec, err := ReadBackupHeader(r)
	if err != nil {
		return stats, err
	}
	if h.KeyCheck != keyCheck {
		return stats, apperr.New(apperr.Unprocessable, "key_mismatch", "the backup was made with another key file; restore with the key file it was made with")
	}
	if db.cache != nil {
		defer db.cache.clear()
	}
	specs := map[string]tableSpec{}
	for _, t := range backupTables {
		specs[t.name] = t
	}
	if h.WithKeys {
		specs[keyStoreSpec.name] = keyStoreSpec
	}
	err = db.w.submitOp(func(ctx context.Context, tx *Tx) error {
		if !force {
			for _, t := range []string{"subjects", "records", "collections", "api_tokens", "users", "consent_events"} {
				var n int64
				if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return apperr.New(apperr.Conflict, "not_empty", "the target database is not empty; use --force to replace its contents")
				}
			}
		}
		// The consent ledger refuses deletes except under a maintenance row.
		if _, err := tx.Exec(ctx, "INSERT INTO ledger_maintenance (active) VALUES (1)"); err != nil {
			return fmt.Errorf("open ledger maintenance: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions"); err != nil {
			return fmt.Errorf("clear sessions: %w", err)
		}
		for i := len(backupTables) - 1; i >= 0; i-- {
			if _, err := tx.Exec(ctx, "DELETE FROM "+backupTables[i].name); err != nil {
				return fmt.Errorf("clear %s: %w", backupTables[i].name, err)
			}
		}
		if h.WithKeys {
			if _, err := tx.Exec(ctx, "DELETE FROM "+keyStoreSpec.name); err != nil {
				return fmt.Errorf("clear key store: %w", err)
			}
		}
		if err := restoreRows(ctx, tx, dec, specs, stats.Rows); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM ledger_maintenance"); err != nil {
			return fmt.Errorf("close ledger maintenance: %w", err)
		}
		if db.engine == Postgres {
			if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('consent_events', 'seq'), COALESCE((SELECT MAX(seq) FROM consent_events), 0) + 1, false)"); err != nil {
				return fmt.Errorf("reset consent sequence: %w", err)
			}
		}
		// The subject index is derived from the log, so it is not in
		// backups: it is built again from the restored log.
		if err := rebuildAuditSubjects(ctx, tx); err != nil {
			return err
		}
		// Keys of subjects the restored data does not have are kept: they
		// may be those of a newer backup, restored next (an erased
		// subject's key is gone already; the start-up reconciliation
		// destroys those of interrupted erasures).
		var err error
		stats.Subjects, stats.SubjectsWithoutKey, err = checkRestoredKeys(ctx, tx, unwrap)
		return err
	}, nil, nil, true)
	if err == nil {
		// A backup from before heads were sealed restores an unsealed one.
		err = db.sealAuditHead(ctx, db.w.key)
	}
	return stats, err
}

// KeyUnwrapper opens a subject's wrapped data key with the key file in
// use (keys.Keyring.UnwrapDEK), so that a restore can check it.
type KeyUnwrapper func(subjectID string, wrapped []byte) error

// restoreKeySample is how many data keys a restore tries to open.
const restoreKeySample = 50

// checkRestoredKeys counts the restored subjects and those without a data
// key (subjects erased since the backup stay unreadable, as
// crypto-shredding means; the caller warns when that is all of them), and
// refuses the restore when data keys cannot be opened with the key file
// (wrapped with a key version it retired): its records would fail on
// every read.
func checkRestoredKeys(ctx context.Context, tx *Tx, unwrap KeyUnwrapper) (subjects, keyless int64, err error) {
	var keyed int64
	if err := tx.QueryRow(ctx, "SELECT COUNT(*), COUNT(k.subject_id) FROM subjects s LEFT JOIN custodia_keys.subject_keys k ON k.subject_id = s.id").Scan(&subjects, &keyed); err != nil {
		return 0, 0, fmt.Errorf("check restored keys: %w", err)
	}
	keyless = subjects - keyed
	if unwrap == nil || keyed == 0 {
		return subjects, keyless, nil
	}
	rows, err := tx.Query(ctx, "SELECT subject_id, wrapped_dek FROM custodia_keys.subject_keys ORDER BY subject_id LIMIT ?", restoreKeySample)
	if err != nil {
		return 0, 0, fmt.Errorf("check restored keys: %w", err)
	}
	defer rows.Close()
	tried, failed := 0, 0
	for rows.Next() {
		var id string
		var wrapped []byte
		if err := rows.Scan(&id, &wrapped); err != nil {
			return 0, 0, fmt.Errorf("check restored keys: %w", err)
		}
		tried++
		if unwrap(id, wrapped) != nil {
			failed++
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("check restored keys: %w", err)
	}
	if failed > 0 {
		return 0, 0, apperr.Newf(apperr.Unprocessable, "data_keys_unreadable",
			"%d of %d data keys tried cannot be opened with this key file (they were wrapped with a key version it no longer has, retired by a rotation after the backup): restore with the key file of the backup's time", failed, tried)
	}
	return subjects, keyless, nil
}

func restoreRows(ctx context.Context, tx *Tx, dec *json.Decoder, specs map[string]tableSpec, counts map[string]int64) error {
	var cur *tableSpec
	var insert string
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return apperr.New(apperr.Invalid, "invalid_backup", "the backup is truncated or corrupt")
		}
		if len(raw) > 0 && raw[0] == '{' {
			var tl tableLine
			if err := json.Unmarshal(raw, &tl); err != nil {
				return apperr.New(apperr.Invalid, "invalid_backup", "bad table line in backup")
			}
			t, ok := specs[tl.Table]
			if !ok {
				return apperr.New(apperr.Invalid, "invalid_backup", "the backup holds a table this version does not know")
			}
			if t, ok = t.asWritten(tl.Columns); !ok {
				return apperr.New(apperr.Invalid, "invalid_backup", "the backup holds a table with columns this version does not know")
			}
			cur = &t
			insert = "INSERT INTO " + t.name + " (" + strings.Join(t.columns, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(t.columns)-1) + ")"
			continue
		}
		if cur == nil {
			return apperr.New(apperr.Invalid, "invalid_backup", "row before table header in backup")
		}
		args, err := decodeRow(raw, *cur)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, insert, args...); err != nil {
			return fmt.Errorf("restore %s: %w", cur.name, err)
		}
		counts[cur.name]++
	}
}

// laterColumns are the columns migrations added to a table after backups
// were first written, each with a default or nullable: a backup made
// before one was added lacks it, at the end of its table's columns, and
// restores with the default.
var laterColumns = map[string]bool{
	"api_tokens.rate_limit": true, "api_tokens.blocked_at": true,
	"audit_log.decision": true, "audit_head.mac": true,
	"request_tasks.assignee": true, "requests.ack_alerted": true,
	"imports.system_id": true, "imports.cleanup_task": true, "imports.fingerprint": true, "imports.mapping": true,
	"systems.migration": true, "exports.request_id": true, "legal_holds.release_reason": true,
}

// asWritten returns t with the columns a backup's table line lists: all
// of t's, or t's without a trailing run of laterColumns (an older
// backup). ok is false for any other list.
func (t tableSpec) asWritten(cols []string) (tableSpec, bool) {
	if len(cols) == 0 || len(cols) > len(t.columns) || !slices.Equal(cols, t.columns[:len(cols)]) {
		return t, false
	}
	for _, c := range t.columns[len(cols):] {
		if !laterColumns[t.name+"."+c] {
			return t, false
		}
	}
	t.columns = cols
	return t, true
}

func decodeRow(raw json.RawMessage, t tableSpec) ([]any, error) {
	bad := apperr.New(apperr.Invalid, "invalid_backup", "bad row in backup")
	var vals []any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&vals); err != nil || len(vals) != len(t.columns) {
		return nil, bad
	}
	for i, v := range vals {
		col := t.columns[i]
		switch x := v.(type) {
		case json.Number:
			if floatColumns[col] {
				f, err := x.Float64()
				if err != nil {
					return nil, bad
				}
				vals[i] = f
				continue
			}
			if !t.isInteger(col) {
				return nil, bad
			}
			n, err := x.Int64()
			if err != nil {
				return nil, bad
			}
			vals[i] = n
		case string:
			if t.isInteger(col) || floatColumns[col] {
				return nil, bad
			}
			if t.blobs[col] {
				b, err := base64.StdEncoding.DecodeString(x)
				if err != nil {
					return nil, bad
				}
				vals[i] = b
			}
		case nil:
		default:
			return nil, bad
		}
	}
	return vals, nil
}

// RequeueKeyless queues for purging every subject whose data key is not in
// the key store: after a restore, those are the subjects erased since the
// backup was taken. Their records cannot be read, but their blind-index
// entries would still answer lookups and refuse a new record with the
// same unique value, telling that an erased person had been a customer.
// The purge then removes them as it finishes an erasure, writing a
// deletion record whose cause is "restore". pseudonym gives a subject's
// audit pseudonym. It returns how many subjects it queued.
//
// The caller must not call it when no subject has a key: that is a key
// store that does not belong with the data, not a set of erasures.
func (db *DB) RequeueKeyless(ctx context.Context, pseudonym func(subjectID string) string) (int64, error) {
	var queued int64
	err := db.w.submitOp(func(ctx context.Context, tx *Tx) error {
		rows, err := tx.Query(ctx, "SELECT s.id FROM subjects s LEFT JOIN custodia_keys.subject_keys k ON k.subject_id = s.id "+
			"WHERE k.subject_id IS NULL AND s.id NOT IN (SELECT subject_id FROM purge_queue)")
		if err != nil {
			return fmt.Errorf("find subjects without a key: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("find subjects without a key: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find subjects without a key: %w", err)
		}
		now := time.Now().UTC().UnixMicro()
		for _, id := range ids {
			if _, err := tx.Exec(ctx, "INSERT INTO purge_queue (subject_id, queued_at, pseudonym, cause, approved_by, audit_request, purged, collections) VALUES (?, ?, ?, 'restore', 'system', '', 0, '[]')",
				id, now, pseudonym(id)); err != nil {
				return fmt.Errorf("queue purge: %w", err)
			}
			// Where the records came from goes with the key, as in an erasure.
			if _, err := tx.Exec(ctx, "DELETE FROM record_provenance WHERE subject_id = ?", id); err != nil {
				return fmt.Errorf("delete provenance: %w", err)
			}
		}
		queued = int64(len(ids))
		return nil
	}, nil, nil, true)
	if err == nil && queued > 0 {
		if db.cache != nil {
			db.cache.clear()
		}
		db.kickPurge()
	}
	return queued, err
}
