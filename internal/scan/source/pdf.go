package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
)

// The PDF reader reads the text layer only: the strings that pages (and
// the forms they draw) show with the text operators, decoded by their
// fonts, placed by the text and graphics matrices, and grouped into lines
// by baseline. Images are not read (no OCR).
//
// It leans on github.com/ledongthuc/pdf for the file's structure (cross-
// reference sections, objects, stream filters, decryption with the empty
// password, fonts' encodings) and reads the content streams itself, for
// the library's own content readers lose the text positions (GetTextByRow
// ignores Td), allocate per glyph (Content), and loop forever on a stream
// that ends inside a hex string. Every call into the library goes through
// pdfDoc.call, which turns its panics into errors.
//
// A known limit of the library that the checks do not reach: an object
// stream whose dictionary sets a value through an object in the file that
// refers, in turn, to an object held by an object stream is checked with
// null for that value, so it may still make the library loop. (A /Columns
// set by an indirect reference, which once escaped the guard on large
// allocations and could exhaust memory, is refused: pdfGuarded.)
//
// This file holds the limits, the errors, the opening of the file and the
// walk of the page tree. The other parts are in pdf_guard.go (the checks
// on the file's structure before and while the library reads it),
// pdf_objstm.go (the checks on object streams before the library opens
// the file) and pdf_probe.go (the readers of the file they use),
// pdf_lib.go (the calls into the library), pdf_interp.go (the content
// stream interpreter), pdf_font.go (fonts, widths and character maps),
// pdf_layout.go (the grouping of text runs into lines) and pdf_lexer.go
// (the tokenizer of PDF syntax).

// Limits of the PDF reader. A page over one is reported and skipped, and
// the reading goes on with the next page.
const (
	maxPDFPages     = 10_000   // pages read per file; the rest are reported
	maxPDFTreeNodes = 100_000  // page tree nodes visited per file
	maxPDFTreeDepth = 64       // page tree nesting
	maxPDFPageText  = 16 << 20 // text held for one page, with its bookkeeping
	maxPDFContent   = 64 << 20 // decoded content read for one page (forms and character maps included)
	maxPDFCMap      = 1 << 20  // decoded size of one character map
	maxPDFWork      = 1 << 30  // text decoding steps for one page (character map look-ups)
	maxPDFReads     = 1 << 28  // bytes the library may read for one page, or to open the file
	maxPDFFormDepth = 8        // forms drawn by forms
	maxPDFObjects   = 1 << 22  // objects a cross-reference section may declare
	maxPDFXrefs     = 1024     // cross-reference sections chained by /Prev
	maxPDFNumber    = 1 << 22  // largest /Columns or /N value let through to the library
	maxPDFOperands  = 32       // operands kept before an operator
	maxPDFArray     = 1 << 16  // elements kept of an array operand
	maxPDFSaved     = 256      // graphics states kept by q
	maxPDFFonts     = 256      // fonts cached per content stream
	maxPDFName      = 127      // bytes kept of a name or an operator
	maxPDFXrefStr   = 64 << 10 // bytes kept of a string in a cross-reference section
	maxPDFWidth     = 32       // bytes of a field of a cross-reference stream
)

// pdfError is a problem the PDF reader words itself, without any of the
// file's text; limit marks the ones that skip a page rather than cut it.
type pdfError struct {
	msg   string
	limit bool
}

// Error returns the message.
func (e *pdfError) Error() string { return e.msg }

