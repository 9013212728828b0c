package password

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// phcRE matches a hash with fast parameters, a 16-byte salt and a 32-byte key.
var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestDefaultIsOWASPMinimum(t *testing.T) {
	want := Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	if Default != want {
		t.Fatalf("Default = %+v, want %+v", Default, want)
	}
	if err := Default.check(ErrInvalidParams); err != nil {
		t.Fatalf("Default is out of bounds: %v", err)
	}
}

func TestHashDefault(t *testing.T) {
	const pw = "correct horse battery staple"
	h, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("Hash = %q, want the Default parameters", h)
	}
	if ok, err := Verify(pw, h); !ok || err != nil {
		t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
	}
	if NeedsRehash(h, Default) {
		t.Fatal("NeedsRehash(Default hash, Default) = true")
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wrong    []string
	}{
		{"ascii", "correct horse battery staple", []string{"correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "}},
		{"empty", "", []string{" ", "\x00"}},
		{"nul inside", "abc\x00def", []string{"abc", "abc\x00de"}},
		{"unicode", "Nguyễn Văn An mật khẩu 🔑", []string{"Nguyen Van An mat khau 🔑"}},
		{"nfc vs nfd", "caf\u00e9 au lait!", []string{"cafe\u0301 au lait!"}},
		{"long", strings.Repeat("long password ", 100), []string{strings.Repeat("long password ", 99)}},
		{"invalid utf8", "\xff\xfe\xfd", []string{"\xff\xfe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustHash(t, fast, tt.password)
			if !phcRE.MatchString(h) {
				t.Fatalf("hash %q is not in the expected PHC format", h)
			}
			if ok, err := Verify(tt.password, h); !ok || err != nil {
				t.Fatalf("Verify(right) = %v, %v; want true, nil", ok, err)
			}
			for _, w := range tt.wrong {
				if ok, err := Verify(w, h); ok || err != nil {
					t.Fatalf("Verify(wrong %q) = %v, %v; want false, nil", w, ok, err)
				}
			}
		})
	}
}

func TestHashSaltIsRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		h := mustHash(t, fast, "same password")
		if seen[h] {
			t.Fatalf("hash %q produced twice", h)
		}
		seen[h] = true
	}
}

func TestHashParamsInEncoding(t *testing.T) {
	tests := []struct {
		p      Params
		prefix string
	}{
		{Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16}, "$argon2id$v=19$m=8,t=1,p=1$"},
		{Params{Memory: 128, Time: 3, Threads: 16, SaltLen: 64, KeyLen: 64}, "$argon2id$v=19$m=128,t=3,p=16$"},
		{Params{Memory: 100, Time: 20, Threads: 4, SaltLen: 24, KeyLen: 48}, "$argon2id$v=19$m=100,t=20,p=4$"},
	}
	for _, tt := range tests {
		h := mustHash(t, tt.p, "pw")
		if !strings.HasPrefix(h, tt.prefix) {
			t.Errorf("%+v: hash %q, want prefix %q", tt.p, h, tt.prefix)
		}
		d, err := parse(h)
		if err != nil {
			t.Fatalf("%+v: parse: %v", tt.p, err)
		}
		if d.params != tt.p {
			t.Errorf("parsed params %+v, want %+v", d.params, tt.p)
		}
		if ok, err := Verify("pw", h); !ok || err != nil {
			t.Errorf("%+v: Verify = %v, %v", tt.p, ok, err)
		}
		if NeedsRehash(h, tt.p) {
			t.Errorf("%+v: NeedsRehash with the same params = true", tt.p)
		}
	}
}

func TestHashInvalidParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero", Params{}},
		{"memory below 8", Params{Memory: 7, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"memory above 4 GiB", Params{Memory: 1<<22 + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"memory below 8 per thread", Params{Memory: 64, Time: 1, Threads: 9, SaltLen: 16, KeyLen: 32}},
		{"time 0", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"time 21", Params{Memory: 64, Time: 21, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"threads 0", Params{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}},
		{"threads 17", Params{Memory: 1024, Time: 1, Threads: 17, SaltLen: 16, KeyLen: 32}},
		{"salt 7", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 7, KeyLen: 32}},
		{"salt 65", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 65, KeyLen: 32}},
		{"key 15", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 15}},
		{"key 65", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 65}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := tt.p.Hash("a password")
			if !errors.Is(err, ErrInvalidParams) || h != "" {
				t.Fatalf("Hash = %q, %v; want \"\", ErrInvalidParams", h, err)
			}
		})
	}
}

