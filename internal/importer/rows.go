package importer

import (
	"context"

	"custodia/internal/scan/source"
)

// Rows yields a table's data rows in order, as source.ReadRows does.
type Rows func(ctx context.Context, fn func(source.Row) error) error

// readOptions are the readers' options for imports: rows are streamed,
// so a CSV file may be larger than the scanner's 1 GiB limit (a
// workbook stays within the archive limits of the XLSX reader).
var readOptions = source.Options{MaxFileSize: 1 << 40}

// File returns the rows of the CSV, TSV or XLSX file at path, read by the
// scanner's readers (encodings and delimiters detected, every sheet of a
// workbook).
func File(path string) Rows {
	return func(ctx context.Context, fn func(source.Row) error) error {
		return source.ReadRows(ctx, path, readOptions, fn)
	}
}

// Table returns rows held in memory: header, then the data rows, numbered
// from line 2 as in a file whose first line is the header.
func Table(header []string, data [][]string) Rows {
	return func(ctx context.Context, fn func(source.Row) error) error {
		for i, cells := range data {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(source.Row{Line: i + 2, Header: header, Cells: cells}); err != nil {
				return err
			}
		}
		return nil
	}
}
