package source

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
)

// xrefStreamPDF writes a PDF file whose cross-reference section is a
// stream: objs[n] is object n, written in the file, and packed[n] = {s, i}
// makes object n the i-th object of the object stream s. root is the
// catalog; trailer holds more trailer entries.
func xrefStreamPDF(objs map[int]string, packed map[int][2]int, root int, trailer string) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	size := 0
	for n := range objs {
		size = max(size, n+1)
	}
	for n := range packed {
		size = max(size, n+1)
	}
	xref := size
	size++
	offsets := make(map[int]int)
	for n := 1; n < size; n++ {
		if o, ok := objs[n]; ok {
			offsets[n] = buf.Len()
			fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", n, o)
		}
	}
	offsets[xref] = buf.Len()
	var data bytes.Buffer
	for n := range size {
		var row [7]byte // /W [1 4 2]
		if off, ok := offsets[n]; ok {
			row[0] = 1
			binary.BigEndian.PutUint32(row[1:5], uint32(off))
		} else if p, ok := packed[n]; ok {
			row[0] = 2
			binary.BigEndian.PutUint32(row[1:5], uint32(p[0]))
			binary.BigEndian.PutUint16(row[5:7], uint16(p[1]))
		}
		data.Write(row[:])
	}
	fmt.Fprintf(&buf, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R %s /Length %d >>\nstream\n%s\nendstream\nendobj\n",
		xref, size, root, trailer, data.Len(), data.String())
	fmt.Fprintf(&buf, "startxref\n%d\n%%%%EOF\n", offsets[xref])
	return buf.Bytes()
}

// pdfObjStm returns an object stream holding objs, each "number body",
// with more dictionary entries; crypt, when not nil, encrypts its data.
func pdfObjStm(more string, crypt func(string) string, objs ...string) string {
	var head, body strings.Builder
	for _, o := range objs {
		num, rest, _ := strings.Cut(o, " ")
		fmt.Fprintf(&head, "%s %d ", num, body.Len())
		body.WriteString(rest + "\n")
	}
	data := head.String() + body.String()
	if crypt != nil {
		data = crypt(data)
	}
	return pdfStreamObject(fmt.Sprintf("/Type /ObjStm /N %d /First %d %s", len(objs), head.Len(), more), data)
}

// objStmPDF builds a one-page PDF whose page, object 3, is held by the
// object stream 5; page is the page's dictionary, and more, when not nil,
// changes the objects and the packing. With encrypted, the file is
// encrypted by pdfSecurity("").
func objStmPDF(encrypted bool, page string, more func(objs map[int]string, packed map[int][2]int, crypt func(int, string) string)) []byte {
	crypt := func(_ int, s string) string { return s }
	trailer := ""
	objs := map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 6 0 R >> >> >>",
		6: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	if encrypted {
		key, dict, id := pdfSecurity("")
		crypt = func(n int, s string) string { return pdfRC4(key, n, s) }
		objs[7] = dict
		trailer = fmt.Sprintf("/Encrypt 7 0 R /ID [<%x> <%x>]", id, id)
	}
	objs[4] = pdfStreamObject("", crypt(4, "BT /F1 12 Tf 72 700 Td (in an object stream) Tj ET"))
	objs[5] = pdfObjStm("", func(s string) string { return crypt(5, s) }, "3 "+page)
	packed := map[int][2]int{3: {5, 0}}
	if more != nil {
		more(objs, packed, crypt)
	}
	return xrefStreamPDF(objs, packed, 1, trailer)
}

// pdfPageDict is the dictionary of the page of objStmPDF.
const pdfPageDict = "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"

// scanWithin reads data as a file called name in another goroutine, and
// fails the test when that takes over limit (the library would loop
// forever on files the guards miss).
func scanWithin(t *testing.T, limit time.Duration, name string, data []byte) got {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, name), data)
	type result struct {
		g   got
		err error
	}
	done := make(chan result, 1)
	go func() {
		var g got
		err := Walk(context.Background(), []string{dir}, Options{}, func(u Unit) error {
			u.Text = append([]byte(nil), u.Text...)
			g.units = append(g.units, u)
			return nil
		}, func(e FileError) { g.errs = append(g.errs, e) })
		done <- result{g, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Walk: %v", r.err)
		}
		return r.g
	case <-time.After(limit):
		t.Fatalf("%s: not read within %v", name, limit)
	}
	return got{}
}

