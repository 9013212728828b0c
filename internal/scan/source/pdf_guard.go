package source

import (
	"bytes"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The checks that keep the PDF library from running out of memory or
// looping forever: the file as the library sees it (a read budget, and a
// guard on the /Columns and /N values it allocates by), and a walk of the
// cross-reference sections before the library reads them.

// pdfSpan is the number of bytes looked at after a guarded key.
const pdfSpan = 64

// pdfSource is the file as the library sees it. Reads are counted against
// a budget, reset for each page, which bounds the library's loops that
// read the same bytes over and over; they are scanned for the /Columns and
// /N values the library allocates or loops by without a bound; and a
// header the library would refuse for its version ("%PDF-2.0") or its end
// of line is shown to it as "%PDF-1.7".
type pdfSource struct {
	r       io.ReaderAt
	left    int64
	spent   bool   // the budget ran out
	tripped bool   // a guarded value over maxPDFNumber was read
	head    []byte // the header shown in place of the file's, or nil
	window  []byte // reused by guard
}

// newPDFSource returns the source of the file ra.
func newPDFSource(ra io.ReaderAt) *pdfSource {
	p := &pdfSource{r: ra}
	head := make([]byte, 9)
	if n, _ := ra.ReadAt(head, 0); n == len(head) && bytes.HasPrefix(head, []byte("%PDF-")) &&
		!(head[5] == '1' && head[6] == '.' && head[7] >= '0' && head[7] <= '7' && (head[8] == '\r' || head[8] == '\n')) {
		p.head = []byte("%PDF-1.7\n")
	}
	p.reset()
	return p
}

// reset renews the read budget. A tripped guard stays tripped: reads come
// in chunks of several objects, so which object held the value is not
// known, and the file is abandoned.
func (p *pdfSource) reset() {
	p.left, p.spent = maxPDFReads, false
}

// ReadAt reads from the file within the budget.
func (p *pdfSource) ReadAt(b []byte, off int64) (int, error) {
	if p.left <= 0 {
		p.spent = true
		return 0, errPDFReads
	}
	p.left -= int64(len(b))
	n, err := p.r.ReadAt(b, off)
	if off >= 0 && off < int64(len(p.head)) {
		copy(b[:n], p.head[off:])
	}
	if n > 0 && p.guard(b[:n], off+int64(n)) {
		p.tripped = true
		return 0, errPDFNumber
	}
	return n, err
}

// pdfGuarded are the keys whose values the library allocates or loops by:
// a predictor's /Columns, an object stream's /N. A /Columns set by an
// indirect reference ("/Columns 7 0 R") is refused too, since its value
// lies elsewhere in the file; /N is left alone there, as every annotation's
// appearance dictionary holds an indirect /N (object streams' /N values
// are checked before the library opens the file, checkObjStreams).
var pdfGuarded = []struct {
	key        []byte
	refuseRefs bool
}{{[]byte("/Columns"), true}, {[]byte("/N"), false}}

// guard reports whether b, read from the file up to offset end, holds a
// guarded key with a value over maxPDFNumber. A key near the end of b is
// judged on the bytes that follow it in the file.
func (p *pdfSource) guard(b []byte, end int64) bool {
	if bytes.IndexByte(b, '/') < 0 {
		return false
	}
	w := b
	if bytes.IndexByte(b[max(0, len(b)-pdfSpan):], '/') >= 0 {
		ahead := make([]byte, pdfSpan)
		m, _ := p.r.ReadAt(ahead, end)
		p.window = append(append(p.window[:0], b...), ahead[:m]...)
		w = p.window
	}
	for _, g := range pdfGuarded {
		for i := 0; ; {
			j := bytes.Index(w[i:], g.key)
			if j < 0 || i+j >= len(b) {
				break
			}
			i += j + len(g.key)
			t := w[i:min(len(w), i+pdfSpan)]
			if pdfBigNumber(t) || g.refuseRefs && pdfReference(t) {
				return true
			}
		}
	}
	return false
}

// pdfReference reports whether t, the bytes after a key, start with white
// space then an indirect reference: two integers and R.
func pdfReference(t []byte) bool {
	spaces := func(i int) int {
		for i < len(t) && isPDFSpace(t[i]) {
			i++
		}
		return i
	}
	digits := func(i int) int {
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	for _, skip := range []func(int) int{spaces, digits, spaces, digits, spaces} {
		j := skip(i)
		if j == i {
			return false
		}
		i = j
	}
	return i < len(t) && t[i] == 'R' && (i+1 == len(t) || isPDFSpace(t[i+1]) || strings.IndexByte("/<>[]()%{}", t[i+1]) >= 0)
}

// pdfBigNumber reports whether t, the bytes after a guarded key, start
// with white space then an integer over maxPDFNumber, or with white space
// or digits running to the end of t (the value cannot be judged: refused).
func pdfBigNumber(t []byte) bool {
	i := 0
	for i < len(t) && isPDFSpace(t[i]) {
		i++
	}
	switch {
	case i == 0:
		return false // another key: /Name, /Next
	case i == len(t):
		return len(t) >= pdfSpan/2
	}
	if t[i] == '+' {
		i++
	}
	j := i
	for j < len(t) && t[j] >= '0' && t[j] <= '9' {
		j++
	}
	switch {
	case j == i:
		return false
	case j == len(t) || j-i > 7:
		return true
	}
	v, _ := strconv.Atoi(string(t[i:j]))
	return v > maxPDFNumber
}

// checkXref walks the cross-reference sections the library is to read,
// from startxref along /Prev, and refuses the file when a section declares
// more than maxPDFObjects objects or field widths over maxPDFWidth (the
// library would allocate by them: running out of memory is fatal, not a
// panic), or when the sections loop (the library would loop forever).
// Sections it cannot make sense of are left to the library to report.
func (d *pdfDoc) checkXref(size int64) error {
	off, ok := d.startXref(size)
	seen := make(map[int64]bool)
	for ok {
		if seen[off] || len(seen) >= maxPDFXrefs {
			return errPDFXrefLoop
		}
		seen[off] = true
		var err error
		if off, ok, err = d.checkXrefSection(off, size); err != nil {
			return err
		}
	}
	if d.src.tripped {
		return errPDFNumber
	}
	return nil
}

// lexer returns a lexer of the file from off to size.
func (d *pdfDoc) lexer(off, size int64) *pdfLexer {
	return newPDFLexer(io.NewSectionReader(d.src, off, size-off), maxPDFXrefStr, errPDFLong)
}

// startXref finds the offset of the last cross-reference section as the
// library does: the startxref line in the last 100 bytes, before %%EOF.
func (d *pdfDoc) startXref(size int64) (int64, bool) {
	const chunk = 100
	if size < chunk {
		return 0, false
	}
	buf := make([]byte, chunk)
	if n, _ := d.src.ReadAt(buf, size-chunk); n != chunk {
		return 0, false
	}
	buf = bytes.TrimRight(buf, "\r\n\t ")
	if !bytes.HasSuffix(buf, []byte("%%EOF")) {
		return 0, false
	}
	i := pdfLastLine(buf, []byte("startxref"))
	if i < 0 {
		return 0, false
	}
	t := d.lexer(size-chunk+int64(i)+9, size).next()
	return pdfOffset(t, size)
}

// pdfLastLine returns where the last line that is word starts in buf, as
// the library finds it, or -1.
func pdfLastLine(buf, word []byte) int {
	for end := len(buf); ; {
		i := bytes.LastIndex(buf[:end], word)
		if i <= 0 || i+len(word) >= len(buf) {
			return -1
		}
		if (buf[i-1] == '\n' || buf[i-1] == '\r') && (buf[i+len(word)] == '\n' || buf[i+len(word)] == '\r') {
			return i
		}
		end = i
	}
}

// pdfOffset returns t as an offset into a file of size bytes, and whether
// it is one.
func pdfOffset(t pdfToken, size int64) (int64, bool) {
	if t.kind != tokNum || t.num < 0 || t.num >= float64(size) || t.num != math.Trunc(t.num) {
		return 0, false
	}
	return int64(t.num), true
}

// checkXrefSection checks the cross-reference section at off, a table or
// a stream, and returns the offset of the previous one, if any.
func (d *pdfDoc) checkXrefSection(off, size int64) (int64, bool, error) {
	l := d.lexer(off, size)
	t := l.next()
	var dict pdfDict
	switch {
	case t.is("xref"):
		ok, err := checkXrefTable(l)
		if err != nil || !ok {
			return 0, false, err
		}
		if l.next().kind != tokDictOpen {
			return 0, false, nil
		}
		dict = l.dict("Prev")
	case t.kind == tokNum:
		if l.next().kind != tokNum || !l.next().is("obj") || l.next().kind != tokDictOpen {
			return 0, false, nil
		}
		dict = l.dict("Prev", "Size", "Index", "W")
		if err := checkXrefStream(dict); err != nil {
			return 0, false, err
		}
	default:
		return 0, false, nil
	}
	prev, ok := dict.nums["Prev"]
	if !ok {
		return 0, false, nil
	}
	next, ok := pdfOffset(pdfToken{kind: tokNum, num: prev}, size)
	return next, ok, nil
}

// checkXrefTable checks the subsections of a cross-reference table, up to
// its trailer keyword; ok is false when it is not one.
func checkXrefTable(l *pdfLexer) (ok bool, err error) {
	for {
		t := l.next()
		if t.is("trailer") {
			return true, nil
		}
		c := l.next()
		if t.kind != tokNum || c.kind != tokNum {
			return false, nil
		}
		if t.num > maxPDFObjects || c.num > maxPDFObjects || t.num+c.num > maxPDFObjects {
			return false, errPDFObjects
		}
		for i := 0; i < int(c.num)*3; i++ {
			if l.next().kind == tokEOF {
				return false, nil
			}
		}
	}
}

// checkXrefStream checks the dictionary of a cross-reference stream.
func checkXrefStream(dict pdfDict) error {
	if n := dict.nums["Size"]; n > maxPDFObjects {
		return errPDFObjects
	}
	idx := dict.arrays["Index"]
	for i := 0; i+1 < len(idx); i += 2 {
		if idx[i] > maxPDFObjects || idx[i+1] > maxPDFObjects || idx[i]+idx[i+1] > maxPDFObjects {
			return errPDFObjects
		}
	}
	for _, w := range dict.arrays["W"] {
		if w > maxPDFWidth {
			return errPDFObjects
		}
	}
	return nil
}

// pdfDict holds the numbers and arrays of numbers of a dictionary's top
// level, for the keys asked for.
type pdfDict struct {
	nums   map[string]float64
	arrays map[string][]float64
}

// dict reads the rest of a dictionary, after its "<<", keeping the values
// of keys.
func (l *pdfLexer) dict(keys ...string) pdfDict {
	d := pdfDict{nums: make(map[string]float64), arrays: make(map[string][]float64)}
	for {
		t := l.next()
		switch t.kind {
		case tokEOF, tokDictClose:
			return d
		case tokDictOpen:
			l.skipDict()
		case tokArrayOpen:
			l.numbers()
		case tokName:
			if !l.value(&d, string(t.text), keys) {
				return d
			}
		}
	}
}

// value reads the value of the key k into d when k is one of keys; it
// reports false when the dictionary ends instead (a key without a value).
func (l *pdfLexer) value(d *pdfDict, k string, keys []string) bool {
	t := l.next()
	switch t.kind {
	case tokEOF, tokDictClose:
		return false
	case tokNum:
		if slices.Contains(keys, k) {
			d.nums[k] = t.num
		}
	case tokArrayOpen:
		if nums := l.numbers(); slices.Contains(keys, k) {
			d.arrays[k] = nums
		}
	case tokDictOpen:
		l.skipDict()
	}
	return true
}

// numbers reads the rest of an array, after its "[", and returns its
// numbers, nested ones included, up to maxPDFArray of them.
func (l *pdfLexer) numbers() []float64 {
	var nums []float64
	for depth := 1; depth > 0; {
		t := l.next()
		switch t.kind {
		case tokEOF:
			return nums
		case tokArrayOpen:
			depth++
		case tokArrayClose:
			depth--
		case tokDictOpen:
			l.skipDict()
		case tokNum:
			if len(nums) < maxPDFArray {
				nums = append(nums, t.num)
			}
		}
	}
	return nums
}
