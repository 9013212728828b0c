package source

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Fonts as the PDF reader needs them: the widths that move the text
// matrix past a string, and the encodings that decode its codes, with the
// checks on character maps the library would loop or run out of memory on.

// pdfChunk is the number of code bytes decoded at a time (a multiple of 1
// to 4, the lengths of codes).
const pdfChunk = 24

// pdfFont is what the reader needs of a font: how to decode its codes, and
// how wide they are.
type pdfFont struct {
	enc     pdf.TextEncoding // nil when the library cannot decode it
	cost    int64            // decoding steps per code byte
	twoByte bool             // a composite font, read as two-byte codes
	first   int              // the code of widths[0]
	widths  []float64        // thousandths of an em
	cids    map[int]float64  // composite fonts: widths by code
	ranges  []pdfCIDRange    // composite fonts: widths by range of codes
	missing float64          // the width of codes without one
}

// pdfCIDRange gives the codes from lo to hi the width w.
type pdfCIDRange struct {
	lo, hi int
	w      float64
}

// font returns the font resource called name, loaded once per stream.
func (in *pdfInterp) font(name string) (*pdfFont, error) {
	if f, ok := in.fonts[name]; ok {
		return f, nil
	}
	f, err := in.p.loadFont(in.res, name)
	if len(in.fonts) < maxPDFFonts {
		in.fonts[name] = f
	}
	return f, err
}

// loadFont loads the font resource called name from res. What cannot be
// read of it is left at a default (widths of half an em, codes read as
// Latin-1) and noted; a limit reached on the way is returned.
func (p *pdfPage) loadFont(res pdf.Value, name string) (*pdfFont, error) {
	d := p.doc
	f := &pdfFont{missing: 500, cost: 1}
	fonts, err := d.key(res, "Font")
	var v pdf.Value
	if err == nil {
		v, err = d.key(fonts, name)
	}
	if err != nil || v.Kind() != pdf.Dict {
		return f, p.soft(err)
	}
	sub, _ := d.key(v, "Subtype")
	if sub.Name() == "Type0" {
		f.twoByte = true
		p.cidWidths(f, v)
	} else {
		p.simpleWidths(f, v)
	}
	return f, p.encoder(f, v)
}

// simpleWidths reads the widths of a simple font.
func (p *pdfPage) simpleWidths(f *pdfFont, v pdf.Value) {
	d := p.doc
	if base, _ := d.key(v, "BaseFont"); strings.Contains(base.Name(), "Courier") {
		f.missing = 600
	}
	first, _ := d.number(v, "FirstChar")
	f.first = int(max(0, min(first, 255)))
	w, err := d.key(v, "Widths")
	if err != nil {
		return
	}
	n := min(w.Len(), 256)
	f.widths = make([]float64, n)
	for i := range n {
		if x, err := d.index(w, i); err == nil {
			f.widths[i] = x.Float64()
		}
	}
}

// cidWidths reads the widths of a composite font, from its descendant's
// /DW and /W.
func (p *pdfPage) cidWidths(f *pdfFont, v pdf.Value) {
	d := p.doc
	f.missing = 1000
	ds, err := d.key(v, "DescendantFonts")
	var desc pdf.Value
	if err == nil {
		desc, err = d.index(ds, 0)
	}
	if err != nil {
		return
	}
	if dw, ok := d.number(desc, "DW"); ok {
		f.missing = dw
	}
	w, err := d.key(desc, "W")
	if err != nil {
		return
	}
	f.cids = make(map[int]float64)
	p.parseW(f, w)
}

// parseW reads a /W array: "c [w1 w2 ...]" gives codes from c on their
// widths, "c1 c2 w" gives the codes from c1 to c2 the width w.
func (p *pdfPage) parseW(f *pdfFont, w pdf.Value) {
	d := p.doc
	n := min(w.Len(), maxPDFArray)
	for i := 0; i+1 < n && len(f.cids)+len(f.ranges) < maxPDFArray; {
		first, err1 := d.index(w, i)
		next, err2 := d.index(w, i+1)
		if err1 != nil || err2 != nil {
			return
		}
		c := int(first.Int64())
		if next.Kind() == pdf.Array {
			for j := range min(next.Len(), maxPDFArray-len(f.cids)) {
				if x, err := d.index(next, j); err == nil {
					f.cids[c+j] = x.Float64()
				}
			}
			i += 2
			continue
		}
		width, err := d.index(w, i+2)
		if err != nil {
			return
		}
		f.ranges = append(f.ranges, pdfCIDRange{lo: c, hi: int(next.Int64()), w: width.Float64()})
		i += 3
	}
}

// advance returns how far showing raw moves the text matrix, in text
// space units.
func (f *pdfFont) advance(raw string, gs *pdfState) float64 {
	var tx float64
	if f.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			tx += f.cidWidth(int(raw[i])<<8|int(raw[i+1]))/1000*gs.tfs + gs.tc
		}
		return tx * gs.th
	}
	for i := 0; i < len(raw); i++ {
		c := int(raw[i])
		w := f.missing
		if j := c - f.first; j >= 0 && j < len(f.widths) {
			w = f.widths[j]
		}
		tx += w/1000*gs.tfs + gs.tc
		if c == ' ' {
			tx += gs.tw
		}
	}
	return tx * gs.th
}

