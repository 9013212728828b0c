package vault

import (
	"crypto/rand"
	"encoding/base32"
	"time"
)

// Record is a decrypted record as returned to callers.
type Record struct {
	ID         string         `json:"id"`
	Subject    string         `json:"subject"`
	Collection string         `json:"collection"`
	Data       map[string]any `json:"data"`
	// Masked lists fields shown masked, Withheld fields left out, each
	// with the reason.
	Masked    []Withheld `json:"masked,omitempty"`
	Withheld  []Withheld `json:"withheld,omitempty"`
	Version   int64      `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// idEncoding is lower-case base32hex: its alphabet sorts like the bytes it
// encodes, so ids sort by creation time.
var idEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// newID returns a time-ordered identifier with a prefix: 48 bits of
// milliseconds then 80 random bits (the layout of UUIDv7). Ordered ids keep
// inserts at the right edge of each B-tree, so a batch dirties few pages.
func newID(prefix string) string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:]) // never fails on supported platforms
	return prefix + idEncoding.EncodeToString(b[:])
}

// dekVersion is the version of subject data keys; it is bound into every
// field's associated data so a future DEK rotation cannot mix ciphertexts.
const dekVersion = "1"

// fieldAD binds a field ciphertext to its place.
func fieldAD(collection, recordID, field string) []byte {
	b := make([]byte, 0, 24+len(collection)+len(recordID)+len(field))
	b = append(b, "custodia/field/v1|"...)
	b = append(b, collection...)
	b = append(b, '|')
	b = append(b, recordID...)
	b = append(b, '|')
	b = append(b, field...)
	b = append(b, '|')
	b = append(b, dekVersion...)
	return b
}

// RecordIDBefore returns an id that sorts after every record id made
// before t and before every id made at or after t: a range bound for
// scans by creation time.
func RecordIDBefore(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	return "rec_" + idEncoding.EncodeToString(b[:])
}
