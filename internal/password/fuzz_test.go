package password

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// fuzzMaxMemory and fuzzMaxTime cap the cost of the hashes FuzzVerify
// computes; well-formed strings above them are only parsed.
const (
	fuzzMaxMemory = 1024
	fuzzMaxTime   = 4
)

// FuzzVerify checks, for any password and string, that Verify does not
// panic, that it fails only with ErrMalformedHash and without echoing the
// string, and that it returns true exactly when the string is the canonical
// encoding of a genuine argon2id hash of the password.
func FuzzVerify(f *testing.F) {
	f.Add("correct horse battery staple", mustHash(f, fast, "correct horse battery staple"))
	f.Add("wrong password", mustHash(f, fast, "correct horse battery staple"))
	f.Add("password", ref)
	f.Add("", "")
	f.Fuzz(func(t *testing.T, password, encoded string) {
		d, perr := parse(encoded)
		if perr == nil && (d.params.Memory > fuzzMaxMemory || d.params.Time > fuzzMaxTime) {
			return // well-formed but too slow to verify here
		}
		ok, err := Verify(password, encoded)
		if err != nil {
			if ok {
				t.Fatal("Verify returned true with an error")
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			if perr == nil {
				t.Fatalf("Verify failed (%v) on a string parse accepts", err)
			}
			if strings.Contains(encoded, "$") && strings.Contains(err.Error(), encoded) {
				t.Fatalf("error %q echoes the input", err)
			}
			if !NeedsRehash(encoded, Default) {
				t.Fatal("NeedsRehash(malformed) = false")
			}
			return
		}
		if perr != nil {
			t.Fatalf("Verify accepted a string parse rejects: %v", perr)
		}
		if got := encode(d.params, d.salt, d.key); got != encoded {
			t.Fatalf("accepted a non-canonical encoding %q of %q", encoded, got)
		}
		p := d.params
		genuine := bytes.Equal(argon2.IDKey([]byte(password), d.salt, p.Time, p.Memory, p.Threads, p.KeyLen), d.key)
		if ok != genuine {
			t.Fatalf("Verify = %v, but the string is a genuine hash of the password: %v", ok, genuine)
		}
	})
}