// Problems with PDF files.
var (
	errPDFEncrypted = &pdfError{msg: "encrypted PDF: not read"}
	errPDFNumber    = &pdfError{msg: fmt.Sprintf("malformed PDF: /Columns or /N value over the limit of %d", maxPDFNumber)}
	errPDFObjects   = &pdfError{msg: fmt.Sprintf("malformed PDF: cross-reference section over the limit of %d objects", maxPDFObjects)}
	errPDFXrefLoop  = &pdfError{msg: "malformed PDF: cross-reference sections loop"}
	errPDFReads     = &pdfError{msg: fmt.Sprintf("over the limit of %d MiB read", maxPDFReads>>20), limit: true}
	errPDFPageText  = &pdfError{msg: fmt.Sprintf("text over the limit of %d MiB", maxPDFPageText>>20), limit: true}
	errPDFContent   = &pdfError{msg: fmt.Sprintf("content over the limit of %d MiB", maxPDFContent>>20), limit: true}
	errPDFWork      = &pdfError{msg: "text decoding over the work limit", limit: true}
	errPDFLong      = &pdfError{msg: "malformed PDF: string over the limit"}
	errPDFEnough    = &pdfError{msg: "enough pages"} // stops the page tree walk; never reported
)

// isPDFLimit reports whether err is a limit that skips a page.
func isPDFLimit(err error) bool {
	var pe *pdfError
	return errors.As(err, &pe) && pe.limit
}

// readPDF reads the text layer of a PDF file, page by page: one unit per
// line of text, numbered across the document, with "page N" as column.
func readPDF(s *sink, in *input) error {
	ra, size, cleanup, err := s.randomAccess(in)
	if err != nil {
		return err
	}
	defer cleanup()
	d, err := openPDF(s, ra, size)
	if err != nil {
		return err
	}
	return d.readPages()
}

// pdfDoc is one PDF file being read.
type pdfDoc struct {
	s     *sink
	src   *pdfSource
	r     *pdf.Reader
	line  int // the last line number emitted
	pages int // pages met so far
	nodes int // page tree nodes visited
}

