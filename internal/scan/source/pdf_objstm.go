package source

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// The checks on object streams, before the library opens the file. The
// library looks an object held by an object stream up by reading the
// stream's data with its lexer, then the data of the streams its /Extends
// chain names, and it
//   - loops forever when the data ends inside a hex string (its lexer
//     reads white space past the end),
//   - loops on an /Extends chain that comes back to a stream, for as long
//     as its read budget lasts,
//   - recurses without end, which is fatal, on an object stream held by an
//     object stream,
//   - loops by /N, which the guard on /N does not see when it is an
//     indirect reference.
//
// The checks read the library's cross-reference table (pdf_probe.go)
// through a reader of the file that leaves encryption out, walk the
// object streams' dictionaries with the tokenizer, then have the library
// decode each stream, decrypting it as it will, through a reader of the
// file in which no object is held by an object stream: the checks never
// make the library look an object up in a stream, and cannot trip on what
// they check. Both readers see the file with a cross-reference stream
// appended, whose dictionary is the last section's with some entries set
// anew (the library keeps the last of two entries of a key).
//
// Not reached: a value of an object stream's dictionary that refers to
// an object in the file that refers, in turn, to an object held by an
// object stream (the check sees null where the library will see a value).

// Limits of the object stream checks.
const (
	maxPDFObjStms    = 1 << 16 // object streams checked per file
	maxPDFObjStmDict = 1 << 20 // bytes of an object stream's dictionary, or of the last cross-reference stream's
	maxPDFObjStmData = 1 << 28 // decoded bytes of the object streams checked per file
	maxPDFFilters    = 16      // filters of an object stream
	maxPDFEmptyReads = 1000    // reads in a row that return no data and no error
)

// pdfKeepEntry is the type of a cross-reference stream entry the library
// passes over: the entry of an earlier section stands.
const pdfKeepEntry = 3

// Problems with object streams.
var (
	errPDFObjStm     = &pdfError{msg: "malformed PDF: object stream the PDF library cannot read safely"}
	errPDFObjStmNest = &pdfError{msg: "malformed PDF: object stream held by an object stream"}
	errPDFObjStmRef  = &pdfError{msg: "malformed PDF: object stream refers to an object held by an object stream"}
	errPDFEncryptRef = &pdfError{msg: "malformed PDF: encryption dictionary held by an object stream"}
	errPDFObjStmLoop = &pdfError{msg: "malformed PDF: object streams extend each other in a loop"}
	errPDFObjStms    = &pdfError{msg: fmt.Sprintf("malformed PDF: over the limit of %d object streams", maxPDFObjStms)}
	errPDFObjStmData = &pdfError{msg: fmt.Sprintf("object streams over the limit of %d MiB", maxPDFObjStmData>>20)}
)

// checkObjStreams refuses a file whose object streams the library would
// loop forever or crash on. A file whose last cross-reference section is
// a table has none (the library reads no stream after a table); sections
// that cannot be read are left to the library to report.
func (d *pdfDoc) checkObjStreams(size int64) error {
	off, ok := d.startXref(size)
	if !ok {
		return nil
	}
	dict, err := d.xrefStreamDict(off, size)
	if err != nil || dict == "" {
		return err
	}
	plain, err := d.probe(size, off, dict+" /Encrypt null /Index [0 0] /Filter null /DecodeParms null", nil)
	if err != nil || plain == nil {
		return err
	}
	xt, ok := libraryXref(plain.r)
	if !ok {
		return nil
	}
	c := &objStmCheck{d: d, xt: xt, size: size, left: maxPDFReads, state: make(map[uint32]uint8)}
	if err := c.walk(dict); err != nil || len(c.nodes) == 0 {
		return err
	}
	return d.probeObjStms(c, off, dict)
}

// xrefStreamDict returns the text of the dictionary of the cross-reference
// stream at off, between its << and >>, or "" when the section there is
// not a stream (or not one the tokenizer makes sense of, which the library
// refuses).
func (d *pdfDoc) xrefStreamDict(off, size int64) (string, error) {
	n := min(size-off, maxPDFObjStmDict)
	c := &pdfCounter{r: io.NewSectionReader(d.src.r, off, n)}
	l := newPDFLexer(bufio.NewReader(c), maxPDFObjStmDict, errPDFObjStm)
	at := func() int64 { return c.n - int64(l.r.Buffered()) }
	num, gen := l.next(), l.next()
	if num.kind != tokNum || gen.kind != tokNum || !l.next().is("obj") || l.next().kind != tokDictOpen {
		return "", nil
	}
	start := at()
	l.skipDict()
	end := at()
	b := make([]byte, max(0, end-start))
	if m, _ := d.src.r.ReadAt(b, off+start); m != len(b) || l.err != nil || !bytes.HasSuffix(b, []byte(">>")) {
		if n < size-off {
			return "", errPDFObjStm // a dictionary over the limit
		}
		return "", nil
	}
	return string(b[:len(b)-2]), nil
}

