package dbsource

import (
	"errors"
	"testing"
)

func TestScrub(t *testing.T) {
	for in, want := range map[string]string{
		`invalid input syntax for type integer: "+84 987 654 321"`:          `invalid input syntax for type integer: "…"`,
		`Incorrect integer value: 'an@example.com' for column 'e' at row 1`: `Incorrect integer value: '…' for column '…' at row 1`,
		`Key (email)=(an@example.com) already exists`:                       `Key (email)=(…) already exists`,
		`value "it\"s 0912345678" is bad`:                                   `value "…" is bad`,
		`permission denied for table customers`:                             `permission denied for table customers`,
	} {
		if got := safeError(errors.New(in)).Error(); got != want {
			t.Errorf("safeError(%q) = %q, want %q", in, got, want)
		}
	}
}
