package source

import (
	"archive/zip"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// XML namespaces of the DOCX elements read.
const (
	nsWordML       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWordMLStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMarkupCompat = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// maxXMLDepth is the deepest nesting of XML elements read.
const maxXMLDepth = 10_000

// minXMLToken is the smallest cap on an XML token, whatever the line cap:
// a root element declaring its namespaces takes a few kilobytes.
const minXMLToken = 64 << 10

// Errors of DOCX parts. Their messages, like every reason reported for a
// document, never hold its text.
var (
	errXMLTooLong   = errors.New("XML token over the size limit: not read further")
	errXMLTooDeep   = errors.New("XML nested too deep: not read further")
	errXMLNoRoot    = errors.New("not XML: no root element")
	errMalformedXML = errors.New("malformed XML")
	errEncrypted    = errors.New("encrypted part: not read")
)

// docxPart is a part of a document whose paragraphs are read.
type docxPart struct {
	file   *zip.File
	name   string // for messages: "document", "header1", "footnotes"
	column string // Unit.Column: "" for the body, else name
	rank   int    // the order of its kind: body, headers, footers, notes, comments
}

// readDOCX emits each non-blank paragraph of a DOCX document as a unit:
// the body's, then those of the headers, footers, footnotes, endnotes and
// comments. Line is the paragraph's number in its part, Column "" for the
// body and the part's name ("header1", "footnotes") for the others.
// Problems with a part are reported and the next part is read.
func readDOCX(s *sink, zr *zip.Reader) error {
	for _, p := range docxParts(zr) {
		if err := s.ctx.Err(); err != nil {
			return &stopError{err}
		}
		if s.budget.entries <= 0 {
			s.report(0, "%v", errNoBudget)
			return nil
		}
		s.budget.entries--
		err := readDOCXPart(s, p)
		var stop *stopError
		switch {
		case err == nil:
		case errors.As(err, &stop):
			return err
		case errors.Is(err, errBudget):
			s.report(0, "%s: %v", p.name, err)
			return nil
		default:
			s.report(0, "%s: %v", p.name, err)
		}
	}
	return nil
}

// docxParts returns the parts of the document that hold its text, in the
// order they are read, each once.
func docxParts(zr *zip.Reader) []docxPart {
	var parts []docxPart
	seen := make(map[string]bool)
	for _, f := range zr.File {
		p, ok := docxPartOf(f)
		if ok && !seen[f.Name] {
			seen[f.Name] = true
			parts = append(parts, p)
		}
	}
	slices.SortStableFunc(parts, func(a, b docxPart) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if len(a.name) != len(b.name) { // header2 before header10
			return len(a.name) - len(b.name)
		}
		return strings.Compare(a.name, b.name)
	})
	return parts
}

// docxPartOf tells whether the archive entry f is a part whose text is
// read, and describes it.
func docxPartOf(f *zip.File) (docxPart, bool) {
	name, ok := strings.CutPrefix(f.Name, "word/")
	if !ok || strings.Contains(name, "/") {
		return docxPart{}, false
	}
	name, ok = strings.CutSuffix(name, ".xml")
	if !ok {
		return docxPart{}, false
	}
	rank := -1
	switch {
	case name == "document":
		return docxPart{file: f, name: name, rank: 0}, true
	case strings.HasPrefix(name, "header"):
		rank = 1
	case strings.HasPrefix(name, "footer"):
		rank = 2
	case name == "footnotes":
		rank = 3
	case name == "endnotes":
		rank = 4
	case name == "comments":
		rank = 5
	}
	if rank < 0 {
		return docxPart{}, false
	}
	return docxPart{file: f, name: name, column: name, rank: rank}, true
}

// readDOCXPart streams one part within the archive limits and emits its
// paragraphs.
func readDOCXPart(s *sink, p docxPart) error {
	if p.file.Flags&0x1 != 0 {
		return errEncrypted
	}
	rc, err := p.file.Open()
	if err != nil {
		return fmt.Errorf("open: %w", safeError(err, errMalformedXML))
	}
	defer func() { _ = rc.Close() }()
	packed := int64(-1)
	if p.file.Method != zip.Store {
		packed = int64(p.file.CompressedSize64)
	}
	limit := recordFactor * s.maxLine
	er := &entryReader{r: rc, budget: s.budget, packed: packed, ratio: int64(s.opts.MaxCompressionRatio)}
	pr := &paragraphReader{s: s, column: p.column, limit: limit,
		dec: xml.NewDecoder(&tokenGuard{r: er, limit: max(limit, minXMLToken)})}
	return pr.run()
}

// paragraphReader emits the paragraphs (w:p) of one part: the text of
// their runs (w:t), a tab for w:tab, a space for w:br and w:cr. A
// paragraph nested in another (in a text box) is a paragraph of its own,
// which splits the enclosing one's text in two units. The fallback
// content of markup-compatibility blocks, which repeats the chosen
// content, is passed over.
type paragraphReader struct {
	s      *sink
	column string
	dec    *xml.Decoder
	limit  int         // a paragraph's text longer than this is emitted in pieces
	text   []byte      // of the innermost paragraph open, not yet emitted
	paras  int         // paragraphs begun in the part
	open   []int       // numbers of the paragraphs open, innermost last
	runs   int         // runs (w:r) open
	inText bool        // inside a w:t
	depth  int         // elements open
	skip   int         // when > 0, the depth of the fallback element passed over
	root   bool        // a root element was seen
	tables []docxTable // the tables open, innermost last
}

// docxTable is a table being read: its first row's cells are the column
// names, the context of the cells below them, as a CSV header is.
type docxTable struct {
	row, col int      // 1-based row, 0-based cell of the row open (-1 before its first)
	header   []string // the first row's cell texts
	cell     []byte   // the text of a first-row cell open
}

// hint is the column name of the cell open, "" outside a table's body.
func (pr *paragraphReader) hint() string {
	if len(pr.tables) == 0 {
		return ""
	}
	t := &pr.tables[len(pr.tables)-1]
	if t.row > 1 && t.col >= 0 && t.col < len(t.header) {
		return t.header[t.col]
	}
	return ""
}

// run reads the part to its end.
func (pr *paragraphReader) run() error {
	for {
		tok, err := pr.dec.Token()
		if err == io.EOF {
			if !pr.root {
				return errXMLNoRoot
			}
			return pr.flush()
		}
		if err != nil {
			// Scan what the paragraph open had, then report.
			if ferr := pr.flush(); ferr != nil {
				return ferr
			}
			return fmt.Errorf("after paragraph %d: %w", pr.paras, safeError(err, errMalformedXML))
		}
		if err := pr.token(tok); err != nil {
			return err
		}
	}
}

// token handles one XML token.
func (pr *paragraphReader) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		pr.root = true
		pr.depth++
		if pr.depth > maxXMLDepth {
			return fmt.Errorf("after paragraph %d: %w", pr.paras, errXMLTooDeep)
		}
		if pr.skip == 0 {
			return pr.start(t.Name)
		}
	case xml.EndElement:
		pr.depth--
		switch {
		case pr.skip > 0 && pr.depth < pr.skip:
			pr.skip = 0
		case pr.skip == 0:
			return pr.end(t.Name)
		}
	case xml.CharData:
		if pr.inText && pr.skip == 0 {
			return pr.add(t...)
		}
	}
	return nil
}