// openPDF opens the file for the library, after the checks that keep the
// library from running out of memory or looping on its cross-reference
// sections and object streams.
func openPDF(s *sink, ra io.ReaderAt, size int64) (*pdfDoc, error) {
	size = pdfEnd(ra, size)
	d := &pdfDoc{s: s, src: newPDFSource(ra)}
	if err := d.checkXref(size); err != nil {
		return nil, err
	}
	if err := d.checkObjStreams(size); err != nil {
		return nil, err
	}
	d.src.reset()
	err := d.call(func() error {
		r, err := pdf.NewReader(d.src, size)
		if err != nil && pdfEncryption(err) {
			return errPDFEncrypted
		}
		d.r = r
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// pdfEnd returns the size of the file up to its last %%EOF marker when
// something other than white space follows it (the library wants the
// marker at the very end), else size.
func pdfEnd(ra io.ReaderAt, size int64) int64 {
	n := min(size, 1024)
	tail := make([]byte, n)
	if m, _ := ra.ReadAt(tail, size-n); int64(m) != n {
		return size
	}
	i := bytes.LastIndex(tail, []byte("%%EOF"))
	if i < 0 || len(bytes.TrimRight(tail[i+5:], "\r\n\t ")) == 0 {
		return size
	}
	return size - n + int64(i) + 5
}

// pdfEncryption reports whether an error of the library's NewReader means
// the file is encrypted with a password other than the empty one, or in a
// way the library does not support.
func pdfEncryption(err error) bool {
	if errors.Is(err, pdf.ErrInvalidPassword) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"unsupported PDF: encryption", "malformed PDF: missing O= or U=",
		"malformed PDF: missing ID in trailer", "malformed PDF: encryption revision"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return strings.HasPrefix(msg, "malformed PDF: ") && strings.HasSuffix(msg, "-bit encryption key")
}

// readPages reads the pages in order, reporting the problems of each.
func (d *pdfDoc) readPages() error {
	d.src.reset()
	root, err := d.key(d.r.Trailer(), "Root")
	if err == nil {
		root, err = d.key(root, "Pages")
	}
	if err != nil {
		return err
	}
	err = d.walkTree(root, pdf.Value{}, 0)
	if errors.Is(err, errPDFEnough) {
		return nil
	}
	return err
}

// walkTree reads the pages under the page tree node v, a page itself when
// it has no kids; res are the resources its ancestors pass down.
func (d *pdfDoc) walkTree(v, res pdf.Value, depth int) error {
	if err := d.s.ctx.Err(); err != nil {
		return &stopError{err}
	}
	d.src.reset()
	if r, err := d.key(v, "Resources"); err == nil && r.Kind() == pdf.Dict {
		res = r
	}
	kids, err := d.key(v, "Kids")
	if err != nil {
		return d.treeProblem(err)
	}
	if kids.Kind() != pdf.Array {
		return d.readPage(v, res)
	}
	if depth >= maxPDFTreeDepth {
		d.s.report(0, "page tree deeper than %d: not read further", maxPDFTreeDepth)
		return nil
	}
	for i := 0; i < kids.Len(); i++ {
		if d.nodes++; d.nodes > maxPDFTreeNodes {
			d.s.report(0, "page tree over %d nodes: the rest not read", maxPDFTreeNodes)
			return errPDFEnough
		}
		kid, err := d.index(kids, i)
		if err != nil {
			if err := d.treeProblem(err); err != nil {
				return err
			}
			continue
		}
		if kid.Kind() != pdf.Dict {
			continue
		}
		if err := d.walkTree(kid, res, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// treeProblem reports a problem with the page tree, and returns it when it
// ends the reading of the file.
func (d *pdfDoc) treeProblem(err error) error {
	if errors.Is(err, errPDFNumber) {
		return err
	}
	d.s.report(0, "page tree: %v", err)
	return nil
}

// readPage reads one page and emits its lines. A page over a limit is
// reported and skipped; a page the library fails on midway is reported
// and what was read of it is emitted. A guarded value over its limit ends
// the reading of the file.
func (d *pdfDoc) readPage(v, res pdf.Value) error {
	if d.pages++; d.pages > maxPDFPages {
		d.s.report(0, "more than %d pages: the rest not read", maxPDFPages)
		return errPDFEnough
	}
	p := &pdfPage{doc: d}
	err := p.read(v, res)
	switch {
	case errors.Is(err, errPDFNumber):
		return err
	case isPDFLimit(err):
		d.s.report(0, "page %d: %v: page not read", d.pages, err)
		return nil
	case err != nil:
		d.s.report(0, "page %d: %v: some text may be missing", d.pages, err)
	case p.problem != nil:
		d.s.report(0, "page %d: %v: some text may be missing", d.pages, p.problem)
	}
	return d.emitPage(p)
}

// emitPage emits the lines of a page.
func (d *pdfDoc) emitPage(p *pdfPage) error {
	column := "page " + strconv.Itoa(d.pages)
	return p.lines(func(text []byte) error {
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			return nil
		}
		d.line++
		return d.s.emit(d.line, column, "", text)
	})
}

// pdfPage is the text of one page as it is read.
type pdfPage struct {
	doc     *pdfDoc
	runs    []pdfRun
	held    int   // bytes of text and bookkeeping in runs
	content int64 // decoded content read
	work    int64 // text decoding steps
	problem error // the first problem that did not stop the reading
}

// read reads the text of the page v, whose inherited resources are res.
func (p *pdfPage) read(v, res pdf.Value) error {
	d := p.doc
	if r, err := d.key(v, "Resources"); err == nil && r.Kind() == pdf.Dict {
		res = r
	}
	content, err := d.key(v, "Contents")
	if err != nil {
		return err
	}
	return p.newInterp(content, res, 0).run()
}

// soft notes err, a problem with a part of the page (a font, a form) that
// does not stop its reading, unless it is a limit, which is returned.
func (p *pdfPage) soft(err error) error {
	if err == nil || isPDFLimit(err) || errors.Is(err, errPDFNumber) {
		return err
	}
	if p.problem == nil {
		p.problem = err
	}
	return nil
}

// spend counts n steps of text decoding against the page's work limit.
func (p *pdfPage) spend(n int64) error {
	if p.work += n; p.work > maxPDFWork {
		return errPDFWork
	}
	return nil
}
