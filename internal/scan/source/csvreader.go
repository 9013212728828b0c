package source

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// csvReader reads delimited text record by record with the rules of
// encoding/csv with LazyQuotes and any number of fields per record (a
// quoted cell may span lines and holds "" for a quote; a quote elsewhere is
// a character; blank lines are skipped; CRLF ends a line as LF does), but
// hands out the cells as byte slices into a buffer it reuses, so that a
// record costs no allocation, and refuses a record over limit bytes.
type csvReader struct {
	br    *bufio.Reader
	comma byte
	limit int
	line  int  // lines read so far
	start int  // the line on which the last record started
	nl    bool // the last line read ended with a line break
	// unterminated: the last record's quoted cell was never closed and
	// ran to the end of the file.
	unterminated bool

	long  []byte // a line longer than br's buffer, gathered
	buf   []byte // the cells of the record, back to back
	ends  []int  // where each cell ends in buf
	cells [][]byte
}

// newCSVReader returns a reader of br's records.
func newCSVReader(br *bufio.Reader, comma byte, limit int) *csvReader {
	return &csvReader{br: br, comma: comma, limit: limit}
}

// readLine returns the next line without its line ending, valid until the
// next call; io.EOF once there is none. A line over the limit is
// errTooLong.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(r.long) > r.limit {
				return nil, errTooLong
			}
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	r.line++
	r.nl = len(line) > 0 && line[len(line)-1] == '\n'
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

// read returns the cells of the next record, valid until the next call,
// or io.EOF.
func (r *csvReader) read() ([][]byte, error) {
	var line []byte
	for {
		var err error
		if line, err = r.readLine(); err != nil {
			return nil, err
		}
		if len(line) > 0 {
			break
		}
	}
	r.start = r.line
	r.unterminated = false
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			var more bool
			var err error
			if line, pos, more, err = r.quoted(line, pos+1); err != nil {
				return nil, err
			}
			r.ends = append(r.ends, len(r.buf))
			if !more {
				break
			}
			continue
		}
		i := bytes.IndexByte(line[pos:], r.comma)
		if i < 0 {
			r.buf = append(r.buf, line[pos:]...)
			r.ends = append(r.ends, len(r.buf))
			break
		}
		r.buf = append(r.buf, line[pos:pos+i]...)
		r.ends = append(r.ends, len(r.buf))
		pos += i + 1
	}
	if len(r.buf) > r.limit {
		return nil, errTooLong
	}
	r.cells = r.cells[:0]
	from := 0
	for _, end := range r.ends {
		r.cells = append(r.cells, r.buf[from:end:end])
		from = end
	}
	return r.cells, nil
}

// quoted reads a quoted cell whose content starts at line[pos], across
// lines if it must, into r.buf. It returns the line and position after
// the cell and whether another cell follows on that line.
func (r *csvReader) quoted(line []byte, pos int) ([]byte, int, bool, error) {
	for {
		i := bytes.IndexByte(line[pos:], '"')
		if i < 0 {
			// The cell goes on past the end of the line.
			r.buf = append(r.buf, line[pos:]...)
			if r.nl {
				r.buf = append(r.buf, '\n')
			}
			if len(r.buf) > r.limit {
				return nil, 0, false, errTooLong
			}
			next, err := r.readLine()
			if errors.Is(err, io.EOF) {
				r.unterminated = true
				return line, len(line), false, nil // unterminated: the cell ends with the file
			}
			if err != nil {
				return nil, 0, false, err
			}
			line, pos = next, 0
			continue
		}
		r.buf = append(r.buf, line[pos:pos+i]...)
		pos += i + 1
		switch {
		case pos < len(line) && line[pos] == '"': // "" is a quote
			r.buf = append(r.buf, '"')
			pos++
		case pos == len(line):
			return line, pos, false, nil
		case line[pos] == r.comma:
			return line, pos + 1, true, nil
		default: // a stray quote is a character
			r.buf = append(r.buf, '"')
		}
	}
}
