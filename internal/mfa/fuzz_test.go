package mfa

import (
	"errors"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// FuzzValidateTOTP checks, for any secret, code, time and last step, that
// ValidateTOTP does not panic, fails only with its documented errors, and
// accepts only a genuine code for a step in the window after lastStep.
func FuzzValidateTOTP(f *testing.F) {
	f.Add(rfcSecret, "287082", int64(59), int64(0))
	f.Add(rfcSecret, "287 082", int64(89), int64(1))
	f.Add(rfcSecret, "081804", int64(1111111109), int64(0))
	f.Add(rfcSecret, "12345", int64(0), int64(0))
	f.Add("", "", int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, secret, code string, unix, lastStep int64) {
		now := time.Unix(unix, 0)
		step, err := ValidateTOTP(secret, code, now, lastStep)
		switch {
		case err == nil:
		case err == ErrInvalidCode:
			if step != 0 {
				t.Fatalf("step %d with ErrInvalidCode", step)
			}
			return
		case err == ErrReplayed:
			// The code must be genuine: without the replay guard it passes.
			if s, err := ValidateTOTP(secret, code, now, -1<<63); err != nil || s > lastStep {
				t.Fatalf("replayed code: without lastStep got %d, %v (lastStep %d)", s, err, lastStep)
			}
			return
		case apperr.KindOf(err) == apperr.Internal && errors.Is(err, errSecret):
			return
		default:
			t.Fatalf("unexpected error %v", err)
		}
		cur := Step(now)
		if step < cur-Skew || step > cur+Skew || step <= lastStep || step < 0 {
			t.Fatalf("step %d accepted at step %d with lastStep %d", step, cur, lastStep)
		}
		norm, ok := normalizeCode(code)
		if !ok {
			t.Fatalf("accepted malformed code %q", code)
		}
		raw, _ := b32.DecodeString(toUpperASCII(secret))
		if want := codeAt(t, b32.EncodeToString(raw), time.Unix(step*Period, 0)); want != norm {
			t.Fatalf("accepted %q for step %d, whose code is %q", norm, step, want)
		}
	})
}

// toUpperASCII upper-cases ASCII letters only.
func toUpperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
