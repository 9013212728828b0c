package store

import (
	"bytes"
	"errors"
	"testing"

	"custodia/internal/vault"
)

func TestIndexRoundTrip(t *testing.T) {
	mac := bytes.Repeat([]byte{0xab}, 32)
	long := bytes.Repeat([]byte{0x01}, 200) // needs a two-byte length
	tests := []struct {
		name string
		idx  []vault.IndexEntry
	}{
		{"none", nil},
		{"one unique", []vault.IndexEntry{{Field: "email", MAC: mac, Unique: true}}},
		{"one indexed", []vault.IndexEntry{{Field: "phone", MAC: mac}}},
		{"several in order", []vault.IndexEntry{{Field: "phone", MAC: mac}, {Field: "email", MAC: mac[:16], Unique: true}, {Field: "cccd", MAC: mac[:1]}}},
		{"same field twice", []vault.IndexEntry{{Field: "tag", MAC: []byte{1}}, {Field: "tag", MAC: []byte{2}}}},
		{"empty field and mac", []vault.IndexEntry{{}}},
		{"long mac and field", []vault.IndexEntry{{Field: string(long), MAC: long, Unique: true}}},
		{"unicode field", []vault.IndexEntry{{Field: "số_điện_thoại", MAC: mac}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := encodeIndex(tt.idx)
			got, err := decodeIndex(enc)
			if err != nil {
				t.Fatalf("decodeIndex: %v", err)
			}
			if !entriesEqual(got, tt.idx) {
				t.Fatalf("got %v, want %v", got, tt.idx)
			}
			if !bytes.Equal(encodeIndex(got), enc) {
				t.Fatalf("re-encoding differs")
			}
		})
	}
}

func TestEncodeIndexLayout(t *testing.T) {
	got := encodeIndex([]vault.IndexEntry{{Field: "e", MAC: []byte{9, 8}, Unique: true}, {Field: "p", MAC: []byte{7}}})
	want := []byte{1, 1, 'e', 2, 9, 8, 0, 1, 'p', 1, 7}
	if !bytes.Equal(got, want) {
		t.Fatalf("encodeIndex = %v, want %v", got, want)
	}
	if got := encodeIndex(nil); len(got) != 0 {
		t.Fatalf("encodeIndex(nil) = %v, want empty", got)
	}
}

func TestDecodeIndexEmpty(t *testing.T) {
	for _, in := range [][]byte{nil, {}} {
		got, err := decodeIndex(in)
		if err != nil || len(got) != 0 {
			t.Fatalf("decodeIndex(%v) = %v, %v; want no entries", in, got, err)
		}
	}
}

func TestDecodeIndexCorrupt(t *testing.T) {
	valid := encodeIndex([]vault.IndexEntry{{Field: "email", MAC: []byte{1, 2, 3}, Unique: true}})
	tests := []struct {
		name string
		in   []byte
	}{
		{"flag 2", []byte{2, 1, 'a', 1, 9}},
		{"flag 0xff", []byte{0xff, 1, 'a', 1, 9}},
		{"bad flag in second entry", append(append([]byte{}, valid...), 2, 1, 'a', 1, 9)},
		{"flag only", []byte{1}},
		{"field length truncated varint", []byte{0, 0x80}},
		{"field longer than input", []byte{0, 5, 'e', 'm'}},
		{"field length overflows uint64", []byte{0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"field length max uint64", []byte{0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'a'}},
		{"field without mac", []byte{0, 1, 'a'}},
		{"mac length truncated varint", []byte{0, 1, 'a', 0x80}},
		{"mac longer than input", []byte{0, 1, 'a', 3, 1, 2}},
		{"mac length 2^63", []byte{0, 1, 'a', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
		{"last byte cut", valid[:len(valid)-1]},
		{"trailing flag", append(append([]byte{}, valid...), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeIndex(tt.in)
			if !errors.Is(err, errCorruptIndex) {
				t.Fatalf("decodeIndex(%v) = %v, %v; want errCorruptIndex", tt.in, got, err)
			}
			if got != nil {
				t.Fatalf("entries with an error: %v", got)
			}
		})
	}
}
