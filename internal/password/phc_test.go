package password

import (
	"strings"
	"testing"
)

// ref is a reference argon2id hash of "password" (phc-winner-argon2).
const ref = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"

// refKey is the key field of ref.
const refKey = "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"

// phc builds a hash string from its fields.
func phc(alg, version, params, salt, key string) string {
	return "$" + alg + "$" + version + "$" + params + "$" + salt + "$" + key
}

func TestVerifyMalformed(t *testing.T) {
	const (
		salt = "c29tZXNhbHQ" // "somesalt", 8 bytes
		mtp  = "m=256,t=2,p=1"
	)
	ok := func(params string) string { return phc("argon2id", "v=19", params, salt, refKey) }
	tests := []struct {
		name, encoded string
	}{
		// shape
		{"empty", ""},
		{"not phc", "password"},
		{"only dollars", "$$$$$"},
		{"too long", ref + strings.Repeat("A", 256)},
		{"missing key", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ"},
		{"extra field", ref + "$AAAA"},
		{"trailing dollar", ref + "$"},
		{"text before", "x" + ref},
		{"leading space", " " + ref},
		{"trailing space", ref + " "},
		{"trailing newline", ref + "\n"},
		// algorithm and version
		{"argon2i", phc("argon2i", "v=19", mtp, salt, refKey)},
		{"argon2d", phc("argon2d", "v=19", mtp, salt, refKey)},
		{"upper case algorithm", phc("ARGON2ID", "v=19", mtp, salt, refKey)},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012"},
		{"scrypt", "$scrypt$ln=16,r=8,p=1$c29tZXNhbHQ$" + refKey},
		{"version 16", phc("argon2id", "v=16", mtp, salt, refKey)},
		{"version 019", phc("argon2id", "v=019", mtp, salt, refKey)},
		{"version empty", phc("argon2id", "v=", mtp, salt, refKey)},
		{"version missing", "$argon2id$" + mtp + "$" + salt + "$" + refKey},
		// parameter syntax
		{"params empty", ok("")},
		{"order t m p", ok("t=2,m=256,p=1")},
		{"order m p t", ok("m=256,p=1,t=2")},
		{"missing p", ok("m=256,t=2")},
		{"duplicate m", ok("m=256,m=256,p=1")},
		{"extra keyid", ok("m=256,t=2,p=1,keyid=abc")},
		{"extra data", ok("m=256,t=2,p=1,data=abc")},
		{"trailing comma", ok("m=256,t=2,p=1,")},
		{"semicolons", ok("m=256;t=2;p=1")},
		{"spaces", ok("m=256, t=2, p=1")},
		{"upper case key", ok("M=256,t=2,p=1")},
		{"empty value", ok("m=,t=2,p=1")},
		{"leading zero", ok("m=0256,t=2,p=1")},
		{"plus sign", ok("m=+256,t=2,p=1")},
		{"minus sign", ok("m=-256,t=2,p=1")},
		{"hex", ok("m=0x100,t=2,p=1")},
		{"underscore", ok("m=2_56,t=2,p=1")},
		{"uint32 overflow", ok("m=4294967296,t=2,p=1")},
		{"huge", ok("m=99999999999999999999999,t=2,p=1")},
		{"unicode digit", ok("m=２５６,t=2,p=1")},
		// parameter bounds
		{"m 0", ok("m=0,t=2,p=1")},
		{"m 7", ok("m=7,t=2,p=1")},
		{"m above 4 GiB", ok("m=4194305,t=2,p=1")},
		{"m below 8 per lane", ok("m=120,t=2,p=16")},
		{"t 0", ok("m=256,t=0,p=1")},
		{"t 21", ok("m=256,t=21,p=1")},
		{"p 0", ok("m=256,t=2,p=0")},
		{"p 17", ok("m=256,t=2,p=17")},
		{"p 256 (uint8 wrap)", ok("m=256,t=2,p=256")},
		{"p 257 (uint8 wrap to 1)", ok("m=256,t=2,p=257")},
		// salt and key
		{"salt empty", phc("argon2id", "v=19", mtp, "", refKey)},
		{"salt 7 bytes", phc("argon2id", "v=19", mtp, "c29tZXNhbA", refKey)},
		{"salt 65 bytes", phc("argon2id", "v=19", mtp, strings.Repeat("A", 87), refKey)},
		{"salt padded", phc("argon2id", "v=19", mtp, "c29tZXNhbHQ=", refKey)},
		{"salt url alphabet", phc("argon2id", "v=19", mtp, "c29tZXNhb-_", refKey)},
		{"salt with newline", phc("argon2id", "v=19", mtp, "c29tZX\nNhbHQ", refKey)},
		{"salt with CR", phc("argon2id", "v=19", mtp, "c29tZX\rNhbHQ", refKey)},
		{"salt non-canonical trailing bits", phc("argon2id", "v=19", mtp, "c29tZXNhbHR", refKey)},
		{"salt impossible length", phc("argon2id", "v=19", mtp, "c29tZXNhbHQAA", refKey)},
		{"key empty", phc("argon2id", "v=19", mtp, salt, "")},
		{"key 15 bytes", phc("argon2id", "v=19", mtp, salt, strings.Repeat("A", 20))},
		{"key 65 bytes", phc("argon2id", "v=19", mtp, salt, strings.Repeat("A", 87))},
		{"key padded", phc("argon2id", "v=19", mtp, salt, refKey+"=")},
		{"key non-canonical trailing bits", phc("argon2id", "v=19", mtp, salt, strings.TrimSuffix(refKey, "4")+"5")},
		{"key with space", phc("argon2id", "v=19", mtp, salt, "nf65EOgLrQMR uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")},
		{"key with NUL", phc("argon2id", "v=19", mtp, salt, refKey[:10]+"\x00"+refKey[11:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantMalformed(t, "password", tt.encoded)
			if !NeedsRehash(tt.encoded, Default) {
				t.Fatal("NeedsRehash(malformed) = false")
			}
		})
	}
}

// TestParseBounds checks the accepted parameter bounds at their edges
// without hashing (the largest would allocate 4 GiB).
func TestParseBounds(t *testing.T) {
	const salt8, key16 = "AAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA"
	salt64, key64 := strings.Repeat("A", 86), strings.Repeat("A", 86)
	tests := []struct {
		params, salt, key string
		want              Params
	}{
		{"m=8,t=1,p=1", salt8, key16, Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16}},
		{"m=4194304,t=20,p=16", salt64, key64, Params{Memory: 1 << 22, Time: 20, Threads: 16, SaltLen: 64, KeyLen: 64}},
		{"m=128,t=1,p=16", salt8, key16, Params{Memory: 128, Time: 1, Threads: 16, SaltLen: 8, KeyLen: 16}},
		{"m=19456,t=2,p=1", "AAAAAAAAAAAAAAAAAAAAAA", strings.Repeat("A", 43), Default},
	}
	for _, tt := range tests {
		s := phc("argon2id", "v=19", tt.params, tt.salt, tt.key)
		d, err := parse(s)
		if err != nil {
			t.Errorf("parse(%q): %v", s, err)
			continue
		}
		if d.params != tt.want {
			t.Errorf("parse(%q) params = %+v, want %+v", s, d.params, tt.want)
		}
		if got := encode(d.params, d.salt, d.key); got != s {
			t.Errorf("re-encoded %q as %q", s, got)
		}
	}
}
