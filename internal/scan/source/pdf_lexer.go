package source

import (
	"bufio"
	"errors"
	"io"
	"strconv"
)

// The tokenizer of PDF syntax, shared by the content stream interpreter,
// the character map checks and the cross-reference checks. Unlike the
// library's, it ends at the end of its data, whatever it is inside of, and
// bounds the strings it keeps.

// pdfTokKind is the kind of a token of PDF syntax.
type pdfTokKind uint8

// The kinds of tokens.
const (
	tokEOF        pdfTokKind = iota
	tokNum                   // a number
	tokStr                   // a literal or hex string
	tokName                  // a name, without its slash
	tokWord                  // an operator or a keyword
	tokArrayOpen             // [
	tokArrayClose            // ]
	tokDictOpen              // <<
	tokDictClose             // >>
	tokOther                 // a stray delimiter
)

// pdfToken is a token; its text is valid until the next one is read.
type pdfToken struct {
	kind pdfTokKind
	num  float64
	text []byte
}

// is reports whether t is the keyword w.
func (t pdfToken) is(w string) bool { return t.kind == tokWord && string(t.text) == w }

// pdfLexer splits PDF syntax into tokens: content streams, character maps,
// cross-reference sections. A read error ends the tokens and is kept.
type pdfLexer struct {
	r       *bufio.Reader
	err     error  // the first read error other than io.EOF, or tooLong
	buf     []byte // the text of the last token
	maxStr  int    // the longest string read
	tooLong error  // the error of a longer string
}

// newPDFLexer returns a lexer of r whose strings may hold up to maxStr
// bytes; a longer one ends the tokens with tooLong.
func newPDFLexer(r io.Reader, maxStr int, tooLong error) *pdfLexer {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &pdfLexer{r: br, maxStr: maxStr, tooLong: tooLong}
}

// byte reads a byte; ok is false at the end or after an error.
func (l *pdfLexer) byte() (byte, bool) {
	if l.err != nil {
		return 0, false
	}
	c, err := l.r.ReadByte()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			l.err = err
		}
		return 0, false
	}
	return c, true
}

// unread puts back the byte just read.
func (l *pdfLexer) unread() { _ = l.r.UnreadByte() }

// follows consumes the next byte when it is c, and reports whether it was.
func (l *pdfLexer) follows(c byte) bool {
	b, err := l.r.Peek(1)
	if l.err != nil || err != nil || b[0] != c {
		return false
	}
	_, _ = l.r.ReadByte()
	return true
}

// isPDFSpace reports whether c is PDF white space.
func isPDFSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

// isPDFDelim reports whether c is a PDF delimiter.
func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// unhexPDF returns the value of the hex digit c, and whether it is one.
func unhexPDF(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// next returns the next token.
func (l *pdfLexer) next() pdfToken {
	c, ok := l.skipSpace()
	if !ok {
		return pdfToken{kind: tokEOF}
	}
	switch c {
	case '(':
		return l.literal()
	case '<':
		if l.follows('<') {
			return pdfToken{kind: tokDictOpen}
		}
		return l.hex()
	case '>':
		if l.follows('>') {
			return pdfToken{kind: tokDictClose}
		}
		return pdfToken{kind: tokOther}
	case '[':
		return pdfToken{kind: tokArrayOpen}
	case ']':
		return pdfToken{kind: tokArrayClose}
	case '/':
		return l.name()
	case ')', '{', '}':
		return pdfToken{kind: tokOther}
	}
	return l.word(c)
}

// skipSpace passes over white space and comments, and returns the byte
// after them.
func (l *pdfLexer) skipSpace() (byte, bool) {
	for {
		c, ok := l.byte()
		switch {
		case !ok:
			return 0, false
		case c == '%':
			l.skipLine()
		case !isPDFSpace(c):
			return c, true
		}
	}
}

// skipLine passes over the rest of a line.
func (l *pdfLexer) skipLine() {
	for {
		if c, ok := l.byte(); !ok || c == '\n' || c == '\r' {
			return
		}
	}
}

// keep adds c to a string's bytes; past maxStr the tokens end.
func (l *pdfLexer) keep(c byte) {
	if len(l.buf) < l.maxStr {
		l.buf = append(l.buf, c)
	} else if l.err == nil {
		l.err = l.tooLong
	}
}

// literal reads a literal string, after its "(".
func (l *pdfLexer) literal() pdfToken {
	l.buf = l.buf[:0]
	for depth := 1; ; {
		c, ok := l.byte()
		if !ok {
			break
		}
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return pdfToken{kind: tokStr, text: l.buf}
			}
		case '\\':
			if c, ok = l.escape(); !ok {
				continue
			}
		}
		l.keep(c)
	}
	return pdfToken{kind: tokStr, text: l.buf}
}

