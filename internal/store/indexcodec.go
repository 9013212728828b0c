package store

import (
	"errors"

	"custodia/internal/lenprefix"
	"custodia/internal/vault"
)

// encodeIndex encodes a record's blind-index entries for its idx column:
// for each entry, a flags byte (1 = unique), uvarint field length, field,
// uvarint MAC length, MAC.
func encodeIndex(idx []vault.IndexEntry) []byte {
	out := []byte{} // never nil: the column is NOT NULL
	for _, e := range idx {
		flag := byte(0)
		if e.Unique {
			flag = 1
		}
		out = append(out, flag)
		out = lenprefix.Append(out, []byte(e.Field))
		out = lenprefix.Append(out, e.MAC)
	}
	return out
}

var errCorruptIndex = errors.New("corrupt record index list")

// decodeIndex is the inverse of encodeIndex.
func decodeIndex(b []byte) ([]vault.IndexEntry, error) {
	var out []vault.IndexEntry
	r := lenprefix.NewReader(b)
	for r.Len() > 0 {
		flag, _ := r.Byte()
		if flag > 1 {
			return nil, errCorruptIndex
		}
		field, ok := r.Next()
		if !ok {
			return nil, errCorruptIndex
		}
		mac, ok := r.Next()
		if !ok {
			return nil, errCorruptIndex
		}
		out = append(out, vault.IndexEntry{Field: string(field), MAC: mac, Unique: flag == 1})
	}
	return out, nil
}
