package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/; `go test` runs them
// as ordinary unit tests.

// fuzzIndexEntries builds index entries from fuzz bytes: repeatedly a byte whose
// low bit is the unique flag and whose other bits give a field length
// (0..15), the field, a MAC length byte and the MAC (both cut short at the
// end of the input).
func fuzzIndexEntries(b []byte) []vault.IndexEntry {
	var out []vault.IndexEntry
	for len(b) > 0 {
		h := b[0]
		b = b[1:]
		n := min(int(h>>1)%16, len(b))
		field := string(b[:n])
		b = b[n:]
		var mac []byte
		if len(b) > 0 {
			c := min(int(b[0]), len(b)-1)
			mac = b[1 : 1+c]
			b = b[1+c:]
		}
		out = append(out, vault.IndexEntry{Field: field, MAC: mac, Unique: h&1 == 1})
	}
	return out
}

func entriesEqual(a, b []vault.IndexEntry) bool {
	return slices.EqualFunc(a, b, func(x, y vault.IndexEntry) bool {
		return x.Field == y.Field && x.Unique == y.Unique && bytes.Equal(x.MAC, y.MAC)
	})
}

// indexBoundaries returns the offsets in encodeIndex(idx) at which an entry
// ends (plus 0): the only prefixes that are themselves valid encodings.
func indexBoundaries(idx []vault.IndexEntry) []int {
	off := []int{0}
	at := 0
	var tmp [binary.MaxVarintLen64]byte
	for _, e := range idx {
		at += 1 + binary.PutUvarint(tmp[:], uint64(len(e.Field))) + len(e.Field)
		at += binary.PutUvarint(tmp[:], uint64(len(e.MAC))) + len(e.MAC)
		off = append(off, at)
	}
	return off
}

// FuzzDecodeIndex checks that decodeIndex never panics and only returns
// errCorruptIndex; that what it accepts re-encodes to something that
// decodes the same; that decodeIndex(encodeIndex(e)) == e for entries
// built from the input; and that a bad flag byte and every truncation not
// on an entry boundary are rejected.
func FuzzDecodeIndex(f *testing.F) {
	f.Add([]byte{})
	f.Add(encodeIndex([]vault.IndexEntry{{Field: "email", MAC: bytes.Repeat([]byte{0xab}, 32), Unique: true}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeIndex(data)
		if err != nil {
			if !errors.Is(err, errCorruptIndex) {
				t.Fatalf("error %v is not errCorruptIndex", err)
			}
			if got != nil {
				t.Fatalf("error with non-nil entries")
			}
		} else {
			again, err := decodeIndex(encodeIndex(got))
			if err != nil || !entriesEqual(again, got) {
				t.Fatalf("re-encoding accepted entries: %v, %v != %v", err, again, got)
			}
		}

		idx := fuzzIndexEntries(data)
		enc := encodeIndex(idx)
		dec, err := decodeIndex(enc)
		if err != nil {
			t.Fatalf("decodeIndex(encodeIndex(%v)): %v", idx, err)
		}
		if !entriesEqual(dec, idx) {
			t.Fatalf("round trip: got %v, want %v", dec, idx)
		}
		if !bytes.Equal(encodeIndex(dec), enc) {
			t.Fatalf("encodeIndex is not deterministic")
		}

		bounds := indexBoundaries(idx)
		if bounds[len(bounds)-1] != len(enc) {
			t.Fatalf("encoding is %d bytes, want %d", len(enc), bounds[len(bounds)-1])
		}
		// A flag byte other than 0 or 1 is rejected.
		for i := 0; i+1 < len(bounds); i++ {
			bad := slices.Clone(enc)
			bad[bounds[i]] = 2 + data[0]%254
			if _, err := decodeIndex(bad); err == nil {
				t.Fatalf("accepted flag byte %#x in entry %d", bad[bounds[i]], i)
			}
		}
		if len(enc) > 4096 {
			return
		}
		for i := 0; i < len(enc); i++ {
			p, err := decodeIndex(enc[:i])
			k := slices.Index(bounds, i)
			if k < 0 {
				if err == nil {
					t.Fatalf("accepted truncation to %d of %d bytes", i, len(enc))
				}
				continue
			}
			if err != nil || !entriesEqual(p, idx[:k]) {
				t.Fatalf("prefix of %d whole entries: %v, %v", k, p, err)
			}
		}
	})
}

// restoreSpecs are the tables a restore decodes rows for: the data tables
// and the key store's.
func restoreSpecs() []tableSpec {
	return append(slices.Clone(backupTables), keyStoreSpec)
}

// specFor picks the table a FuzzDecodeRow input is decoded for: the one
// named, so seeds stay meaningful when tables are reordered, or else one
// chosen by the name's bytes.
func specFor(name string) tableSpec {
	specs := restoreSpecs()
	sum := 0
	for _, t := range specs {
		if t.name == name {
			return t
		}
	}
	for i := range len(name) {
		sum += int(name[i])
	}
	return specs[sum%len(specs)]
}

// FuzzDecodeRow runs the backup-restore row decoder over every table a
// restore reads (backupTables and keyStoreSpec). It checks that decodeRow
// never panics; that a rejection is the Invalid invalid_backup
// *apperr.Error, whose message does not echo the row; and that an accepted
// row has one value per column, each nil, int64 or string, except blob
// columns, which are []byte (or nil, SQL NULL).
func FuzzDecodeRow(f *testing.F) {
	for _, t := range restoreSpecs() {
		row := make([]any, len(t.columns))
		for j, c := range t.columns {
			switch {
			case t.blobs[c]:
				row[j] = base64.StdEncoding.EncodeToString([]byte("blob " + c))
			case t.isInteger(c):
				row[j] = 1767225600000000
			case floatColumns[c]:
				row[j] = 0.97
			default:
				row[j] = c + " value"
			}
		}
		raw, _ := json.Marshal(row)
		f.Add(t.name, raw)
	}
	f.Fuzz(func(t *testing.T, table string, raw []byte) {
		spec := specFor(table)
		vals, err := decodeRow(json.RawMessage(raw), spec)
		if err != nil {
			e, ok := err.(*apperr.Error)
			if !ok {
				t.Fatalf("error %T %v is not *apperr.Error", err, err)
			}
			if e.Kind != apperr.Invalid || e.Code != "invalid_backup" || e.Cause != nil {
				t.Fatalf("error %+v: want Invalid invalid_backup without a cause", e)
			}
			if len(raw) > 8 && strings.Contains(e.Error(), string(raw)) {
				t.Fatalf("error %q echoes the row", e.Error())
			}
			return
		}
		if len(vals) != len(spec.columns) {
			t.Fatalf("%s: %d values for %d columns", spec.name, len(vals), len(spec.columns))
		}
		for i, v := range vals {
			col := spec.columns[i]
			if spec.blobs[col] {
				if _, ok := v.([]byte); !ok && v != nil {
					t.Fatalf("%s.%s is a blob column but decoded to %T %v", spec.name, col, v, v)
				}
				continue
			}
			if _, isNum := v.(int64); isNum != spec.isInteger(col) && v != nil {
				t.Fatalf("%s.%s decoded to %T, against the column's type", spec.name, col, v)
			}
			if _, isFloat := v.(float64); isFloat != floatColumns[col] && v != nil {
				t.Fatalf("%s.%s decoded to %T, against the column's type", spec.name, col, v)
			}
			switch v.(type) {
			case nil, int64, float64, string:
			default:
				t.Fatalf("%s.%s decoded to %T %v", spec.name, col, v, v)
			}
		}
	})
}
