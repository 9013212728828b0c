package source

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"

	"golang.org/x/text/transform"
)

// A text file that is a tab-separated table (Excel's "Unicode Text"
// export: UTF-16LE with a byte order mark, CRLF, tabs, the headers on the
// first row) is read by the CSV reader, with tab as its delimiter, so
// that its cells keep their column. The guess is kept for .txt files and
// files without an extension, and made only when the first lines leave no
// doubt: see looksTabTable.

// Limits of the tab-table guess.
const (
	// minTableTabs is how many tabs every line of a table must hold at
	// least (three columns).
	minTableTabs = 2
	// maxHeaderName is the longest column name of a table guessed from
	// text, in bytes.
	maxHeaderName = 64
	// maxHeaderWords is how many words a column name may have.
	maxHeaderWords = 8
)

// delimiterOf returns the delimiter of delimited text of format f from
// its first bytes (complete when head is all of the text): tab for a text
// file guessed to be a tab-separated table, else the one detected among
// , ; tab and |, the format's own (comma for CSV, tab for TSV) winning
// ties.
func delimiterOf(f format, head []byte, complete bool) byte {
	switch f {
	case formatTabText:
		return '\t'
	case formatTSV:
		return detectDelimiter(head, complete, []byte{'\t', ',', ';', '|'})
	}
	return detectDelimiter(head, complete, []byte{',', ';', '\t', '|'})
}

// mayBeTabTable reports whether a file called name, of text format, is
// one whose content may make it a tab-separated table: a .txt file, or
// one without an extension.
func mayBeTabTable(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".txt" || ext == ""
}

// looksTabTable reports whether the first bytes of a text file (head, all
// of the file when shorter than headLen) are a tab-separated table: once
// decoded as the reader would decode them, its first records (up to
// sniffLines, at least two) all hold the same number of cells, minTableTabs
// tabs or more apart, and the first record is a header: distinct short
// names of text, not a line of prose, judged as the CSV reader judges a
// header.
func looksTabTable(head []byte) bool {
	if bytes.IndexByte(head, '\t') < 0 { // a tab is the byte 9 in UTF-16 too
		return false
	}
	complete := len(head) < headLen
	text, ok := decodeHead(head, complete)
	if !ok {
		return false
	}
	if !complete {
		// The last line may be cut: judge the lines before it.
		i := bytes.LastIndexByte(text, '\n')
		if i < 0 {
			return false
		}
		text = text[:i+1]
	}
	r := newCSVReader(bufio.NewReader(bytes.NewReader(text)), '\t', len(text)+1)
	var rows [][]string
	for len(rows) <= sniffLines {
		rec, err := r.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false
		}
		if len(rec) < minTableTabs+1 || len(rows) > 0 && len(rec) != len(rows[0]) {
			return false
		}
		rows = append(rows, cellStrings(rec))
	}
	return len(rows) >= 2 && looksTableHeader(rows[0]) && judgeHeader(rows[0], rows[1:]) != headerNone
}

// decodeHead returns the first bytes of a text file decoded to UTF-8 as
// the readers decode it, without a byte order mark; ok is false when they
// do not decode.
func decodeHead(head []byte, complete bool) ([]byte, bool) {
	enc := detectEncoding(head, complete)
	head = head[map[textEncoding]int{encUTF8BOM: 3, encUTF16LE: 2, encUTF16BE: 2}[enc]:]
	if (enc == encUTF16LE || enc == encUTF16BE) && len(head)%2 == 1 && !complete {
		head = head[:len(head)-1] // half a code unit, cut by the window's end
	}
	t := decoder(enc)
	if t == nil {
		return head, true
	}
	out, _, err := transform.Bytes(t, head)
	if err != nil {
		return nil, false
	}
	return out, true
}

// looksTableHeader reports whether cells, the first record of text, look
// like column names rather than prose: its first cell and another are not
// blank, and none is long, of many words, or a sentence.
func looksTableHeader(cells []string) bool {
	named := 0
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			if i == 0 {
				return false // an indented line, not a header
			}
			continue
		}
		words := len(strings.Fields(c))
		if len(c) > maxHeaderName || words > maxHeaderWords || strings.ContainsAny(c, "\r\n") ||
			strings.HasSuffix(c, "!") || strings.HasSuffix(c, "?") ||
			strings.Contains(c, ". ") || strings.Contains(c, "! ") || strings.Contains(c, "? ") ||
			strings.HasSuffix(c, ".") && words >= 3 {
			return false
		}
		named++
	}
	return named >= 2
}
