package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
)

// TextFile is a text-like file handed to WalkText, for tools that rewrite
// files line by line (redaction).
type TextFile struct {
	// Path is the file's path as Walk reports it.
	Path string
	// Format is "text", "csv", "tsv", "json", "ndjson", "html", or a chat
	// export's: "whatsapp", "facebook-json", "telegram-json", "zalo-json".
	Format string
	// Delimiter is the cell delimiter of a CSV or TSV file, 0 otherwise.
	Delimiter byte
	// Header names the columns of a CSV or TSV file that has a header
	// row, nil otherwise.
	Header []string
	// HeaderAt counts the title rows above the header ("Báo cáo khách
	// hàng quý 1"), as the CSV reader finds them: non-blank records, each
	// of one cell. 0 when the header is the first row.
	HeaderAt int
	// Content is the file decoded to UTF-8, without a byte order mark.
	Content io.Reader
	// NotPlainUTF8 is set when the file was not in UTF-8 without a byte
	// order mark (UTF-8 with one, UTF-16, Windows-1258 or -1252): a copy
	// of it in UTF-8 should start with a byte order mark, or a spreadsheet
	// that wrote the original reads the copy as mojibake.
	NotPlainUTF8 bool
}

// WalkText walks roots as Walk does (same patterns, limits and rules for
// links and binary files) but hands fn each text-like file whole, decoded
// to UTF-8, instead of its units. Files of other formats (archives,
// workbooks, documents, PDF, mail) are passed over; chat exports, which
// are text or JSON, are handed over.
func WalkText(ctx context.Context, roots []string, opts Options, fn func(TextFile) error, onErr func(FileError)) error {
	read := func(s *sink, in *input) error { return readTextFile(s, in, fn) }
	return walkWith(ctx, roots, opts, nil, onErr, os.Open, read)
}

// textFormats are the formats WalkText hands over.
var textFormats = map[format]bool{formatText: true, formatCSV: true, formatTSV: true, formatTabText: true, formatJSON: true, formatNDJSON: true, formatHTML: true,
	formatWhatsApp: true, formatFacebookJSON: true, formatTelegramJSON: true, formatZaloJSON: true}

// readTextFile hands one file to fn if it is text-like.
func readTextFile(s *sink, in *input, fn func(TextFile) error) error {
	head, err := in.br.Peek(headLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return err
	}
	complete := err != nil
	f, ok := chooseFormat(in.name, head)
	if !ok || !textFormats[f] {
		return nil
	}
	enc := detectEncoding(head, complete)
	r, err := decodeReader(in.br, enc)
	if err != nil {
		return err
	}
	tf := TextFile{Path: s.path, Format: f.String(), Content: r, NotPlainUTF8: enc != encUTF8}
	if f == formatCSV || f == formatTSV || f == formatTabText {
		decoded, err := r.Peek(headLen)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
		tf.Delimiter = delimiterOf(f, decoded, err != nil)
		tf.Header, tf.HeaderAt = headerOf(decoded, tf.Delimiter)
	}
	if err := fn(tf); err != nil {
		return &stopError{err}
	}
	return nil
}

// headerOf returns the column names of delimited text that has a header
// row, judged as the CSV reader judges it, from the first rows in head,
// and the number of title rows above it.
func headerOf(head []byte, delim byte) ([]string, int) {
	r := csv.NewReader(bytes.NewReader(head))
	r.Comma = rune(delim)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	var rows [][]string
	for len(rows) <= sniffLines {
		rec, err := r.Read()
		if err != nil {
			break
		}
		rows = append(rows, rec)
	}
	if len(rows) == 0 {
		return nil, 0
	}
	titles := titleRows(rows)
	if judgeHeader(rows[titles], rows[titles+1:]) == headerNone {
		return nil, 0
	}
	return cleanHeader(rows[titles]), titles
}
