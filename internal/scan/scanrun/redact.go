package scanrun

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"custodia/internal/scan"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
)

// RedactResult counts what Redact wrote.
type RedactResult struct {
	Files  int // redacted copies written
	Values int // values replaced
}

// maxRedactLine is the longest line redacted at once; longer lines are
// redacted in pieces of this size (a value cut by a piece boundary may
// then be missed).
const maxRedactLine = 1 << 20

// Redact writes a redacted copy of every text-like file under roots (plain
// text, CSV/TSV, JSON/NDJSON, HTML; other formats are not copied) into
// outDir, at the path the scan reports for it, with every value the
// detectors find at opts.MinConfidence or above replaced by its entity in
// brackets ("[PHONE_NUMBER]"). Copies are UTF-8, with the original line
// breaks; directories are created 0700 and files 0600, and an existing
// file is never overwritten. In CSV and TSV files each cell is judged
// with its column's header as context.
func Redact(ctx context.Context, roots []string, opts Options, outDir string) (RedactResult, []FileError, error) {
	det := detect.New(detect.Options{MinConfidence: opts.MinConfidence})
	var res RedactResult
	errs := []FileError{}
	onErr := func(fe source.FileError) { errs = append(errs, FileError{Path: fe.Path, Error: fe.Reason}) }
	err := source.WalkText(ctx, roots, source.Options{Include: opts.Include, Exclude: opts.Exclude}, func(tf source.TextFile) error {
		dst := filepath.Join(outDir, safeRel(tf.Path))
		n, err := redactFile(det, tf, dst)
		if err == nil {
			err = verifyRedacted(ctx, det, dst)
			if err != nil {
				_ = os.Remove(dst) // never leave a copy that still holds a value
			}
		}
		if err != nil {
			errs = append(errs, FileError{Path: tf.Path, Error: "redact: " + err.Error()})
			return nil
		}
		res.Files++
		res.Values += n
		return nil
	}, onErr)
	return res, errs, err
}

// verifyRedacted reads a redacted copy as a scan reads files (JSON strings
// unescaped, HTML entities decoded) and fails when the detectors still
// find a value in it: a value written as "\u00e1" escapes or "&#64;"
// entities is not where the line-by-line redaction looks, and a copy
// that keeps one must not be handed out.
func verifyRedacted(ctx context.Context, det *detect.Scanner, dst string) error {
	ss := det.NewSession()
	left := 0
	var unreadable string
	var buf []byte
	err := source.Walk(ctx, []string{dst}, source.Options{}, func(u source.Unit) error {
		// The placeholders are no values, and must not serve as context
		// either ("[IP_ADDRESS] … Version 1.2.3.4" is no IP label).
		buf = blankPlaceholders(append(buf[:0], u.Text...))
		ss.Scan(buf, u.Hint, func(scan.Finding) { left++ })
		return nil
	}, func(fe source.FileError) { unreadable = fe.Reason })
	switch {
	case err != nil:
		return fmt.Errorf("check the copy: %w", err)
	case left > 0:
		return fmt.Errorf("%d value(s) would remain in the copy (written escaped or encoded, or only partly found): no copy written", left)
	case unreadable != "":
		return fmt.Errorf("check the copy: %s: no copy written", unreadable)
	}
	return nil
}

// blankPlaceholders overwrites, in place, every placeholder the redaction
// writes ("[EMAIL_ADDRESS]") with spaces, and returns text.
func blankPlaceholders(text []byte) []byte {
	for i := 0; i < len(text); i++ {
		if text[i] != '[' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] >= 'A' && text[j] <= 'Z' || text[j] == '_') {
			j++
		}
		if j < len(text) && text[j] == ']' && slices.Contains(scan.Entities, scan.Entity(text[i+1:j])) {
			for k := i; k <= j; k++ {
				text[k] = ' '
			}
			i = j
		}
	}
	return text
}

// safeRel turns a reported path into a relative file path that stays
// inside the output directory.
func safeRel(p string) string {
	var parts []string
	for _, el := range strings.Split(strings.ReplaceAll(p, "\\", "/"), "/") {
		if el == "" || el == "." || el == ".." {
			continue
		}
		parts = append(parts, el)
	}
	if len(parts) == 0 {
		parts = []string{"unnamed"}
	}
	return filepath.Join(parts...)
}

