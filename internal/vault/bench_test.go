package vault

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"custodia/internal/keys"
)

// BenchmarkSealRecord is the CPU cost of validating and sealing a 4-field
// customer record under a new data key, with its blind indexes (no I/O).
func BenchmarkSealRecord(b *testing.B) {
	kr, _, err := keys.Open(filepath.Join(b.TempDir(), "k"), true)
	if err != nil {
		b.Fatal(err)
	}
	s := New(nil, kr, Options{})
	var c Collection
	if err := json.Unmarshal([]byte(`{"name":"customers","kind":"persons","fields":[
		{"name":"email","type":"email","category":"user.contact.email","purposes":["support"],"unique":true},
		{"name":"phone","type":"phone","category":"user.contact.phone_number","purposes":["support"],"indexed":true},
		{"name":"name","type":"name","category":"user.name","purposes":["support"]},
		{"name":"address","type":"address","category":"user.contact.address","purposes":["support"]}]}`), &c); err != nil {
		b.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		b.Fatal(err)
	}
	data := map[string]any{"email": "an.nguyen@example.com", "phone": "+84912345678", "name": "Nguyễn Văn An", "address": "12 Lê Lợi, Quận 1"}
	for b.Loop() {
		vals, _, err := s.values(&c, data, false)
		if err != nil {
			b.Fatal(err)
		}
		dek, _ := keys.NewDEK()
		fc, _ := dek.Cipher()
		if _, _, err := s.seal(&c, newID("rec_"), fc, vals); err != nil {
			b.Fatal(err)
		}
	}
}
