package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
)

// inlineTags are the elements that do not break words: text on either
// side of them joins without a space.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "dfn": true, "em": true, "font": true, "i": true, "kbd": true, "mark": true,
	"q": true, "s": true, "samp": true, "small": true, "span": true, "strong": true, "sub": true,
	"sup": true, "time": true, "tt": true, "u": true, "var": true, "wbr": true,
}

// maxTagName is the longest element name kept; longer names are cut.
const maxTagName = 16

// htmlReader extracts the text of an HTML document: a small tokenizer of
// its own (golang.org/x/net/html is not a dependency), enough for text:
// tags, comments, declarations and processing instructions are dropped,
// the content of script and style elements too, runs of white space become
// one space, block elements separate their text with " | ", and character references are
// decoded. Attributes are not scanned.
type htmlReader struct {
	s        *sink
	r        *bufio.Reader
	line     int    // current line
	text     []byte // text of the current line not yet emitted
	textLine int    // line of text[0]
	space    bool   // a space is due before the next text byte
	block    bool   // a block boundary is due before the next text byte
	tables   []htmlTable
}

// readHTML emits the text of an HTML document, a unit per source line.
func readHTML(s *sink, r *bufio.Reader) error {
	h := &htmlReader{s: s, r: r, line: 1}
	for {
		c, err := r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if err := h.endCell(); err != nil {
					return err
				}
				return h.flush()
			}
			return h.readErr(err)
		}
		switch c {
		case '<':
			err = h.markup()
		case '\n':
			err = h.newline()
		case ' ', '\t', '\r', '\f':
			h.space = len(h.text) > 0
		default:
			err = h.add(c)
		}
		if err != nil {
			return err
		}
	}
}

// readErr wraps a read error with the line.
func (h *htmlReader) readErr(err error) error {
	return fmt.Errorf("line %d: read HTML: %w", h.line, err)
}

// add appends a text byte, emitting the start of the line when it grows
// over the line cap.
func (h *htmlReader) add(c byte) error {
	if len(h.tables) > 0 {
		h.noteText(c, h.space || h.block)
	}
	if len(h.text) == 0 {
		h.textLine = h.line
		h.space, h.block = false, false
	}
	switch {
	case h.block:
		// Text of two blocks (paragraphs, cells) does not run together:
		// a name does not go on into the next cell's label, nor a number
		// into the next cell's digits. The bar keeps both in one unit, so
		// a label cell still gives the value in the cell right after it
		// its context (detect treats a bar so).
		h.text = append(h.text, " | "...)
	case h.space:
		h.text = append(h.text, ' ')
	}
	h.space, h.block = false, false
	h.text = append(h.text, c)
	if len(h.text) <= h.s.maxLine {
		return nil
	}
	n := cutPoint(h.text, h.s.maxLine)
	// Do not cut a character reference in two.
	if i := bytes.LastIndexByte(h.text[:n], '&'); i > 0 && n-i <= 32 && bytes.IndexByte(h.text[i:n], ';') < 0 {
		n = i
	}
	if err := h.emit(h.text[:n]); err != nil {
		return err
	}
	h.text = h.text[:copy(h.text, h.text[n:])]
	return nil
}

// newline ends the current line; inside a table cell it is a space, so
// that the cell stays one unit.
func (h *htmlReader) newline() error {
	if h.inCell() {
		h.line++
		h.space = h.space || len(h.text) > 0
		return nil
	}
	err := h.flush()
	h.line++
	return err
}

// flush emits the pending text.
func (h *htmlReader) flush() error {
	err := h.emit(h.text)
	h.text, h.space, h.block = h.text[:0], false, false
	return err
}

// emit emits text with its character references decoded.
func (h *htmlReader) emit(text []byte) error {
	if bytes.IndexByte(text, '&') >= 0 {
		h.s.scratch = append(h.s.scratch[:0], html.UnescapeString(string(text))...)
		text = h.s.scratch
	}
	hint := h.cellHint()
	return h.s.emit(h.textLine, hint, hint, text)
}