// redactFile writes the redacted copy of tf to dst and returns how many
// values it replaced.
func redactFile(det *detect.Scanner, tf source.TextFile, dst string) (int, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, fmt.Errorf("create directory: %w", err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("create copy: %w", err)
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	// A table a spreadsheet wrote in another encoding, or with a byte
	// order mark, is copied in UTF-8 with a byte order mark, which the
	// same spreadsheet reads right (QA: Vietnamese read as mojibake).
	if tf.NotPlainUTF8 && tf.Delimiter != 0 {
		if _, err := bw.WriteString("\ufeff"); err != nil {
			_ = out.Close()
			return 0, fmt.Errorf("write copy: %w", err)
		}
	}
	lr := &lineRedactor{det: det, delim: tf.Delimiter, header: tf.Header, headerAt: -1, chat: tf.Format == "whatsapp"}
	if jsonFormats[tf.Format] {
		lr.json = tf.Format
	}
	if tf.Header != nil {
		lr.headerAt = tf.HeaderAt
	}
	br := bufio.NewReaderSize(tf.Content, maxRedactLine)
	jsonText, mojibake := jsonFormats[tf.Format], tf.Format == "facebook-json"
	var plain []byte
	for {
		line, err := br.ReadSlice('\n')
		if jsonText && !errors.Is(err, bufio.ErrBufferFull) {
			plain = unescapeJSONStrings(plain[:0], line, mojibake)
			line = plain
		}
		if len(line) > 0 {
			if _, werr := bw.Write(lr.redact(line, errors.Is(err, bufio.ErrBufferFull))); werr != nil {
				_ = out.Close()
				return lr.n, fmt.Errorf("write copy: %w", werr)
			}
		}
		if err == nil || errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if !errors.Is(err, io.EOF) {
			_ = out.Close()
			return lr.n, fmt.Errorf("read: %w", err)
		}
		break
	}
	if err := bw.Flush(); err != nil {
		_ = out.Close()
		return lr.n, fmt.Errorf("write copy: %w", err)
	}
	return lr.n, out.Close()
}

// jsonFormats are the formats whose string literals redactFile rewrites
// without escapes before it redacts them.
var jsonFormats = map[string]bool{"json": true, "ndjson": true, "facebook-json": true, "telegram-json": true, "zalo-json": true}

// unescapeJSONStrings appends line to dst with each string literal that
// holds an escape ("Nguy\u1ec5n", Facebook's "\u00c3\u00a1") written again
// as plain UTF-8 JSON, and Facebook's mojibake undone when mojibake is
// set: the values a scan reads are then where the line redactor looks.
// The line stays valid JSON; a literal that does not decode, or is cut by
// the line's end, is copied as it is.
func unescapeJSONStrings(dst, line []byte, mojibake bool) []byte {
	at := 0
	for i := 0; i < len(line); i++ {
		if line[i] != '"' {
			continue
		}
		j, escaped := i+1, false
		for j < len(line) && line[j] != '"' {
			if line[j] == '\\' {
				escaped = true
				j++
			}
			j++
		}
		if j >= len(line) {
			break
		}
		if !escaped && !mojibake {
			i = j
			continue
		}
		var v string
		if json.Unmarshal(line[i:j+1], &v) != nil {
			i = j
			continue
		}
		if mojibake {
			v = source.UnMojibake(v)
		}
		dst = append(dst, line[at:i]...)
		dst = appendJSONString(dst, v)
		at, i = j+1, j
	}
	return append(dst, line[at:]...)
}

// appendJSONString appends v as a JSON string literal, escaping only what
// JSON requires: quotes, backslashes and control characters.
func appendJSONString(dst []byte, v string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20:
			dst = fmt.Appendf(dst, "\\u%04x", c)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// lineRedactor redacts a file line by line, following CSV quoting across
// lines so that each cell is judged with its header.
type lineRedactor struct {
	det      *detect.Scanner
	delim    byte // 0: not delimited text
	header   []string
	headerAt int    // the record that is the header row, copied as is; -1: none
	row      int    // the record the next line starts or continues (blank lines are none)
	chat     bool   // a WhatsApp export: the sender is judged as a name
	json     string // a JSON format: each "key": "value" is judged with its key
	inQuote  bool   // a quoted cell runs on from the previous line
	cell     int    // the column of the cell that runs on
	n        int
	spans    []span
	out      []byte
}

// span is a value to replace in a line.
type span struct {
	start, end int
	entity     scan.Entity
}

// redact returns line with its values replaced; partial tells that the
// line goes on in the next call.
func (lr *lineRedactor) redact(line []byte, partial bool) []byte {
	lr.spans = lr.spans[:0]
	if lr.chat {
		if s, e, ok := source.WhatsAppSender(line); ok {
			lr.find(line[s:e], s, "sender name")
			lr.find(line[e:], e, "")
		} else {
			lr.find(line, 0, "")
		}
	} else if lr.json != "" {
		lr.findJSONValues(line)
		lr.find(line, 0, "")
	} else if lr.delim == 0 {
		lr.find(line, 0, "")
	} else {
		// Title rows above the header are judged without one, as the
		// scan judges them; the header row is copied as it is.
		row, blank := lr.row, !lr.inQuote && len(bytes.TrimRight(line, "\r\n")) == 0
		lr.splitCells(line, func(col, start, end int) {
			if row == lr.headerAt {
				return
			}
			hint := ""
			if row > lr.headerAt && col < len(lr.header) {
				hint = lr.header[col]
			}
			lr.find(line[start:end], start, hint)
		})
		if !partial && !lr.inQuote && !blank {
			lr.row++
		}
	}
	if len(lr.spans) == 0 {
		return line
	}
	sort.Slice(lr.spans, func(i, j int) bool { return lr.spans[i].start < lr.spans[j].start })
	lr.out = lr.out[:0]
	at := 0
	for _, sp := range lr.spans {
		if sp.start < at {
			continue // overlaps a value already replaced
		}
		lr.out = append(lr.out, line[at:sp.start]...)
		lr.out = append(lr.out, '[')
		lr.out = append(lr.out, sp.entity...)
		lr.out = append(lr.out, ']')
		at = sp.end
		lr.n++
	}
	return append(lr.out, line[at:]...)
}

// findJSONValues records the values in the string literals of a JSON line
// that follow a key ("from": "Lan"), each judged with its key's hint as a
// scan judges it (QA: a one-word sender's name was found by the scan and
// not by the redactor, so no copy was written).
func (lr *lineRedactor) findJSONValues(line []byte) {
	key, keyEnd := "", -1
	for i := 0; i < len(line); i++ {
		if line[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(line) && line[j] != '"' {
			if line[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(line) {
			return
		}
		if keyEnd >= 0 && onlyColon(line[keyEnd:i]) {
			lr.find(line[i+1:j], i+1, source.KeyHint(lr.json, key))
			key, keyEnd = "", -1
		} else {
			key, keyEnd = string(line[i+1:j]), j+1
		}
		i = j
	}
}

// onlyColon reports whether b is a colon with white space around it.
func onlyColon(b []byte) bool {
	colon := false
	for _, c := range b {
		switch {
		case c == ':' && !colon:
			colon = true
		case c == ' ' || c == '\t':
		default:
			return false
		}
	}
	return colon
}

// find records the values in text, which starts at offset off in the line.
func (lr *lineRedactor) find(text []byte, off int, hint string) {
	lr.det.Scan(text, hint, func(f scan.Finding) {
		lr.spans = append(lr.spans, span{off + f.Start, off + f.End, f.Entity})
	})
}

// splitCells calls fn with the column and the byte span of the content
// of each cell of a line of delimited text (inside its quotes when
// quoted), carrying a quoted cell that runs past the line's end over to
// the next line.
func (lr *lineRedactor) splitCells(line []byte, fn func(col, start, end int)) {
	start := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case lr.inQuote && c == '"':
			if i+1 < len(line) && line[i+1] == '"' {
				i++ // an escaped quote
				continue
			}
			fn(lr.cell, start, i)
			lr.inQuote = false
			start = i + 1
		case lr.inQuote:
		case c == '"' && i == start:
			lr.inQuote = true
			start = i + 1
		case c == lr.delim:
			if start < i {
				fn(lr.cell, start, i)
			}
			lr.cell++
			start = i + 1
		case c == '\n' || c == '\r':
			if start < i {
				fn(lr.cell, start, i)
			}
			start = len(line)
			i = len(line)
		}
	}
	if start < len(line) {
		fn(lr.cell, start, len(line))
	}
	if !lr.inQuote {
		lr.cell = 0
	}
}
