package password

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"custodia/internal/apperr"
)

// Length limits enforced by [CheckStrength].
const (
	MinRunes = 12  // minimum length in characters (Unicode code points)
	MaxBytes = 256 // maximum length in bytes of UTF-8
)

// commonList holds, one per line and in lower case, the most common
// passwords that would otherwise pass the length rules.
//
//go:embed common_passwords.txt
var commonList string

// common is commonList as a set.
var common = func() map[string]struct{} {
	m := make(map[string]struct{})
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			m[line] = struct{}{}
		}
	}
	return m
}()

// The errors CheckStrength returns. Their messages are constants, so no
// password can reach them.
var (
	errTooShort = apperr.New(apperr.Invalid, "weak_password", "password must be at least 12 characters long")
	errTooLong  = apperr.New(apperr.Invalid, "weak_password", "password must be at most 256 bytes long")
	errRepeated = apperr.New(apperr.Invalid, "weak_password", "password must not be a single character repeated")
	errCommon   = apperr.New(apperr.Invalid, "weak_password", "password is too common; choose another one")
)

// CheckStrength applies the password policy for new passwords: at least
// [MinRunes] characters, at most [MaxBytes] bytes, not one character
// repeated, and not in a small list of the most common passwords (compared
// in lower case). It returns nil or an [*apperr.Error] of kind
// [apperr.Invalid] with code "weak_password" and a message that says which
// rule failed and never contains the password.
func CheckStrength(password string) error {
	switch {
	case len(password) > MaxBytes:
		return fail(errTooLong)
	case utf8.RuneCountInString(password) < MinRunes:
		return fail(errTooShort)
	case repeated(password):
		return fail(errRepeated)
	}
	if _, ok := common[strings.ToLower(password)]; ok {
		return fail(errCommon)
	}
	return nil
}

// repeated reports whether s is the bytes of its first rune repeated. It
// compares bytes, so distinct invalid UTF-8 bytes do not count as repeats.
func repeated(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	for i := size; i < len(s); i += size {
		if !strings.HasPrefix(s[i:], s[:size]) {
			return false
		}
	}
	return true
}

// fail returns a copy of e, so that a caller that modifies the error it
// receives cannot change the package's errors.
func fail(e *apperr.Error) *apperr.Error {
	c := *e
	return &c
}
