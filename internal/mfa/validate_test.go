package mfa

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"custodia/internal/apperr"
)

// rfcSecret is the SHA1 key of RFC 6238 appendix B, "12345678901234567890",
// in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// codeAt returns the code for secret at t, computed independently of
// ValidateTOTP's step arithmetic.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestValidateTOTPRFC6238 checks the RFC 6238 appendix B SHA1 vectors,
// truncated to 6 digits, at their own times.
func TestValidateTOTPRFC6238(t *testing.T) {
	tests := []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, tt := range tests {
		now := time.Unix(tt.unix, 0)
		step, err := ValidateTOTP(rfcSecret, tt.code, now, 0)
		if err != nil || step != Step(now) {
			t.Errorf("t=%d code %s: step %d, %v; want %d, nil", tt.unix, tt.code, step, err, Step(now))
		}
	}
}

func TestValidateTOTPWindow(t *testing.T) {
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	cur := Step(now)
	tests := []struct {
		name   string
		offset time.Duration
		want   error
		step   int64
	}{
		{"now", 0, nil, cur},
		{"30s earlier", -30 * time.Second, nil, cur - 1},
		{"30s later", 30 * time.Second, nil, cur + 1},
		{"60s earlier", -60 * time.Second, ErrInvalidCode, 0},
		{"60s later", 60 * time.Second, ErrInvalidCode, 0},
		{"90s earlier", -90 * time.Second, ErrInvalidCode, 0},
		{"one hour earlier", -time.Hour, ErrInvalidCode, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := codeAt(t, rfcSecret, now.Add(tt.offset))
			step, err := ValidateTOTP(rfcSecret, code, now, 0)
			if err != tt.want || step != tt.step {
				t.Fatalf("ValidateTOTP = %d, %v; want %d, %v", step, err, tt.step, tt.want)
			}
		})
	}
}

// TestValidateTOTPStepBoundaries checks the window at the first and last
// second of a step.
func TestValidateTOTPStepBoundaries(t *testing.T) {
	start := time.Unix(1_800_000_000-1_800_000_000%30, 0)
	for _, now := range []time.Time{start, start.Add(29 * time.Second)} {
		cur := Step(now)
		for _, d := range []int64{-1, 0, 1} {
			code := codeAt(t, rfcSecret, time.Unix((cur+d)*30, 0))
			if step, err := ValidateTOTP(rfcSecret, code, now, 0); err != nil || step != cur+d {
				t.Errorf("now=%d step %+d: %d, %v", now.Unix(), d, step, err)
			}
		}
	}
}

func TestValidateTOTPReplay(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cur := Step(now)
	codeNow := codeAt(t, rfcSecret, now)
	codeNext := codeAt(t, rfcSecret, now.Add(30*time.Second))
	codePrev := codeAt(t, rfcSecret, now.Add(-30*time.Second))

	step, err := ValidateTOTP(rfcSecret, codeNow, now, 0)
	if err != nil || step != cur {
		t.Fatalf("first use: %d, %v", step, err)
	}
	last := step

	tests := []struct {
		name string
		code string
		now  time.Time
		last int64
		want error
	}{
		{"same code again", codeNow, now, last, ErrReplayed},
		{"same code a step later", codeNow, now.Add(30 * time.Second), last, ErrReplayed},
		{"older code after newer", codePrev, now, last, ErrReplayed},
		{"newer code", codeNext, now, last, nil},
		{"current after next was used", codeNow, now, cur + 1, ErrReplayed},
		{"last step far in the future", codeNext, now, math.MaxInt64, ErrReplayed},
		{"wrong code is invalid, not replayed", wrongCode(t, now), now, last, ErrInvalidCode},
		{"negative last step", codeNow, now, -1, nil},
		{"min last step", codeNow, now, math.MinInt64, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, err := ValidateTOTP(rfcSecret, tt.code, tt.now, tt.last)
			if err != tt.want {
				t.Fatalf("ValidateTOTP = %d, %v; want %v", step, err, tt.want)
			}
			if err != nil && step != 0 {
				t.Fatalf("step %d returned with an error", step)
			}
			if err == nil && step <= tt.last {
				t.Fatalf("step %d accepted with lastStep %d", step, tt.last)
			}
		})
	}
}

// wrongCode returns a well-formed code that matches none of the steps
// ValidateTOTP tries at now.
func wrongCode(t *testing.T, now time.Time) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		valid[codeAt(t, rfcSecret, now.Add(d))] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i)
		if !valid[c] {
			return c
		}
	}
}