// cidWidth returns the width of a code of a composite font.
func (f *pdfFont) cidWidth(code int) float64 {
	if w, ok := f.cids[code]; ok {
		return w
	}
	for _, r := range f.ranges {
		if code >= r.lo && code <= r.hi {
			return r.w
		}
	}
	return f.missing
}

// encoder sets the font's encoding, from the library, and the cost of
// decoding with it. A character map the library would loop or run out of
// memory on is refused, and the font's text is then not decoded.
func (p *pdfPage) encoder(f *pdfFont, v pdf.Value) error {
	d := p.doc
	tu, _ := d.key(v, "ToUnicode")
	enc, _ := d.key(v, "Encoding")
	switch {
	case tu.Kind() == pdf.Stream && (enc.Kind() == pdf.Null || enc.Name() == "Identity-H"):
		entries, err := p.checkCMap(tu)
		if err != nil {
			if isPDFLimit(err) {
				return err
			}
			return p.soft(fmt.Errorf("character map: %w", err))
		}
		f.cost = 1 + entries
	case enc.Kind() == pdf.Dict:
		diffs, _ := d.key(enc, "Differences")
		f.cost = 8 * (1 + int64(diffs.Len()))
	}
	var e pdf.TextEncoding
	if err := d.call(func() error { font := pdf.Font{V: v}; e = font.Encoder(); return nil }); err != nil {
		return p.soft(err)
	}
	f.enc = e
	return nil
}

// decode decodes raw with the font f, a few codes at a time (a code may
// map to much text) within the page's limits.
func (p *pdfPage) decode(f *pdfFont, raw string) (string, error) {
	switch {
	case f.enc == nil && f.twoByte:
		return "", nil
	case f.enc == nil:
		return latin1(raw), nil
	}
	var b strings.Builder
	for len(raw) > 0 {
		n := min(len(raw), pdfChunk)
		if err := p.spend(int64(n) * f.cost); err != nil {
			return "", err
		}
		s, err := p.doc.decode(f.enc, raw[:n])
		if err != nil {
			return "", err
		}
		if p.held+b.Len()+len(s) > maxPDFPageText {
			return "", errPDFPageText
		}
		b.WriteString(s)
		raw = raw[n:]
	}
	return b.String(), nil
}

// latin1 returns the bytes of raw as Latin-1 text.
func latin1(raw string) string {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		b = utf8.AppendRune(b, rune(raw[i]))
	}
	return string(b)
}

// errPDFCMap refuses a character map.
var errPDFCMap = &pdfError{msg: "malformed PDF: character map the PDF library cannot read safely"}

// checkCMap reads a character map as the library will, and refuses it when
// it is over maxPDFCMap, when it ends inside a hex string (the library
// would loop forever), or when the library could make more than
// maxPDFCMapEntries entries of it (it makes as many as the count before
// beginbfchar or beginbfrange says, at each endbfchar or endbfrange, with
// or without the operands). It returns that bound on the entries, which a
// look-up may go through.
func (p *pdfPage) checkCMap(v pdf.Value) (int64, error) {
	r, err := p.doc.stream(v)
	if err != nil {
		return 0, err
	}
	tail := &hexTail{r: io.LimitReader(r, maxPDFCMap+1)}
	l := newPDFLexer(bufio.NewReader(tail), maxPDFCMap, errPDFCMap)
	entries, ok := cmapEntries(l)
	if p.content += tail.n; p.content > maxPDFContent {
		return 0, errPDFContent
	}
	switch {
	case l.err != nil:
		return 0, l.err
	case !ok || tail.n > maxPDFCMap || tail.last == '<':
		return 0, errPDFCMap
	}
	return entries, nil
}

// maxPDFCMapEntries bounds the entries the library may make of one
// character map.
const maxPDFCMapEntries = 1 << 20

// cmapEntries bounds the entries the library's character map reader makes
// of the tokens l reads: the count it takes at a begin operator is the
// number just before, or when the operand is not a literal number (a name
// defined earlier), the largest number in the map. ok is false over
// maxPDFCMapEntries or maxPDFNumber.
func cmapEntries(l *pdfLexer) (total int64, ok bool) {
	var prev pdfToken
	var largest, n float64
	for t := l.next(); t.kind != tokEOF; t = l.next() {
		switch {
		case t.kind == tokNum:
			if math.Abs(t.num) > maxPDFNumber {
				return 0, false
			}
			largest = max(largest, t.num)
		case t.is("begincodespacerange"), t.is("beginbfchar"), t.is("beginbfrange"):
			n = largest
			if prev.kind == tokNum {
				n = prev.num
			}
		case t.is("endbfchar"), t.is("endbfrange"):
			if total += int64(max(n, 0)); total > maxPDFCMapEntries {
				return 0, false
			}
		}
		prev = pdfToken{kind: t.kind, num: t.num}
	}
	return total, true
}

// hexTail reads from r, counting the bytes and keeping the last one that
// is neither a hex digit nor white space: when it is '<', the data ends
// inside a hex string.
type hexTail struct {
	r    io.Reader
	n    int64
	last byte
}

// Read reads and watches.
func (h *hexTail) Read(b []byte) (int, error) {
	n, err := h.r.Read(b)
	for _, c := range b[:n] {
		if _, hex := unhexPDF(c); !hex && !isPDFSpace(c) {
			h.last = c
		}
	}
	h.n += int64(n)
	return n, err
}
