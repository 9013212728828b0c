package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"testing"
)

// FuzzCSVReaderMatchesEncodingCSV: csvReader splits records and cells
// exactly as encoding/csv does with LazyQuotes and variable fields, and
// starts each record on the same line.
func FuzzCSVReaderMatchesEncodingCSV(f *testing.F) {
	for _, seed := range []string{
		"a,b,c\n1,2,3\n", "a,\"b\nc\",d\r\n\r\n1,\"x\"\"y\",3,4\n", "\"unterminated,x\n", "a,b\"c,\"d\"e\",f\n",
		"\"a\"\"\",\"\"\n,,\n", "x\r\ny\rz\n", "\"q\r\nr\"\n", "a;b\n", "\"\"\"\n",
	} {
		f.Add([]byte(seed), byte(','))
	}
	f.Add([]byte("a;b;\"c;d\"\n"), byte(';'))
	f.Fuzz(func(t *testing.T, data []byte, comma byte) {
		if comma == '"' || comma == '\n' || comma == '\r' || comma >= 0x80 || comma == 0 {
			return
		}
		std := csv.NewReader(bytes.NewReader(data))
		std.Comma = rune(comma)
		std.LazyQuotes = true
		std.FieldsPerRecord = -1
		ours := newCSVReader(bufio.NewReaderSize(bytes.NewReader(data), 16), comma, 1<<20)
		for n := 0; ; n++ {
			want, werr := std.Read()
			got, gerr := ours.read()
			if errors.Is(werr, io.EOF) || errors.Is(gerr, io.EOF) {
				if !errors.Is(werr, io.EOF) || !errors.Is(gerr, io.EOF) {
					t.Fatalf("record %d: encoding/csv %q %v, ours %q %v", n, want, werr, got, gerr)
				}
				return
			}
			if werr != nil {
				return // a malformed input encoding/csv refuses (e.g. invalid UTF-8 is fine; bare \r rules)
			}
			if gerr != nil {
				t.Fatalf("record %d: ours failed: %v (encoding/csv %q)", n, gerr, want)
			}
			if !slices.Equal(want, cellStrings(got)) {
				t.Fatalf("record %d: encoding/csv %q, ours %q", n, want, cellStrings(got))
			}
			if line, _ := std.FieldPos(0); line != ours.start {
				t.Fatalf("record %d starts on line %d, ours %d", n, line, ours.start)
			}
		}
	})
}
