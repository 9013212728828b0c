package vault

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/; `go test` runs them
// as ordinary unit tests.

// decodeInputCatalogue is DecodeInput's error catalogue: code -> message. Every
// message is a constant, so none can echo the request body.
var decodeInputCatalogue = map[string][]string{
	"malformed_json": {
		"the request body is empty; send a JSON object",
		"the request body is not a valid JSON object",
		"the request body must be a JSON object",
		"the request body has data after the JSON object",
	},
	"invalid_subject":  {"subject must be a string"},
	"invalid_data":     {"data must be a JSON object of field values"},
	"invalid_body":     {"send either {\"data\":{...}} or the fields at the top level, not both"},
	"invalid_utf8":     {"the request body is not valid UTF-8"},
	"duplicate_member": {"the request body names a member twice in one object: send each field once"},
}

func isDecodeInputCatalogueText(s string) bool {
	for code, msgs := range decodeInputCatalogue {
		for _, m := range msgs {
			if strings.Contains(code+": "+m, s) {
				return true
			}
		}
	}
	return false
}

// fuzzReferenceObject decodes body the plain way: a single JSON value, numbers
// as json.Number. ok is false unless it is a JSON object.
func fuzzReferenceObject(body []byte) (map[string]any, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// fuzzNoFloats reports whether v (a decoded JSON value) holds numbers only as
// json.Number, as DecodeInput promises.
func fuzzNoFloats(v any) bool {
	switch x := v.(type) {
	case float64, float32:
		return false
	case map[string]any:
		for _, e := range x {
			if !fuzzNoFloats(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !fuzzNoFloats(e) {
				return false
			}
		}
	}
	return true
}

// FuzzDecodeInput checks DecodeInput against its documented contract:
// it never panics; malformed JSON and non-objects are malformed_json; a
// non-string subject, a non-object data and a mix of the two forms are
// rejected; on success Data is non-nil, numbers stay json.Number, nulls
// are kept, and
//   - in the {"data":{...}} form Data is exactly the inner object (reserved
//     names inside it are not stripped here; schema validation rejects them
//     as undeclared fields, since no field may be named id/subject/data);
//   - in the top-level form Data is the body minus "subject" and "id", so
//     it never holds a "subject", "data" or "id" key;
//
// errors are *apperr.Error of kind Invalid, with no cause, a catalogue
// message, and never a message containing a body longer than 8 bytes.
func FuzzDecodeInput(f *testing.F) {
	f.Add([]byte(`{"data":{"email":"an@example.com"},"subject":"sub_1"}`))
	f.Add([]byte(`{"email":"an@example.com","id":"rec_1"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := DecodeInput(body)
		top, isObject := fuzzReferenceObject(body)
		if err != nil {
			e, ok := err.(*apperr.Error)
			if !ok {
				t.Fatalf("error %T %v is not *apperr.Error", err, err)
			}
			if e.Kind != apperr.Invalid {
				t.Fatalf("error kind %v, want Invalid (%v)", e.Kind, e)
			}
			if e.Cause != nil {
				t.Fatalf("error has a cause %v; causes can carry input", e.Cause)
			}
			if !slices.Contains(decodeInputCatalogue[e.Code], e.Message) {
				t.Fatalf("error %q/%q is not in the catalogue", e.Code, e.Message)
			}
			// The message is a constant, so it can only "contain" a body
			// that is itself a piece of catalogue text.
			if len(body) > 8 && strings.Contains(e.Error(), string(body)) && !isDecodeInputCatalogueText(string(body)) {
				t.Fatalf("error %q echoes the input", e.Error())
			}
			if !isObject {
				if e.Code != "malformed_json" {
					t.Fatalf("not a JSON object: code %q, want malformed_json", e.Code)
				}
				return
			}
			if e.Code == "malformed_json" {
				t.Fatalf("a valid JSON object was rejected as malformed: %q", e.Message)
			}
			// Bytes that are not UTF-8, then a member named twice, come
			// first (DuplicateKey has its own fuzz target against the
			// decoder).
			if !utf8.Valid(body) {
				if e.Code != "invalid_utf8" {
					t.Fatalf("body not UTF-8: code %q, want invalid_utf8", e.Code)
				}
				return
			}
			if _, dup := DuplicateKey(body); dup {
				if e.Code != "duplicate_member" {
					t.Fatalf("a member named twice: code %q, want duplicate_member", e.Code)
				}
				return
			}
			// The checks run in this order: subject, data, mixing forms.
			s, hasSubject := top["subject"]
			_, subjectIsString := s.(string)
			d, hasData := top["data"]
			_, dataIsObject := d.(map[string]any)
			switch {
			case hasSubject && s != nil && !subjectIsString:
				if e.Code != "invalid_subject" {
					t.Fatalf("subject %T: code %q, want invalid_subject", s, e.Code)
				}
			case hasData && !dataIsObject:
				if e.Code != "invalid_data" {
					t.Fatalf("data %T: code %q, want invalid_data", d, e.Code)
				}
			case hasData:
				if e.Code != "invalid_body" {
					t.Fatalf("mixed body: code %q, want invalid_body", e.Code)
				}
				extra := len(top) - 1
				if hasSubject {
					extra--
				}
				if extra == 0 {
					t.Fatalf("invalid_body for a body with only data and subject")
				}
			default:
				t.Fatalf("valid top-level object rejected: %v", e)
			}
			return
		}

		if !isObject {
			t.Fatalf("accepted a body that is not a single JSON object")
		}
		if _, dup := DuplicateKey(body); dup || !utf8.Valid(body) {
			t.Fatalf("accepted a body that is not UTF-8 or names a member twice")
		}
		if in.Data == nil {
			t.Fatalf("success with nil Data")
		}
		if !fuzzNoFloats(in.Data) {
			t.Fatalf("Data holds a float64; numbers must stay json.Number")
		}
		switch s := top["subject"].(type) {
		case string:
			if in.Subject != s {
				t.Fatalf("Subject %q, want %q", in.Subject, s)
			}
		case nil:
			if in.Subject != "" {
				t.Fatalf("Subject %q for an absent or null subject", in.Subject)
			}
		default:
			t.Fatalf("accepted a %T subject", s)
		}
		if d, dataForm := top["data"]; dataForm {
			for k := range top {
				if k != "data" && k != "subject" {
					t.Fatalf("data form accepted with extra top-level key %q", k)
				}
			}
			if !reflect.DeepEqual(in.Data, d) {
				t.Fatalf("data form: Data %#v, want the inner object %#v", in.Data, d)
			}
		} else {
			for _, k := range []string{"subject", "data", "id"} {
				if _, ok := in.Data[k]; ok {
					t.Fatalf("top-level form: Data holds reserved key %q", k)
				}
			}
			want := map[string]any{}
			for k, v := range top {
				if k != "subject" && k != "id" {
					want[k] = v
				}
			}
			if !reflect.DeepEqual(in.Data, want) {
				t.Fatalf("top-level form: Data %#v, want %#v", in.Data, want)
			}
		}

		// Re-sending the decoded input in the data form gives it back.
		again, err := json.Marshal(map[string]any{"subject": in.Subject, "data": in.Data})
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		in2, err := DecodeInput(again)
		if err != nil {
			t.Fatalf("re-decode %s: %v", again, err)
		}
		if in2.Subject != in.Subject || !reflect.DeepEqual(in2.Data, in.Data) {
			t.Fatalf("re-decode of %s: got %#v, want %#v", again, in2, in)
		}
	})
}

// fuzzSealedFields builds a sealed-field map from fuzz bytes: repeatedly a length
// byte n, a name of 1+n%16 bytes, a length byte c and a ciphertext of c
// bytes (both cut short at the end of the input). Names are never empty.
func fuzzSealedFields(b []byte) map[string][]byte {
	m := map[string][]byte{}
	for len(b) > 0 {
		n := 1 + int(b[0]%16)
		b = b[1:]
		if len(b) == 0 {
			break
		}
		n = min(n, len(b))
		name := string(b[:n])
		b = b[n:]
		var ct []byte
		if len(b) > 0 {
			c := min(int(b[0]), len(b)-1)
			ct = b[1 : 1+c]
			b = b[1+c:]
		}
		m[name] = ct
	}
	return m
}

func sealedEqual(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

// sealedBoundaries returns the offsets in encodeSealed(m) at which a field
// ends (plus 1, the end of the format byte), i.e. the only prefixes that
// are themselves valid encodings.
func sealedBoundaries(m map[string][]byte) []int {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	off := []int{1}
	at := 1
	var tmp [binary.MaxVarintLen64]byte
	for _, n := range names {
		at += binary.PutUvarint(tmp[:], uint64(len(n))) + len(n)
		at += binary.PutUvarint(tmp[:], uint64(len(m[n]))) + len(m[n])
		off = append(off, at)
	}
	return off
}

// FuzzDecodeSealed checks that decodeSealed never panics and only returns
// errCorruptSealed; that whatever it accepts re-encodes to something that
// decodes the same; that decodeSealed(encodeSealed(m)) == m for maps built
// from the input; and that it rejects a wrong format byte, a duplicated
// field and every truncation that does not fall on a field boundary.
func FuzzDecodeSealed(f *testing.F) {
	f.Add([]byte{sealedFormat})
	f.Add(encodeSealed(map[string][]byte{"email": []byte("ct-1"), "họ_tên": []byte("ct-2")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Arbitrary bytes.
		got, err := decodeSealed(data)
		if err != nil {
			if !errors.Is(err, errCorruptSealed) {
				t.Fatalf("error %v is not errCorruptSealed", err)
			}
			if got != nil {
				t.Fatalf("error with a non-nil map")
			}
		} else {
			if len(data) == 0 || data[0] != sealedFormat {
				t.Fatalf("accepted input without the format byte")
			}
			for n := range got {
				if n == "" {
					t.Fatalf("accepted an empty field name")
				}
			}
			again, err := decodeSealed(encodeSealed(got))
			if err != nil || !sealedEqual(again, got) {
				t.Fatalf("re-encoding an accepted record: %v, %v != %v", err, again, got)
			}
		}

		// Round trip of a map built from the input.
		m := fuzzSealedFields(data)
		enc := encodeSealed(m)
		dec, err := decodeSealed(enc)
		if err != nil {
			t.Fatalf("decodeSealed(encodeSealed(%q)): %v", m, err)
		}
		if !sealedEqual(dec, m) {
			t.Fatalf("round trip: got %q, want %q", dec, m)
		}
		if !bytes.Equal(encodeSealed(dec), enc) {
			t.Fatalf("encodeSealed is not deterministic")
		}

		// Wrong format byte.
		bad := slices.Clone(enc)
		for _, fb := range []byte{0, sealedFormat + 1, 0xff, firstByteOr0(data)} {
			if fb == sealedFormat {
				continue
			}
			bad[0] = fb
			if _, err := decodeSealed(bad); err == nil {
				t.Fatalf("accepted format byte %#x", fb)
			}
		}

		// Truncation: only prefixes ending on a field boundary decode, to
		// fewer fields.
		if len(enc) <= 4096 {
			bounds := sealedBoundaries(m)
			for i := 0; i < len(enc); i++ {
				p, err := decodeSealed(enc[:i])
				k := slices.Index(bounds, i)
				if k < 0 {
					if err == nil {
						t.Fatalf("accepted truncation to %d of %d bytes", i, len(enc))
					}
					continue
				}
				if err != nil || len(p) != k {
					t.Fatalf("prefix of %d whole fields: %d fields, %v", k, len(p), err)
				}
				for n, ct := range p {
					if !bytes.Equal(ct, m[n]) {
						t.Fatalf("prefix field %q: %q, want %q", n, ct, m[n])
					}
				}
			}
		}

		// Duplicates: repeating any field's encoding is rejected.
		if len(m) > 0 {
			bounds := sealedBoundaries(m)
			for i := 0; i+1 < len(bounds); i++ {
				field := enc[bounds[i]:bounds[i+1]]
				dup := append(slices.Clone(enc), field...)
				if _, err := decodeSealed(dup); err == nil {
					t.Fatalf("accepted a duplicated field %q", field)
				}
			}
		}
	})
}

func firstByteOr0(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// FuzzCollectionValidate decodes arbitrary JSON into a Collection and
// validates it. It checks that Validate never panics, that rejections are
// Unprocessable *apperr.Errors, and that an accepted collection satisfies
// every rule: name and kind, 1..200 fields with valid, unreserved, unique
// names, known types and formats, known categories, purposes, sensitivity,
// indexes only on indexable types; and that it still validates after the
// JSON round trip it goes through when stored.
func FuzzCollectionValidate(f *testing.F) {
	f.Add([]byte(`{"name":"customers","kind":"persons","fields":[{"name":"email","type":"email","category":"user.contact.email","purposes":["support"],"unique":true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Collection
		if json.Unmarshal(data, &c) != nil {
			return
		}
		err := c.Validate()
		if err != nil {
			e, ok := err.(*apperr.Error)
			if !ok {
				t.Fatalf("error %T %v is not *apperr.Error", err, err)
			}
			if e.Kind != apperr.Unprocessable || e.Code == "" || e.Message == "" {
				t.Fatalf("error %+v: want kind Unprocessable with a code and message", e)
			}
			return
		}
		checkValidCollection(t, &c)
		stored, err := json.Marshal(&c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var c2 Collection
		if err := json.Unmarshal(stored, &c2); err != nil {
			t.Fatalf("unmarshal %s: %v", stored, err)
		}
		if err := c2.Validate(); err != nil {
			t.Fatalf("stored form %s no longer validates: %v", stored, err)
		}
		checkValidCollection(t, &c2)
	})
}

func checkValidCollection(t *testing.T, c *Collection) {
	t.Helper()
	if !collectionName.MatchString(c.Name) {
		t.Fatalf("accepted collection name %q", c.Name)
	}
	if c.Kind != KindPersons && c.Kind != KindData {
		t.Fatalf("accepted kind %q", c.Kind)
	}
	if len(c.Fields) == 0 || len(c.Fields) > 200 {
		t.Fatalf("accepted %d fields", len(c.Fields))
	}
	seen := map[string]bool{}
	for i := range c.Fields {
		fd := &c.Fields[i]
		if !fieldName.MatchString(fd.Name) {
			t.Fatalf("accepted field name %q", fd.Name)
		}
		if slices.Contains(reservedFields, fd.Name) {
			t.Fatalf("accepted reserved field name %q", fd.Name)
		}
		if seen[fd.Name] {
			t.Fatalf("accepted duplicate field %q", fd.Name)
		}
		seen[fd.Name] = true
		if got, ok := c.Field(fd.Name); !ok || got != fd {
			t.Fatalf("Field(%q) does not find field %d", fd.Name, i)
		}
		if typ, err := fieldtype.Parse(string(fd.Type)); err != nil || typ != fd.Type {
			t.Fatalf("field %q: accepted type %q", fd.Name, fd.Type)
		}
		if err := fieldtype.ValidateFormat(fd.Type, fd.Format); err != nil {
			t.Fatalf("field %q: accepted format %q: %v", fd.Name, fd.Format, err)
		}
		if !KnownCategory(fd.Category) {
			t.Fatalf("field %q: accepted category %q", fd.Name, fd.Category)
		}
		if len(fd.Purposes) == 0 {
			t.Fatalf("field %q: accepted no purposes", fd.Name)
		}
		for _, p := range fd.Purposes {
			if !purposeName.MatchString(p) {
				t.Fatalf("field %q: accepted purpose %q", fd.Name, p)
			}
		}
		if fd.Lookup() && !fd.Type.Indexable() {
			t.Fatalf("field %q: accepted an index on type %q", fd.Name, fd.Type)
		}
		if !slices.Contains(sensitivities, fd.Sensitivity) {
			t.Fatalf("field %q: accepted sensitivity %q", fd.Name, fd.Sensitivity)
		}
	}
}
