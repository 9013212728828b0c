package fieldtype

import (
	"errors"
	"strings"
	"testing"
)

// normCase is one Normalize table entry. An empty code means the value must
// be accepted and normalized to want.
type normCase struct {
	name string
	in   any
	opts Options
	want string
	code string
}

// runNormalize runs a Normalize table for one type.
func runNormalize(t *testing.T, typ Type, cases []normCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := typ.Normalize(tc.in, tc.opts)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("Normalize(%#v) error %v, want %q", tc.in, err, tc.want)
				}
				if got != tc.want {
					t.Fatalf("Normalize(%#v) = %q, want %q", tc.in, got, tc.want)
				}
				again, err := typ.Normalize(retype(typ, got), tc.opts)
				if err != nil || again != got {
					t.Fatalf("Normalize not idempotent: %q -> %q, %v", got, again, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Normalize(%#v) = %q, want error %s", tc.in, got, tc.code)
			}
			if got != "" {
				t.Errorf("Normalize(%#v) returned %q together with an error", tc.in, got)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Normalize(%#v) error %T %v, want *Error", tc.in, err, err)
			}
			if fe.Code != tc.code {
				t.Fatalf("Normalize(%#v) code %q (%s), want %q", tc.in, fe.Code, fe.Message, tc.code)
			}
			assertNoLeak(t, err, tc.in)
		})
	}
}

// retype turns a canonical stored string back into the JSON value a client
// would send again.
func retype(typ Type, stored string) any {
	return typ.Decode(stored)
}

// assertNoLeak fails if err's message mentions the input value, or if the
// message is not one from the fixed catalogue.
func assertNoLeak(t *testing.T, err error, in any) {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		return
	}
	if !inCatalogue(fe) {
		t.Errorf("error %q is not in the catalogue", fe.Error())
	}
	s, ok := in.(string)
	if !ok {
		return
	}
	s = strings.TrimSpace(s)
	if len(s) > 3 && strings.Contains(fe.Error(), s) && !catalogueMentions(s) {
		t.Errorf("error %q contains the input value", fe.Error())
	}
}

// inCatalogue reports whether e has the code and message of a catalogue entry.
func inCatalogue(e *Error) bool {
	for _, c := range catalogue {
		if c.Code == e.Code && c.Message == e.Message {
			return true
		}
	}
	return false
}

// catalogueMentions reports whether s occurs in some catalogue message or
// code; such an s appearing in an error is a coincidence, not a leak.
func catalogueMentions(s string) bool {
	for _, c := range catalogue {
		if strings.Contains(c.Error(), s) {
			return true
		}
	}
	return false
}

// bytesReader avoids importing bytes in every test file.
func bytesReader(b []byte) *strings.Reader { return strings.NewReader(string(b)) }
