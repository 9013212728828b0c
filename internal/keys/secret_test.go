package keys

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
)

// TestMACPooledMatchesFresh checks that a derived secret's pooled HMAC
// states give the MAC a freshly keyed HMAC gives, for many parts, after
// reuse and from concurrent goroutines: a state left dirty by an earlier
// MAC would change every blind index.
func TestMACPooledMatchesFresh(t *testing.T) {
	root, err := NewRandomSecret(32)
	if err != nil {
		t.Fatal(err)
	}
	s, err := derive(root, "test/mac")
	if err != nil {
		t.Fatal(err)
	}
	if s.macs == nil {
		t.Fatal("a derived secret has no pool of HMAC states")
	}
	fresh := func(parts ...[]byte) []byte {
		m := hmac.New(sha256.New, s.b)
		for _, p := range parts {
			m.Write([]byte{byte(len(p) >> 24), byte(len(p) >> 16), byte(len(p) >> 8), byte(len(p))})
			m.Write(p)
		}
		return m.Sum(nil)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				a, b := []byte(fmt.Sprintf("customers.%d", g)), []byte(fmt.Sprintf("value-%d", i))
				if got, want := s.MAC(a, b), fresh(a, b); !bytes.Equal(got, want) {
					errs <- fmt.Sprintf("goroutine %d, MAC %d: pooled %x, fresh %x", g, i, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Length prefixes keep part boundaries apart.
	if bytes.Equal(s.MAC([]byte("ab"), []byte("c")), s.MAC([]byte("a"), []byte("bc"))) {
		t.Error(`("ab","c") and ("a","bc") have the same MAC`)
	}
	// A secret that is not derived keys a new state each time, with the
	// same result.
	plain := Secret{b: s.b}
	if !bytes.Equal(plain.MAC([]byte("x")), s.MAC([]byte("x"))) {
		t.Error("pooled and unpooled MACs of one key differ")
	}
}

// BenchmarkMAC measures one blind-index MAC of a derived secret.
func BenchmarkMAC(b *testing.B) {
	root, _ := NewRandomSecret(32)
	s, _ := derive(root, "bench/mac")
	field, value := []byte("customers.email"), []byte("khach.12345@example.com")
	for b.Loop() {
		s.MAC(field, value)
	}
}

// BenchmarkMACUnpooled is the same MAC keying a new HMAC state each time,
// as secrets that are not derived do.
func BenchmarkMACUnpooled(b *testing.B) {
	root, _ := NewRandomSecret(32)
	s, _ := derive(root, "bench/mac")
	plain := Secret{b: s.b}
	field, value := []byte("customers.email"), []byte("khach.12345@example.com")
	for b.Loop() {
		plain.MAC(field, value)
	}
}
