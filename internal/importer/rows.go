package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

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
		if p, ok := ctx.Value(pathProbe{}).(*string); ok {
			*p = path
			return errProbed
		}
		opts := readOptions
		if t, ok := ctx.Value(headerTestKey{}).(func([]string) bool); ok {
			opts.IsHeader = t
		}
		return source.ReadRows(ctx, path, opts, fn)
	}
}

// headerTestKey is the context key under which a run hands File the test
// of its mapping's header (Mapping.headerTest).
type headerTestKey struct{}

// withHeaderTest returns ctx carrying m's header test, when m names
// headers.
func withHeaderTest(ctx context.Context, m Mapping) context.Context {
	if t := m.headerTest(); t != nil {
		return context.WithValue(ctx, headerTestKey{}, t)
	}
	return ctx
}

// pathProbe is the context key under which Run asks rows made by File for
// their file's path, to digest a file whose job has no InputDigest.
type pathProbe struct{}

// errProbed ends a probe.
var errProbed = errors.New("rows probed")

// filePath returns the path of the file rows made by File read, "" for
// other rows (which stop at their first row).
func filePath(ctx context.Context, rows Rows) string {
	var path string
	_ = rows(context.WithValue(ctx, pathProbe{}, &path), func(source.Row) error { return errProbed })
	return path
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

// FileDigest returns the SHA-256 of the file at path, in hex, for
// Job.InputDigest. It reads the file once, streaming: memory stays flat
// whatever its size. ctx stops it between reads.
func FileDigest(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("digest %s: %w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
