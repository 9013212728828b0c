package detect

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"custodia/internal/scan"
)

// testNow is the date the tests judge birth dates against.
var testNow = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

// newTestScanner returns a scanner with the default options and a fixed
// date.
func newTestScanner(opts Options) *Scanner {
	s := New(opts)
	s.nowY, s.nowM, s.nowD = testNow.Year(), int(testNow.Month()), testNow.Day()
	return s
}

// found is a finding with its value, for assertions.
type found struct {
	scan.Finding
	Value string
}

// String renders a finding for failure messages.
func (f found) String() string {
	return fmt.Sprintf("%s=%q(%.2f %s)", f.Entity, f.Value, f.Confidence, f.Preview)
}

// scanAll returns the findings of text, checking the invariants every
// call must keep.
func scanAll(t testing.TB, s *Scanner, text, hint string) []found {
	t.Helper()
	var out []found
	last := -1
	s.Scan([]byte(text), hint, func(f scan.Finding) {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("finding %+v out of bounds of %d bytes", f, len(text))
		}
		if f.Start < last {
			t.Fatalf("finding %+v out of order", f)
		}
		last = f.Start
		out = append(out, found{f, text[f.Start:f.End]})
	})
	return out
}

// entityCase is a table row: text and hint, the findings that must be
// reported ("ENTITY=value") and the entities that must not be.
type entityCase struct {
	name string
	text string
	hint string
	want []string
	not  []scan.Entity
}

// runCases checks every case with the default scanner.
func runCases(t *testing.T, cases []entityCase) {
	t.Helper()
	s := newTestScanner(Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := scanAll(t, s, c.text, c.hint)
			for _, w := range c.want {
				ent, val, _ := strings.Cut(w, "=")
				ok := false
				for _, f := range got {
					ok = ok || string(f.Entity) == ent && f.Value == val
				}
				if !ok {
					t.Errorf("%q (hint %q): want %s=%q, got %v", c.text, c.hint, ent, val, got)
				}
			}
			for _, e := range c.not {
				for _, f := range got {
					if f.Entity == e {
						t.Errorf("%q (hint %q): unexpected %v", c.text, c.hint, f)
					}
				}
			}
		})
	}
}
