package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
	"custodia/internal/vault"
)

// Redacted replaces a personal value in a redacted copy.
const Redacted = "[redacted]"

// RedactStats counts what a redaction did.
type RedactStats struct {
	Rows     int `json:"rows"`
	Redacted int `json:"redacted_cells"`
}

// Redact writes a copy of the table file at path to out without its
// personal values, for the business to keep once the data is in the
// vault: every cell of a column mapped to a field, and every other cell in
// which the detectors find personal data, becomes "[redacted]"; the
// header line and the other cells are kept. m is the job's mapping (nil:
// each table's proposed mapping, as Run uses). out ending in .xlsx is
// written as a workbook with the source's sheets, anything else as UTF-8
// CSV with a byte order mark (which Excel needs to show Vietnamese). The
// copy is written to a temporary file renamed into place, never over the
// source.
func Redact(ctx context.Context, path, out string, m Mapping, c *vault.Collection, sc *detect.Scanner) (RedactStats, error) {
	var st RedactStats
	if same, err := sameFile(path, out); err != nil || same {
		if err == nil {
			err = errors.New("the redacted copy must not replace the source file")
		}
		return st, fmt.Errorf("redact: %w", err)
	}
	if sc == nil {
		sc = defaultScanner()
	}
	session := sc.NewSession()
	tmp, err := os.CreateTemp(filepath.Dir(out), ".redact-*"+filepath.Ext(out))
	if err != nil {
		return st, fmt.Errorf("redact: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	var tw tableWriter
	if strings.EqualFold(filepath.Ext(out), ".xlsx") {
		_ = tmp.Close()
		tw = &xlsxTable{f: excelize.NewFile(), path: tmp.Name()}
	} else {
		tw = newCSVTable(tmp)
	}
	plans := map[string][]bool{} // header -> which columns are mapped
	var sheet string
	var header []string
	opts := readOptions
	opts.IsHeader = m.headerTest()
	err = source.ReadRows(ctx, path, opts, func(row source.Row) error {
		if header == nil || row.Sheet != sheet || !slices.Equal(row.Header, header) {
			sheet, header = row.Sheet, row.Header
			if err := tw.table(sheet, header); err != nil {
				return err
			}
		}
		key := strings.Join(row.Header, "\x1f")
		mapped, ok := plans[key]
		if !ok {
			mm := m
			if mm == nil {
				mm = ProposeMapping(row.Header, nil, c, sc).Mapping
			}
			mapped = make([]bool, len(row.Header))
			for j, h := range row.Header {
				f, ok := mm.field(h)
				mapped[j] = ok && f != Ignore
			}
			plans[key] = mapped
		}
		cells := make([]string, len(row.Cells))
		for j, cell := range row.Cells {
			v := strings.TrimSpace(cell)
			h := ""
			if j < len(row.Header) {
				h = row.Header[j]
			}
			if v != "" && ((j < len(mapped) && mapped[j]) || sessionEntity(session, v, h) != "") {
				cells[j] = Redacted
				st.Redacted++
				continue
			}
			cells[j] = cell
		}
		st.Rows++
		return tw.row(cells)
	})
	if err == nil {
		err = tw.close()
	} else {
		_ = tw.close()
	}
	if err != nil {
		return st, fmt.Errorf("redact: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return st, fmt.Errorf("redact: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return st, fmt.Errorf("redact: %w", err)
	}
	return st, nil
}

// sameFile reports whether out names the file at path.
func sameFile(path, out string) (bool, error) {
	a, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	b, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// tableWriter writes the tables of a redacted copy.
type tableWriter interface {
	// table starts a table (a sheet) with its header line.
	table(sheet string, header []string) error
	row(cells []string) error
	close() error
}

// csvTable writes every table to one CSV file, each header line where its
// table starts.
type csvTable struct {
	f  *os.File
	bw *bufio.Writer
	cw *csv.Writer
}

func newCSVTable(f *os.File) *csvTable {
	bw := bufio.NewWriter(f)
	_, _ = bw.WriteString("\ufeff")
	return &csvTable{f: f, bw: bw, cw: csv.NewWriter(bw)}
}

func (t *csvTable) table(_ string, header []string) error { return t.cw.Write(header) }
func (t *csvTable) row(cells []string) error              { return t.cw.Write(cells) }

func (t *csvTable) close() error {
	t.cw.Flush()
	err := errors.Join(t.cw.Error(), t.bw.Flush())
	return errors.Join(err, t.f.Close())
}

// xlsxTable writes a workbook, each table to a sheet of its name, through
// excelize's stream writer.
type xlsxTable struct {
	f      *excelize.File
	path   string
	sw     *excelize.StreamWriter
	line   int
	sheets int
}

func (t *xlsxTable) table(sheet string, header []string) error {
	if err := t.flush(); err != nil {
		return err
	}
	if sheet == "" {
		sheet = "Sheet1"
	}
	t.sheets++
	if t.sheets == 1 {
		if err := t.f.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
	} else if _, err := t.f.NewSheet(sheet); err != nil {
		return err
	}
	sw, err := t.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	t.sw, t.line = sw, 0
	return t.write(header, false)
}

func (t *xlsxTable) row(cells []string) error { return t.write(cells, true) }

// plainNumber is a number as a workbook's reader gives a numeric cell: no
// leading zero (a phone number or a code keeps it, and stays text), at
// most 15 significant digits (what a spreadsheet keeps exactly).
var plainNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,10})?$`)

// write writes one line; with numbers, a cell holding a plain number is
// written as a number, so that the copy kept for the business still
// sums and sorts (QA: prices came back as text).
func (t *xlsxTable) write(cells []string, numbers bool) error {
	t.line++
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
		if numbers && plainNumber.MatchString(c) {
			if f, err := strconv.ParseFloat(c, 64); err == nil {
				vals[i] = f
			}
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, t.line)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, vals)
}

func (t *xlsxTable) flush() error {
	if t.sw == nil {
		return nil
	}
	err := t.sw.Flush()
	t.sw = nil
	return err
}

func (t *xlsxTable) close() error {
	err := t.flush()
	if err == nil {
		err = t.f.SaveAs(t.path)
	}
	return errors.Join(err, t.f.Close())
}
