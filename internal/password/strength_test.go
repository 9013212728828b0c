package password

import (
	"strings"
	"testing"
	"unicode/utf8"

	"custodia/internal/apperr"
)

func TestCheckStrength(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wantMsg  string // "" for accepted
	}{
		{"empty", "", "at least 12"},
		{"11 ascii", "abcdefghijk", "at least 12"},
		{"12 ascii", "abcdefghijkz", ""},
		{"11 runes, 22 bytes", "éééééééééé\u00e8", "at least 12"},
		{"12 runes multibyte", "mật khẩu tốt", ""},
		{"12 emoji", strings.Repeat("🔑🔒", 6), ""},
		{"256 bytes", strings.Repeat("ab", 128), ""},
		{"257 bytes", strings.Repeat("ab", 128) + "c", "at most 256"},
		{"256 bytes of 4-byte runes", strings.Repeat("🔑🔒", 32), ""},
		{"258 bytes of 2-byte runes", strings.Repeat("éa", 86), "at most 256"},
		{"huge", strings.Repeat("x", 1<<20), "at most 256"},
		{"repeated ascii", "aaaaaaaaaaaa", "repeated"},
		{"repeated long", strings.Repeat("z", 200), "repeated"},
		{"repeated digit", "111111111111", "repeated"},
		{"repeated multibyte", strings.Repeat("é", 12), "repeated"},
		{"repeated space", strings.Repeat(" ", 12), "repeated"},
		{"repeated but one", "aaaaaaaaaaab", ""},
		{"two chars alternating", "abababababab", ""},
		{"invalid utf8 distinct bytes", "\xff\xfe\xff\xfe\xff\xfe\xff\xfe\xff\xfe\xff\xfe", ""},
		{"invalid utf8 repeated", strings.Repeat("\xff", 12), "repeated"},
		{"common", "password1234", "too common"},
		{"common upper", "PASSWORD1234", "too common"},
		{"common mixed case", "QwertyUiopAs", "too common"},
		{"common digits", "123456789012", "too common"},
		{"common with space", "password1234 ", ""},
		{"passphrase", "correct horse battery staple", ""},
		{"random", "v7#Lq9!pZ2@m", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStrength(tt.password)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckStrength = %v, want nil", err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok {
				t.Fatalf("CheckStrength = %v, want an *apperr.Error", err)
			}
			if e.Kind != apperr.Invalid || e.Code != "weak_password" || e.Cause != nil {
				t.Fatalf("CheckStrength = kind %v code %q cause %v, want Invalid weak_password", e.Kind, e.Code, e.Cause)
			}
			if !strings.Contains(e.Message, tt.wantMsg) {
				t.Fatalf("message %q does not mention %q", e.Message, tt.wantMsg)
			}
			if p := strings.TrimSpace(tt.password); len(p) >= 4 && strings.Contains(e.Error(), p) {
				t.Fatalf("error %q contains the password", e.Error())
			}
		})
	}
}

// TestCheckStrengthCopies checks that a caller who modifies a returned
// error does not change later ones.
func TestCheckStrengthCopies(t *testing.T) {
	e, _ := apperr.As(CheckStrength("short"))
	e.Message = "changed"
	if e2, _ := apperr.As(CheckStrength("short")); e2.Message == "changed" {
		t.Fatal("CheckStrength returned a shared error")
	}
}

// TestCommonList checks the embedded list: it is non-trivial, every entry
// is lower case, unique, and long enough and varied enough that only the
// common-password rule can reject it, and CheckStrength rejects it.
func TestCommonList(t *testing.T) {
	if len(common) < 30 {
		t.Fatalf("common list has %d entries, want a few dozen", len(common))
	}
	lines := 0
	for line := range strings.SplitSeq(commonList, "\n") {
		if line == "" {
			continue
		}
		lines++
		if line != strings.ToLower(strings.TrimSpace(line)) {
			t.Errorf("entry %q is not trimmed lower case", line)
		}
		if utf8.RuneCountInString(line) < MinRunes || len(line) > MaxBytes || repeated(line) {
			t.Errorf("entry %q is rejected by another rule, so listing it is dead weight", line)
		}
		e, ok := apperr.As(CheckStrength(line))
		if !ok || !strings.Contains(e.Message, "too common") {
			t.Errorf("CheckStrength(%q) = %v, want too common", line, e)
		}
		if e2, ok := apperr.As(CheckStrength(strings.ToUpper(line))); !ok || e2.Message != e.Message {
			t.Errorf("upper-cased %q is not rejected", line)
		}
	}
	if lines != len(common) {
		t.Errorf("list has %d lines but %d distinct entries", lines, len(common))
	}
}
