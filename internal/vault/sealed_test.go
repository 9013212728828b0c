package vault

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealedRoundTrip(t *testing.T) {
	long := bytes.Repeat([]byte{0x5a}, 300) // needs a two-byte length
	tests := []struct {
		name   string
		fields map[string][]byte
	}{
		{"empty", map[string][]byte{}},
		{"one field", map[string][]byte{"email": []byte("ciphertext")}},
		{"several fields", map[string][]byte{"phone": {1, 2, 3}, "email": {4}, "address": {0, 0, 0, 0}}},
		{"empty ciphertext", map[string][]byte{"note": {}}},
		{"long ciphertext", map[string][]byte{"note": long, "a": {1}}},
		{"unicode names", map[string][]byte{"họ_tên": []byte("Nguyễn Văn An"), "địa_chỉ": {0xff, 0x00}}},
		{"binary name", map[string][]byte{"\x00\xff": {1}}},
		{"long name", map[string][]byte{string(long): {1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := encodeSealed(tt.fields)
			if enc[0] != sealedFormat {
				t.Fatalf("format byte %#x, want %#x", enc[0], sealedFormat)
			}
			got, err := decodeSealed(enc)
			if err != nil {
				t.Fatalf("decodeSealed: %v", err)
			}
			if !sealedEqual(got, tt.fields) {
				t.Fatalf("got %q, want %q", got, tt.fields)
			}
			if !bytes.Equal(encodeSealed(got), enc) {
				t.Fatalf("re-encoding differs")
			}
		})
	}
}

func TestEncodeSealedLayout(t *testing.T) {
	// Fields are written in name order, whatever the map order.
	got := encodeSealed(map[string][]byte{"b": []byte("22"), "a": []byte("1")})
	want := []byte{sealedFormat, 1, 'a', 1, '1', 1, 'b', 2, '2', '2'}
	if !bytes.Equal(got, want) {
		t.Fatalf("encodeSealed = %v, want %v", got, want)
	}
	if got := encodeSealed(nil); !bytes.Equal(got, []byte{sealedFormat}) {
		t.Fatalf("encodeSealed(nil) = %v, want just the format byte", got)
	}
}

func TestDecodeSealedAcceptsUnsortedFields(t *testing.T) {
	got, err := decodeSealed([]byte{sealedFormat, 1, 'b', 1, 'x', 1, 'a', 0})
	if err != nil {
		t.Fatal(err)
	}
	if !sealedEqual(got, map[string][]byte{"a": {}, "b": []byte("x")}) {
		t.Fatalf("got %q", got)
	}
}

func TestDecodeSealedCorrupt(t *testing.T) {
	valid := encodeSealed(map[string][]byte{"email": []byte("ct")})
	tests := []struct {
		name string
		in   []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"format byte 0", []byte{0}},
		{"format byte 2", append([]byte{2}, valid[1:]...)},
		{"format byte 0xff", append([]byte{0xff}, valid[1:]...)},
		{"name length truncated varint", []byte{sealedFormat, 0x80}},
		{"name longer than input", []byte{sealedFormat, 5, 'e', 'm'}},
		{"name length overflows uint64", []byte{sealedFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"name length max uint64", []byte{sealedFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'a'}},
		{"empty name", []byte{sealedFormat, 0, 1, 'x'}},
		{"name without ciphertext", []byte{sealedFormat, 1, 'a'}},
		{"ciphertext length truncated varint", []byte{sealedFormat, 1, 'a', 0x80}},
		{"ciphertext longer than input", []byte{sealedFormat, 1, 'a', 3, 'x', 'y'}},
		{"ciphertext length overflow", []byte{sealedFormat, 1, 'a', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"ciphertext length 2^63", []byte{sealedFormat, 1, 'a', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
		{"last byte cut", valid[:len(valid)-1]},
		{"trailing byte", append(append([]byte{}, valid...), 7)},
		{"duplicate names", []byte{sealedFormat, 1, 'a', 1, 'x', 1, 'a', 1, 'y'}},
		{"duplicate names apart", []byte{sealedFormat, 1, 'a', 0, 1, 'b', 0, 1, 'a', 0}},
		{"duplicate unicode names", append(append([]byte{}, encodeSealed(map[string][]byte{"họ_tên": {1}})...), encodeSealed(map[string][]byte{"họ_tên": {2}})[1:]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeSealed(tt.in)
			if !errors.Is(err, errCorruptSealed) {
				t.Fatalf("decodeSealed(%v) = %q, %v; want errCorruptSealed", tt.in, got, err)
			}
			if got != nil {
				t.Fatalf("non-nil map with an error: %q", got)
			}
		})
	}
}
