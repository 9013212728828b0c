package vault

import (
	"context"
	"errors"
	"maps"
	"slices"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/consent"
	"custodia/internal/keys"
)

// Valid is a record's values checked against a collection's schema by
// Validate: declared fields only, each valid for its type, normalised.
// Only Validate makes one, so CreateMany can trust it without checking
// every value again.
type Valid struct {
	collection string
	vals       map[string]string
}

// Value returns the normalised value of a field, if the record has it.
func (v Valid) Value(field string) (string, bool) {
	s, ok := v.vals[field]
	return s, ok
}

// Data returns the values as a record body for Create or Patch.
func (v Valid) Data() map[string]any {
	out := make(map[string]any, len(v.vals))
	for k, s := range v.vals {
		out[k] = s
	}
	return out
}

// BulkRow is one new person's record for CreateMany.
type BulkRow struct {
	Values     Valid
	Provenance *Provenance
}

// BulkGrant is the consent grant CreateManyGranted records for each
// person it creates, in the same store operation as the records.
type BulkGrant struct {
	// Event returns the grant of a new subject
	// (consent.Ledger.PrepareGrant).
	Event func(subjectID string) consent.Event
	// NoticeText is the text of the notice the grants name.
	NoticeText string
}

// RecordGrant is a consent grant stored with a record's update, in its
// transaction. The store leaves it out, and sets Superseded, when the
// subject's latest event for the purpose is a withdrawal at or after the
// grant's time (consent.Superseded).
type RecordGrant struct {
	Event      consent.Event // for the record's subject
	NoticeText string
	Superseded bool
}

// CreateMany creates, for each row, a new subject with its own data key
// and its record in the persons collection, all in one store operation:
// every record is created, or none is (a unique value taken since the
// rows were checked fails the whole call with a conflict; the caller then
// creates them one by one to learn which). The rows' values must come from
// Validate on the same collection. Each record gets its own audit entry
// (record.create, its detail "job:" and the provenance's job id).
//
// It is the importer's write path: the same policy check as Create (once
// for the fields of all rows), the same sealing and indexing, without
// Create's per-record round trips.
func (s *Service) CreateMany(ctx context.Context, collection, purpose string, rows []BulkRow) ([]Created, error) {
	return s.CreateManyGranted(ctx, collection, purpose, rows, nil)
}

// CreateManyGranted is CreateMany that, when grant is not nil, also
// appends a consent grant for every subject it creates, in the records'
// own store operation: a person imported on the consent basis is never
// stored without their grant, nor the grant without the person.
func (s *Service) CreateManyGranted(ctx context.Context, collection, purpose string, rows []BulkRow, grant *BulkGrant) ([]Created, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return nil, err
	}
	if c.Kind != KindPersons {
		return nil, apperr.New(apperr.Invalid, "not_persons", "bulk creation makes new subjects: use a persons collection")
	}
	var fields []string
	for _, r := range rows {
		if r.Values.collection != c.Name || len(r.Values.vals) == 0 {
			return nil, apperr.New(apperr.Invalid, "values_not_validated", "bulk rows need values validated for this collection")
		}
		for f := range r.Values.vals {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	if err := s.Policy.CheckWrite(ctx, c, purpose, fields); err != nil {
		return nil, err
	}
	base := s.bulkEntryBase(ctx)
	recs := make([]NewRecord, len(rows))
	entries := make([]*audit.Entry, len(rows))
	out := make([]Created, len(rows))
	for i, r := range rows {
		recordID, subjectID := newID("rec_"), newID("sub_")
		dek, err := keys.NewDEK()
		if err != nil {
			return nil, apperr.Wrap(err, "new data key")
		}
		fc, err := dek.Cipher()
		if err != nil {
			return nil, apperr.Wrap(err, "subject cipher")
		}
		sealed, idx, err := s.seal(c, recordID, fc, r.Values.vals)
		if err != nil {
			return nil, err
		}
		recs[i] = NewRecord{
			Record:     StoredRecord{ID: recordID, Collection: c.Name, SubjectID: subjectID, Sealed: sealed},
			Index:      idx,
			Subject:    s.newSubjectKey(subjectID, dek),
			Provenance: r.Provenance,
		}
		if grant != nil {
			ev := grant.Event(subjectID)
			recs[i].Grant, recs[i].GrantNotice = &ev, grant.NoticeText
		}
		e := base
		e.Action, e.Collection, e.Purpose, e.RecordID, e.Subject = "record.create", c.Name, purpose, recordID, s.pseudo.Of(subjectID)
		e.Status = statusCreated
		if r.Provenance != nil {
			e.Detail = "job:" + r.Provenance.JobID
		}
		entries[i] = &e
		out[i] = Created{ID: recordID, Subject: subjectID}
	}
	if err := s.store.CreateRecords(ctx, recs, entries); err != nil {
		return nil, err
	}
	return out, nil
}

// bulkEntryBase is the audit entry a bulk write's entries start from: the
// call's actor and request id when a recorder has them, else those the
// context names (audit.WithActor), else "system".
func (s *Service) bulkEntryBase(ctx context.Context) audit.Entry {
	if r := audit.RecorderFrom(ctx); r != nil {
		snap := r.Snapshot()
		return audit.Entry{Actor: snap.Actor, RequestID: snap.RequestID}
	}
	actor, requestID := audit.ActorFrom(ctx)
	return audit.Entry{Actor: actor, RequestID: requestID}
}

// newSubjectKey wraps a new subject's key inside the write transaction,
// with the database's primary KEK version.
func (s *Service) newSubjectKey(subjectID string, dek keys.DEK) *NewSubjectKey {
	return &NewSubjectKey{SubjectID: subjectID, Wrap: func(primary uint32) (uint32, []byte, error) {
		v, w, err := s.keyring.WrapDEKAs(subjectID, dek, primary)
		if errors.Is(err, keys.ErrStaleKeyFile) {
			return 0, nil, errStaleKeyFile
		}
		return v, w, err
	}}
}

// MatchIndexedMany is MatchIndexed for many values at once: values maps
// indexed fields to normalised values, and the answer maps each
// "field\x00value" that some record holds to those records, by id.
func (s *Service) MatchIndexedMany(ctx context.Context, c *Collection, values map[string][]string) (map[string][]RecordRef, error) {
	queries := make([]IndexQuery, 0, len(values))
	byMAC := map[string]string{}
	for _, field := range slices.Sorted(maps.Keys(values)) {
		f, ok := c.Field(field)
		if !ok || !f.Lookup() {
			return nil, apperr.Newf(apperr.Invalid, "field_not_indexed", "field %q is not indexed", field)
		}
		q := IndexQuery{Field: field, Unique: f.Unique, MACs: make([][]byte, len(values[field]))}
		for i, n := range values[field] {
			q.MACs[i] = s.blindIndex(c.Name, field, n)
			byMAC[field+"\x00"+string(q.MACs[i])] = field + "\x00" + n
		}
		queries = append(queries, q)
	}
	found, err := s.store.LookupRefs(ctx, c.Name, queries)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]RecordRef, len(found))
	for key, refs := range found {
		out[byMAC[key]] = refs
	}
	return out, nil
}
