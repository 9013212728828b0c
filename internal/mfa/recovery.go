package mfa

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"unicode"
)

// Recovery code shape: RecoveryCodeBytes random bytes, written as 16
// lower-case base32 characters in four dash-separated groups of four.
const (
	RecoveryCodeBytes = 10
	MaxRecoveryCodes  = 100
)

// recoveryEncoding is lower-case base32 without padding; 10 bytes give
// exactly 16 characters.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes returns n distinct random recovery codes of the form
// xxxx-xxxx-xxxx-xxxx, each carrying 80 random bits. n must be between 1
// and [MaxRecoveryCodes]. Store only a hash of each
// [NormalizeRecoveryCode] form, and show the codes to the user once.
func NewRecoveryCodes(n int) ([]string, error) {
	if n < 1 || n > MaxRecoveryCodes {
		return nil, fmt.Errorf("mfa: recovery code count %d is not in 1..%d", n, MaxRecoveryCodes)
	}
	codes := make([]string, 0, n)
	seen := make(map[string]bool, n)
	buf := make([]byte, RecoveryCodeBytes)
	for len(codes) < n {
		if _, err := rand.Read(buf); err != nil {
			return nil, fmt.Errorf("mfa: reading random bytes: %w", err)
		}
		s := recoveryEncoding.EncodeToString(buf)
		if seen[s] {
			continue
		}
		seen[s] = true
		codes = append(codes, s[0:4]+"-"+s[4:8]+"-"+s[8:12]+"-"+s[12:16])
	}
	return codes, nil
}

// NormalizeRecoveryCode returns s in lower case without white space or
// dashes, so that "ABCD EFGH-ijkl-mnop" and "abcd-efgh-ijkl-mnop" compare
// equal. It does not validate: a code that was never issued simply matches
// no stored hash.
func NormalizeRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}
