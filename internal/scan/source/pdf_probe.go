package source

import (
	"bytes"
	"fmt"
	"io"
	"reflect"

	"github.com/ledongthuc/pdf"
)

// What the object stream checks (pdf_objstm.go) see of the file through
// the library: other readers of the file, with a cross-reference stream
// appended, and the library's cross-reference table.
//
// The library keeps the table to itself; it is read here, never changed,
// through reflection, for the checks must see the entries as the library
// merged them from the file's sections. The layout is checked before it
// is read: a library whose layout differs turns the checks off, and
// TestPDFLibraryXref fails.

// pdfRef is an object number and generation, as the library's objptr.
type pdfRef struct {
	id  uint32
	gen uint16
}

// pdfXrefEntry is an entry of the library's cross-reference table: an
// object in the file at offset, or one held by the object stream stream.
type pdfXrefEntry struct {
	ptr      pdfRef
	inStream bool
	stream   uint32
	offset   int64
}

// pdfXrefTable reads the entries of the library's table.
type pdfXrefTable struct {
	v                             reflect.Value // the table, a slice
	ptr, inStream, stream, offset int           // the indexes of the fields of an entry
}

// libraryXref returns the cross-reference table of r, and false when the
// library's layout is not the one known.
func libraryXref(r *pdf.Reader) (pdfXrefTable, bool) {
	x := pdfXrefTable{v: reflect.ValueOf(r).Elem().FieldByName("xref")}
	if x.v.Kind() != reflect.Slice || x.v.Type().Elem().Kind() != reflect.Struct {
		return pdfXrefTable{}, false
	}
	t := x.v.Type().Elem()
	field := func(name string, ok func(reflect.Type) bool) int {
		if f, found := t.FieldByName(name); found && len(f.Index) == 1 && ok(f.Type) {
			return f.Index[0]
		}
		return -1
	}
	kind := func(k reflect.Kind) func(reflect.Type) bool {
		return func(t reflect.Type) bool { return t.Kind() == k }
	}
	x.ptr, x.stream = field("ptr", isLibraryRef), field("stream", isLibraryRef)
	x.inStream, x.offset = field("inStream", kind(reflect.Bool)), field("offset", kind(reflect.Int64))
	if x.ptr < 0 || x.stream < 0 || x.inStream < 0 || x.offset < 0 {
		return pdfXrefTable{}, false
	}
	return x, true
}

// isLibraryRef reports whether t is laid out as the library's objptr.
func isLibraryRef(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() == 2 &&
		t.Field(0).Name == "id" && t.Field(0).Type.Kind() == reflect.Uint32 &&
		t.Field(1).Name == "gen" && t.Field(1).Type.Kind() == reflect.Uint16
}

// len returns the number of entries.
func (x pdfXrefTable) len() int { return x.v.Len() }

// at returns entry i.
func (x pdfXrefTable) at(i int) pdfXrefEntry {
	e := x.v.Index(i)
	p := e.Field(x.ptr)
	return pdfXrefEntry{
		ptr:      pdfRef{id: uint32(p.Field(0).Uint()), gen: uint16(p.Field(1).Uint())},
		inStream: e.Field(x.inStream).Bool(),
		stream:   uint32(e.Field(x.stream).Field(0).Uint()),
		offset:   e.Field(x.offset).Int(),
	}
}

// compressed reports whether the object numbered id, of any generation,
// is held by an object stream: the library looks it up there.
func (x pdfXrefTable) compressed(id uint32) bool {
	return int64(id) < int64(x.len()) && x.at(int(id)).inStream
}

// inFile reports whether the library reads the object ref from the file
// itself, as its resolve does: an entry of that number and generation,
// not held by an object stream, at an offset other than 0.
func (x pdfXrefTable) inFile(ref pdfRef) bool {
	if int64(ref.id) >= int64(x.len()) {
		return false
	}
	e := x.at(int(ref.id))
	return e.ptr == ref && !e.inStream && e.offset != 0
}

// probe opens another reader of the file, with a cross-reference stream
// appended whose dictionary is dict and whose data is data, before the
// file's last section at prev. It returns nil when the library cannot open
// it (left to the file's own reader to report), and the guards' errors.
func (d *pdfDoc) probe(size, prev int64, dict string, data []byte) (*pdfDoc, error) {
	var tail bytes.Buffer
	tail.WriteString("\n")
	at := size + int64(tail.Len())
	fmt.Fprintf(&tail, "0 0 obj\n<<%s /Type /XRef /Prev %d /Length %d>>\nstream\n", dict, prev, len(data))
	tail.Write(data)
	fmt.Fprintf(&tail, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", at)
	p := &pdfDoc{s: d.s, src: newPDFSource(&pdfAppended{r: d.src.r, size: size, tail: tail.Bytes()})}
	err := p.call(func() error {
		r, err := pdf.NewReader(p.src, size+int64(tail.Len()))
		p.r = r
		return err
	})
	if err != nil {
		return nil, pdfOwn(err)
	}
	return p, nil
}

// pdfAppended is the first size bytes of r followed by tail.
type pdfAppended struct {
	r    io.ReaderAt
	size int64
	tail []byte
}

// ReadAt reads from the file, then from the tail.
func (a *pdfAppended) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	if off < a.size {
		m := int(min(int64(len(b)), a.size-off))
		k, err := a.r.ReadAt(b[:m], off)
		if n = k; k < m || n == len(b) {
			return n, err
		}
	}
	t := off + int64(n) - a.size
	if t >= int64(len(a.tail)) {
		return n, io.EOF
	}
	n += copy(b[n:], a.tail[t:])
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

// pdfCounter counts the bytes read from r.
type pdfCounter struct {
	r io.Reader
	n int64
}

// Read reads and counts.
func (c *pdfCounter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
