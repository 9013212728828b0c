package vault

import (
	"context"
	"time"

	"custodia/internal/audit"
	"custodia/internal/consent"
)

// CollectionRow is a collection as stored: its schema is kept as JSON.
type CollectionRow struct {
	Name      string
	Kind      string
	Schema    []byte // JSON of Collection
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IndexEntry is one blind-index entry of a record: a keyed MAC of a field's
// normalised value.
type IndexEntry struct {
	Field  string
	MAC    []byte
	Unique bool
}

// StoredRecord is a record as stored: sealed field values, plus the wrapped
// data key of its subject (joined on read).
type StoredRecord struct {
	ID         string
	Collection string
	SubjectID  string
	Sealed     []byte // encoded map of field name to ciphertext, see sealed.go
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	WrappedDEK []byte
}

// NewSubjectKey describes the subject a create must insert first. Wrap is
// called inside the write transaction with the database's primary KEK
// version, so the version it uses is ordered with key rotation.
type NewSubjectKey struct {
	SubjectID string
	Wrap      func(primary uint32) (kekVersion uint32, wrapped []byte, err error)
}

// IndexQuery is one field's blind-index values to look up.
type IndexQuery struct {
	Field  string
	Unique bool
	MACs   [][]byte
}

// NewRecord is one record of a bulk create: the record, its index
// entries, its new subject and where it came from.
type NewRecord struct {
	Record     StoredRecord
	Index      []IndexEntry
	Subject    *NewSubjectKey
	Provenance *Provenance
	// Grant, when not nil, is a consent grant of the new subject that
	// CreateRecords appends in the same operation as the record, with
	// GrantNotice as its notice text: the subject and its consent commit
	// together (an import on the consent basis).
	Grant       *consent.Event
	GrantNotice string
}

// Provenance says where an imported record came from: the import job, its
// source (free text or a data-map system id) and the row of the file
// ("12", "Sheet1!12"). The store keeps it beside the record, written in
// the record's own transaction, and refuses a second record for the same
// job and row.
type Provenance struct {
	JobID  string `json:"job_id"`
	Source string `json:"source"`
	RowRef string `json:"row_ref"`
}

// ErasureReceipt records what an erasure destroyed.
type ErasureReceipt struct {
	SubjectPseudonym string `json:"subject_pseudonym"`
	// KeyDestroyed: the subject's data key is gone, so every copy of its
	// records, backups included, is unreadable from now on.
	KeyDestroyed bool      `json:"key_destroyed"`
	ErasedAt     time.Time `json:"erased_at"`
	// Purge is "queued": the unreadable rows are removed in the background,
	// and GET /v1/deletions shows the count once done.
	Purge string `json:"purge"`
}

// Store is the storage the vault needs. Every mutating method takes the
// audit entry that describes it and commits both atomically.
type Store interface {
	PutCollection(ctx context.Context, c CollectionRow, mustCreate bool, e *audit.Entry) (created bool, err error)
	GetCollection(ctx context.Context, name string) (CollectionRow, error)
	ListCollections(ctx context.Context) ([]CollectionRow, error)

	// CreateRecord inserts r and its index entries; when subject is not nil
	// it first inserts that subject and its wrapped key. For a data
	// collection the subject must already exist. When prov is not nil its
	// provenance row is inserted in the same transaction; a row already
	// imported by the same job is a conflict with code "row_imported".
	CreateRecord(ctx context.Context, r StoredRecord, idx []IndexEntry, subject *NewSubjectKey, prov *Provenance, e *audit.Entry) error
	// CreateRecords inserts many persons records, each with its new
	// subject (Subject is required), index entries, provenance and consent
	// grant, in one operation: all of them or none. entries[i] is recs[i]'s
	// audit entry.
	CreateRecords(ctx context.Context, recs []NewRecord, entries []*audit.Entry) error
	// LookupRefs finds, per blind-index value of each query, the records
	// of a collection whose field holds it (ids and subjects only, by id),
	// keyed by the field, a zero byte and string(mac).
	LookupRefs(ctx context.Context, collection string, queries []IndexQuery) (map[string][]RecordRef, error)
	GetRecord(ctx context.Context, collection, id string) (StoredRecord, error)
	LookupRecords(ctx context.Context, collection, field string, unique bool, mac []byte, limit int) ([]StoredRecord, error)
	ListRecords(ctx context.Context, collection, afterID string, limit int) ([]StoredRecord, error)
	// UpdateRecord replaces sealed data and index entries when the stored
	// version still equals r.Version (optimistic concurrency). When prov is
	// not nil the import row that made the change is recorded with it, as
	// CreateRecord does. r.UpdatedAt is stored as the time of the change
	// (the store's clock when zero).
	UpdateRecord(ctx context.Context, r StoredRecord, idx []IndexEntry, prov *Provenance, grant *RecordGrant, e *audit.Entry) error
	DeleteRecord(ctx context.Context, collection, id string, e *audit.Entry) error
	SubjectKey(ctx context.Context, subjectID string) ([]byte, error)
	// EraseSubject destroys the subject's wrapped key, then its records,
	// index entries and subject row, in one transaction.
	EraseSubject(ctx context.Context, subjectID string, pseudonym string, e *audit.Entry) (ErasureReceipt, error)
}