// start handles the start of an element.
func (pr *paragraphReader) start(name xml.Name) error {
	if name.Space == nsMarkupCompat && name.Local == "Fallback" {
		pr.skip = pr.depth
		return nil
	}
	if !isWordML(name) {
		return nil
	}
	inPara := len(pr.open) > 0
	switch name.Local {
	case "tbl":
		if err := pr.flush(); err != nil {
			return err
		}
		if len(pr.tables) < maxXMLDepth {
			pr.tables = append(pr.tables, docxTable{col: -1})
		}
	case "tr":
		if n := len(pr.tables); n > 0 {
			pr.tables[n-1].row++
			pr.tables[n-1].col = -1
		}
	case "tc":
		if n := len(pr.tables); n > 0 {
			pr.tables[n-1].col++
		}
	case "p":
		if err := pr.flush(); err != nil { // the enclosing paragraph's text so far
			return err
		}
		pr.paras++
		pr.open = append(pr.open, pr.paras)
	case "r":
		pr.runs++
	case "t":
		pr.inText = inPara
	case "tab", "ptab":
		if inPara && pr.runs > 0 {
			return pr.add('\t')
		}
	case "br", "cr":
		if inPara && pr.runs > 0 {
			return pr.add(' ')
		}
	case "noBreakHyphen":
		if inPara && pr.runs > 0 {
			return pr.add('-')
		}
	}
	return nil
}

