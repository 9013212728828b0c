package fieldtype

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Type is a field type name as it appears in collection schemas.
type Type string

// The field types a collection schema can use.
const (
	Email      Type = "email"       // e-mail address, stored lower-cased
	Phone      Type = "phone"       // phone number, stored in E.164 form
	Name       Type = "name"        // a person's name
	Address    Type = "address"     // a postal address, may span lines
	Date       Type = "date"        // a calendar date, stored as YYYY-MM-DD
	NationalID Type = "national_id" // a national identity number (see Options.Format)
	Card       Type = "card"        // a payment card number (PAN)
	IBAN       Type = "iban"        // an international bank account number
	Text       Type = "text"        // free text, may span lines
	Number     Type = "number"      // a finite number
	Bool       Type = "bool"        // a JSON boolean
)

// known lists the types in documentation order.
var known = []Type{Email, Phone, Name, Address, Date, NationalID, Card, IBAN, Text, Number, Bool}

// Known lists all types (for docs and error messages). The returned slice is
// a fresh copy that the caller may modify.
func Known() []Type {
	out := make([]Type, len(known))
	copy(out, known)
	return out
}

// Parse returns the Type for a schema type name, or an error for an unknown
// one. Names are matched exactly ("email", not "Email").
func Parse(name string) (Type, error) {
	for _, t := range known {
		if string(t) == name {
			return t, nil
		}
	}
	if t, ok := aliases[strings.ToLower(name)]; ok {
		return t, nil
	}
	return "", fmt.Errorf("fieldtype: unknown field type %q (known types: %s)", name, knownList())
}

// aliases are the usual names for some types in other schema languages;
// Parse maps them to the canonical type, which is what is stored.
var aliases = map[string]Type{
	"string": Text, "integer": Number, "int": Number, "float": Number, "decimal": Number,
	"boolean": Bool, "tel": Phone, "telephone": Phone, "nationalid": NationalID, "national-id": NationalID,
}

// knownList renders Known as a comma-separated list.
func knownList() string {
	names := make([]string, len(known))
	for i, t := range known {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// valid reports whether t is one of the known types.
func (t Type) valid() bool {
	for _, k := range known {
		if k == t {
			return true
		}
	}
	return false
}

// Indexable reports whether exact-match blind indexing makes sense for the
// type. It is true for every known type except Bool, whose two values would
// make an index a lookup table; it is false for unknown types.
func (t Type) Indexable() bool {
	return t.valid() && t != Bool
}

// Normalize validates v, a value decoded by encoding/json with UseNumber
// (so a string, json.Number, bool, nil, or something else), and returns the
// canonical string to store:
//
//   - email: trimmed, a bare address (no display name) with exactly one @,
//     at most 254 bytes, a domain containing a dot; lower-cased entirely.
//   - phone: digits with an optional leading + and the separators
//     space - . ( ) / (letters, vanity numbers and extensions are rejected);
//     parsed with opts.DefaultRegion (or, if that is empty, required to
//     start with +); a valid number; in E.164 form such as "+84912345678".
//   - name, address, text: trimmed, non-empty, valid UTF-8 without control
//     characters (address and text may contain \n and \t); at most 300, 1000
//     and 65536 characters (runes) respectively.
//   - date: "YYYY-MM-DD" or an RFC 3339 timestamp reduced to the date as
//     written; a real calendar date in the years 1800 to 2200.
//   - national_id: spaces, dashes and dots removed, upper-cased, checked
//     against opts.Format (see [Options]).
//   - card: spaces and dashes removed, 12 to 19 digits, Luhn check digit.
//   - iban: spaces removed, upper-cased, 15 to 34 characters, mod-97 check.
//   - number: a json.Number, a Go numeric value or a numeric string; finite;
//     an integer that fits int64 in strconv.FormatInt form, anything else in
//     strconv.FormatFloat(f, 'f', -1, 64) form.
//   - bool: a JSON boolean only; "true" or "false". A string such as "true"
//     is rejected with Code "invalid_bool", any other kind with "wrong_kind".
//
// A value of the wrong JSON kind (for example a number for an email) is an
// error, and so is nil (JSON null), reported with Code "empty".
//
// Every problem with the value is reported as an [*Error] whose message
// never contains the value. An unknown Type is a programming error and is
// reported as an ordinary error.
func (t Type) Normalize(v any, opts Options) (string, error) {
	if v == nil {
		if !t.valid() {
			return "", t.unknown()
		}
		return "", fail(errEmpty)
	}
	var (
		out string
		err *Error
	)
	switch t {
	case Number:
		out, err = normalizeNumber(v)
	case Bool:
		out, err = normalizeBool(v)
	default:
		if !t.valid() {
			return "", t.unknown()
		}
		s, ok := v.(string)
		if !ok {
			return "", fail(errWantString)
		}
		out, err = t.normalizeString(s, opts)
	}
	if err != nil {
		return "", err
	}
	return out, nil
}

// normalizeString dispatches the types whose values are JSON strings.
func (t Type) normalizeString(s string, opts Options) (string, *Error) {
	switch t {
	case Email:
		return normalizeEmail(s)
	case Phone:
		return normalizePhone(s, opts.DefaultRegion)
	case Name:
		return normalizeText(s, nameLimits)
	case Address:
		return normalizeText(s, addressLimits)
	case Text:
		return normalizeText(s, textLimits)
	case Date:
		return normalizeDate(s)
	case NationalID:
		return normalizeNationalID(s, opts.Format)
	case Card:
		return normalizeCard(s)
	case IBAN:
		return normalizeIBAN(s)
	}
	return "", fail(errWantString) // unreachable for known types
}

// unknown is the error for an unknown type.
func (t Type) unknown() error {
	return fmt.Errorf("fieldtype: unknown field type %q", string(t))
}

// Decode turns a stored canonical string back into the JSON value to return
// to API clients: a json.Number for Number, a bool for Bool, and the string
// itself for every other type. A stored value that is not canonical for
// Number or Bool is returned unchanged as a string rather than lost.
func (t Type) Decode(stored string) any {
	switch t {
	case Number:
		if isJSONNumber(stored) {
			return json.Number(stored)
		}
	case Bool:
		switch stored {
		case "true":
			return true
		case "false":
			return false
		}
	}
	return stored
}
