package source

import (
	"bytes"
	"io"
)

// partLines passes a multipart body through unchanged and notes, as the
// bytes go by, the line of the file on which each part's body starts, so
// that findings in a part can name lines of the file rather than of the
// part. mime/multipart reads ahead and tells no positions; this reader
// sees every byte once, in order, and recognises the delimiter lines and
// the end of each part's header as mime/multipart does.
type partLines struct {
	r      io.Reader
	dash   []byte // "--" + boundary
	line   int    // the line of the file the next byte is on
	cur    []byte // the start of the current line, at most maxKeep bytes
	long   bool   // the current line is longer than maxKeep
	header bool   // between a delimiter and the blank line ending a part's header
	done   bool   // the closing delimiter was seen
	starts []int  // the first body line of each part, in order
}

// maxKeep bounds what is kept of a line: enough for a delimiter and the
// whitespace after it.
const maxKeep = 256

// newPartLines reads r, whose first byte is on line start of the file.
func newPartLines(r io.Reader, boundary string, start int) *partLines {
	return &partLines{r: r, dash: []byte("--" + boundary), line: start, cur: make([]byte, 0, 80)}
}

func (p *partLines) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if !p.done {
		p.scan(b[:n])
	}
	return n, err
}

func (p *partLines) scan(b []byte) {
	for len(b) > 0 && !p.done {
		i := bytes.IndexByte(b, '\n')
		chunk := b
		if i >= 0 {
			chunk = b[:i]
		}
		if room := maxKeep - len(p.cur); len(chunk) > room {
			p.cur, p.long = append(p.cur, chunk[:room]...), true
		} else {
			p.cur = append(p.cur, chunk...)
		}
		if i < 0 {
			return
		}
		p.endLine()
		b = b[i+1:]
	}
}

// endLine classifies the line just ended and moves to the next.
func (p *partLines) endLine() {
	line := bytes.TrimSuffix(p.cur, []byte("\r"))
	switch {
	case p.long:
	case p.header && len(line) == 0:
		p.header = false
		p.starts = append(p.starts, p.line+1)
	case bytes.HasPrefix(line, p.dash):
		rest := line[len(p.dash):]
		final := bytes.HasPrefix(rest, []byte("--"))
		if final {
			rest = rest[2:]
		}
		if len(bytes.TrimLeft(rest, " \t")) == 0 {
			p.done, p.header = final, !final
		}
	}
	p.line++
	p.cur, p.long = p.cur[:0], false
}

// bodyStart returns the line of the file on which the body of part k
// (from 0) starts, 0 when it is not known.
func (p *partLines) bodyStart(k int) int {
	if p == nil || k >= len(p.starts) {
		return 0
	}
	return p.starts[k]
}
