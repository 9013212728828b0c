package mfa

import (
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"custodia/internal/apperr"
)

// Errors returned by [ValidateTOTP] for a code the user typed. They are
// shared values: compare with errors.Is and do not modify them.
var (
	// ErrInvalidCode is a code that is malformed or does not match.
	ErrInvalidCode = apperr.New(apperr.Unauthenticated, "mfa_code_invalid", "the authentication code is wrong")
	// ErrReplayed is a code that matches a step no newer than the last
	// one accepted: it was used already, or a newer code was.
	ErrReplayed = apperr.New(apperr.Unauthenticated, "mfa_code_replayed", "the authentication code was already used; wait for the next one")
)

// Skew is the number of steps either side of the current one that
// [ValidateTOTP] accepts, to tolerate clock drift and typing time.
const Skew = 1

// minSecretBytes is the shortest secret ValidateTOTP accepts (RFC 4226 R6).
const minSecretBytes = 16

// maxStep is the largest step whose start time the otp library, which
// divides in float64, maps back to the same step exactly.
const maxStep = (1 << 53) / Period

// maxCodeLen bounds the raw code before spaces are stripped.
const maxCodeLen = 64

// errSecret is the cause of the internal error for an unusable secret.
var errSecret = errors.New("mfa: TOTP secret is not unpadded base32 of at least 16 bytes")

// b32 is the secret encoding.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// opts are the code generation options matching NewTOTP.
var opts = totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ValidateTOTP checks code against secret at time now and returns the step
// it matched, which the caller must store as the new lastStep.
//
// White space in code is ignored (code may be at most 64 bytes long before
// it is removed); what remains must be exactly 6 ASCII digits.
// The code may be the one for the current step or for [Skew] steps either
// side, and is compared in constant time. A matching step that is not after
// lastStep is refused with [ErrReplayed], so a code works once and an older
// code cannot be used after a newer one; pass 0 (or less) as lastStep when
// no code was accepted yet. A malformed or wrong code gives
// [ErrInvalidCode]. A secret that is not unpadded base32 of at least 16
// bytes gives an internal [*apperr.Error].
func ValidateTOTP(secret, code string, now time.Time, lastStep int64) (step int64, err error) {
	raw, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil || len(raw) < minSecretBytes {
		return 0, apperr.Wrap(errSecret, "mfa: validating TOTP code")
	}
	canonical := b32.EncodeToString(raw)

	code, ok := normalizeCode(code)
	if !ok {
		return 0, ErrInvalidCode
	}
	cur := Step(now)
	matched, found := int64(0), false
	// Every candidate is computed and compared, so the time taken does not
	// depend on which step matched; the last match is the newest.
	for s := cur - Skew; s <= cur+Skew; s++ {
		if s < 0 || s > maxStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(canonical, time.Unix(s*Period, 0), opts)
		if err != nil {
			return 0, apperr.Wrap(err, "mfa: generating TOTP code")
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			matched, found = s, true
		}
	}
	switch {
	case !found:
		return 0, ErrInvalidCode
	case matched <= lastStep:
		return 0, ErrReplayed
	}
	return matched, nil
}

// normalizeCode strips white space from code and reports whether the rest
// is exactly Digits ASCII digits.
func normalizeCode(code string) (string, bool) {
	if len(code) > maxCodeLen {
		return "", false
	}
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code)
	if len(code) != Digits {
		return "", false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return "", false
		}
	}
	return code, true
}
