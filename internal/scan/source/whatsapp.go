package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// The columns of the units of a WhatsApp export, and the hint of a sender.
const (
	waSenderColumn  = "sender"
	waMessageColumn = "message"
	waSenderHint    = "sender name"
)

// maxSenderLen bounds the sender of a WhatsApp message: a longer text
// before ": " is a system line's, not a name.
const maxSenderLen = 128

// readWhatsApp reads a WhatsApp chat export. A line that starts with a
// date and a time ("12/31/20, 9:41 PM - ", "[31/12/2020, 21:41:05] ")
// starts a message: its sender is emitted in column "sender" with the
// hint "sender name", and its text in column "message"; a line with no
// sender (a system line) is emitted whole as a message. Other lines go on
// the message above and are emitted as its text. The dates and times are
// not emitted, nor the placeholders of media left out of the export.
func readWhatsApp(s *sink, r io.Reader) error {
	lr := s.lineReader(r)
	cont := false // the piece goes on a line begun in the previous one
	for {
		piece, line, more, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
		start := !cont
		cont = more
		if start {
			if rest, ok := parseWhatsAppPrefix(trimMarks(piece)); ok {
				if err := emitWhatsAppMessage(s, line, rest); err != nil {
					return err
				}
				continue
			}
		}
		if err := s.emit(line, waMessageColumn, "", piece); err != nil {
			return err
		}
	}
}

// emitWhatsAppMessage emits the sender and the text of a message found on
// line, rest being what follows its date and time.
func emitWhatsAppMessage(s *sink, line int, rest []byte) error {
	sender, text, ok := splitWhatsAppSender(rest)
	if !ok {
		return s.emit(line, waMessageColumn, "", trimMarks(rest))
	}
	if err := s.emit(line, waSenderColumn, waSenderHint, sender); err != nil {
		return err
	}
	if isWhatsAppPlaceholder(text) {
		return nil
	}
	return s.emit(line, waMessageColumn, "", text)
}

// splitWhatsAppSender splits the text after a message's date into its
// sender and its text, at the first ": ". ok is false for a system line,
// which has no sender. The sender is trimmed of direction marks and of the
// "~" WhatsApp puts before a name that is not a saved contact.
func splitWhatsAppSender(rest []byte) (sender, text []byte, ok bool) {
	i := bytes.Index(rest, []byte(": "))
	if i <= 0 || i > maxSenderLen {
		return nil, nil, false
	}
	sender = trimMarks(rest[:i])
	if bytes.HasPrefix(sender, []byte("~")) {
		sender = trimMarks(sender[1:])
	}
	if len(bytes.TrimSpace(sender)) == 0 {
		return nil, nil, false
	}
	return sender, trimMarks(rest[i+2:]), true
}

// waPlaceholders are the texts WhatsApp writes for media left out of an
// export (compared without case).
var waPlaceholders = []string{"<Media omitted>", "image omitted", "video omitted", "audio omitted",
	"sticker omitted", "GIF omitted", "document omitted", "Contact card omitted", "null"}

// isWhatsAppPlaceholder reports whether a message's text is a placeholder
// for media left out of the export, or the name of a file attached to it
// ("<attached: 00000012-PHOTO-2020-12-31-21-41-05.jpg>"), which holds a
// date that is no one's birthday.
func isWhatsAppPlaceholder(text []byte) bool {
	text = bytes.TrimSpace(trimMarks(text))
	if bytes.HasPrefix(text, []byte("<attached: ")) && bytes.HasSuffix(text, []byte(">")) &&
		bytes.Count(text, []byte(">")) == 1 {
		return true
	}
	for _, p := range waPlaceholders {
		if bytes.EqualFold(text, []byte(p)) {
			return true
		}
	}
	return false
}

// isDirectionMark reports whether r is an invisible mark WhatsApp puts
// before lines, names and texts: a byte order mark, or a mark or embedding
// of writing direction.
func isDirectionMark(r rune) bool {
	return r == '\ufeff' || r == '\u200e' || r == '\u200f' || r >= '\u202a' && r <= '\u202e' ||
		r >= '\u2066' && r <= '\u2069'
}

// trimMarks returns b without the direction marks and the spaces (no-break
// ones included) at its start.
func trimMarks(b []byte) []byte {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if !isDirectionMark(r) && r != ' ' && r != '\t' && r != '\u00a0' && r != '\u202f' {
			return b
		}
		b = b[size:]
	}
	return b
}

// waScanner reads the date and time that start a WhatsApp message line.
type waScanner struct {
	b []byte
	i int
}

