package source

import (
	"bytes"
	"io"
)

// lineReader splits a stream into lines of at most max bytes, a longer
// line coming in several pieces, in a buffer of fixed size.
type lineReader struct {
	r      io.Reader
	max    int
	buf    []byte
	lo, hi int
	line   int // the number of the line the next piece belongs to
	err    error
}

// next returns the next piece of a line without its line ending (LF or
// CRLF), the 1-based number of its line, and whether the line goes on in
// the next piece. At the end it returns io.EOF, or the read error. The
// piece is valid until the next call.
func (l *lineReader) next() (piece []byte, line int, more bool, err error) {
	for {
		window := l.buf[l.lo:l.hi]
		if len(window) > l.max+1 {
			window = window[:l.max+1]
		}
		if i := bytes.IndexByte(window, '\n'); i >= 0 {
			piece = bytes.TrimSuffix(window[:i], []byte{'\r'})
			l.lo += i + 1
			line = l.line
			l.line++
			return piece, line, false, nil
		}
		if l.hi-l.lo >= l.max {
			n := cutPoint(l.buf[l.lo:l.hi], l.max)
			piece = l.buf[l.lo : l.lo+n]
			l.lo += n
			return piece, l.line, true, nil
		}
		if l.err != nil {
			if l.lo < l.hi {
				piece = bytes.TrimSuffix(l.buf[l.lo:l.hi], []byte{'\r'})
				l.lo = l.hi
				line = l.line
				l.line++
				return piece, line, false, nil
			}
			return nil, l.line, false, l.err
		}
		if l.lo > 0 {
			l.hi = copy(l.buf, l.buf[l.lo:l.hi])
			l.lo = 0
		}
		n, err := l.r.Read(l.buf[l.hi:])
		l.hi += n
		if err != nil {
			l.err = err
		} else if n == 0 {
			l.err = io.ErrNoProgress
		}
	}
}
