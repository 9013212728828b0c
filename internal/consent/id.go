package consent

import (
	"crypto/rand"
	"encoding/base64"
)

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "cev_" + base64.RawURLEncoding.EncodeToString(b)
}
