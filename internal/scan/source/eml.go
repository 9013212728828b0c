package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// The e-mail reader turns one RFC 5322 message into units, streaming it:
//
//   - the header fields that carry personal data (personalHeaders), one
//     unit each, on the line where the field starts, with Column and Hint
//     the field's canonical name ("From", "Reply-To"); encoded-words are
//     decoded (in an address field, inside a quoted display name too),
//     and address fields are written back as
//     `Nguyễn Văn An <an@example.com>, bo@example.com`;
//   - text/plain parts, one unit per non-blank line, with Column "body"
//     for the first such part of the message, "body.2", "body.3"... for
//     the next ones, and Hint "". Line is the line of the file when the
//     text is the body of a single-part message sent as is (7bit, 8bit,
//     binary or no Content-Transfer-Encoding); in a multipart message, or
//     when the body is base64 or quoted-printable, it is the line within
//     the decoded part, counted from 1;
//   - the preamble of a multipart (the text before its first boundary),
//     one unit per non-blank line with Column "preamble", lines counted as
//     for a text part; when the boundary is never found, the whole body
//     is read this way and the problem reported;
//   - text/html parts, converted to UTF-8, as nested files named
//     "body.html" ("body-2.html" for the next one), read by the HTML
//     reader: "mail.eml!body.html";
//   - attachments (a part with Content-Disposition attachment, or any part
//     that is neither multipart nor text/plain or text/html, filename or
//     not) as nested files named by their filename, or "part-N" plus an
//     extension known from the media type, N being the part's rank among
//     the message's leaf parts: "mail.eml!invoice.csv",
//     "mail.eml!part-3.pdf"; a name met twice gets "-2", "-3"... before
//     its extension;
//   - message/rfc822 parts as nested messages: "mail.eml!forwarded.eml",
//     or their filename with ".eml" added when it lacks it.
//
// Problems (a bad boundary or part header, bad base64, an unknown
// charset) are reported, without any header value or text of the
// message, and the reading goes on with the next part where it can.

// Limits and sizes of the e-mail reader.
const (
	// maxMIMEDepth is how deep multiparts may nest in one message.
	maxMIMEDepth = 10
	// headerPeek is how much of a header line is looked at to tell a
	// field from the start of the body: the field name must end in it.
	headerPeek = 1024
	// minFieldCap is the least a header field kept whole may hold; the
	// cap is otherwise four times the line cap.
	minFieldCap = 64 << 10
	// maxEntryName caps the length of an attachment's name.
	maxEntryName = 200
)

// personalHeaders maps the canonical names of the header fields emitted
// to whether they hold addresses.
var personalHeaders = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Sender": true,
	"Delivered-To": true, "Return-Path": true, "Disposition-Notification-To": true,
	"Resent-From": true, "Resent-To": true, "Resent-Cc": true, "Resent-Bcc": true, "Resent-Sender": true,
	"Subject": false, "X-Originating-Ip": false,
}

// contentHeaders are the fields kept to read the body.
var contentHeaders = map[string]bool{"Content-Type": true, "Content-Transfer-Encoding": true, "Content-Disposition": true}

// mailReader reads one message into a sink.
type mailReader struct {
	s        *sink
	wd       *mime.WordDecoder
	ap       *mail.AddressParser
	part     int            // leaf parts met so far, for names and reports
	texts    int            // text/plain parts read so far, for columns
	names    map[string]int // entry names used, with how many times
	fieldCap int
	field    []byte // value of the header field being read
}

// newMailReader returns a reader of one message into s.
func newMailReader(s *sink) *mailReader {
	wd := &mime.WordDecoder{CharsetReader: charsetReader}
	return &mailReader{s: s, wd: wd, ap: &mail.AddressParser{WordDecoder: wd}, names: map[string]int{},
		fieldCap: max(4*s.maxLine, minFieldCap)}
}

// readEML reads one e-mail message: its personal header fields, its text
// and HTML parts, and its attachments and enclosed messages as nested
// files.
func readEML(s *sink, br *bufio.Reader) error {
	m := newMailReader(s)
	h, start, err := m.readHeader(br)
	if err != nil {
		return err
	}
	return m.readEntity(h, br, start, 0, "text/plain")
}

