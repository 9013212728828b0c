package vault

import (
	"encoding/json"
	"testing"
)

func TestDuplicateKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"email":"a@b.example","email":"c@d.example"}`:             "email",
		`{"data":{"name":"A","phone":"1","name":"B"}}`:              "name",
		`{"a":{"x":1},"b":{"x":2},"c":[{"y":1},{"y":2}]}`:           "",
		`{"a":[{"y":1,"y":2}]}`:                                     "y",
		`{"a":"a","b":{"a":"a"},"c":["a","a"]}`:                     "",
		`{"a":{"b":{}},"a2":1,"a":2}`:                               "a",
		`not json`:                                                  "",
		`[1,2,3]`:                                                   "",
		`{"email":"x","nested":{"email":"y"},"list":[{"email":1}]}`: "",
		`{"em\u0061il":"x","email":"y"}`:                            "email",
		`{"a\"b":1,"a\"b":2}`:                                       "a\"b",
		`{"k":"va\"l","v":"k"}`:                                     "",
	} {
		got, ok := DuplicateKey([]byte(body))
		if got != want || ok != (want != "") {
			t.Errorf("DuplicateKey(%s) = %q %v, want %q", body, got, ok, want)
		}
	}
}

func BenchmarkDuplicateKey(b *testing.B) {
	body := []byte(`{"email":"person.1@example.com","phone":"+84912345678","name":"Nguyễn Văn An","address":"12 Lê Lợi, Quận 1"}`)
	for b.Loop() {
		DuplicateKey(body)
	}
}

func FuzzDuplicateKey(f *testing.F) {
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`{"a":[{"b":1}],"c":{"d":{"e":[]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		name, ok := DuplicateKey(b)
		// On a valid object, the answer agrees with the decoder's: a
		// repeated name makes it see fewer members than the scan did.
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || !ok {
			return
		}
		if _, has := m[name]; !has {
			t.Fatalf("DuplicateKey(%q) = %q, which the object does not hold", b, name)
		}
	})
}
