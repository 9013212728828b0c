// Package lenprefix encodes byte strings as uvarint length + bytes, the
// framing of Custodia's compact stored encodings (sealed records, a record's
// blind-index list). The reader rejects truncated and oversize lengths.
package lenprefix

import "encoding/binary"

// Append appends b to dst with its uvarint length before it.
func Append(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// Reader reads length-prefixed byte strings from a buffer.
type Reader struct{ b []byte }

// NewReader reads from b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Len returns how many bytes are left.
func (r *Reader) Len() int { return len(r.b) }

// Byte reads one raw byte.
func (r *Reader) Byte() (byte, bool) {
	if len(r.b) == 0 {
		return 0, false
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c, true
}

// Next reads one length-prefixed string; it reports false when the length
// is malformed or runs past the end. The result aliases the buffer.
func (r *Reader) Next() ([]byte, bool) {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		return nil, false
	}
	v := r.b[k : k+int(n)]
	r.b = r.b[k+int(n):]
	return v, true
}
