package keys

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"hash"
	"sync"

	tinksubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"
)

// Secret is symmetric key material. It is not comparable with == (use
// Equal, which runs in constant time) and never prints its bytes.
type Secret struct {
	_ [0]func() // makes Secret non-comparable
	b []byte
	// macs holds keyed HMAC states of derived secrets, the MAC keys of
	// every blind index, pseudonym and token hash: Reset on a keyed state
	// is cheaper than keying a new one per MAC. Nil for other secrets.
	macs *sync.Pool
}

// NewRandomSecret returns n bytes from the system CSPRNG.
func NewRandomSecret(n int) (Secret, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return Secret{}, fmt.Errorf("read random: %w", err)
	}
	return Secret{b: b}, nil
}

// Equal reports whether two secrets hold the same bytes, in constant time.
func (s Secret) Equal(o Secret) bool { return subtle.ConstantTimeCompare(s.b, o.b) == 1 }

// String hides the material.
func (s Secret) String() string { return "keys.Secret(REDACTED)" }

// GoString hides the material from %#v.
func (s Secret) GoString() string { return s.String() }

// Len returns the number of bytes of material.
func (s Secret) Len() int { return len(s.b) }

// MAC returns HMAC-SHA256 of the parts under s. Each part is length-prefixed
// so that ("ab","c") and ("a","bc") never collide.
func (s Secret) MAC(parts ...[]byte) []byte {
	var m hash.Hash
	if s.macs != nil {
		m = s.macs.Get().(hash.Hash)
		defer s.macs.Put(m)
		m.Reset()
	} else {
		m = hmac.New(sha256.New, s.b)
	}
	var n [4]byte
	for _, p := range parts {
		n[0], n[1], n[2], n[3] = byte(len(p)>>24), byte(len(p)>>16), byte(len(p)>>8), byte(len(p))
		m.Write(n[:])
		m.Write(p)
	}
	return m.Sum(nil)
}

// derive returns a 32-byte secret for label from the root via HKDF-SHA256.
func derive(root Secret, label string) (Secret, error) {
	b, err := hkdf.Key(sha256.New, root.b, []byte("custodia/v1"), label, 32)
	if err != nil {
		return Secret{}, fmt.Errorf("derive %s: %w", label, err)
	}
	return Secret{b: b, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, b) }}}, nil
}

// Derived labels; changing one changes every blind index, pseudonym or token
// hash made with it.
const (
	labelIndex     = "blind-index"
	labelPseudonym = "subject-pseudonym"
	labelAudit     = "audit-chain"
	labelToken     = "api-token"
	labelAccount   = "account-secrets"
	labelConsole   = "console-csrf"
)

// DerivedKeys are the purpose-bound secrets derived from the root secret.
type DerivedKeys struct {
	BlindIndex Secret // MAC key for exact-match lookups of normalised values
	Pseudonym  Secret // MAC key for subject pseudonyms in the audit log
	AuditChain Secret // MAC key for the audit hash chain
	Token      Secret // MAC key for hashing API token secrets
	Account    Secret // AEAD key for account secrets at rest (TOTP seeds)
	Console    Secret // MAC key for the console's CSRF tokens
}

func deriveAll(root Secret) (DerivedKeys, error) {
	var d DerivedKeys
	var err error
	for _, x := range []struct {
		dst   *Secret
		label string
	}{{&d.BlindIndex, labelIndex}, {&d.Pseudonym, labelPseudonym}, {&d.AuditChain, labelAudit}, {&d.Token, labelToken}, {&d.Account, labelAccount}, {&d.Console, labelConsole}} {
		if *x.dst, err = derive(root, x.label); err != nil {
			return DerivedKeys{}, err
		}
	}
	return d, nil
}

// Seal encrypts plaintext under s (AES-256-GCM, Tink's implementation) with
// associated data ad, which Open must be given again.
func (s Secret) Seal(plaintext, ad []byte) ([]byte, error) {
	a, err := tinksubtle.NewAESGCM(s.b)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return a.Encrypt(plaintext, ad)
}

// Open decrypts what Seal produced with the same ad.
func (s Secret) Open(ciphertext, ad []byte) ([]byte, error) {
	a, err := tinksubtle.NewAESGCM(s.b)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	pt, err := a.Decrypt(ciphertext, ad)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return pt, nil
}
