package source

import (
	"bytes"
	"errors"
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
	formatZIP
	formatXLSX
	formatDOCX
	formatPDF
	formatEML
	formatMBOX
	formatFacebookJSON // Facebook/Messenger (and Instagram) message JSON
	formatTelegramJSON // Telegram Desktop result.json
	formatZaloJSON     // Zalo PC/web message objects
	formatWhatsApp     // WhatsApp chat export (.txt)
	formatOLE          // OLE2 compound file: legacy Office, or encrypted OOXML
	formatTabText      // a text file guessed to be a tab-separated table: read as TSV
)

// String names the format, for messages and tests.
func (f format) String() string {
	return [...]string{"text", "csv", "tsv", "json", "ndjson", "html", "zip", "xlsx", "docx", "pdf", "eml", "mbox",
		"facebook-json", "telegram-json", "zalo-json", "whatsapp", "ole", "tsv"}[f]
}

// byExtension maps lower-case extensions to the reader that handles them.
var byExtension = map[string]format{
	".txt": formatText, ".log": formatText, ".md": formatText,
	".csv": formatCSV, ".tsv": formatTSV,
	".json": formatJSON, ".ndjson": formatNDJSON, ".jsonl": formatNDJSON,
	".html": formatHTML, ".htm": formatHTML,
	".zip": formatZIP, ".xlsx": formatXLSX, ".xlsm": formatXLSX, ".docx": formatDOCX, ".pdf": formatPDF,
	".eml": formatEML, ".mbox": formatMBOX, ".mbx": formatMBOX,
}

// textual reports whether the format is one of text (delimited, markup,
// JSON or plain), as opposed to a container or binary document.
func (f format) textual() bool {
	switch f {
	case formatText, formatCSV, formatTSV, formatJSON, formatNDJSON, formatHTML, formatEML, formatMBOX:
		return true
	}
	return false
}

// claims reports whether a reader takes the file whatever its bytes look
// like (so a UTF-16 CSV full of NULs is not mistaken for binary).
func (f format) claims() bool { return f != formatText }

// binarySniffLen is how much of a file the binary test looks at.
const binarySniffLen = 8 << 10

// containerFormat recognises a ZIP (and so XLSX or DOCX), PDF or OLE2 file
// by its first bytes.
func containerFormat(head []byte) (format, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return formatZIP, true
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return formatPDF, true
	case bytes.HasPrefix(head, oleMagic):
		return formatOLE, true
	}
	return 0, false
}

// chooseFormat picks the reader for a file from its name and first bytes.
// ok is false for a file to skip as binary.
func chooseFormat(name string, head []byte) (f format, ok bool) {
	f, known := byExtension[strings.ToLower(path.Ext(name))]
	container, isContainer := containerFormat(head)
	if known && f.textual() && isContainer {
		// A container under a text name (a workbook a web app saved as
		// customers.csv) is read for what it is: read as text it would
		// yield nothing, and report the file clean.
		return container, true
	}
	if known && f.claims() {
		if f == formatJSON {
			return chatJSONFormat(head), true
		}
		return f, true
	}
	if isContainer {
		return container, true
	}
	if looksBinary(head) {
		return 0, false
	}
	if !known {
		switch {
		case looksHTML(head):
			return formatHTML, true
		case looksMBOX(head):
			return formatMBOX, true
		case looksEML(head):
			return formatEML, true
		}
	}
	if looksWhatsApp(head) {
		return formatWhatsApp, true
	}
	if mayBeTabTable(name) && looksTabTable(head) {
		return formatTabText, true
	}
	return formatText, true
}

// mailHeaders are header names whose presence among a file's first lines
// marks it as an e-mail message.
var mailHeaders = []string{"received:", "return-path:", "message-id:", "mime-version:", "delivered-to:", "from:", "date:", "subject:", "to:"}

// looksEML reports whether a file of unknown kind starts as an RFC 5322
// message does: header lines, at least three of them well-known mail
// headers, up to the first blank line.
func looksEML(head []byte) bool {
	known := 0
	for fields := 0; fields < 60 && len(head) > 0; {
		line := head
		if j := bytes.IndexByte(head, '\n'); j >= 0 {
			line, head = head[:j], head[j+1:]
		} else {
			head = nil
		}
		line = bytes.TrimRight(line, "\r")
		switch {
		case len(line) == 0:
			return known >= 3
		case line[0] == ' ' || line[0] == '\t':
			continue // a folded header goes on the field above
		}
		fields++
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || bytes.ContainsAny(line[:colon], " \t") {
			return false
		}
		lower := bytes.ToLower(line[:colon+1])
		for _, h := range mailHeaders {
			if string(lower) == h {
				known++
				break
			}
		}
	}
	return known >= 3
}

// errOLE reports an OLE2 compound file, which no reader takes.
var errOLE = errors.New("OLE2 compound file (a legacy .xls, .doc or .ppt, or a password-protected Office document): not read")

// looksMBOX reports whether a file of unknown kind starts as an mbox
// mailbox does: a "From " separator line, then a message.
func looksMBOX(head []byte) bool {
	if !bytes.HasPrefix(head, []byte("From ")) {
		return false
	}
	j := bytes.IndexByte(head, '\n')
	return j > 0 && looksEML(head[j+1:])
}

// looksBinary reports whether the start of a file is not text: over 1% of
// it is NUL bytes, or over 30% is not valid UTF-8, or over 10% is control
// characters other than white space and escape. A stray NUL in a log does
// not make it binary. UTF-16 text, with a byte order mark or without, is
// text.
func looksBinary(head []byte) bool {
	if bomOf(head) != encUTF8 || bomlessUTF16(head) != encUTF8 {
		return false
	}
	if len(head) > binarySniffLen {
		head = head[:binarySniffLen]
	}
	if bytes.Count(head, []byte{0})*100 > len(head) {
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

// tableLooksBinary reports whether the start of a file named as a table
// (CSV, TSV, text) is not text at all: not UTF-16, and holding a NUL byte
// or over 5% control characters other than white space. Bytes that are
// not UTF-8 do not count: a table in a legacy encoding (Windows-1258) is
// text.
func tableLooksBinary(head []byte) bool {
	if bomOf(head) != encUTF8 || bomlessUTF16(head) != encUTF8 {
		return false
	}
	if len(head) > binarySniffLen {
		head = head[:binarySniffLen]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	control := 0
	for _, b := range head {
		if b < 0x20 && !strings.ContainsRune("\t\n\v\f\r\x1b", rune(b)) {
			control++
		}
	}
	return control*20 > len(head)
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