// objStmCheck walks the object streams the library may look objects up
// in: each stream that holds an object, then the streams its /Extends
// chain names.
type objStmCheck struct {
	d     *pdfDoc
	xt    pdfXrefTable
	size  int64
	left  int64            // bytes left to read of the dictionaries
	state map[uint32]uint8 // 1 while the streams it extends are walked, 2 once done
	nodes []pdfRef         // the streams to decode
}

// walk walks the object streams. It refuses an object stream held by an
// object stream, a chain that comes back to a stream, and an object
// stream, or an encryption dictionary (named in the last section's
// dictionary dict), that refers to an object held by an object stream:
// the library would look it up before the stream is checked.
func (c *objStmCheck) walk(dict string) error {
	enc := newPDFLexer(strings.NewReader(dict), maxPDFObjStmDict, errPDFObjStm).dict("Encrypt")
	if id, ok := enc.nums["Encrypt"]; ok && id >= 0 && id <= math.MaxUint32 && c.xt.compressed(uint32(id)) {
		return errPDFEncryptRef
	}
	for i := range c.xt.len() {
		e := c.xt.at(i)
		if !e.inStream || c.state[e.stream] != 0 {
			continue
		}
		if c.xt.compressed(e.stream) {
			return errPDFObjStmNest
		}
		if err := c.visit(pdfRef{id: e.stream}); err != nil {
			return err
		}
	}
	return nil
}

// visit walks the object stream ref, which the library reads when it is
// in the file, and the streams it extends.
func (c *objStmCheck) visit(ref pdfRef) error {
	switch c.state[ref.id] {
	case 1:
		return errPDFObjStmLoop
	case 2:
		return nil
	}
	c.state[ref.id] = 1
	if len(c.state) > maxPDFObjStms {
		return errPDFObjStms
	}
	if c.xt.inFile(ref) {
		refs, exts, err := c.dict(ref, c.xt.at(int(ref.id)).offset)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if c.xt.compressed(r) {
				return errPDFObjStmRef
			}
		}
		c.nodes = append(c.nodes, ref)
		for _, e := range exts {
			next := pdfRef{id: e}
			if int64(e) < int64(c.xt.len()) {
				next.gen = c.xt.at(int(e)).ptr.gen
			}
			if err := c.visit(next); err != nil {
				return err
			}
		}
	}
	c.state[ref.id] = 2
	return nil
}

// dict reads the dictionary of the object ref at off and returns the
// objects it refers to, and those an /Extends key refers to. It errs on
// the side of more: every reference up to the stream keyword, or the end
// of the object, is counted, and every /Extends, however nested. An object
// that is not ref has none (the library gives up on it); a dictionary over
// maxPDFObjStmDict is refused, and so is the file once the dictionaries
// read come to maxPDFReads.
func (c *objStmCheck) dict(ref pdfRef, off int64) (refs, exts []uint32, err error) {
	n := min(c.size-off, maxPDFObjStmDict)
	if n > c.left {
		return nil, nil, errPDFReads
	}
	r := &pdfCounter{r: io.NewSectionReader(c.d.src.r, off, n)}
	defer func() { c.left -= r.n }()
	l := newPDFLexer(r, maxPDFObjStmDict, errPDFObjStm)
	if t := l.next(); t.kind != tokNum || t.num != float64(ref.id) {
		return nil, nil, nil
	}
	if t := l.next(); t.kind != tokNum || t.num != float64(ref.gen) {
		return nil, nil, nil
	}
	if !l.next().is("obj") || l.next().kind != tokDictOpen {
		return nil, nil, nil
	}
	var p3, p2, p1 pdfPrevToken
	for depth := 1; ; {
		t := l.next()
		switch t.kind {
		case tokEOF:
			if l.err != nil || n < c.size-off {
				return nil, nil, errPDFObjStm
			}
			return refs, exts, nil
		case tokDictOpen:
			depth++
		case tokDictClose:
			depth--
		case tokWord:
			if depth <= 0 && (t.is("stream") || t.is("endobj")) {
				return refs, exts, nil
			}
			if id, ok := pdfRefID(p2, p1, t); ok {
				refs = append(refs, id)
				if p3.extends {
					exts = append(exts, id)
				}
			}
		}
		p3, p2, p1 = p2, p1, pdfPrevToken{kind: t.kind, num: t.num, extends: t.kind == tokName && string(t.text) == "Extends"}
	}
}

// pdfPrevToken is what objStmCheck.dict keeps of a token it has read.
type pdfPrevToken struct {
	kind    pdfTokKind
	num     float64
	extends bool // the name /Extends
}

