package source

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// textSniffLen is how much of a text part is looked at to guess its
// encoding when it declares none.
const textSniffLen = 16 << 10

// transferDecoder returns r decoded from its Content-Transfer-Encoding,
// and whether it is read as it is (7bit, 8bit, binary, none, or an
// unknown encoding, which is reported).
func (m *mailReader) transferDecoder(cte string, r io.Reader) (io.Reader, bool) {
	switch cte = strings.ToLower(strings.TrimSpace(cte)); cte {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &spaceFilter{r: r}), false
	case "quoted-printable":
		return qpReader{quotedprintable.NewReader(r)}, false
	case "", "7bit", "8bit", "binary":
		return r, true
	}
	m.s.report(0, "part %d: unknown Content-Transfer-Encoding %s: read as is", m.part+1, token(cte))
	return r, true
}

// spaceFilter drops the spaces and tabs of base64 text, which some
// mailers leave at the end of lines (the decoder drops line breaks).
type spaceFilter struct{ r io.Reader }

// Read reads from the text, without its spaces and tabs.
func (f *spaceFilter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil || n == 0 {
			return k, err
		}
	}
}

// errBadQP replaces the errors of the quoted-printable decoder, which may
// quote the message, for the readers of attachments report their read
// errors as they are.
var errBadQP = errors.New("bad quoted-printable data")

// qpReader reads quoted-printable text, its decoding errors replaced by
// errBadQP.
type qpReader struct{ r io.Reader }

// Read reads decoded text.
func (q qpReader) Read(p []byte) (int, error) {
	n, err := q.r.Read(p)
	if err != nil && strings.HasPrefix(err.Error(), "quotedprintable:") {
		err = errBadQP
	}
	return n, err
}

// textDecoder returns a text part as UTF-8: decoded from its declared
// charset, or, when it declares none, US-ASCII or UTF-8, or one that is
// not known (reported), from the encoding its first bytes fit (so that
// mislabelled Windows-1258 text is read right).
func (m *mailReader) textDecoder(r io.Reader, charset string) io.Reader {
	if t := m.charsetDecoder(charset); t != nil {
		return transform.NewReader(r, t)
	}
	br := bufio.NewReaderSize(r, textSniffLen)
	head, err := br.Peek(textSniffLen)
	enc := detectEncoding(head, err != nil)
	if n := map[textEncoding]int{encUTF8BOM: 3, encUTF16LE: 2, encUTF16BE: 2}[enc]; n > 0 {
		_, _ = br.Discard(n)
	}
	if t := decoder(enc); t != nil {
		return transform.NewReader(br, t)
	}
	return br
}

// declaredCharset returns r decoded from its declared charset to UTF-8,
// or r as it is when the charset is UTF-8, US-ASCII, none, or not known
// (reported): the nested reader then guesses the encoding.
func (m *mailReader) declaredCharset(r io.Reader, charset string) io.Reader {
	if t := m.charsetDecoder(charset); t != nil {
		return transform.NewReader(r, t)
	}
	return r
}

// charsetDecoder returns the decoder from a declared charset to UTF-8;
// nil for UTF-8, US-ASCII, none, and for a charset not known, which is
// reported.
func (m *mailReader) charsetDecoder(charset string) transform.Transformer {
	switch cs := strings.ToLower(strings.Trim(charset, " \t\"'")); cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return nil
	default:
		if t := charsetTransformer(cs); t != nil {
			return t
		}
		m.s.warn(0, "part %d: unknown charset %s: encoding guessed", m.part, token(cs))
		return nil
	}
}

// charsetTransformer returns the decoder to UTF-8 of a charset named as
// the WHATWG encoding standard or the IANA registry names it, nil when
// neither knows it. Windows-1258 text is brought to NFC, since the code
// page spells most Vietnamese letters with combining tone marks.
func charsetTransformer(name string) transform.Transformer {
	var e encoding.Encoding
	if enc, err := htmlindex.Get(name); err == nil {
		e = enc
	} else if enc, err := ianaindex.MIME.Encoding(name); err == nil {
		e = enc
	}
	switch e {
	case nil:
		return nil
	case charmap.Windows1258:
		return transform.Chain(e.NewDecoder(), norm.NFC)
	}
	return e.NewDecoder()
}

// charsetReader converts the text of an encoded-word from its charset to
// UTF-8, for mime.WordDecoder.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	t := charsetTransformer(strings.ToLower(charset))
	if t == nil {
		return nil, errors.New("unknown charset")
	}
	return transform.NewReader(input, t), nil
}

// fail reports err, met while reading what (on line, 0 when not known),
// and returns nil so that the reading goes on; it returns err itself when
// it must end the message instead: the walk is stopped, or the archive
// limits are reached.
func (m *mailReader) fail(line int, what string, err error) error {
	var stop *stopError
	switch {
	case errors.As(err, &stop), errors.Is(err, errNoBudget), errors.Is(err, errBudget):
		return err
	case m.s.ctx.Err() != nil:
		return &stopError{m.s.ctx.Err()}
	}
	m.s.report(line, "%s: %s", what, describe(err))
	return nil
}

// describe says what went wrong with err without quoting the message: the
// errors of the MIME packages may hold a line of it, and so personal data.
func describe(err error) string {
	var corrupt base64.CorruptInputError
	var protocol textproto.ProtocolError
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &corrupt):
		return fmt.Sprintf("bad base64 data at byte %d", int64(corrupt))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of data"
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return "part header too large"
	case errors.Is(err, errBadQP), errors.Is(err, errGrew), errors.Is(err, errBomb), errors.Is(err, errBudget),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err.Error()
	case errors.As(err, &protocol):
		return "malformed part header"
	case errors.As(err, &pathErr):
		return reason(pathErr)
	}
	if strings.HasPrefix(err.Error(), "multipart:") {
		return "malformed multipart structure"
	}
	return "unreadable data"
}

// token returns s for a message when it is a short token (a charset or
// encoding name), else a placeholder: values of a message are not quoted.
func token(s string) string {
	if len(s) == 0 || len(s) > 40 {
		return "(invalid)"
	}
	for _, c := range []byte(s) {
		if !(isASCIILetter(c) || c >= '0' && c <= '9' || strings.IndexByte("-_.:+", c) >= 0) {
			return "(invalid)"
		}
	}
	return s
}