func TestValidateTOTPCodeFormat(t *testing.T) {
	now := time.Unix(59, 0) // RFC 6238: code 287082
	tests := []struct {
		name string
		code string
		want error
	}{
		{"plain", "287082", nil},
		{"grouped", "287 082", nil},
		{"spaced out", " 2 8 7 0 8 2 ", nil},
		{"tab and newline", "\t287082\r\n", nil},
		{"no-break space", "287\u00a0082", nil},
		{"empty", "", ErrInvalidCode},
		{"only spaces", "      ", ErrInvalidCode},
		{"five digits", "28708", ErrInvalidCode},
		{"seven digits", "2870820", ErrInvalidCode},
		{"eight digit RFC code", "94287082", ErrInvalidCode},
		{"letters", "abcdef", ErrInvalidCode},
		{"one letter", "28708a", ErrInvalidCode},
		{"dash", "287-082", ErrInvalidCode},
		{"plus sign", "+287082", ErrInvalidCode},
		{"minus sign", "-287082", ErrInvalidCode},
		{"NUL", "287082\x00", ErrInvalidCode},
		{"fullwidth digits", "２８７０８２", ErrInvalidCode},
		{"arabic-indic digits", "٢٨٧٠٨٢", ErrInvalidCode},
		{"devanagari digits", "२८७०८२", ErrInvalidCode},
		{"invalid utf8", "287\xff082", ErrInvalidCode},
		{"too long before stripping", strings.Repeat(" ", 100) + "287082", ErrInvalidCode},
		{"huge", strings.Repeat("1", 1<<20), ErrInvalidCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateTOTP(rfcSecret, tt.code, now, 0)
			if err != tt.want {
				t.Fatalf("ValidateTOTP(%q) error = %v, want %v", tt.code, err, tt.want)
			}
		})
	}
}

func TestValidateTOTPSecret(t *testing.T) {
	now := time.Unix(59, 0)
	tests := []struct {
		name     string
		secret   string
		internal bool
	}{
		{"upper case", rfcSecret, false},
		{"lower case", strings.ToLower(rfcSecret), false},
		{"empty", "", true},
		{"not base32", "not base32!", true},
		{"digits 0 and 1", "0123456789ABCDEF0123456789ABCDEF", true},
		{"padded", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======", true},
		{"10 bytes", "GEZDGNBVGY3TQOJQ", true},
		{"15 bytes", "GEZDGNBVGY3TQOJQGEZDGNBV", true},
		{"16 bytes", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOI", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateTOTP(tt.secret, "287082", now, 0)
			if tt.internal {
				if apperr.KindOf(err) != apperr.Internal || !errors.Is(err, errSecret) {
					t.Fatalf("error = %v, want an internal secret error", err)
				}
				return
			}
			if err != nil && err != ErrInvalidCode {
				t.Fatalf("error = %v, want nil or ErrInvalidCode", err)
			}
		})
	}
}

// TestValidateTOTPOutOfRange checks clocks before 1970 and far in the future.
func TestValidateTOTPOutOfRange(t *testing.T) {
	for _, now := range []time.Time{
		time.Unix(-100, 0),
		time.Unix(-1, 0),
		time.Unix(math.MinInt64, 0),
		time.Unix(math.MaxInt64, 0),
		time.Unix(maxStep*30+60, 0),
	} {
		code := "000000"
		if _, err := ValidateTOTP(rfcSecret, code, now, 0); err != ErrInvalidCode && err != ErrReplayed {
			t.Errorf("now=%d: error %v, want ErrInvalidCode", now.Unix(), err)
		}
	}
	// The last steps in range still work.
	now := time.Unix(maxStep*30, 0)
	if step, err := ValidateTOTP(rfcSecret, codeAt(t, rfcSecret, now), now, 0); err != nil || step != maxStep {
		t.Errorf("at maxStep: %d, %v", step, err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		err  *apperr.Error
		code string
	}{
		{ErrInvalidCode, "mfa_code_invalid"},
		{ErrReplayed, "mfa_code_replayed"},
	}
	for _, tt := range tests {
		if tt.err.Kind != apperr.Unauthenticated || tt.err.Code != tt.code || tt.err.Cause != nil {
			t.Errorf("%v: kind %v code %q, want Unauthenticated %q", tt.err, tt.err.Kind, tt.err.Code, tt.code)
		}
		if tt.err.Kind.HTTPStatus() != 401 {
			t.Errorf("%v: status %d", tt.err, tt.err.Kind.HTTPStatus())
		}
	}
}
