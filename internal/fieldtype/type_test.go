package fieldtype

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestParseKnown(t *testing.T) {
	want := []Type{Email, Phone, Name, Address, Date, NationalID, Card, IBAN, Text, Number, Bool}
	if got := Known(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Known() = %v, want %v", got, want)
	}
	k := Known()
	k[0] = "mutated"
	if Known()[0] != Email {
		t.Fatal("Known() returned its internal slice")
	}
	for _, typ := range want {
		got, err := Parse(string(typ))
		if err != nil || got != typ {
			t.Errorf("Parse(%q) = %q, %v", typ, got, err)
		}
	}
	for _, bad := range []string{"", "Email", "EMAIL", " email", "national_id ", "strings", "datetime", "blob"} {
		if got, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %q, want error", bad, got)
		}
	}
	for alias, want := range map[string]Type{"string": Text, "integer": Number, "int": Number, "boolean": Bool, "tel": Phone, "national-id": NationalID, "nationalid": NationalID, "String": Text} {
		if got, err := Parse(alias); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", alias, got, err, want)
		}
	}
}

func TestIndexable(t *testing.T) {
	for _, typ := range Known() {
		want := typ != Bool
		if got := typ.Indexable(); got != want {
			t.Errorf("%s.Indexable() = %v, want %v", typ, got, want)
		}
	}
	if Type("nope").Indexable() {
		t.Error("unknown type is indexable")
	}
}

func TestValidateFormat(t *testing.T) {
	tests := []struct {
		typ    Type
		format string
		ok     bool
	}{
		{NationalID, "", true},
		{NationalID, "any", true},
		{NationalID, "vn_cccd", true},
		{NationalID, "vn_cmnd", true},
		{NationalID, "in_aadhaar", true},
		{NationalID, "in_pan", true},
		{NationalID, "us_ssn", true},
		{NationalID, "VN_CCCD", false},
		{NationalID, "uk_nino", false},
		{NationalID, "ssn", false},
		{Email, "", true},
		{Phone, "", true},
		{Bool, "", true},
		{Email, "vn_cccd", false},
		{Phone, "e164", false},
		{Type("nope"), "", false},
	}
	for _, tc := range tests {
		err := ValidateFormat(tc.typ, tc.format)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateFormat(%q, %q) = %v, want ok=%v", tc.typ, tc.format, err, tc.ok)
		}
	}
}

func TestNormalizeWrongKind(t *testing.T) {
	kinds := []any{json.Number("12"), true, false, map[string]any{"a": "b"}, []any{"x"}, 3.5, 7}
	for _, typ := range []Type{Email, Phone, Name, Address, Date, NationalID, Card, IBAN, Text} {
		for _, v := range kinds {
			_, err := typ.Normalize(v, Options{DefaultRegion: "VN"})
			var fe *Error
			if !errors.As(err, &fe) || fe.Code != CodeWrongKind {
				t.Errorf("%s.Normalize(%#v) = %v, want %s", typ, v, err, CodeWrongKind)
			}
		}
	}
}

func TestNormalizeNil(t *testing.T) {
	for _, typ := range Known() {
		_, err := typ.Normalize(nil, Options{})
		var fe *Error
		if !errors.As(err, &fe) || fe.Code != CodeEmpty {
			t.Errorf("%s.Normalize(nil) = %v, want %s", typ, err, CodeEmpty)
		}
	}
}

func TestNormalizeUnknownType(t *testing.T) {
	for _, v := range []any{"x", nil, json.Number("1"), true} {
		_, err := Type("nope").Normalize(v, Options{})
		if err == nil {
			t.Fatalf("unknown type accepted %#v", v)
		}
		var fe *Error
		if errors.As(err, &fe) {
			t.Errorf("unknown type reported as value error %v", err)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		typ    Type
		stored string
		want   any
	}{
		{Number, "42", json.Number("42")},
		{Number, "-0.5", json.Number("-0.5")},
		{Number, "not a number", "not a number"},
		{Bool, "true", true},
		{Bool, "false", false},
		{Bool, "yes", "yes"},
		{Email, "a@example.com", "a@example.com"},
		{Phone, "+84912345678", "+84912345678"},
		{Date, "1990-05-17", "1990-05-17"},
		{Text, "42", "42"},
		{NationalID, "001099012345", "001099012345"},
	}
	for _, tc := range tests {
		if got := tc.typ.Decode(tc.stored); got != tc.want {
			t.Errorf("%s.Decode(%q) = %#v, want %#v", tc.typ, tc.stored, got, tc.want)
		}
	}
}

// TestDecodeRoundTrip checks that what Decode returns is accepted by
// Normalize and yields the same stored value, through a JSON round trip.
func TestDecodeRoundTrip(t *testing.T) {
	values := map[Type][]any{
		Number: {json.Number("1e3"), json.Number("-12.50"), json.Number("9007199254740993"), "0.1"},
		Bool:   {true, false},
		Email:  {"Alice@Example.com"},
		Date:   {"2024-02-29T10:00:00Z"},
	}
	for typ, vs := range values {
		for _, v := range vs {
			stored, err := typ.Normalize(v, Options{})
			if err != nil {
				t.Fatalf("%s.Normalize(%#v): %v", typ, v, err)
			}
			b, err := json.Marshal(typ.Decode(stored))
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var back any
			dec := json.NewDecoder(bytesReader(b))
			dec.UseNumber()
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			again, err := typ.Normalize(back, Options{})
			if err != nil || again != stored {
				t.Errorf("%s round trip of %#v: %q -> %s -> %q, %v", typ, v, stored, b, again, err)
			}
		}
	}
}

func TestErrorType(t *testing.T) {
	_, err := Email.Normalize("not-an-address", Options{})
	if !errors.Is(err, &Error{Code: CodeInvalidEmail}) {
		t.Fatalf("errors.Is by code failed for %v", err)
	}
	if errors.Is(err, &Error{Code: CodeInvalidPhone}) {
		t.Fatal("errors.Is matched a different code")
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Error() != fe.Code+": "+fe.Message {
		t.Fatalf("Error() = %q", err)
	}
	// Errors are copies: changing one must not change later ones.
	fe.Message = "changed"
	_, err2 := Email.Normalize("not-an-address", Options{})
	if err2.(*Error).Message == "changed" {
		t.Fatal("Normalize returned a shared catalogue entry")
	}
}