// markup handles what follows a '<': a tag, a comment, a declaration, a
// processing instruction, or a plain '<' in the text.
func (h *htmlReader) markup() error {
	next, err := h.r.Peek(2)
	if len(next) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return h.readErr(err)
		}
		return h.add('<')
	}
	switch {
	case next[0] == '!':
		_, _ = h.r.Discard(1)
		if p, _ := h.r.Peek(2); string(p) == "--" {
			_, _ = h.r.Discard(2)
			return h.skipPast("-->")
		}
		return h.skipPast(">")
	case next[0] == '?':
		return h.skipPast(">")
	case next[0] == '/' && len(next) == 2 && isASCIILetter(next[1]):
		_, _ = h.r.Discard(1)
		name, err := h.tagName()
		if err != nil {
			return err
		}
		if ok, err := h.tableTag(name, true); err != nil {
			return err
		} else if !ok {
			h.breakFor(name)
		}
		_, err = h.skipTag()
		return err
	case isASCIILetter(next[0]):
		name, err := h.tagName()
		if err != nil {
			return err
		}
		if ok, err := h.tableTag(name, false); err != nil {
			return err
		} else if !ok {
			h.breakFor(name)
		}
		selfClosing, err := h.skipTag()
		if err != nil || selfClosing || (name != "script" && name != "style") {
			return err
		}
		return h.skipRaw(name)
	}
	return h.add('<')
}

// breakFor marks a block boundary before the next text unless the element
// is inline.
func (h *htmlReader) breakFor(name string) {
	if !inlineTags[name] && len(h.text) > 0 {
		h.block = true
	}
}

// tagName reads an element name, lower-cased and cut to maxTagName.
func (h *htmlReader) tagName() (string, error) {
	var name [maxTagName]byte
	n := 0
	for {
		p, err := h.r.Peek(1)
		if len(p) == 0 {
			if err != nil && !errors.Is(err, io.EOF) {
				return "", h.readErr(err)
			}
			return string(name[:n]), nil
		}
		c := p[0]
		if !isASCIILetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != ':' {
			return string(name[:n]), nil
		}
		_, _ = h.r.Discard(1)
		if n < maxTagName {
			name[n] = c | 0x20 // ASCII lower case; digits, '-' and ':' are unchanged
			n++
		}
	}
}

// skipTag skips the attributes of a tag and its closing '>', honouring
// quoted attribute values; it reports whether the tag closed with "/>".
func (h *htmlReader) skipTag() (selfClosing bool, err error) {
	var quote byte
	afterEq := false
	for {
		c, err := h.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return false, nil
			}
			return false, h.readErr(err)
		}
		if c == '\n' {
			if err := h.newline(); err != nil {
				return false, err
			}
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '>':
			return selfClosing, nil
		case afterEq && (c == '"' || c == '\''):
			quote = c
		}
		switch c {
		case '=':
			afterEq = true
		case ' ', '\t', '\n', '\r', '\f':
		default:
			afterEq = false
		}
		selfClosing = c == '/'
	}
}

// skipPast skips input up to and including end, an ASCII string.
func (h *htmlReader) skipPast(end string) error {
	matched := 0
	for {
		c, err := h.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return h.readErr(err)
		}
		if c == '\n' {
			if err := h.newline(); err != nil {
				return err
			}
		}
		switch {
		case c == end[matched]:
			matched++
			if matched == len(end) {
				return nil
			}
		case matched > 0 && c == end[0] && end[:matched] == string(bytes.Repeat([]byte{c}, matched)):
			// A longer run of the first byte ("--->"): stay matched.
		default:
			matched = 0
			if c == end[0] {
				matched = 1
			}
		}
	}
}

// skipRaw skips the content of a script or style element and its end tag.
func (h *htmlReader) skipRaw(name string) error {
	for {
		c, err := h.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return h.readErr(err)
		}
		switch c {
		case '\n':
			if err := h.newline(); err != nil {
				return err
			}
		case '<':
			p, _ := h.r.Peek(len(name) + 2)
			if len(p) >= len(name)+1 && p[0] == '/' && bytes.EqualFold(p[1:len(name)+1], []byte(name)) &&
				(len(p) == len(name)+1 || bytes.IndexByte([]byte(" \t\n\r\f/>"), p[len(name)+1]) >= 0) {
				_, _ = h.r.Discard(len(name) + 1)
				_, err := h.skipTag()
				return err
			}
		}
	}
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