// pdfRefID returns the object number of the reference "a b R" made of the
// tokens a, b and t, and whether they are one.
func pdfRefID(a, b pdfPrevToken, t pdfToken) (uint32, bool) {
	if !t.is("R") || a.kind != tokNum || b.kind != tokNum || a.num < 0 || a.num > math.MaxUint32 || a.num != math.Trunc(a.num) {
		return 0, false
	}
	return uint32(a.num), true
}

// probeObjStms has the library decode the object streams the walk found,
// through a reader of the file in which no object is held by an object
// stream, and refuses the file when one of them is unsafe.
func (d *pdfDoc) probeObjStms(c *objStmCheck, off int64, dict string) error {
	var list strings.Builder
	for _, n := range c.nodes {
		fmt.Fprintf(&list, " %d %d R", n.id, n.gen)
	}
	data, err := pdfHideCompressed(c.xt)
	if err != nil {
		return err
	}
	p, err := d.probe(c.size, off, fmt.Sprintf("%s /Index [0 %d] /W [1 0 0] /Filter /FlateDecode /DecodeParms null /Probe [%s]",
		dict, c.xt.len(), list.String()), data)
	if err != nil || p == nil {
		return err
	}
	probes, err := p.key(p.r.Trailer(), "Probe")
	if err != nil {
		return pdfOwn(err)
	}
	left := int64(maxPDFObjStmData)
	for i := range c.nodes {
		if err := d.s.ctx.Err(); err != nil {
			return &stopError{err}
		}
		p.src.reset()
		v, err := p.index(probes, i)
		if err == nil {
			err = p.checkObjStm(v, &left)
		}
		if err := pdfOwn(err); err != nil {
			return err
		}
	}
	return nil
}

// pdfOwn returns err when it is one of the reader's own problems, and nil
// when it is a failure of the library, which fails there without looping.
func pdfOwn(err error) error {
	var pe *pdfError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// pdfHideCompressed returns the data of the probe's cross-reference
// stream, compressed: with /W [1 0 0], type 0 (free) for each object held
// by an object stream, and pdfKeepEntry for the others.
func pdfHideCompressed(xt pdfXrefTable) ([]byte, error) {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	row := make([]byte, 0, 4096)
	for i := range xt.len() {
		t := byte(pdfKeepEntry)
		if xt.at(i).inStream {
			t = 0
		}
		if row = append(row, t); len(row) == cap(row) || i == xt.len()-1 {
			if _, err := w.Write(row); err != nil {
				return nil, err
			}
			row = row[:0]
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkObjStm has the library decode the object stream v, and refuses it
// when its data ends inside a hex string or never ends, or when its /N,
// or the /Columns of one of its filters, is over maxPDFNumber. A value
// the library gives up on is passed over: it fails there without looping.
func (p *pdfDoc) checkObjStm(v pdf.Value, left *int64) error {
	skip := false
	err := p.call(func() error {
		if v.Kind() != pdf.Stream || v.Key("Type").Name() != "ObjStm" || v.Key("First").Int64() == 0 {
			skip = true
			return nil
		}
		if v.Key("N").Int64() > maxPDFNumber {
			return errPDFNumber
		}
		return objStmFilters(v)
	})
	if err != nil || skip {
		return err
	}
	r, err := p.stream(v)
	if err != nil {
		return err
	}
	tail := &hexTail{r: r}
	buf := make([]byte, 32<<10)
	for empty := 0; ; {
		n, err := tail.Read(buf)
		if *left -= int64(n); *left < 0 {
			return errPDFObjStmData
		}
		switch {
		case errors.Is(err, io.EOF) && tail.last == '<':
			return errPDFObjStm
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		case n > 0:
			empty = 0
		default:
			if empty++; empty > maxPDFEmptyReads {
				return errPDFObjStm // the library would read white space forever
			}
		}
	}
}

// objStmFilters refuses an object stream with over maxPDFFilters filters,
// or a /Columns over maxPDFNumber in the parameters of a filter with a
// predictor (the library allocates by it).
func objStmFilters(v pdf.Value) error {
	filter, param := v.Key("Filter"), v.Key("DecodeParms")
	columns := func(p pdf.Value) error {
		if p.Key("Predictor").Kind() != pdf.Null && p.Key("Columns").Int64() > maxPDFNumber {
			return errPDFNumber
		}
		return nil
	}
	switch filter.Kind() {
	case pdf.Name:
		return columns(param)
	case pdf.Array:
		if filter.Len() > maxPDFFilters {
			return errPDFObjStm
		}
		for i := range filter.Len() {
			if err := columns(param.Index(i)); err != nil {
				return err
			}
		}
	}
	return nil
}
