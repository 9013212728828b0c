package password

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// derivations bounds the argon2 computations running at once: each takes
// its parameters' memory (19 MiB by default), so sign-ins sent at once
// would otherwise take memory without limit (QA: 40 at once, 1.4 GB).
// More than the cores would not finish sooner.
var derivations = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// idKey is argon2.IDKey, waiting its turn among derivations.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	derivations <- struct{}{}
	defer func() { <-derivations }()
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// Hash hashes password with [Default] parameters and a random salt and
// returns the PHC string to store.
func Hash(password string) (string, error) {
	return Default.Hash(password)
}

// Hash hashes password with the parameters p and a random salt from
// crypto/rand and returns the PHC string to store. It fails with an error
// wrapping [ErrInvalidParams] if p is out of the bounds that [Verify]
// accepts, so it never produces a hash that cannot be verified.
func (p Params) Hash(password string) (string, error) {
	if err := p.check(ErrInvalidParams); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	key := idKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// Verify reports whether password matches the PHC string encoded. It
// recomputes the key with the salt and parameters stored in encoded and
// compares in constant time. A string that is not a well-formed argon2id
// hash within the accepted bounds gives false and an error wrapping
// [ErrMalformedHash]; a wrong password gives false and a nil error.
func Verify(password, encoded string) (bool, error) {
	d, err := parse(encoded)
	if err != nil {
		return false, err
	}
	p := d.params
	key := idKey([]byte(password), d.salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

// NeedsRehash reports whether encoded should be replaced by a fresh hash
// made with p: when it is malformed or any of its parameters, including the
// salt and key lengths, differ from p. Call it after a successful [Verify],
// while the plaintext password is at hand.
func NeedsRehash(encoded string, p Params) bool {
	d, err := parse(encoded)
	return err != nil || d.params != p
}

// VerifyDummy runs a verification against a hash with the current [Default]
// parameters and discards the result. Call it when a login names an unknown
// account, so that the response takes as long as a login for a known account
// whose hash uses Default parameters.
func VerifyDummy(password string) {
	_, _ = Verify(password, dummyHash())
}

// dummyHash returns a well-formed hash with [Default] parameters that no
// password is known to match. It is built from zero bytes, not by hashing,
// so it costs nothing next to the verification.
func dummyHash() string {
	return encode(Default, make([]byte, Default.SaltLen), make([]byte, Default.KeyLen))
}
