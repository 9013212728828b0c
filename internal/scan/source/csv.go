package source

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// recordFactor times the line cap is the largest CSV record or JSON token
// read whole.
const recordFactor = 4

// sampleBytes caps the bytes of the rows held back to judge the header.
const sampleBytes = 1 << 20

// errTooLong ends the reading of a file whose record or token is over the
// cap.
var errTooLong = errors.New("too long")

// capReader fails once more than limit bytes are read since the last
// reset, bounding what a parser that must hold a whole record can buffer.
type capReader struct {
	r     io.Reader
	limit int
	n     int
}

// Read reads from the underlying reader within the cap.
func (c *capReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, errTooLong
	}
	if len(p) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// reset starts a new record.
func (c *capReader) reset() { c.n = 0 }

// csvRow is a record held back while the header is judged.
type csvRow struct {
	cells []string
	line  int
}

// readCSV emits each non-blank cell of delimited text as a unit, with its
// column's header when the first row is one. The delimiter is detected
// among , ; tab and |, the format's own (comma for CSV, tab for TSV)
// winning ties.
func readCSV(s *sink, br *bufio.Reader, f format) error {
	head, err := br.Peek(headLen)
	complete := err != nil
	candidates := []byte{',', ';', '\t', '|'}
	if f == formatTSV {
		candidates = []byte{'\t', ',', ';', '|'}
	}
	comma := detectDelimiter(head, complete, candidates)

	cr := &capReader{r: br, limit: recordFactor * s.maxLine}
	r := csv.NewReader(cr)
	r.Comma = rune(comma)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true

	line := 0 // the line of the last record read
	read := func() ([]string, error) {
		cr.reset()
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, err
			}
			if errors.Is(err, errTooLong) {
				return nil, fmt.Errorf("record after line %d longer than %d bytes", line, cr.limit)
			}
			return nil, fmt.Errorf("parse CSV after line %d: %w", line, err)
		}
		line, _ = r.FieldPos(0)
		return rec, nil
	}

	// Hold back the first rows to judge the header.
	var rows []csvRow
	held := 0
	var pending error // io.EOF or a failure, once the rows held are out
	for len(rows) <= sniffLines && held < sampleBytes {
		rec, err := read()
		if err != nil {
			pending = err
			break
		}
		rows = append(rows, csvRow{cells: slices.Clone(rec), line: line})
		for _, c := range rec {
			held += len(c)
		}
	}
	if len(rows) == 0 {
		if errors.Is(pending, io.EOF) {
			return nil
		}
		return pending
	}
	var header []string
	sample := make([][]string, 0, len(rows)-1)
	for _, row := range rows[1:] {
		sample = append(sample, row.cells)
	}
	switch judgeHeader(rows[0].cells, sample) {
	case headerSure:
		header = cleanHeader(rows[0].cells)
		rows = rows[1:]
	case headerSoft:
		header = cleanHeader(rows[0].cells)
		if err := emitRow(s, rows[0].cells, rows[0].line, nil); err != nil {
			return err
		}
		rows = rows[1:]
	}
	for _, row := range rows {
		if err := emitRow(s, row.cells, row.line, header); err != nil {
			return err
		}
	}
	if errors.Is(pending, io.EOF) {
		return nil
	}
	if pending != nil {
		return pending
	}
	for {
		rec, err := read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := emitRow(s, rec, line, header); err != nil {
			return err
		}
	}
}

// cleanHeader trims the column names.
func cleanHeader(cells []string) []string {
	h := make([]string, len(cells))
	for i, c := range cells {
		h[i] = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
	}
	return h
}

// emitRow emits the non-blank cells of a record starting on line, each
// with its column's name from header ("" past its end).
func emitRow(s *sink, cells []string, line int, header []string) error {
	for j, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		col := ""
		if j < len(header) {
			col = header[j]
		}
		s.scratch = append(s.scratch[:0], c...)
		if err := s.emit(line, col, col, s.scratch); err != nil {
			return err
		}
	}
	return nil
}
