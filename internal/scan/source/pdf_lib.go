package source

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ledongthuc/pdf"
)

// The calls into the PDF library: each goes through pdfDoc.call, which
// turns the library's panics into errors and words its messages without
// quoting the file; streams, content streams among them, are read the
// same way.

// call runs f, which calls into the PDF library, and turns a panic in it,
// or an error it returns, into an error that quotes nothing of the file.
// The reader's own errors pass through.
func (d *pdfDoc) call(f func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = d.failure(fmt.Sprint(x))
		}
	}()
	if err := f(); err != nil {
		var pe *pdfError
		if errors.As(err, &pe) {
			return pe
		}
		return d.failure(err.Error())
	}
	return nil
}

// failure words a failure of the library whose message is msg: one of the
// reader's limits when the library tripped on one, else "malformed PDF"
// with the known start of the message (the rest may quote the file).
func (d *pdfDoc) failure(msg string) error {
	switch {
	case d.src.tripped:
		return errPDFNumber
	case d.src.spent:
		return errPDFReads
	}
	return fmt.Errorf("malformed PDF: %s", pdfReason(msg))
}

// pdfReasons are the constant starts of the library's messages (and of the
// decompressors' ones), with what is reported for each; what follows them
// may quote the file, and is never reported.
var pdfReasons = [][2]string{
	{"invalid header", "invalid header"},
	{"missing %%EOF", "missing %%EOF"},
	{"missing final startxref", "missing startxref"},
	{"missing startxref", "missing startxref"},
	{"startxref not followed by integer", "bad startxref"},
	{"cross-reference table not found", "cross-reference table not found"},
	{"malformed xref table", "bad cross-reference table"},
	{"xref", "bad cross-reference section"},
	{"invalid Index array", "bad cross-reference section"},
	{"invalid W array", "bad cross-reference section"},
	{"malformed Index pair", "bad cross-reference section"},
	{"error reading xref stream", "bad cross-reference section"},
	{"reading xref prev stream", "bad cross-reference section"},
	{"trailer missing /Size entry", "trailer missing /Size entry"},
	{"reading at offset", "unreadable data"},
	{"object nesting exceeds maximum depth", "objects nested too deep"},
	{"unexpected delimiter", "bad syntax"},
	{"unexpected keyword", "bad syntax"},
	{"unexpected non-name key", "bad syntax"},
	{"malformed hex string", "bad syntax"},
	{"malformed name", "bad syntax"},
	{"invalid escape sequence", "bad syntax"},
	{"invalid octal escape", "bad syntax"},
	{"invalid integer", "bad syntax"},
	{"invalid real", "bad syntax"},
	{"missing endobj", "bad syntax"},
	{"stream keyword not followed by newline", "bad syntax"},
	{"stream not present", "stream missing"},
	{"unknown filter", "unsupported stream filter"},
	{"unsupported filter", "unsupported stream filter"},
	{"not expected DecodeParms", "unsupported stream filter"},
	{"pred", "unsupported stream predictor"},
	{"malformed PNG-Up encoding", "corrupt compressed stream"},
	{"zlib", "corrupt compressed stream"},
	{"flate", "corrupt compressed stream"},
	{"unexpected EOF", "corrupt compressed stream"},
	{"read past end of ASCII85 data", "corrupt compressed stream"},
	{"ascii85", "corrupt compressed stream"},
	{"loading", "object not found where the cross-reference table says"},
	{"not a stream", "bad object stream"},
	{"not an object stream", "bad object stream"},
	{"cannot find object in stream", "bad object stream"},
	{"missing First", "bad object stream"},
	{"unexpected value type", "bad object"},
}

// pdfReason returns what is reported of the library's message msg.
func pdfReason(msg string) string {
	for range 3 {
		for _, p := range []string{"malformed PDF file: ", "malformed PDF: ", "not a PDF file: ", "unsupported PDF: "} {
			msg = strings.TrimPrefix(msg, p)
		}
	}
	for _, r := range pdfReasons {
		if strings.HasPrefix(msg, r[0]) {
			return r[1]
		}
	}
	return "unreadable structure"
}

// key returns v's entry k, resolved.
func (d *pdfDoc) key(v pdf.Value, k string) (out pdf.Value, err error) {
	err = d.call(func() error { out = v.Key(k); return nil })
	return out, err
}

// index returns v's element i, resolved.
func (d *pdfDoc) index(v pdf.Value, i int) (out pdf.Value, err error) {
	err = d.call(func() error { out = v.Index(i); return nil })
	return out, err
}

// number returns v's entry k as a number, and whether it is one.
func (d *pdfDoc) number(v pdf.Value, k string) (float64, bool) {
	x, err := d.key(v, k)
	if err != nil || (x.Kind() != pdf.Integer && x.Kind() != pdf.Real) {
		return 0, false
	}
	return x.Float64(), true
}

// decode decodes raw with a font's encoding.
func (d *pdfDoc) decode(enc pdf.TextEncoding, raw string) (s string, err error) {
	err = d.call(func() error { s = enc.Decode(raw); return nil })
	return s, err
}

// stream returns a reader of v's decoded data.
func (d *pdfDoc) stream(v pdf.Value) (io.Reader, error) {
	var rc io.ReadCloser
	if err := d.call(func() error { rc = v.Reader(); return nil }); err != nil {
		return nil, err
	}
	return &pdfStream{d: d, r: rc}, nil
}

// pdfStream reads a stream's data through the library's filters.
type pdfStream struct {
	d *pdfDoc
	r io.Reader
}

// Read reads decoded data, turning a panic in the filters into an error.
func (p *pdfStream) Read(b []byte) (int, error) {
	var n int
	var rerr error
	if err := p.d.call(func() error { n, rerr = p.r.Read(b); return nil }); err != nil {
		return 0, err
	}
	if rerr == nil || errors.Is(rerr, io.EOF) {
		return n, rerr
	}
	var pe *pdfError
	if errors.As(rerr, &pe) {
		return n, pe
	}
	return n, p.d.failure(rerr.Error())
}

// contentReader reads a content stream, or an array of them one after the
// other with a space between, decoded by the library, and counts what it
// reads against the page's content limit.
type contentReader struct {
	p    *pdfPage
	v    pdf.Value // a stream, or an array of streams
	next int       // the next part to open
	cur  io.Reader
}

// Read reads decoded content.
func (c *contentReader) Read(b []byte) (int, error) {
	for {
		if c.cur == nil {
			if err := c.open(); err != nil {
				return 0, err
			}
		}
		n, err := c.cur.Read(b)
		if c.p.content += int64(n); c.p.content > maxPDFContent {
			return 0, errPDFContent
		}
		if errors.Is(err, io.EOF) {
			c.cur = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// open opens the next part; io.EOF when there is none left. Parts that
// are not streams are passed over.
func (c *contentReader) open() error {
	d := c.p.doc
	for {
		var part pdf.Value
		switch {
		case c.v.Kind() == pdf.Stream && c.next == 0:
			part = c.v
		case c.v.Kind() == pdf.Array && c.next < c.v.Len():
			var err error
			if part, err = d.index(c.v, c.next); err != nil {
				return err
			}
		default:
			return io.EOF
		}
		c.next++
		if part.Kind() != pdf.Stream {
			continue
		}
		r, err := d.stream(part)
		if err != nil {
			return err
		}
		if c.next > 1 {
			r = io.MultiReader(strings.NewReader(" "), r)
		}
		c.cur = r
		return nil
	}
}