// parseWhatsAppPrefix reports whether line starts as a WhatsApp message
// does, with a date and a time: "12/31/20, 9:41 PM - ", "31.12.20, 21:41
// - ", "[31/12/2020, 21:41:05] ", "[2020-12-31 21:41:05] ". It returns
// what follows.
func parseWhatsAppPrefix(line []byte) (rest []byte, ok bool) {
	p := &waScanner{b: line}
	// iOS puts a left-to-right mark before the line of an attachment, and
	// some tools a byte order mark: invisible, they are skipped.
	for p.prefix("\u200e") || p.prefix("\u200f") || p.prefix("\ufeff") {
	}
	bracket := p.byte('[')
	if !p.date() || !p.dateTimeGap() || !p.time() {
		return nil, false
	}
	p.spaces()
	p.meridiem()
	if bracket {
		if !p.byte(']') {
			return nil, false
		}
		p.spaces()
		return line[p.i:], true
	}
	p.spaces()
	if !p.byte('-') && !p.prefix("\u2013") {
		return nil, false
	}
	if p.spaces() == 0 && p.i < len(p.b) {
		return nil, false
	}
	return line[p.i:], true
}

// byte consumes c if it comes next.
func (p *waScanner) byte(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// prefix consumes s if it comes next.
func (p *waScanner) prefix(s string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.i += len(s)
		return true
	}
	return false
}

// number consumes one to max digits and returns their value and count.
func (p *waScanner) number(max int) (v, n int) {
	for n < max && p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		v = v*10 + int(p.b[p.i]-'0')
		p.i++
		n++
	}
	return v, n
}

// spaces consumes spaces, tabs, no-break spaces and narrow no-break
// spaces (which newer exports put before "PM"), and returns how many.
func (p *waScanner) spaces() int {
	n := 0
	for {
		switch {
		case p.byte(' ') || p.byte('\t') || p.prefix("\u00a0") || p.prefix("\u202f"):
			n++
		default:
			return n
		}
	}
}

// date consumes a date of three numbers joined by the same separator
// ("/", "." or "-"): day, month and year in either order of day and month,
// the year of two or four digits; or year, month, day.
func (p *waScanner) date() bool {
	a, na := p.number(4)
	if na == 0 || na == 3 || p.i >= len(p.b) {
		return false
	}
	sep := p.b[p.i]
	if sep != '/' && sep != '.' && sep != '-' {
		return false
	}
	p.i++
	b, nb := p.number(2)
	if nb == 0 || !p.byte(sep) {
		return false
	}
	c, nc := p.number(4)
	if na == 4 {
		return nc > 0 && nc <= 2 && validMonthDay(b, c)
	}
	if nc != 2 && nc != 4 {
		return false
	}
	return validMonthDay(a, b) || validMonthDay(b, a)
}

// validMonthDay reports whether m and d can be a month and a day.
func validMonthDay(m, d int) bool {
	return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

// dateTimeGap consumes what joins the date to the time: a comma, white
// space, or both.
func (p *waScanner) dateTimeGap() bool {
	comma := p.byte(',')
	return p.spaces() > 0 || comma
}

// time consumes a time: hours and minutes, maybe seconds, joined by ":"
// or ".".
func (p *waScanner) time() bool {
	h, nh := p.number(2)
	if nh == 0 || h > 24 || !p.timeSep() {
		return false
	}
	m, nm := p.number(2)
	if nm != 2 || m > 59 {
		return false
	}
	save := p.i
	if p.timeSep() {
		if sec, ns := p.number(2); ns == 2 && sec <= 59 {
			return true
		}
		p.i = save
	}
	return true
}

// timeSep consumes the separator of a time's fields.
func (p *waScanner) timeSep() bool {
	return p.byte(':') || p.byte('.')
}

// maxMeridiem bounds the letters of an AM/PM marker ("PM", "p.m.", "SA",
// "CH").
const maxMeridiem = 6

// meridiem consumes an AM/PM marker of ASCII letters and dots, if one
// comes next; Spanish exports write it in two ("p. m.").
func (p *waScanner) meridiem() {
	for range 2 {
		j := p.i
		for j < len(p.b) && j-p.i < maxMeridiem && (isASCIILetter(p.b[j]) || p.b[j] == '.') {
			j++
		}
		if j == p.i || !isASCIILetter(p.b[p.i]) {
			return
		}
		oneLetter := j-p.i == 2 && p.b[p.i+1] == '.'
		p.i = j
		p.spaces()
		// "p. " goes on only with another one-letter abbreviation: "m.".
		if !oneLetter || p.i+1 >= len(p.b) || !isASCIILetter(p.b[p.i]) || p.b[p.i+1] != '.' {
			return
		}
	}
}

// WhatsAppSender returns where the sender's name lies in a line of a
// WhatsApp export (for redaction); ok is false for a line with none.
func WhatsAppSender(line []byte) (start, end int, ok bool) {
	rest, ok := parseWhatsAppPrefix(line)
	if !ok {
		return 0, 0, false
	}
	sender, _, ok := splitWhatsAppSender(rest)
	if !ok {
		return 0, 0, false
	}
	// sender is a piece of line: its offset follows from the capacities.
	start = cap(line) - cap(sender)
	if start < 0 || start+len(sender) > len(line) {
		return 0, 0, false
	}
	return start, start + len(sender), true
}
