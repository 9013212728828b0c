package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Row is one data row of a table file (CSV, TSV, or a sheet of an XLSX
// workbook) with the header of its table. It is what the importer reads,
// where the scanner reads cells.
type Row struct {
	// Sheet is the worksheet's name, "" for CSV and TSV.
	Sheet string
	// Line is the 1-based line on which a CSV record starts, or the row
	// number in its sheet.
	Line int
	// Header is the table's first non-blank row, trimmed; rows of one
	// table share it, so it must not be modified.
	Header []string
	// Cells are the row's values, as written (XLSX: as displayed).
	Cells []string
	// Unterminated reports a CSV record whose quoted cell is never
	// closed: the cell ran to the end of the file, taking in whatever
	// rows followed it. The scanner reads on; an import must not take
	// such a row for a person.
	Unterminated bool
}

// Ref names the row in its file: "12" for line 12 of a CSV file,
// "Sheet1!12" for row 12 of sheet Sheet1.
func (r Row) Ref() string {
	if r.Sheet == "" {
		return strconv.Itoa(r.Line)
	}
	return r.Sheet + "!" + strconv.Itoa(r.Line)
}

// ErrNotText refuses a file named as a CSV or TSV table whose bytes are
// not text (a binary file, or one damaged beyond reading).
var ErrNotText = errors.New("the file is not text: import CSV, TSV or XLSX")

// ReadRows reads the table file at path row by row and calls fn with each
// data row, in file order. The format is chosen as Walk chooses it (by
// extension, then by content): CSV and TSV, in any encoding the scanner
// decodes (UTF-8 with or without a byte order mark, UTF-16 with one,
// Windows-1258 and Windows-1252), with the delimiter detected; XLSX, every
// sheet in order. The first non-blank row of a file (of each sheet) is
// taken for its header, unless it is a title above the table (see
// headerPicker); blank rows are skipped. Errors never quote
// the file's content. It stops when ctx is done or fn fails, returning
// that error.
func ReadRows(ctx context.Context, path string, opts Options, fn func(Row) error) error {
	opts = opts.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open table: %w", err)
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat table: %w", err)
	}
	if fi.Size() > opts.MaxFileSize {
		return fmt.Errorf("table of %d bytes is over the limit of %d", fi.Size(), opts.MaxFileSize)
	}
	br := bufio.NewReaderSize(f, headLen)
	head, perr := br.Peek(headLen)
	if perr != nil && !errors.Is(perr, io.EOF) && !errors.Is(perr, bufio.ErrBufferFull) {
		return fmt.Errorf("read table: %w", perr)
	}
	s := &sink{ctx: ctx, path: filepath.Base(path), maxLine: opts.MaxLineBytes, opts: &opts,
		budget: &archiveBudget{entries: opts.MaxArchiveEntries, bytes: opts.MaxArchiveBytes}}
	format, _ := chooseFormat(filepath.Base(path), head)
	switch format {
	case formatXLSX, formatZIP:
		return readXLSXRows(s, f, fi.Size(), fn)
	case formatCSV, formatTSV, formatTabText, formatText:
		if tableLooksBinary(head) {
			return ErrNotText
		}
	default:
		return fmt.Errorf("%s files are not tables: import CSV, TSV or XLSX", format)
	}
	r, err := decodeReader(br, detectEncoding(head, perr != nil))
	if err != nil {
		return err
	}
	return readCSVRows(ctx, r, format, recordFactor*opts.MaxLineBytes, opts.IsHeader, fn)
}

// readCSVRows reads delimited text: the first record is the header.
func readCSVRows(ctx context.Context, br *bufio.Reader, f format, limit int, isHeader func([]string) bool, fn func(Row) error) error {
	head, err := br.Peek(headLen)
	r := newCSVReader(br, delimiterOf(f, head, err != nil), limit)
	hp := headerPicker{isHeader: isHeader}
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := r.read()
		switch {
		case errors.Is(err, io.EOF):
			for _, row := range hp.flush() {
				if err := fn(row); err != nil {
					return err
				}
			}
			return nil
		case errors.Is(err, errTooLong):
			return fmt.Errorf("line %d is longer than %d bytes", r.line+1, limit) // not yet counted: it was never read whole
		case err != nil:
			return fmt.Errorf("parse CSV at line %d: %w", r.line, err)
		}
		cells := cellStrings(rec)
		if blankRow(cells) {
			continue
		}
		for _, row := range hp.take(Row{Line: r.start, Cells: cells, Unterminated: r.unterminated}) {
			if err := fn(row); err != nil {
				return err
			}
		}
	}
}

