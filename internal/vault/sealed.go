package vault

import (
	"encoding/binary"
	"errors"
	"sort"

	"custodia/internal/lenprefix"
)

// sealedFormat is the first byte of an encoded sealed record.
const sealedFormat = 1

// encodeSealed encodes field name -> ciphertext as: format byte, then for
// each field in name order, uvarint name length, name, uvarint ciphertext
// length, ciphertext.
func encodeSealed(fields map[string][]byte) []byte {
	names := make([]string, 0, len(fields))
	size := 1
	for n, ct := range fields {
		names = append(names, n)
		size += 2*binary.MaxVarintLen32 + len(n) + len(ct)
	}
	sort.Strings(names)
	out := make([]byte, 1, size)
	out[0] = sealedFormat
	for _, n := range names {
		out = lenprefix.Append(out, []byte(n))
		out = lenprefix.Append(out, fields[n])
	}
	return out
}

var errCorruptSealed = errors.New("corrupt sealed record")

// decodeSealed is the inverse of encodeSealed. It rejects truncated or
// oversize input and duplicate field names.
func decodeSealed(b []byte) (map[string][]byte, error) {
	if len(b) == 0 || b[0] != sealedFormat {
		return nil, errCorruptSealed
	}
	r := lenprefix.NewReader(b[1:])
	out := map[string][]byte{}
	for r.Len() > 0 {
		name, ok := r.Next()
		if !ok || len(name) == 0 {
			return nil, errCorruptSealed
		}
		ct, ok := r.Next()
		if !ok {
			return nil, errCorruptSealed
		}
		if _, dup := out[string(name)]; dup {
			return nil, errCorruptSealed
		}
		out[string(name)] = ct
	}
	return out, nil
}
