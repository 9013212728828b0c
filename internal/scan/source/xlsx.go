package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// oleMagic starts an OLE compound file, the container of an encrypted
// (password-protected) workbook.
var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// Errors of workbooks. Their messages, like every reason reported for a
// workbook, never hold cell contents.
var (
	errEncryptedWorkbook = errors.New("encrypted workbook: not read")
	errWorkbookPanic     = errors.New("malformed workbook: the workbook reader failed")
	errMalformedWorkbook = errors.New("malformed workbook")
)

// xlsxCtxEvery is how many rows, blank ones included, pass between two
// checks of the context.
const xlsxCtxEvery = 1024

// readXLSX emits each non-blank cell of every sheet of an XLSX workbook as
// a unit: Line is its row, Column its place ("Sheet1!B7") and Hint the
// header of its column when the sheet's first non-blank row is a header,
// judged as for CSV. Values are formatted as the workbook displays them.
// Sheets are streamed row by row; the parts excelize keeps in memory and
// the unpacked total are bounded by the archive limits, larger worksheets
// and shared strings being unpacked to temporary files.
func readXLSX(s *sink, ra io.ReaderAt, size int64) error {
	f, err := openCheckedWorkbook(s, ra, size)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // removes excelize's temporary files
	names, err := sheetNames(f)
	if err != nil {
		return err
	}
	for i, name := range names {
		if err := s.ctx.Err(); err != nil {
			return &stopError{err}
		}
		if s.budget.entries <= 0 {
			s.report(0, "%v", errNoBudget)
			return nil
		}
		s.budget.entries--
		if err := readSheet(s, f, name); err != nil {
			var stop *stopError
			if errors.As(err, &stop) {
				return err
			}
			s.report(0, "sheet %d: %v", i+1, err)
		}
	}
	return nil
}

// isOLE reports whether ra holds an OLE compound file rather than a ZIP
// archive.
func isOLE(ra io.ReaderAt) bool {
	head := make([]byte, len(oleMagic))
	n, _ := ra.ReadAt(head, 0)
	return n == len(head) && bytes.Equal(head, oleMagic)
}

// chargeWorkbook checks the parts of the workbook excelize will unpack, by
// the sizes the archive declares (which archive/zip holds the parts to),
// against the archive limits: no part encrypted, none over the
// compression ratio, all within the byte budget, which they are charged
// to. It returns the total unpacked size.
func chargeWorkbook(s *sink, ra io.ReaderAt, size int64) (int64, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return 0, fmt.Errorf("not a readable ZIP archive: %w", err)
	}
	var total uint64
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return 0, errEncryptedWorkbook
		}
		n := f.UncompressedSize64
		if f.Method != zip.Store && n > ratioSlack && n/uint64(s.opts.MaxCompressionRatio) > f.CompressedSize64 {
			return 0, fmt.Errorf("part %s: %w", f.Name, errBomb)
		}
		total += n
		if total < n || total > uint64(max(s.budget.bytes, 0)) {
			return 0, errBudget
		}
	}
	s.budget.bytes -= int64(total)
	return int64(total), nil
}

// openWorkbook opens the workbook with excelize, within unpacked bytes;
// worksheets and shared strings over spillInMemory are unpacked to
// temporary files. A panic of excelize on malformed content is returned
// as an error.
// openCheckedWorkbook refuses encrypted (OLE2) workbooks, charges the
// unpacked size to the archive limits, and opens the workbook.
func openCheckedWorkbook(s *sink, ra io.ReaderAt, size int64) (*excelize.File, error) {
	if isOLE(ra) {
		return nil, errEncryptedWorkbook
	}
	unpacked, err := chargeWorkbook(s, ra, size)
	if err != nil {
		return nil, err
	}
	return openWorkbook(ra, size, unpacked)
}

