package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"
)

// maxReports caps the non-fatal problems reported for one file; past it a
// single note says the rest were suppressed.
const maxReports = 10

// ctxEvery is how many units pass between two checks of the context.
const ctxEvery = 256

// stopError carries an error that ends the whole walk (the callback's, or
// the context's) through the readers, as opposed to a problem with one
// file.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }
func (e *stopError) Unwrap() error { return e.err }

// sink receives the text a reader finds in one file and hands it to the
// callback as units, split to the line cap.
type sink struct {
	ctx     context.Context
	path    string
	maxLine int
	fn      func(Unit) error
	onErr   func(FileError)
	units   int
	reports int
	scratch []byte // reused to hand strings over as bytes
	lineBuf []byte // reused by the line readers
	opts    *Options
	depth   int            // how deep in archives this file is: 0 for a file on disk
	budget  *archiveBudget // shared by a top-level file and everything nested in it
}

// lineBufs holds line buffers for the sinks of nested files (archive
// entries, messages of a mailbox, attachments), which sink.nested creates
// without one: each of ten thousand small entries would otherwise
// allocate one of the line cap's size, and the garbage collector became
// the cost of the scan.
var lineBufs sync.Pool

// borrowLineBuf gives s, when it is the sink of a nested file and has no
// line buffer, one from lineBufs, and returns the function that gives it
// back (and leaves s without one, so that it cannot be shared).
func borrowLineBuf(s *sink) func() {
	need := s.maxLine + headLen
	if s.depth == 0 || s.lineBuf != nil {
		return func() {}
	}
	if b, ok := lineBufs.Get().(*[]byte); ok && cap(*b) >= need {
		s.lineBuf = *b
	}
	return func() {
		if cap(s.lineBuf) >= need {
			b := s.lineBuf
			lineBufs.Put(&b)
		}
		s.lineBuf = nil
	}
}

// lineReader returns a reader of the lines of r, capped at the line cap,
// whose buffer the sink keeps for the next file.
func (s *sink) lineReader(r io.Reader) *lineReader {
	need := s.maxLine + headLen
	if cap(s.lineBuf) < need {
		s.lineBuf = make([]byte, need)
	}
	return &lineReader{r: r, max: s.maxLine, buf: s.lineBuf[:need], line: 1}
}

// emit hands text to the callback, trimmed of surrounding white space and
// split into pieces of at most maxLine bytes; blank text is dropped.
func (s *sink) emit(line int, column, hint string, text []byte) error {
	text = bytes.TrimSpace(text)
	for len(text) > 0 {
		n := cutPoint(text, s.maxLine)
		piece := bytes.TrimSpace(text[:n])
		text = text[n:]
		if len(piece) == 0 {
			continue
		}
		s.units++
		if s.units%ctxEvery == 0 {
			if err := s.ctx.Err(); err != nil {
				return &stopError{err}
			}
		}
		if err := s.fn(Unit{Path: s.path, Line: line, Column: column, Hint: hint, Text: piece}); err != nil {
			return &stopError{err}
		}
	}
	return nil
}

// report notes a problem that does not end the reading of the file.
func (s *sink) report(line int, format string, args ...any) {
	s.note(false, line, format, args...)
}

// warn reports something about the file that did not stop it being read
// in full (FileError.Warning).
func (s *sink) warn(line int, format string, args ...any) {
	s.note(true, line, format, args...)
}

// note reports a problem or, with warning, a warning.
func (s *sink) note(warning bool, line int, format string, args ...any) {
	s.reports++
	switch {
	case s.onErr == nil || s.reports > maxReports+1:
		return
	case s.reports == maxReports+1:
		s.onErr(FileError{Path: s.path, Reason: "further problems not reported"})
	default:
		reason := fmt.Sprintf(format, args...)
		if line > 0 {
			reason = fmt.Sprintf("line %d: %s", line, reason)
		}
		s.onErr(FileError{Path: s.path, Reason: reason, Warning: warning})
	}
}

// cutPoint returns how many bytes of b to take as the next piece of at
// most max bytes: all of b when it fits, else a cut that does not split a
// UTF-8 sequence, moved back to just after a space or tab when there is one
// in the last eighth of the piece. It is at least 1 when b is not empty.
func cutPoint(b []byte, max int) int {
	if len(b) <= max {
		return len(b)
	}
	n := max
	// Do not split a rune: back up to the start of the rune that
	// straddles the cut, if one does.
	for k := 1; k <= utf8.UTFMax-1 && n-k >= 0; k++ {
		if utf8.RuneStart(b[n-k]) {
			if !utf8.FullRune(b[n-k : n]) {
				n -= k
			}
			break
		}
	}
	if n == 0 {
		n = max
	}
	// Back to just after the last space or tab in the last eighth, one
	// between two digits only when there is no other: "0912 345 678" and
	// "4111 1111 1111 1111" are not cut in two.
	cut := -1
	for i := n - 2; i >= n-n/8 && i >= 0; i-- {
		if b[i] != ' ' && b[i] != '\t' {
			continue
		}
		if cut < 0 {
			cut = i + 1
		}
		if i == 0 || !isASCIIDigit(b[i-1]) || !isASCIIDigit(b[i+1]) {
			cut = i + 1
			break
		}
	}
	if cut > 0 {
		n = cut
	}
	return n
}

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }
