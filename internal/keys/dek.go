package keys

import (
	"fmt"

	"github.com/tink-crypto/tink-go/v2/aead/subtle"
)

// dekSize is the size of a data key: AES-256.
const dekSize = 32

// DEK is one subject's data key in the clear. Keep it in memory only.
type DEK struct {
	Secret
}

// NewDEK returns a fresh random data key.
func NewDEK() (DEK, error) {
	s, err := NewRandomSecret(dekSize)
	if err != nil {
		return DEK{}, fmt.Errorf("new data key: %w", err)
	}
	return DEK{s}, nil
}

// Cipher returns the AEAD that seals field values under this key. Each call
// to Seal draws a fresh random 96-bit nonce (Tink's AES-GCM), so a nonce is
// never reused under a key that seals far fewer than 2^32 values.
func (d DEK) Cipher() (*FieldCipher, error) {
	a, err := subtle.NewAESGCM(d.b)
	if err != nil {
		return nil, fmt.Errorf("field cipher: %w", err)
	}
	return &FieldCipher{aead: a}, nil
}

// FieldCipher seals and opens field values under one subject's DEK. It is
// safe for concurrent use.
type FieldCipher struct {
	aead *subtle.AESGCM
}

// Seal encrypts plaintext bound to ad.
func (c *FieldCipher) Seal(plaintext, ad []byte) ([]byte, error) {
	ct, err := c.aead.Encrypt(plaintext, ad)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return ct, nil
}

// Open decrypts ciphertext bound to ad; it fails if either was altered or the
// ciphertext was sealed for another place.
func (c *FieldCipher) Open(ciphertext, ad []byte) ([]byte, error) {
	pt, err := c.aead.Decrypt(ciphertext, ad)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return pt, nil
}