// end handles the end of an element.
func (pr *paragraphReader) end(name xml.Name) error {
	if !isWordML(name) {
		return nil
	}
	switch name.Local {
	case "tbl":
		if n := len(pr.tables); n > 0 {
			pr.tables = pr.tables[:n-1]
		}
	case "tc":
		if n := len(pr.tables); n > 0 && pr.tables[n-1].row == 1 {
			t := &pr.tables[n-1]
			for len(t.header) < t.col {
				t.header = append(t.header, "")
			}
			t.header = append(t.header, strings.TrimSpace(string(t.cell)))
			t.cell = t.cell[:0]
		}
	case "p":
		if len(pr.open) == 0 {
			return nil
		}
		err := pr.flush()
		pr.open = pr.open[:len(pr.open)-1]
		return err
	case "r":
		pr.runs = max(pr.runs-1, 0)
	case "t":
		pr.inText = false
	}
	return nil
}

// add appends text to the paragraph open, emitting what goes past the
// limit, cut at a space when there is one near it.
func (pr *paragraphReader) add(b ...byte) error {
	pr.text = append(pr.text, b...)
	for len(pr.text) > pr.limit {
		n := cutPoint(pr.text, pr.limit)
		if err := pr.s.emit(pr.line(), pr.column, "", pr.text[:n]); err != nil {
			return err
		}
		pr.text = append(pr.text[:0], pr.text[n:]...)
	}
	return nil
}

// flush emits the text of the paragraph open, with its column's name as
// context inside a table's body; a first-row cell's text becomes that
// column's name.
func (pr *paragraphReader) flush() error {
	if len(pr.text) == 0 {
		return nil
	}
	if n := len(pr.tables); n > 0 && pr.tables[n-1].row == 1 && len(pr.tables[n-1].cell) < 200 {
		t := &pr.tables[n-1]
		if len(t.cell) > 0 {
			t.cell = append(t.cell, ' ')
		}
		t.cell = append(t.cell, pr.text...)
	}
	err := pr.s.emit(pr.line(), pr.column, pr.hint(), pr.text)
	pr.text = pr.text[:0]
	return err
}

// line returns the number of the innermost paragraph open.
func (pr *paragraphReader) line() int {
	if len(pr.open) == 0 {
		return max(pr.paras, 1)
	}
	return pr.open[len(pr.open)-1]
}

// isWordML reports whether name is in the WordprocessingML namespace.
func isWordML(name xml.Name) bool {
	return name.Space == nsWordML || name.Space == nsWordMLStrict
}

// safeError returns err when its message is known to hold nothing read
// from the file (archive and decompression failures, the limits), a
// syntax error reduced to its line, and fallback for anything else.
func safeError(err, fallback error) error {
	var syntax *xml.SyntaxError
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%w on line %d", errMalformedXML, syntax.Line)
	case errors.Is(err, errBomb), errors.Is(err, errBudget), errors.Is(err, errXMLTooLong),
		errors.Is(err, errXMLTooDeep), errors.Is(err, errXMLNoRoot),
		errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, zip.ErrChecksum),
		errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &corrupt):
		return err
	}
	return fallback
}

// guardState is where a tokenGuard is in the XML.
type guardState uint8

