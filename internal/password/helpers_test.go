package password

import (
	"errors"
	"strings"
	"testing"
)

// fast are cheap parameters for tests that hash many times.
var fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// mustHash hashes password with p or fails the test.
func mustHash(t testing.TB, p Params, password string) string {
	t.Helper()
	h, err := p.Hash(password)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	return h
}

// wantMalformed fails the test unless Verify rejects encoded as malformed
// with an error that does not echo the input.
func wantMalformed(t *testing.T, password, encoded string) {
	t.Helper()
	ok, err := Verify(password, encoded)
	if ok {
		t.Fatalf("Verify(%q) = true for a malformed hash", encoded)
	}
	if !errors.Is(err, ErrMalformedHash) {
		t.Fatalf("Verify(%q) error = %v, want ErrMalformedHash", encoded, err)
	}
	if len(encoded) > 8 && strings.Contains(err.Error(), encoded) {
		t.Fatalf("error %q echoes the hash", err)
	}
}