// readXLSXRows reads every sheet of a workbook, within the archive limits.
func readXLSXRows(s *sink, ra io.ReaderAt, size int64, fn func(Row) error) error {
	f, err := openCheckedWorkbook(s, ra, size)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	names, err := sheetNames(f)
	if err != nil {
		return err
	}
	for i, name := range names {
		if err := readSheetRows(s, f, name, fn); err != nil {
			var stop *stopError
			if errors.As(err, &stop) {
				return stop.err
			}
			return fmt.Errorf("sheet %d: %w", i+1, err)
		}
	}
	return nil
}

// readSheetRows reads one sheet: its first non-blank row is its header.
func readSheetRows(s *sink, f *excelize.File, name string, fn func(Row) error) error {
	rows, err := openRows(f, name)
	if err != nil {
		return err
	}
	defer func() { _ = rows.close() }()
	hp := headerPicker{isHeader: s.opts.IsHeader}
	for {
		cells, ok, err := rows.next(s)
		if err != nil {
			return err
		}
		var data []Row
		if ok {
			data = hp.take(Row{Sheet: name, Line: rows.row, Cells: cells})
		} else {
			data = hp.flush()
		}
		for _, row := range data {
			if err := fn(row); err != nil {
				return &stopError{err}
			}
		}
		if !ok {
			return nil
		}
	}
}

// headerPicker finds a table's header among its first non-blank rows: the
// first one, unless that one is a title above the table (a single text
// cell, "Danh sách khách hàng tháng 11"; up to maxTitleRows of them, such
// as a title and an export date) and the next non-blank row holds two text
// cells or more: that row is then the header, and the titles are neither
// header nor data. (A header naming one column of two, "Họ tên,", stays
// the header: the data row below it holds a number or an address; so does
// the header of a one-column table, whose single-cell rows are its data.)
// Title-like rows are held until the header is known.
type headerPicker struct {
	header []string
	held   []Row // the first row and the title-like rows after it, while undecided
	done   bool
	// isHeader, when set, names the header among the first rows (see
	// Options.IsHeader); the rows above it are titles.
	isHeader func([]string) bool
}

// take offers the next non-blank row and returns the data rows it lets
// out, in order, each with the header: none while the header is still
// looked for, then the rows held meanwhile that turned out to be data.
func (h *headerPicker) take(r Row) []Row {
	if h.done {
		r.Header = h.header
		return []Row{r}
	}
	if h.isHeader != nil {
		switch {
		case h.isHeader(r.Cells):
			h.header, h.done, h.held = cleanHeader(r.Cells), true, nil // the held rows were titles
			return nil
		case len(h.held) < maxTitleRows:
			h.held = append(h.held, r)
			return nil
		}
		// No row named the header: find it as without the hint.
		held := append(h.held, r)
		h.held, h.isHeader = nil, nil
		var out []Row
		for _, x := range held {
			out = append(out, h.take(x)...)
		}
		return out
	}
	n, _ := nonEmptyCells(r.Cells)
	title := n == 1 && titleCell(r.Cells)
	switch {
	case len(h.held) == 0 && title:
		h.held = append(h.held, r) // a title, or a one-column header
		return nil
	case len(h.held) == 0:
		h.header, h.done = cleanHeader(r.Cells), true
		return nil
	case n >= 2 && allText(r.Cells):
		h.header, h.done, h.held = cleanHeader(r.Cells), true, nil // the held rows were titles
		return nil
	case title && len(h.held) < maxTitleRows:
		h.held = append(h.held, r)
		return nil
	}
	return h.settle(r)
}

// flush returns the rows still held at the end of the table: a
// one-column table's data below its header.
func (h *headerPicker) flush() []Row {
	if h.done || len(h.held) == 0 {
		return nil
	}
	if h.isHeader != nil {
		// A short table none of whose rows named the header: find it as
		// without the hint.
		held := h.held
		h.held, h.isHeader = nil, nil
		var out []Row
		for _, x := range held {
			out = append(out, h.take(x)...)
		}
		return append(out, h.flush()...)
	}
	return h.settle()
}

// settle makes the first held row the header and returns the other held
// rows, then more, as data.
func (h *headerPicker) settle(more ...Row) []Row {
	h.header, h.done = cleanHeader(h.held[0].Cells), true
	out := append(h.held[1:], more...)
	h.held = nil
	for i := range out {
		out[i].Header = h.header
	}
	return out
}

// allText reports whether every non-blank cell of a row is text: neither
// numbers nor e-mail addresses, as a header's names are and a data row's
// values seldom all are.
func allText(cells []string) bool {
	for _, c := range cells {
		if k := classify(c); k != cellEmpty && k != cellText {
			return false
		}
	}
	return true
}
