package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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

// csvRow is a record held back while the header is judged.
type csvRow struct {
	cells []string
	line  int
}

// cellStrings copies cells into strings.
func cellStrings(cells [][]byte) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = string(c)
	}
	return out
}

// readCSV emits each non-blank cell of delimited text as a unit, with its
// column's header when the first row is one. The delimiter is detected
// among , ; tab and |, the format's own (comma for CSV, tab for TSV)
// winning ties; it is tab for a text file guessed to be a tab-separated
// table.
func readCSV(s *sink, br *bufio.Reader, f format) error {
	head, err := br.Peek(headLen)
	complete := err != nil
	comma := delimiterOf(f, head, complete)

	r := newCSVReader(br, comma, recordFactor*s.maxLine)
	line := 0 // the line of the last record read
	read := func() ([][]byte, error) {
		rec, err := r.read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, err
			}
			if errors.Is(err, errTooLong) {
				return nil, fmt.Errorf("record after line %d longer than %d bytes", line, r.limit)
			}
			return nil, fmt.Errorf("parse CSV after line %d: %w", line, err)
		}
		line = r.start
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
		rows = append(rows, csvRow{cells: cellStrings(rec), line: line})
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
	all := make([][]string, 0, len(rows))
	for _, row := range rows {
		all = append(all, row.cells)
	}
	// Title rows above the table are scanned as data; the header is the
	// row below them.
	titles := titleRows(all)
	for _, row := range rows[:titles] {
		if err := emitStrings(s, row.cells, row.line, nil); err != nil {
			return err
		}
	}
	rows = rows[titles:]
	sample := all[titles+1:]
	switch judgeHeader(rows[0].cells, sample) {
	case headerSure:
		header = cleanHeader(rows[0].cells)
		rows = rows[1:]
	case headerSoft:
		header = cleanHeader(rows[0].cells)
		if err := emitStrings(s, rows[0].cells, rows[0].line, nil); err != nil {
			return err
		}
		rows = rows[1:]
	}
	for _, row := range rows {
		if err := emitStrings(s, row.cells, row.line, header); err != nil {
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
func emitRow(s *sink, cells [][]byte, line int, header []string) error {
	for j, c := range cells {
		if len(bytes.TrimSpace(c)) == 0 {
			continue
		}
		col := ""
		if j < len(header) {
			col = header[j]
		}
		if err := s.emit(line, col, col, c); err != nil {
			return err
		}
	}
	return nil
}

// emitStrings is emitRow for a record held back as strings.
func emitStrings(s *sink, cells []string, line int, header []string) error {
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
