package source

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// fuzzLine is the line cap of the fuzz targets, small so that splitting
// and the record caps are exercised.
const fuzzLine = 32

// fuzzRead reads data as a file called name and checks what every reader
// promises: no panic, units within the line cap, non-blank, on lines from
// 1, and failures that are the file's, never the walk's.
func fuzzRead(t *testing.T, name string, data []byte) {
	opts := Options{MaxLineBytes: fuzzLine, MaxArchiveBytes: 64 << 20, MaxArchiveEntries: 1000}.withDefaults()
	s := &sink{ctx: context.Background(), path: name, maxLine: fuzzLine, opts: &opts,
		budget: &archiveBudget{entries: opts.MaxArchiveEntries, bytes: opts.MaxArchiveBytes},
		fn: func(u Unit) error {
			if len(u.Text) == 0 || len(u.Text) > fuzzLine {
				t.Fatalf("unit of %d bytes: %q", len(u.Text), u.Text)
			}
			if len(bytes.TrimSpace(u.Text)) == 0 {
				t.Fatalf("blank unit %q", u.Text)
			}
			if u.Line < 1 {
				t.Fatalf("line %d", u.Line)
			}
			if u.Path != name && !strings.HasPrefix(u.Path, name+"!") {
				t.Fatalf("path %q", u.Path)
			}
			return nil
		},
		onErr: func(e FileError) {
			if e.Reason == "" {
				t.Fatal("empty reason")
			}
		}}
	err := readAll(s, &input{br: bufio.NewReaderSize(bytes.NewReader(data), headLen), file: bytes.NewReader(data), size: int64(len(data)), name: name})
	var stop *stopError
	if errors.As(err, &stop) {
		t.Fatalf("a reader failed the walk: %v", err)
	}
}

// FuzzCSV: delimited text in any encoding, with or without header.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("\xef\xbb\xbfHọ tên;SĐT\r\nNguyễn Văn An;0912345678\r\n"))
	f.Add([]byte("\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00"))
	f.Add([]byte("a,\"b\nc\",d\n1,2,3,4\nx\n"))
	f.Add([]byte("a|b\n\"unterminated|x\n"))
	f.Add([]byte("Ho\xf2 t\xean;S\xd0T\n1;2\n"))
	f.Add([]byte("name\tnote\nAn\t5\" screen\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.csv", data) })
}

// FuzzJSON: JSON documents and NDJSON lines.
func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"contacts":[{"name":"An","phones":["0912",1e3]}],"ok":true}`))
	f.Add([]byte("[\"x\", {\"a.b\": {\"\": \"y\"}}]\n{\"z\": null}"))
	f.Add([]byte(`{"a": "\u00e9\n", "b": [[[[]]]]`))
	f.Add([]byte(`{"k": "` + string(bytes.Repeat([]byte("z"), 200)) + `"}`))
	f.Add([]byte("\xef\xbb\xbf{\"a\":1}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.json", data)
		fuzzRead(t, "f.ndjson", data)
	})
}

// FuzzHTML: markup, broken or not.
func FuzzHTML(f *testing.F) {
	f.Add([]byte("<!DOCTYPE html><p>Nguy&#7877;n <b>An</b></p><script>x<y</script>"))
	f.Add([]byte("<a title='x > y'>t</a><!-- c --><style>p{}</style >z"))
	f.Add([]byte("<p>a &amp b &#xZZ; &#99999999; < > <!x <?y ?> </ </script"))
	f.Add([]byte("<script>never closed"))
	f.Add([]byte("<div\nclass=\"a\nb\">line\ntwo</div>"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.html", data) })
}

// FuzzText: plain text in any encoding, and files of unknown kind.
func FuzzText(f *testing.F) {
	f.Add([]byte("first\r\n\r\nsecond line with words\nthird"))
	f.Add([]byte("ệệệệệệệệệệệệệệệệệệệệệệệệ"))
	f.Add([]byte("\xfe\xff\x00x\x00\n"))
	f.Add([]byte("Đi\xf2a chi\xd2\n"))
	f.Add([]byte("bin\x00ary"))
	f.Add([]byte("<!doctype html><p>sniffed</p>"))
	f.Add([]byte("\xff\xfeH\x00\t\x00N\x00\t\x00S\x00\r\x00\n\x00a\x00\t\x001\x00\t\x002\x00\r\x00\n\x00"))
	f.Add([]byte("H\tNg\u00e0y sinh\tS\n\"a\n b\"\t15/03/1985\t09\n\nc\t1\t2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.txt", data)
		fuzzRead(t, "f", data)
	})
}
