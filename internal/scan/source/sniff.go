package source

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"
)

// format names a reader.
type format int

// The readers.
const (
	formatText format = iota
	formatCSV
	formatTSV
	formatJSON
	formatNDJSON
	formatHTML
)

// String names the format, for messages and tests.
func (f format) String() string {
	return [...]string{"text", "csv", "tsv", "json", "ndjson", "html"}[f]
}

// byExtension maps lower-case extensions to the reader that handles them.
var byExtension = map[string]format{
	".txt": formatText, ".log": formatText, ".md": formatText,
	".csv": formatCSV, ".tsv": formatTSV,
	".json": formatJSON, ".ndjson": formatNDJSON, ".jsonl": formatNDJSON,
	".html": formatHTML, ".htm": formatHTML,
}

// claims reports whether a reader takes the file whatever its bytes look
// like (so a UTF-16 CSV full of NULs is not mistaken for binary).
func (f format) claims() bool { return f != formatText }

// binarySniffLen is how much of a file the binary test looks at.
const binarySniffLen = 8 << 10

// chooseFormat picks the reader for a file from its name and first bytes.
// ok is false for a file to skip as binary.
func chooseFormat(name string, head []byte) (f format, ok bool) {
	f, known := byExtension[strings.ToLower(path.Ext(name))]
	if known && f.claims() {
		return f, true
	}
	if looksBinary(head) {
		return 0, false
	}
	if !known && looksHTML(head) {
		return formatHTML, true
	}
	return formatText, true
}

// looksBinary reports whether the start of a file is not text: it holds a
// NUL byte, or over 30% of it is not valid UTF-8, or over 10% of it is
// control characters other than white space and escape. Text with a
// UTF-16 byte order mark is text.
func looksBinary(head []byte) bool {
	if bomOf(head) != encUTF8 {
		return false
	}
	if len(head) > binarySniffLen {
		head = head[:binarySniffLen]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	invalid, control := 0, 0
	for i := 0; i < len(head); {
		r, size := utf8.DecodeRune(head[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if !utf8.FullRune(head[i:]) {
				i = len(head) // a sequence cut by the window's end
				continue
			}
			invalid++
		case r < 0x20 && !strings.ContainsRune("\t\n\v\f\r\x1b", r):
			control++
		}
		i += size
	}
	return invalid*10 > len(head)*3 || control*10 > len(head)
}

// looksHTML reports whether a file of unknown kind starts as an HTML
// document does.
func looksHTML(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 32 {
		head = head[:32]
	}
	lower := bytes.ToLower(head)
	return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
}
