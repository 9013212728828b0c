package vault

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Record is a decrypted record as returned to callers.
type Record struct {
	ID         string         `json:"id"`
	Subject    string         `json:"subject"`
	Collection string         `json:"collection"`
	Data       map[string]any `json:"data"`
	Version    int64          `json:"version"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// newID returns a random 128-bit identifier with a prefix.
func newID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on supported platforms
	return prefix + base64.RawURLEncoding.EncodeToString(b)
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
