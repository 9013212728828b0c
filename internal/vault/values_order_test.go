package vault

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/keys"
)

// TestValuesFaultOrder: a record with several faults always gets the same
// answer: an undeclared field first (the first by name), then the first
// declared field in schema order whose value is bad (QA: an import's
// reject code for a row with a bad phone and a bad date changed from run
// to run).
func TestValuesFaultOrder(t *testing.T) {
	kr, _, err := keys.Open(filepath.Join(t.TempDir(), "k"), true)
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, kr, Options{})
	var c Collection
	if err := json.Unmarshal([]byte(`{"name":"customers","kind":"persons","fields":[
		{"name":"email","type":"email","category":"user.contact.email","purposes":["support"]},
		{"name":"phone","type":"phone","category":"user.contact.phone_number","purposes":["support"]},
		{"name":"birth","type":"date","category":"user.demographic.date_of_birth","purposes":["support"]}]}`), &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data map[string]any
		code string
	}{
		"bad phone and bad date": {map[string]any{"birth": "2001-02-30", "phone": "12345", "email": "ok@example.com"}, "invalid_phone"},
		"unknown and bad values": {map[string]any{"zeta": "x", "alpha": "y", "phone": "12345"}, "unknown_field"},
	} {
		for range 50 {
			_, _, err := s.values(&c, tc.data, false)
			if apperr.CodeOf(err) != tc.code {
				t.Fatalf("%s: %v, want %s every time", name, err, tc.code)
			}
			if tc.code == "unknown_field" && err.(*apperr.Error).Message != `field "alpha" is not declared in this collection` {
				t.Fatalf("%s: %v, want the first undeclared field by name", name, err)
			}
		}
	}
}
