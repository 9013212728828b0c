package source

import (
	"bufio"
	"math"

	"github.com/ledongthuc/pdf"
)

// The content stream interpreter: it keeps the part of the graphics and
// text state that places text, runs the text operators, and draws the
// text of form XObjects; everything else (paths, images, colours) is
// passed over.

// pdfMatrix is an affine transformation [a b c d e f], applied to row
// vectors as PDF does: x' = a*x + c*y + e, y' = b*x + d*y + f.
type pdfMatrix [6]float64

// pdfIdentity is the identity transformation.
var pdfIdentity = pdfMatrix{1, 0, 0, 1, 0, 0}

// mul returns m followed by n.
func (m pdfMatrix) mul(n pdfMatrix) pdfMatrix {
	return pdfMatrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// apply returns the point (x, y) transformed by m.
func (m pdfMatrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// pdfState is the part of the graphics state that places text.
type pdfState struct {
	ctm                       pdfMatrix
	tc, tw, th, tl, tfs, rise float64
	font                      *pdfFont
}

// pdfInterp runs one content stream, a page's or a form's.
type pdfInterp struct {
	p      *pdfPage
	res    pdf.Value
	fonts  map[string]*pdfFont
	depth  int // forms drawing this one
	gs     pdfState
	saved  []pdfState
	extra  int // q operators past maxPDFSaved, whose Q restores nothing
	tm     pdfMatrix
	tlm    pdfMatrix
	lex    *pdfLexer
	ops    []pdfOperand
	latin1 *pdfFont // the font of text shown before any Tf
	// notForms are XObject names found not to be forms (images).
	notForms map[string]bool
}

// pdfOperand is an operand of a content stream operator.
type pdfOperand struct {
	kind pdfTokKind // tokNum, tokStr, tokName, tokArrayOpen (an array), tokOther
	num  float64
	str  string
	arr  []pdfOperand
}

// newInterp returns an interpreter of content, a stream or an array of
// streams, with resources res, drawn by depth forms.
func (p *pdfPage) newInterp(content, res pdf.Value, depth int) *pdfInterp {
	cr := &contentReader{p: p, v: content}
	return &pdfInterp{
		p: p, res: res, depth: depth,
		fonts: make(map[string]*pdfFont), notForms: make(map[string]bool),
		gs: pdfState{ctm: pdfIdentity, th: 1}, tm: pdfIdentity, tlm: pdfIdentity,
		lex:    newPDFLexer(bufio.NewReaderSize(cr, 32<<10), maxPDFPageText, errPDFPageText),
		latin1: &pdfFont{missing: 500, cost: 1},
	}
}

// run interprets the stream to its end.
func (in *pdfInterp) run() error {
	for {
		t := in.lex.next()
		switch t.kind {
		case tokEOF:
			return in.lex.err
		case tokWord:
			if err := in.word(t.text); err != nil {
				return err
			}
		case tokArrayOpen:
			in.push(in.array())
		case tokDictOpen:
			in.lex.skipDict()
			in.push(pdfOperand{kind: tokOther})
		case tokNum:
			in.push(pdfOperand{kind: tokNum, num: t.num})
		case tokStr, tokName:
			in.push(pdfOperand{kind: t.kind, str: string(t.text)})
		}
	}
}

// push pushes an operand, dropping the oldest past maxPDFOperands.
func (in *pdfInterp) push(o pdfOperand) {
	if len(in.ops) >= maxPDFOperands {
		copy(in.ops, in.ops[1:])
		in.ops = in.ops[:len(in.ops)-1]
	}
	in.ops = append(in.ops, o)
}

// array reads the rest of an array operand: its numbers and strings,
// nested arrays flattened, up to maxPDFArray of them.
func (in *pdfInterp) array() pdfOperand {
	var elems []pdfOperand
	for depth := 1; depth > 0; {
		t := in.lex.next()
		switch t.kind {
		case tokEOF:
			depth = 0
		case tokArrayOpen:
			depth++
		case tokArrayClose:
			depth--
		case tokDictOpen:
			in.lex.skipDict()
		case tokNum:
			if len(elems) < maxPDFArray {
				elems = append(elems, pdfOperand{kind: tokNum, num: t.num})
			}
		case tokStr:
			if len(elems) < maxPDFArray {
				elems = append(elems, pdfOperand{kind: tokStr, str: string(t.text)})
			}
		}
	}
	return pdfOperand{kind: tokArrayOpen, arr: elems}
}

// word runs an operator, or pushes the keywords that are operands.
func (in *pdfInterp) word(w []byte) error {
	switch string(w) {
	case "true", "false", "null":
		in.push(pdfOperand{kind: tokOther})
		return nil
	case "BI":
		in.lex.skipInlineImage()
	}
	err := in.op(string(w))
	in.ops = in.ops[:0]
	return err
}

// op runs the operator op on the operands; operators that do not place or
// show text are passed over.
func (in *pdfInterp) op(op string) error {
	switch op {
	case "q", "Q", "cm":
		in.graphics(op)
	case "BT", "Td", "TD", "Tm", "T*", "Tc", "Tw", "Tz", "TL", "Ts":
		in.textState(op)
	case "Tf":
		return in.setFont()
	case "Tj":
		if s, ok := in.str(0); ok {
			return in.show(s)
		}
	case "'", "\"":
		return in.nextLineShow(op)
	case "TJ":
		return in.showArray()
	case "Do":
		return in.p.soft(in.form())
	}
	return nil
}

// graphics runs q, Q and cm.
func (in *pdfInterp) graphics(op string) {
	switch op {
	case "q":
		if len(in.saved) < maxPDFSaved {
			in.saved = append(in.saved, in.gs)
		} else {
			in.extra++
		}
	case "Q":
		switch {
		case in.extra > 0:
			in.extra--
		case len(in.saved) > 0:
			in.gs = in.saved[len(in.saved)-1]
			in.saved = in.saved[:len(in.saved)-1]
		}
	case "cm":
		if m, ok := in.matrix(); ok {
			in.gs.ctm = m.mul(in.gs.ctm)
		}
	}
}

// textState runs the operators that set the text matrix and parameters.
func (in *pdfInterp) textState(op string) {
	v, ok := in.nums(1)
	switch op {
	case "BT":
		in.tm, in.tlm = pdfIdentity, pdfIdentity
	case "Td", "TD":
		if v, ok := in.nums(2); ok {
			if op == "TD" {
				in.gs.tl = -v[1]
			}
			in.move(v[0], v[1])
		}
	case "Tm":
		if m, ok := in.matrix(); ok {
			in.tm, in.tlm = m, m
		}
	case "T*":
		in.move(0, -in.gs.tl)
	case "Tc", "Tw", "Tz", "TL", "Ts":
		if ok {
			in.setParam(op, v[0])
		}
	}
}

// setParam sets a text parameter.
func (in *pdfInterp) setParam(op string, v float64) {
	switch op {
	case "Tc":
		in.gs.tc = v
	case "Tw":
		in.gs.tw = v
	case "Tz":
		in.gs.th = v / 100
	case "TL":
		in.gs.tl = v
	case "Ts":
		in.gs.rise = v
	}
}

// nums returns the last n operands, which must be numbers (n <= 6).
func (in *pdfInterp) nums(n int) (v [6]float64, ok bool) {
	if len(in.ops) < n {
		return v, false
	}
	for i, o := range in.ops[len(in.ops)-n:] {
		if o.kind != tokNum {
			return v, false
		}
		v[i] = o.num
	}
	return v, true
}

// matrix returns the last six operands as a matrix.
func (in *pdfInterp) matrix() (pdfMatrix, bool) {
	v, ok := in.nums(6)
	return pdfMatrix(v), ok
}

// str returns the operand k places below the top as a string.
func (in *pdfInterp) str(k int) (string, bool) {
	i := len(in.ops) - 1 - k
	if i < 0 || in.ops[i].kind != tokStr {
		return "", false
	}
	return in.ops[i].str, true
}

// move starts a new line at (x, y) from the start of the current one.
func (in *pdfInterp) move(x, y float64) {
	in.tlm = pdfMatrix{1, 0, 0, 1, x, y}.mul(in.tlm)
	in.tm = in.tlm
}

// setFont runs Tf: a font resource name and a size.
func (in *pdfInterp) setFont() error {
	n := len(in.ops)
	if n < 2 || in.ops[n-2].kind != tokName || in.ops[n-1].kind != tokNum {
		return nil
	}
	f, err := in.font(in.ops[n-2].str)
	in.gs.font, in.gs.tfs = f, in.ops[n-1].num
	return err
}

// nextLineShow runs ' (next line, show) and " (set spacing, next line,
// show).
func (in *pdfInterp) nextLineShow(op string) error {
	s, ok := in.str(0)
	if !ok {
		return nil
	}
	if op == "\"" {
		n := len(in.ops)
		if n < 3 || in.ops[n-3].kind != tokNum || in.ops[n-2].kind != tokNum {
			return nil
		}
		in.gs.tw, in.gs.tc = in.ops[n-3].num, in.ops[n-2].num
	}
	in.move(0, -in.gs.tl)
	return in.show(s)
}

// showArray runs TJ: strings, and numbers that move the next one back (or
// forth, when negative) by thousandths of an em.
func (in *pdfInterp) showArray() error {
	n := len(in.ops)
	if n == 0 || in.ops[n-1].kind != tokArrayOpen {
		return nil
	}
	for _, e := range in.ops[n-1].arr {
		if e.kind == tokNum {
			tx := -e.num / 1000 * in.gs.tfs * in.gs.th
			in.tm = pdfMatrix{1, 0, 0, 1, tx, 0}.mul(in.tm)
			continue
		}
		if err := in.show(e.str); err != nil {
			return err
		}
	}
	return nil
}

// show shows the string raw in the current font: the text is decoded,
// placed, and the text matrix moved past it.
func (in *pdfInterp) show(raw string) error {
	f := in.gs.font
	if f == nil {
		f = in.latin1
	}
	text, err := in.p.decode(f, raw)
	if err == nil && len(f.ranges) > 0 {
		err = in.p.spend(int64(len(raw)/2) * int64(len(f.ranges)))
	}
	if err != nil {
		return err
	}
	trm := in.tm.mul(in.gs.ctm)
	x0, y0 := trm.apply(0, in.gs.rise)
	in.tm = pdfMatrix{1, 0, 0, 1, f.advance(raw, &in.gs), 0}.mul(in.tm)
	x1, _ := in.tm.mul(in.gs.ctm).apply(0, in.gs.rise)
	size := in.gs.tfs * math.Hypot(trm[2], trm[3])
	return in.p.add(x0, x1, y0, size, text)
}

// form runs Do: the text of a form XObject is read (images are not).
func (in *pdfInterp) form() error {
	n := len(in.ops)
	if n == 0 || in.ops[n-1].kind != tokName || in.depth >= maxPDFFormDepth || in.notForms[in.ops[n-1].str] {
		return nil
	}
	d := in.p.doc
	name := in.ops[n-1].str
	xs, err := d.key(in.res, "XObject")
	var x pdf.Value
	if err == nil {
		x, err = d.key(xs, name)
	}
	var sub pdf.Value
	if err == nil && x.Kind() == pdf.Stream {
		sub, err = d.key(x, "Subtype")
	}
	if err != nil || sub.Name() != "Form" {
		if err == nil && len(in.notForms) < maxPDFFonts {
			in.notForms[name] = true
		}
		return err
	}
	res := in.res
	if r, err := d.key(x, "Resources"); err == nil && r.Kind() == pdf.Dict {
		res = r
	}
	child := in.p.newInterp(x, res, in.depth+1)
	child.gs = in.gs
	child.gs.ctm = in.formMatrix(x).mul(in.gs.ctm)
	return child.run()
}

// formMatrix returns the /Matrix of the form x, the identity by default.
func (in *pdfInterp) formMatrix(x pdf.Value) pdfMatrix {
	d := in.p.doc
	arr, err := d.key(x, "Matrix")
	if err != nil || arr.Kind() != pdf.Array || arr.Len() != 6 {
		return pdfIdentity
	}
	var m pdfMatrix
	for i := range m {
		e, err := d.index(arr, i)
		if err != nil {
			return pdfIdentity
		}
		m[i] = e.Float64()
	}
	return m
}
