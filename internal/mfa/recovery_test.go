package mfa

import (
	"regexp"
	"testing"
)

var recoveryRE = regexp.MustCompile(`^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$`)

func TestNewRecoveryCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		codes, err := NewRecoveryCodes(10)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != 10 {
			t.Fatalf("got %d codes, want 10", len(codes))
		}
		for _, c := range codes {
			if !recoveryRE.MatchString(c) {
				t.Fatalf("code %q is not xxxx-xxxx-xxxx-xxxx lower-case base32", c)
			}
			if seen[c] {
				t.Fatalf("code %q generated twice", c)
			}
			seen[c] = true
			n := NormalizeRecoveryCode(c)
			raw, err := recoveryEncoding.DecodeString(n)
			if err != nil || len(raw) != RecoveryCodeBytes {
				t.Fatalf("code %q carries %d bytes (%v), want %d", c, len(raw), err, RecoveryCodeBytes)
			}
		}
	}
}

func TestNewRecoveryCodesCount(t *testing.T) {
	tests := []struct {
		n  int
		ok bool
	}{
		{-1, false},
		{0, false},
		{1, true},
		{100, true},
		{101, false},
		{1 << 40, false},
	}
	for _, tt := range tests {
		codes, err := NewRecoveryCodes(tt.n)
		if tt.ok != (err == nil) {
			t.Errorf("NewRecoveryCodes(%d) error = %v", tt.n, err)
		}
		if tt.ok && len(codes) != tt.n {
			t.Errorf("NewRecoveryCodes(%d) gave %d codes", tt.n, len(codes))
		}
		if !tt.ok && codes != nil {
			t.Errorf("NewRecoveryCodes(%d) gave codes with an error", tt.n)
		}
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	const want = "abcdefghijklmn23"
	tests := []struct{ name, in, want string }{
		{"as issued", "abcd-efgh-ijkl-mn23", want},
		{"upper case", "ABCD-EFGH-IJKL-MN23", want},
		{"no dashes", "abcdefghijklmn23", want},
		{"spaces", "abcd efgh ijkl mn23", want},
		{"mixed", "  AbCd-efgh ijkl--MN23\n", want},
		{"en dash", "abcd–efgh–ijkl–mn23", want},
		{"no-break space", "abcd\u00a0efgh\u00a0ijkl\u00a0mn23", want},
		{"empty", "", ""},
		{"only separators", " - - ", ""},
		{"other characters kept", "abcd.efgh", "abcd.efgh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeRecoveryCode(tt.in); got != tt.want {
				t.Fatalf("NormalizeRecoveryCode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// Idempotent on issued codes.
	codes, err := NewRecoveryCodes(5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		n := NormalizeRecoveryCode(c)
		if NormalizeRecoveryCode(n) != n || len(n) != 16 {
			t.Fatalf("normalising %q gave %q", c, n)
		}
	}
}