// escape reads an escape sequence of a literal string, after its
// backslash; ok is false for a line continuation and at the end.
func (l *pdfLexer) escape() (byte, bool) {
	c, ok := l.byte()
	if !ok {
		return 0, false
	}
	switch c {
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case '\r':
		l.follows('\n')
		return 0, false
	case '\n':
		return 0, false
	}
	if c < '0' || c > '7' {
		return c, true
	}
	v := c - '0'
	for range 2 {
		d, ok := l.byte()
		if !ok {
			break
		}
		if d < '0' || d > '7' {
			l.unread()
			break
		}
		v = v<<3 | (d - '0')
	}
	return v, true
}

// hex reads a hex string, after its "<": digits in pairs, white space and
// other bytes passed over, an odd last digit followed by 0.
func (l *pdfLexer) hex() pdfToken {
	l.buf = l.buf[:0]
	var hi byte
	half := false
	for {
		c, ok := l.byte()
		if !ok || c == '>' {
			break
		}
		v, ok := unhexPDF(c)
		switch {
		case !ok:
		case half:
			l.keep(hi<<4 | v)
			half = false
		default:
			hi, half = v, true
		}
	}
	if half {
		l.keep(hi << 4)
	}
	return pdfToken{kind: tokStr, text: l.buf}
}

// regular reads the rest of a name or a word into buf, up to maxPDFName
// bytes kept; with names, #xx stands for a byte.
func (l *pdfLexer) regular(name bool) {
	for {
		c, ok := l.byte()
		if !ok {
			return
		}
		if isPDFSpace(c) || isPDFDelim(c) {
			l.unread()
			return
		}
		if name && c == '#' {
			if b, err := l.r.Peek(2); err == nil {
				hi, ok1 := unhexPDF(b[0])
				lo, ok2 := unhexPDF(b[1])
				if ok1 && ok2 {
					_, _ = l.r.Discard(2)
					c = hi<<4 | lo
				}
			}
		}
		if len(l.buf) < maxPDFName {
			l.buf = append(l.buf, c)
		}
	}
}

// name reads a name, after its "/".
func (l *pdfLexer) name() pdfToken {
	l.buf = l.buf[:0]
	l.regular(true)
	return pdfToken{kind: tokName, text: l.buf}
}

// word reads a number, an operator or a keyword, which starts with c.
func (l *pdfLexer) word(c byte) pdfToken {
	l.buf = append(l.buf[:0], c)
	l.regular(false)
	if v, ok := parsePDFNumber(l.buf); ok {
		return pdfToken{kind: tokNum, num: v}
	}
	return pdfToken{kind: tokWord, text: l.buf}
}

// parsePDFNumber parses a PDF number: a sign, digits, at most one point.
func parsePDFNumber(b []byte) (float64, bool) {
	s := b
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, points := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return 0, false
		}
	}
	if digits == 0 || points > 1 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, true
	}
	return v, true
}

// skipDict passes over the rest of a dictionary, after its "<<".
func (l *pdfLexer) skipDict() {
	for depth := 1; depth > 0; {
		switch l.next().kind {
		case tokEOF:
			return
		case tokDictOpen:
			depth++
		case tokDictClose:
			depth--
		}
	}
}

// skipInlineImage passes over an inline image, after its BI operator: its
// parameters up to ID, then its data up to an EI that stands alone.
func (l *pdfLexer) skipInlineImage() {
	for {
		t := l.next()
		if t.kind == tokEOF {
			return
		}
		if t.is("ID") {
			break
		}
	}
	l.byte() // the white space after ID
	prev2, prev1 := byte(' '), byte(' ')
	for {
		c, ok := l.byte()
		if !ok {
			return
		}
		if c == 'I' && prev1 == 'E' && isPDFSpace(prev2) && l.endsToken() {
			return
		}
		prev2, prev1 = prev1, c
	}
}

// endsToken reports whether the next byte, if any, ends a token.
func (l *pdfLexer) endsToken() bool {
	b, err := l.r.Peek(1)
	return err != nil || isPDFSpace(b[0]) || isPDFDelim(b[0])
}