// The states of a tokenGuard.
const (
	gText       guardState = iota // character data
	gOpen                         // just after "<"
	gTag                          // in a start or end tag
	gBang                         // just after "<!"
	gBangDash                     // just after "<!-"
	gComment                      // in a comment
	gCDATA                        // in a CDATA section
	gPI                           // in a processing instruction
	gDirective                    // in a directive (<!DOCTYPE ...>)
	gDirOpen                      // after "<" in a directive, maybe opening a comment
	gDirComment                   // in a comment in a directive
)

// tokenGuard fails a read once an XML token (character data, a tag, a
// comment...) grows over limit bytes, so that the decoder, which holds a
// token whole, stays within bounds. It follows the token boundaries as
// encoding/xml finds them.
type tokenGuard struct {
	r      io.Reader
	limit  int
	run    int // bytes of the current token
	state  guardState
	quote  byte // the quote open in a tag or directive, or 0
	b0, b1 byte // the two bytes before, for the terminators "-->", "]]>", "?>"
	depth  int  // angle brackets open in a directive
	dashes int  // of "!--" matched after "<" in a directive
}

// Read reads from the underlying reader, failing once a token is over
// the limit.
func (g *tokenGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		g.run++
		g.step(c)
		if g.run > g.limit {
			return n, errXMLTooLong
		}
	}
	return n, err
}

// step follows one byte.
func (g *tokenGuard) step(c byte) {
	switch g.state {
	case gText:
		if c == '<' {
			g.state, g.run = gOpen, 1
		}
	case gOpen:
		switch c {
		case '!':
			g.state = gBang
		case '?':
			g.state, g.b0 = gPI, 0
		default:
			g.state, g.quote = gTag, 0
			g.tag(c)
		}
	case gTag:
		g.tag(c)
	case gBang:
		switch c {
		case '-':
			g.state = gBangDash
		case '[':
			g.state, g.b0, g.b1 = gCDATA, 0, 0
		default:
			g.state, g.quote, g.depth = gDirective, 0, 0
			g.directive(c)
		}
	case gBangDash:
		g.state, g.b0, g.b1 = gComment, 0, 0
	case gComment, gDirComment:
		if g.b0 == '-' && g.b1 == '-' && c == '>' {
			if g.state == gComment {
				g.endToken()
				return
			}
			g.state = gDirective
		}
		g.b0, g.b1 = g.b1, c
	case gCDATA:
		if g.b0 == ']' && g.b1 == ']' && c == '>' {
			g.endToken()
			return
		}
		g.b0, g.b1 = g.b1, c
	case gPI:
		if g.b0 == '?' && c == '>' {
			g.endToken()
			return
		}
		g.b0 = c
	case gDirective:
		g.directive(c)
	case gDirOpen:
		if c == "!--"[g.dashes] {
			g.dashes++
			if g.dashes == 3 {
				g.state, g.b0, g.b1 = gDirComment, 0, 0
			}
			return
		}
		g.state = gDirective
		g.depth++
		g.directive(c)
	}
}

// tag follows a byte of a tag, whose attribute values may hold ">".
func (g *tokenGuard) tag(c byte) {
	switch {
	case g.quote != 0:
		if c == g.quote {
			g.quote = 0
		}
	case c == '"' || c == '\'':
		g.quote = c
	case c == '>':
		g.endToken()
	}
}

// directive follows a byte of a directive as encoding/xml does: quoted
// angle brackets do not nest, and comments are passed over.
func (g *tokenGuard) directive(c byte) {
	switch {
	case g.quote != 0:
		if c == g.quote {
			g.quote = 0
		}
	case c == '>' && g.depth == 0:
		g.endToken()
	case c == '"' || c == '\'':
		g.quote = c
	case c == '>':
		g.depth--
	case c == '<':
		g.state, g.dashes = gDirOpen, 0
	}
}

// endToken notes the end of a markup token: character data follows.
func (g *tokenGuard) endToken() {
	g.state, g.run = gText, 0
}
