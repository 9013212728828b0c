package fieldtype

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorsDoNotLeakInput feeds invalid personal data to every type and
// checks that no error message contains the input, or a distinctive piece
// of it, and that every message comes from the fixed catalogue.
func TestErrorsDoNotLeakInput(t *testing.T) {
	inputs := []string{
		"nguyen.van.an@@example.com",
		"Nguyễn Văn An <an@example.com>",
		"an.nguyen@localhost",
		"0912 345 67",
		"+84 912 345 678 ext 99",
		"1-800-FLOWERS",
		"Nguyễn\x00Văn An",
		"Trần Thị\nBích",
		"17/05/1990",
		"2023-02-29",
		"001-099-01234",
		"ABCDE1234F",
		"666-12-3456",
		"2341 2341 2347",
		"4111 1111 1111 1112",
		"DE89 3704 0044 0532 0130 01",
		"twelve thousand",
		"\xffsecret\xfe",
		strings.Repeat("Nguyễn ", 20000),
		strings.Repeat("4", 300),
	}
	opts := []Options{{}, {DefaultRegion: "VN"}, {Format: FormatINPAN}, {Format: FormatUSSSN}, {Format: FormatINAadhaar}, {Format: FormatVNCCCD}}
	failures := 0
	for _, typ := range Known() {
		for _, in := range inputs {
			for _, o := range opts {
				_, err := typ.Normalize(in, o)
				if err == nil {
					continue
				}
				failures++
				var fe *Error
				if !errors.As(err, &fe) {
					t.Fatalf("%s.Normalize: error %T is not *Error", typ, err)
				}
				if !inCatalogue(fe) {
					t.Errorf("%s: message %q is not in the catalogue", typ, fe.Message)
				}
				msg := err.Error()
				if strings.Contains(msg, in) || strings.Contains(msg, strings.TrimSpace(in)) {
					t.Errorf("%s: error %q contains the input", typ, msg)
				}
				for _, tok := range strings.FieldsFunc(in, func(r rune) bool { return r == ' ' || r == '-' || r == '@' || r == '.' }) {
					if len(tok) >= 4 && strings.Contains(msg, tok) && !catalogueMentions(tok) {
						t.Errorf("%s: error %q contains %q from the input", typ, msg, tok)
					}
				}
			}
		}
	}
	if failures == 0 {
		t.Fatal("no input was rejected; the test is not testing anything")
	}
}

// TestCatalogue checks the catalogue itself: known codes, non-empty
// messages, and no message shared between two codes.
func TestCatalogue(t *testing.T) {
	codes := map[string]bool{
		CodeInvalidEmail: true, CodeInvalidPhone: true, CodeInvalidDate: true,
		CodeInvalidNationalID: true, CodeInvalidCard: true, CodeInvalidIBAN: true,
		CodeInvalidNumber: true, CodeInvalidBool: true, CodeWrongKind: true,
		CodeTooLong: true, CodeEmpty: true, CodeInvalidText: true,
	}
	seen := map[string]string{}
	used := map[string]bool{}
	for _, e := range catalogue {
		if !codes[e.Code] {
			t.Errorf("catalogue entry with unknown code %q", e.Code)
		}
		if e.Message == "" {
			t.Errorf("catalogue entry %q has no message", e.Code)
		}
		if c, ok := seen[e.Message]; ok && c != e.Code {
			t.Errorf("message %q used for codes %q and %q", e.Message, c, e.Code)
		}
		seen[e.Message] = e.Code
		used[e.Code] = true
	}
	for c := range codes {
		if !used[c] {
			t.Errorf("code %q has no catalogue entry", c)
		}
	}
}
