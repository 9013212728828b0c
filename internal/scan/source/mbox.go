package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The mbox reader splits a mailbox (mboxo or mboxrd) at its separator
// lines, the lines that start with "From ", and reads each message as a
// nested file named by its 1-based number with ".eml" added:
// "inbox.mbox!12.eml", "inbox.mbox!12.eml!invoice.pdf". The extension is
// there because a name without one would leave the choice of reader to
// sniffing, which a real message can fail: a long 8-bit Windows-1258 body
// looks binary, and a message with few well-known header fields looks
// like text; with it every message is read as e-mail. Lines inside a
// message count from the line after its separator. One ">" is taken off
// the lines that start with ">From ", ">>From "... (mboxrd quoting; in an
// mboxo mailbox this unquotes lines that were quoted in the original
// message too, which does not matter to a scan). Messages are streamed:
// none is held in memory.

// fromLine starts the separator lines of a mailbox.
var fromLine = []byte("From ")

// quotePeek is how much of a line is looked at for mboxrd quoting: a
// longer run of '>' is left as it is.
const quotePeek = 64

// readMBOX reads an mbox mailbox, each message as a nested file. Text
// before the first separator line, blank lines aside, is reported and
// read as message 1.
func readMBOX(s *sink, br *bufio.Reader) error {
	if err := skipBlankLines(br); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	for n := 1; ; n++ {
		head, err := br.Peek(len(fromLine))
		switch {
		case len(head) == 0 && errors.Is(err, io.EOF):
			return nil
		case len(head) == 0 && err != nil:
			return fmt.Errorf("message %d: read: %w", n, err)
		case bytes.Equal(head, fromLine):
			if err := skipLine(br); err != nil {
				return fmt.Errorf("message %d: read: %w", n, err)
			}
		case n == 1:
			s.report(1, "mailbox does not start with a From line: the text before the first one read as message 1")
		}
		more, err := readMBOXMessage(s, br, n)
		if err != nil || !more {
			return err
		}
	}
}

// readMBOXMessage reads message n, whose separator line is consumed, as a
// nested file, and reports whether another message follows. The archive
// limits reached are reported and end the mailbox.
func readMBOXMessage(s *sink, br *bufio.Reader, n int) (bool, error) {
	if err := s.ctx.Err(); err != nil {
		return false, &stopError{err}
	}
	if s.budget.bytes <= 0 {
		s.report(0, "%v", errBudget)
		return false, nil
	}
	msg := &mboxMessage{br: br}
	err := s.nested(entry{name: strconv.Itoa(n) + ".eml", packed: -1}, msg)
	switch {
	case errors.Is(err, errNoBudget):
		s.report(0, "%v", errNoBudget)
		return false, nil
	case err != nil:
		return false, err
	}
	// The message's reader may have stopped short of its end.
	if _, err := io.Copy(io.Discard, msg); err != nil {
		return false, fmt.Errorf("message %d: read: %w", n, err)
	}
	return msg.sep, nil
}

// skipBlankLines reads the blank lines at the start of br.
func skipBlankLines(br *bufio.Reader) error {
	for {
		p, err := br.Peek(headerPeek)
		end := bytes.IndexByte(p, '\n')
		if end < 0 || len(bytes.TrimSpace(p[:end])) > 0 {
			if len(p) == 0 && err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			return nil
		}
		if _, err := br.Discard(end + 1); err != nil {
			return err
		}
	}
}

// skipLine reads br through the end of the current line.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		switch {
		case err == nil || errors.Is(err, io.EOF):
			return nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return err
		}
	}
}

// mboxMessage reads one message of a mailbox: the lines up to the next
// separator line or the end of the mailbox, unquoted.
type mboxMessage struct {
	br      *bufio.Reader
	rest    []byte // what is left of the current chunk, in br's buffer
	midLine bool   // the next byte of br is not at the start of a line
	sep     bool   // the message ended at a separator line
	err     error  // the error that ends the message: io.EOF at its end
}

// Read reads from the message.
func (r *mboxMessage) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(r.rest) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.rest, r.err = r.nextChunk()
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

// nextChunk returns the next line of the message, or the next part of a
// line longer than br's buffer, unquoted; io.EOF at the separator line
// that follows the message or at the end of the mailbox.
func (r *mboxMessage) nextChunk() ([]byte, error) {
	if !r.midLine {
		head, _ := r.br.Peek(quotePeek)
		if bytes.HasPrefix(head, fromLine) {
			r.sep = true
			return nil, io.EOF
		}
		if quoted(head) {
			_, _ = r.br.Discard(1)
		}
	}
	chunk, err := r.br.ReadSlice('\n')
	r.midLine = errors.Is(err, bufio.ErrBufferFull)
	switch {
	case err == nil || r.midLine:
		return chunk, nil
	case errors.Is(err, io.EOF) && len(chunk) > 0:
		return chunk, nil
	}
	return chunk, err
}

// quoted reports whether a line starts with one or more '>' and "From ".
func quoted(head []byte) bool {
	i := 0
	for i < len(head) && head[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(head[i:], fromLine)
}