// headerLine is the kind of a line of a header section.
type headerLine int

// The kinds.
const (
	lineField  headerLine = iota // "Name: value"
	lineFolded                   // the continuation of a field
	lineBlank                    // the end of the header section
	lineBody                     // not a header line: the body starts here
)

// field is the header field being read.
type field struct {
	name      string // canonical; "" before the first field
	line      int
	keep      bool // its value is kept (personal or content field)
	truncated bool // its value was over the cap and was cut
}

// readHeader reads the header section of a message from br, emitting the
// fields that carry personal data, and returns the fields that describe
// the body and the line on which the body starts. A leading mbox "From "
// line is passed over; a line that is not a header line ends the section
// (and is reported unless it is the first line: a message without header).
func (m *mailReader) readHeader(br *bufio.Reader) (textproto.MIMEHeader, int, error) {
	h := textproto.MIMEHeader{}
	line := 1
	var cur field
	if p, _ := br.Peek(headerPeek); bytes.HasPrefix(p, []byte("From ")) {
		if kind, _ := classifyHeaderLine(p, false); kind == lineBody { // an mbox From_ line
			if err := m.consumeHeaderLine(br, 0, &cur, line); err != nil {
				return nil, 0, err
			}
			line++
		}
	}
	for ; ; line++ {
		p, err := br.Peek(headerPeek)
		if len(p) == 0 {
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, 0, fmt.Errorf("line %d: read header: %w", line, err)
			}
			return h, line, m.endField(h, &cur)
		}
		kind, colon := classifyHeaderLine(p, cur.name != "")
		switch kind {
		case lineBlank:
			var blank field
			if err := m.consumeHeaderLine(br, 0, &blank, line); err != nil {
				return nil, 0, err
			}
			return h, line + 1, m.endField(h, &cur)
		case lineBody:
			if cur.name != "" {
				m.s.report(line, "header section not ended by a blank line: body read from here")
			}
			return h, line, m.endField(h, &cur)
		case lineField:
			if err := m.endField(h, &cur); err != nil {
				return nil, 0, err
			}
			cur = m.startField(p[:colon], line)
			err = m.consumeHeaderLine(br, colon+1, &cur, line)
		default:
			err = m.consumeHeaderLine(br, 0, &cur, line)
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

// classifyHeaderLine tells what the line at the start of p is, inField
// telling whether a field was started before it; for a field it returns
// the index of the colon that ends its name.
func classifyHeaderLine(p []byte, inField bool) (headerLine, int) {
	switch {
	case p[0] == '\n' || bytes.HasPrefix(p, []byte("\r\n")) || string(p) == "\r":
		return lineBlank, 0
	case p[0] == ' ' || p[0] == '\t':
		if inField {
			return lineFolded, 0
		}
		return lineBody, 0
	}
	end := bytes.IndexByte(p, '\n')
	if end < 0 {
		end = len(p)
	}
	colon := bytes.IndexByte(p[:end], ':')
	if colon <= 0 || !validFieldName(bytes.TrimRight(p[:colon], " \t")) {
		return lineBody, 0
	}
	return lineField, colon
}

// validFieldName reports whether name is a header field name: printable
// ASCII without colon or space, at least one byte.
func validFieldName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

// startField begins the field named name (raw, before the colon) that
// starts on line.
func (m *mailReader) startField(name []byte, line int) field {
	canon := textproto.CanonicalMIMEHeaderKey(string(bytes.TrimRight(name, " \t")))
	_, personal := personalHeaders[canon]
	m.field = m.field[:0]
	return field{name: canon, line: line, keep: personal || contentHeaders[canon]}
}

// consumeHeaderLine reads a header line through its end, appending it
// past its first skip bytes to the value of cur when cur is kept, within
// the field cap.
func (m *mailReader) consumeHeaderLine(br *bufio.Reader, skip int, cur *field, line int) error {
	for {
		chunk, err := br.ReadSlice('\n')
		if skip > 0 {
			n := min(skip, len(chunk))
			chunk, skip = chunk[n:], skip-n
		}
		if cur.keep {
			room := m.fieldCap - len(m.field)
			if len(chunk) > room {
				chunk, cur.truncated = chunk[:room], true
			}
			m.field = append(m.field, chunk...)
		}
		switch {
		case err == nil || errors.Is(err, io.EOF):
			if cur.keep {
				m.field = bytes.TrimRight(m.field, "\r\n")
			}
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		}
		return fmt.Errorf("line %d: read header: %w", line, err)
	}
}

// endField handles the field cur once its value is complete: a content
// field is stored in h (the first of its name only), a personal one
// emitted.
func (m *mailReader) endField(h textproto.MIMEHeader, cur *field) error {
	if !cur.keep {
		return nil
	}
	if cur.truncated {
		m.s.report(cur.line, "header field %s over %d bytes: cut", cur.name, m.fieldCap)
	}
	value := bytes.TrimSpace(m.field)
	cur.keep = false
	if contentHeaders[cur.name] {
		if _, ok := h[cur.name]; !ok {
			h.Set(cur.name, string(value))
		}
		return nil
	}
	return m.emitHeader(cur.line, cur.name, value)
}

// emitHeader emits a personal header field, decoded.
func (m *mailReader) emitHeader(line int, name string, value []byte) error {
	var text string
	if personalHeaders[name] {
		text = m.addresses(value)
	} else {
		text = m.decodeText(value)
	}
	if !utf8.ValidString(text) { // an encoded-word may hold any bytes
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return m.s.emit(line, name, name, []byte(text))
}

// addresses returns an address field as text: each address as
// `Name <address>`, or the bare address when it has no name, separated by
// commas. A field that does not parse is returned decoded as it is; an
// empty path ("<>") or list gives "".
func (m *mailReader) addresses(value []byte) string {
	raw := m.toUTF8(value)
	if strings.TrimSpace(raw) == "<>" {
		return ""
	}
	list, err := m.ap.ParseList(raw)
	if err != nil {
		return m.decodeText(value)
	}
	var b strings.Builder
	for i, a := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		if a.Name == "" {
			b.WriteString(a.Address)
			continue
		}
		b.WriteString(m.quotedWords(a.Name))
		b.WriteString(" <")
		b.WriteString(a.Address)
		b.WriteString(">")
	}
	return b.String()
}

// quotedWords returns a display name with the encoded-words it still
// holds decoded. The address parser decodes those of a name written as
// atoms, but leaves those of a quoted name ("=?UTF-8?B?...?="), which
// RFC 2047 forbids but many mailers write; a word in an unknown charset
// leaves the name as it is.
func (m *mailReader) quotedWords(name string) string {
	if !strings.Contains(name, "=?") || !strings.Contains(name, "?=") {
		return name
	}
	text, err := m.wd.DecodeHeader(name)
	if err != nil {
		return name
	}
	return text
}

// decodeText returns an unstructured header value (a subject) with its
// encoded-words decoded; a word in an unknown charset leaves the value as
// it is.
func (m *mailReader) decodeText(value []byte) string {
	raw := m.toUTF8(value)
	if !strings.Contains(raw, "=?") {
		return raw
	}
	text, err := m.wd.DecodeHeader(raw)
	if err != nil {
		return raw
	}
	return text
}

// toUTF8 returns a raw header value as UTF-8: as it is when it is valid
// UTF-8, else decoded from the Windows code page its bytes fit best
// (8-bit headers sent without encoded-words).
func (m *mailReader) toUTF8(value []byte) string {
	if utf8.Valid(value) {
		return string(value)
	}
	t := decoder(detectEncoding(value, true))
	if t == nil {
		return strings.ToValidUTF8(string(value), "\uFFFD")
	}
	out, _, err := transform.Bytes(t, value)
	if err != nil {
		return strings.ToValidUTF8(string(value), "\uFFFD")
	}
	return string(out)
}