func openWorkbook(ra io.ReaderAt, size, unpacked int64) (f *excelize.File, err error) {
	defer recoverWorkbook(&err)
	f, err = excelize.OpenReader(io.NewSectionReader(ra, 0, size), excelize.Options{
		UnzipSizeLimit:    max(unpacked, spillInMemory),
		UnzipXMLSizeLimit: spillInMemory,
		// A date cell is a serial number with a date format. The built-in
		// short date (format 14, what Excel applies to a typed date, shown
		// in the reader's locale) would otherwise read as the US
		// "03-15-90": read it as an ISO date, which no one misreads.
		ShortDatePattern: "yyyy-mm-dd",
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fmt.Errorf("open workbook: %w", workbookError(err))
	}
	return f, nil
}

// sheetNames returns the names of the workbook's sheets, in order, each
// once: excelize finds a sheet by its name regardless of case, so a name
// that recurs would read the same sheet again.
func sheetNames(f *excelize.File) (names []string, err error) {
	defer recoverWorkbook(&err)
	seen := make(map[string]bool)
	for _, name := range f.GetSheetList() {
		key := strings.ToLower(name)
		if !seen[key] {
			seen[key] = true
			names = append(names, name)
		}
	}
	return names, nil
}

// recoverWorkbook turns a panic of excelize into errWorkbookPanic in
// *err. The panic's value is dropped: it may quote the workbook.
func recoverWorkbook(err *error) {
	if r := recover(); r != nil {
		*err = errWorkbookPanic
	}
}

// workbookError returns err when its message is known to hold no content
// of the workbook, else a description that holds none.
func workbookError(err error) error {
	switch {
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return errEncryptedWorkbook
	case errors.Is(err, excelize.ErrMaxRows), errors.Is(err, excelize.ErrOptionsUnzipSizeLimit):
		return err
	}
	return safeError(err, errMalformedWorkbook)
}

// sheetRows streams the rows of one sheet.
type sheetRows struct {
	rows *excelize.Rows
	row  int // the 1-based number of the last row read
}

// xlsxRow is a row held back while the header is judged.
type xlsxRow struct {
	cells []string
	line  int
}

// readSheet emits the cells of one sheet, judging its first non-blank row
// as CSV does its first record: a sure header names the columns and is not
// emitted, a likely one names them and is emitted too.
func readSheet(s *sink, f *excelize.File, name string) error {
	rows, err := openRows(f, name)
	if err != nil {
		return err
	}
	defer func() { _ = rows.close() }()

	held, done, pending := holdRows(s, rows)
	var stop *stopError
	if errors.As(pending, &stop) || len(held) == 0 {
		return pending
	}
	header, held, err := judgeSheetHeader(s, name, held)
	if err != nil {
		return err
	}
	for _, r := range held {
		if err := emitSheetRow(s, name, r.line, r.cells, header); err != nil {
			return err
		}
	}
	if done {
		return pending
	}
	for {
		cells, ok, err := rows.next(s)
		if err != nil || !ok {
			return err
		}
		if err := emitSheetRow(s, name, rows.row, cells, header); err != nil {
			return err
		}
	}
}

// holdRows reads the first non-blank rows of a sheet, those the header is
// judged on. done tells whether the sheet ended, and err is then its
// failure, if any.
func holdRows(s *sink, rows *sheetRows) (held []xlsxRow, done bool, err error) {
	bytesHeld := 0
	for len(held) <= sniffLines && bytesHeld < sampleBytes {
		cells, ok, err := rows.next(s)
		if err != nil || !ok {
			return held, true, err
		}
		held = append(held, xlsxRow{cells: cells, line: rows.row})
		for _, c := range cells {
			bytesHeld += len(c)
		}
	}
	return held, false, nil
}

// judgeSheetHeader returns the column names the header row gives, nil
// when the first row is data, and the held rows still to emit. Title rows
// above the table are emitted first, as data; a likely header is emitted,
// without hints, as CSV does.
func judgeSheetHeader(s *sink, name string, held []xlsxRow) ([]string, []xlsxRow, error) {
	all := make([][]string, 0, len(held))
	for _, r := range held {
		all = append(all, r.cells)
	}
	titles := titleRows(all)
	for _, r := range held[:titles] {
		if err := emitSheetRow(s, name, r.line, r.cells, nil); err != nil {
			return nil, nil, err
		}
	}
	held, sample := held[titles:], all[titles+1:]
	switch judgeHeader(held[0].cells, sample) {
	case headerSure:
		return cleanHeader(held[0].cells), held[1:], nil
	case headerSoft:
		if err := emitSheetRow(s, name, held[0].line, held[0].cells, nil); err != nil {
			return nil, nil, err
		}
		return cleanHeader(held[0].cells), held[1:], nil
	}
	return nil, held, nil
}

// emitSheetRow emits the non-blank cells of row line of sheet name, each
// with its column's name from header ("" past its end) as hint.
func emitSheetRow(s *sink, name string, line int, cells, header []string) error {
	for j, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		ref, err := excelize.CoordinatesToCellName(j+1, line)
		if err != nil {
			ref = fmt.Sprintf("R%dC%d", line, j+1)
		}
		hint := ""
		if j < len(header) {
			hint = header[j]
		}
		s.scratch = append(s.scratch[:0], c...)
		if err := s.emit(line, name+"!"+ref, hint, s.scratch); err != nil {
			return err
		}
	}
	return nil
}

// openRows starts streaming the rows of sheet name.
func openRows(f *excelize.File, name string) (r *sheetRows, err error) {
	defer recoverWorkbook(&err)
	rows, err := f.Rows(name)
	if err != nil {
		var missing excelize.ErrSheetNotExist
		if errors.As(err, &missing) {
			return nil, errors.New("sheet not found in the workbook")
		}
		return nil, workbookError(err)
	}
	return &sheetRows{rows: rows}, nil
}

// next returns the cells of the next row that holds a non-blank one, whose
// number it leaves in r.row; ok is false at the end of the sheet. The
// context is checked every xlsxCtxEvery rows.
func (r *sheetRows) next(s *sink) (cells []string, ok bool, err error) {
	defer recoverWorkbook(&err)
	for r.rows.Next() {
		r.row++
		if r.row%xlsxCtxEvery == 0 {
			if err := s.ctx.Err(); err != nil {
				return nil, false, &stopError{err}
			}
		}
		cells, err := r.rows.Columns()
		if err != nil {
			return nil, false, fmt.Errorf("row %d: %w", r.row, workbookError(err))
		}
		if !blankRow(cells) {
			return cells, true, nil
		}
	}
	if err := r.rows.Error(); err != nil {
		return nil, false, fmt.Errorf("after row %d: %w", r.row, workbookError(err))
	}
	return nil, false, nil
}

// close ends the streaming, removing the sheet's temporary file if any.
func (r *sheetRows) close() (err error) {
	defer recoverWorkbook(&err)
	return r.rows.Close()
}

// blankRow reports whether a row holds no cell with text.
func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