func TestPDFLibraryXref(t *testing.T) {
	data := objStmPDF(false, pdfPageDict, nil)
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	xt, ok := libraryXref(r)
	if !ok {
		t.Fatal("the library's cross-reference table is not laid out as known: the object stream checks are off")
	}
	if xt.len() != 8 {
		t.Fatalf("%d entries", xt.len())
	}
	if e := xt.at(3); !e.inStream || e.stream != 5 || e.ptr != (pdfRef{id: 3}) {
		t.Errorf("entry 3: %+v", e)
	}
	if e := xt.at(5); e.inStream || e.offset == 0 || !xt.inFile(pdfRef{id: 5}) || xt.compressed(5) || !xt.compressed(3) {
		t.Errorf("entry 5: %+v", e)
	}
}

func TestPDFObjectStreams(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		name := fmt.Sprintf("objstm-%v.pdf", encrypted)
		g := scanWithin(t, 5*time.Second, name, objStmPDF(encrypted, pdfPageDict, nil))
		checkPDFUnits(t, g, name+"|1|page 1|in an object stream\n")
	}
	// A stream that extends another, which holds the page.
	g := scanWithin(t, 5*time.Second, "extends.pdf", objStmPDF(false, pdfPageDict,
		func(objs map[int]string, packed map[int][2]int, _ func(int, string) string) {
			objs[8] = pdfObjStm("/Extends 5 0 R", nil, "9 << >>")
			packed[3], packed[9] = [2]int{8, 0}, [2]int{8, 0}
		}))
	checkPDFUnits(t, g, "extends.pdf|1|page 1|in an object stream\n")
}

func TestPDFObjectStreamGuards(t *testing.T) {
	cases := []struct {
		name, want string
		data       []byte
	}{{
		// The library's lexer would read white space past the end of the
		// stream's data forever.
		name: "hex.pdf", want: "object stream the PDF library cannot read safely",
		data: objStmPDF(false, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /X <41", nil),
	}, {
		// ... the same once the stream is decrypted.
		name: "hex-encrypted.pdf", want: "object stream the PDF library cannot read safely",
		data: objStmPDF(true, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /X <41", nil),
	}, {
		// The library would go round the /Extends loop for as long as its
		// read budget lasts, looking for the page.
		name: "extends-loop.pdf", want: "object streams extend each other in a loop",
		data: objStmPDF(false, pdfPageDict, func(objs map[int]string, packed map[int][2]int, _ func(int, string) string) {
			objs[5] = pdfObjStm("/Extends 8 0 R", nil, "9 << >>")
			objs[8] = pdfObjStm("/Extends 5 0 R", nil, "10 << >>")
		}),
	}, {
		// The library would recurse until the stack overflows, which
		// ends the program.
		name: "nested.pdf", want: "object stream held by an object stream",
		data: objStmPDF(false, pdfPageDict, func(objs map[int]string, packed map[int][2]int, _ func(int, string) string) {
			delete(objs, 5)
			packed[5] = [2]int{5, 1}
		}),
	}, {
		// The library would loop by /N, which the guard on the raw bytes
		// does not see through the reference.
		name: "indirect-n.pdf", want: "/Columns or /N value over the limit",
		data: objStmPDF(false, pdfPageDict, func(objs map[int]string, packed map[int][2]int, _ func(int, string) string) {
			objs[5] = strings.Replace(pdfObjStm("", nil, "9 << >>"), "/N 1", "/N 8 0 R", 1)
			objs[8] = "99999999999999"
		}),
	}, {
		// The check could not see the /Length by which the library would
		// cut the data inside a hex string: it is held by another stream.
		name: "length-ref.pdf", want: "object stream refers to an object held by an object stream",
		data: objStmPDF(false, pdfPageDict, func(objs map[int]string, packed map[int][2]int, _ func(int, string) string) {
			data := "3 0 " + strings.Replace(pdfPageDict, ">>", "/X <41> >>", 1)
			objs[5] = fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Length 9 0 R >>\nstream\n%s\nendstream", data)
			objs[8] = pdfObjStm("", nil, fmt.Sprintf("9 %d", strings.Index(data, "<41")+3))
			packed[9] = [2]int{8, 0}
		}),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := scanWithin(t, 5*time.Second, c.name, c.data)
			onlyPDFErr(t, g, c.name, "malformed PDF: "+c.want)
		})
	}
}
