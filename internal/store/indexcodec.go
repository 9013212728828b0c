package store

import (
	"encoding/binary"
	"errors"

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
		out = binary.AppendUvarint(out, uint64(len(e.Field)))
		out = append(out, e.Field...)
		out = binary.AppendUvarint(out, uint64(len(e.MAC)))
		out = append(out, e.MAC...)
	}
	return out
}

var errCorruptIndex = errors.New("corrupt record index list")

// decodeIndex is the inverse of encodeIndex.
func decodeIndex(b []byte) ([]vault.IndexEntry, error) {
	var out []vault.IndexEntry
	next := func() ([]byte, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, false
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, true
	}
	for len(b) > 0 {
		flag := b[0]
		if flag > 1 {
			return nil, errCorruptIndex
		}
		b = b[1:]
		field, ok := next()
		if !ok {
			return nil, errCorruptIndex
		}
		mac, ok := next()
		if !ok {
			return nil, errCorruptIndex
		}
		out = append(out, vault.IndexEntry{Field: string(field), MAC: mac, Unique: flag == 1})
	}
	return out, nil
}
