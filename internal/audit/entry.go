// Package audit is Custodia's tamper-evident audit log: entries, their
// keyed hash chain, subject pseudonyms and chain verification.
//
// Each entry's hash is an HMAC-SHA256, under a key derived from the key file,
// over the previous entry's hash and the entry's own fields. Changing,
// inserting, reordering or removing an entry breaks every later link, and
// nobody without the key file can forge a replacement chain. Subjects are
// named by a keyed pseudonym, never by personal data.
//
// Entries are sealed in batches by the store's group-commit writer, so
// concurrent requests never wait on a global lock for longer than one batch
// commit.
package audit

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// MACer computes a keyed MAC over length-prefixed parts (keys.Secret).
type MACer interface {
	MAC(parts ...[]byte) []byte
}

// Outcomes recorded for an entry.
const (
	OutcomeOK      = "ok"      // the call did what was asked
	OutcomeDenied  = "denied"  // authentication or authorisation refused it
	OutcomeInvalid = "invalid" // the input was rejected
	OutcomeError   = "error"   // it failed for another reason
)

// OutcomeFor classifies a call by the HTTP status it ended with: the one
// rule both the store (for writes) and the API layer (for the rest) use.
func OutcomeFor(status int) string {
	switch {
	case status == 401 || status == 403 || status == 429:
		return OutcomeDenied
	case status >= 500:
		return OutcomeError
	case status >= 400:
		return OutcomeInvalid
	}
	return OutcomeOK
}

// Entry is one audit record. Subject holds a pseudonym, never a subject id
// in the clear nor any personal data; Detail holds a stable error code.
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	Collection string    `json:"collection,omitempty"`
	RecordID   string    `json:"record_id,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	Purpose    string    `json:"purpose,omitempty"`
	Outcome    string    `json:"outcome"`
	Status     int       `json:"status"`
	RequestID  string    `json:"request_id,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	// Decision is the access decision of a read: "allow", or "mask",
	// "partial" or "deny" followed by the fields and reasons; of a write:
	// "allow", or "deny" with the field or "subject" and the reason.
	Decision string `json:"decision,omitempty"`
	PrevHash []byte `json:"-"`
	Hash     []byte `json:"-"`
}

// MarshalJSON writes the entry with its hashes in hex, as verification
// reports them.
func (e Entry) MarshalJSON() ([]byte, error) {
	type plain Entry
	return json.Marshal(struct {
		plain
		PrevHash string `json:"prev_hash"`
		Hash     string `json:"hash"`
	}{plain(e), hex.EncodeToString(e.PrevHash), hex.EncodeToString(e.Hash)})
}

// GenesisHash is the previous hash of the first entry.
var GenesisHash = make([]byte, 32)

// Seal sets e's sequence number, previous hash and hash, chaining it after
// an entry with sequence seq-1 and hash prev.
func (e *Entry) Seal(key MACer, seq int64, prev []byte) {
	e.clean()
	e.Seq = seq
	e.PrevHash = append([]byte(nil), prev...)
	e.Hash = e.digest(key)
}

// clean makes every text field valid UTF-8 without NUL characters, each
// bad byte or NUL becoming U+FFFD: a request path or purpose of raw bytes
// ("%FF", "%00") is recorded as sent, more or less, and cannot make the
// database (PostgreSQL refuses both in text) fail the batch the entry is
// committed with.
func (e *Entry) clean() {
	for _, f := range []*string{&e.Actor, &e.Action, &e.Collection, &e.RecordID, &e.Subject, &e.Purpose,
		&e.Outcome, &e.RequestID, &e.Detail, &e.Decision} {
		if !utf8.ValidString(*f) || strings.IndexByte(*f, 0) >= 0 {
			*f = strings.ReplaceAll(strings.ToValidUTF8(*f, "\uFFFD"), "\x00", "\uFFFD")
		}
	}
	// A purpose the server refused as unknown is a caller's free text,
	// which may be anything (an e-mail address, a megabyte): the
	// append-only log keeps only that it was unknown.
	if e.Detail == "unknown_purpose" && e.Purpose != "" {
		e.Purpose = UnknownPurpose
	}
	for _, f := range []*string{&e.Collection, &e.RecordID, &e.Purpose} {
		if len(*f) > maxNameField {
			*f = strings.ToValidUTF8((*f)[:maxNameField], "") + "…"
		}
	}
}

// UnknownPurpose stands in the log for a purpose the server refused as
// not registered.
const UnknownPurpose = "(unknown)"

// maxNameField bounds, in bytes, the names an entry records from a call
// (collection, record id, purpose): no caller can bloat the log.
const maxNameField = 200

func (e *Entry) digest(key MACer) []byte {
	var seq, at, status [8]byte
	binary.BigEndian.PutUint64(seq[:], uint64(e.Seq))
	binary.BigEndian.PutUint64(at[:], uint64(e.At.UnixMicro()))
	binary.BigEndian.PutUint64(status[:], uint64(e.Status))
	parts := [][]byte{[]byte("custodia/audit/v1"), seq[:], at[:], []byte(e.Actor), []byte(e.Action),
		[]byte(e.Collection), []byte(e.RecordID), []byte(e.Subject), []byte(e.Purpose),
		[]byte(e.Outcome), status[:], []byte(e.RequestID), []byte(e.Detail), e.PrevHash}
	if e.Decision != "" {
		// Entries from before decisions were recorded hash as they did.
		parts = append(parts, []byte("decision"), []byte(e.Decision))
	}
	return key.MAC(parts...)
}

// Pseudonymizer names subjects in the log by a keyed MAC of their id.
type Pseudonymizer struct{ key MACer }

// NewPseudonymizer returns a pseudonymizer keyed by key.
func NewPseudonymizer(key MACer) Pseudonymizer { return Pseudonymizer{key: key} }

// Of returns the pseudonym of subjectID ("" for ""), stable for a key file.
func (p Pseudonymizer) Of(subjectID string) string {
	if subjectID == "" {
		return ""
	}
	return "ps_" + base64.RawURLEncoding.EncodeToString(p.key.MAC([]byte("subject"), []byte(subjectID))[:18])
}

// InvalidRecordID stands in the audit log for a record id that was not
// one: see SafeRecordID.
const InvalidRecordID = "(not an id)"

// SafeRecordID returns id if it has the shape of what an entry's
// record_id names: a generated id ("rec_…", "req_…"), a name (a role, a
// purpose, a collection) or an import's job key, all of which start with a
// letter and hold only letters, digits and _ . : -; else InvalidRecordID.
// The log is append-only and outlives erasure, and ids come from request
// paths: a caller who typed an e-mail address or a phone number where an
// id belongs would otherwise have it kept there for good (QA).
func SafeRecordID(id string) string {
	if id == "" {
		return id
	}
	if len(id) > 128 || !isLetter(id[0]) {
		return InvalidRecordID
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != ':' && c != '-' {
			return InvalidRecordID
		}
	}
	return id
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