// TestReferenceVectors verifies hashes produced by other implementations,
// which pins the order of the cost parameters and the base64 flavour.
func TestReferenceVectors(t *testing.T) {
	tests := []struct {
		name, password, encoded string
		slow                    bool
	}{
		// phc-winner-argon2 src/test.c
		{"ref m=256 p=1", "password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", false},
		{"ref m=256 p=2", "password", "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc", false},
		{"ref m=65536 t=2", "password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", true},
		{"ref different password", "differentpassword", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94", true},
		// golang.org/x/crypto/argon2 test vectors (24-byte keys)
		{"x/crypto m=64 t=2 p=1", "password", "$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHQ$Bo1ismRVk2qm6+YAYLCmWHDb+j3fjUH3", false},
		{"x/crypto m=64 t=2 p=2", "password", "$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHQ$NQrDciL0Nsy1wJcvHr079rlYvyBxhBNi", false},
		{"x/crypto m=256 t=3 p=2", "password", "$argon2id$v=19$m=256,t=3,p=2$c29tZXNhbHQ$RmjTCsQYfmh47t6s8P2DxaCjDbLMFu8L", false},
		{"x/crypto m=4096 t=4 p=4", "password", "$argon2id$v=19$m=4096,t=4,p=4$c29tZXNhbHQ$FF25czqfTuQ+3zPFCb6WuTTVBaTvszxa", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.slow && testing.Short() {
				t.Skip("64 MiB hash in -short mode")
			}
			if ok, err := Verify(tt.password, tt.encoded); !ok || err != nil {
				t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
			}
			if ok, err := Verify(tt.password+"x", tt.encoded); ok || err != nil {
				t.Fatalf("Verify(wrong) = %v, %v; want false, nil", ok, err)
			}
			d, err := parse(tt.encoded)
			if err != nil {
				t.Fatal(err)
			}
			if got := encode(d.params, d.salt, d.key); got != tt.encoded {
				t.Fatalf("re-encoded as %q", got)
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	const pw = "correct horse battery staple"
	h := mustHash(t, fast, pw)
	d, err := parse(h)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i] ^= 1
		return c
	}
	other := func(f func(*Params)) Params {
		p := d.params
		f(&p)
		return p
	}
	tests := []struct {
		name    string
		encoded string
	}{
		{"salt first byte", encode(d.params, flip(d.salt, 0), d.key)},
		{"salt last byte", encode(d.params, flip(d.salt, len(d.salt)-1), d.key)},
		{"key first byte", encode(d.params, d.salt, flip(d.key, 0))},
		{"key last byte", encode(d.params, d.salt, flip(d.key, len(d.key)-1))},
		{"key truncated", encode(d.params, d.salt, d.key[:31])},
		{"memory", encode(other(func(p *Params) { p.Memory++ }), d.salt, d.key)},
		{"time", encode(other(func(p *Params) { p.Time++ }), d.salt, d.key)},
		{"threads", encode(other(func(p *Params) { p.Threads++ }), d.salt, d.key)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, err := Verify(pw, tt.encoded); ok || err != nil {
				t.Fatalf("Verify = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	h := mustHash(t, fast, "pw")
	with := func(f func(*Params)) Params {
		p := fast
		f(&p)
		return p
	}
	tests := []struct {
		name    string
		encoded string
		p       Params
		want    bool
	}{
		{"same", h, fast, false},
		{"more memory", h, with(func(p *Params) { p.Memory = 128 }), true},
		{"less memory", h, with(func(p *Params) { p.Memory = 32 }), true},
		{"more time", h, with(func(p *Params) { p.Time = 2 }), true},
		{"more threads", h, with(func(p *Params) { p.Threads = 2 }), true},
		{"longer salt", h, with(func(p *Params) { p.SaltLen = 32 }), true},
		{"shorter key", h, with(func(p *Params) { p.KeyLen = 16 }), true},
		{"default", h, Default, true},
		{"malformed", "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", fast, true},
		{"empty", "", fast, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.encoded, tt.p); got != tt.want {
				t.Fatalf("NeedsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyDummy(t *testing.T) {
	d, err := parse(dummyHash())
	if err != nil {
		t.Fatalf("dummy hash does not parse: %v", err)
	}
	if d.params != Default {
		t.Fatalf("dummy hash params %+v, want Default %+v", d.params, Default)
	}
	// It must not panic, whatever the input.
	VerifyDummy("")
	VerifyDummy("some password")

	// It follows Default when Default changes.
	saved := Default
	t.Cleanup(func() { Default = saved })
	Default = fast
	if d, err := parse(dummyHash()); err != nil || d.params != fast {
		t.Fatalf("dummy hash after changing Default: %+v, %v", d.params, err)
	}
	VerifyDummy("some password")
}
