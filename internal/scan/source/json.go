package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON limits: nesting depth, and the bytes of one key in a key path.
const (
	maxJSONDepth  = 512
	maxKeyInPath  = 256
	jsonSeparator = " \t\r\n,:"
)

// jsonSource feeds a json.Decoder and keeps the bytes the decoder has
// read but whose tokens have not yet been accounted for, to number lines;
// it fails once they pass the cap, bounding the token the decoder holds.
type jsonSource struct {
	r     io.Reader
	limit int
	win   []byte // win[lo:] starts at input offset base
	lo    int
	base  int64
	line  int // the line at offset base
}

// Read reads from the underlying reader within the cap.
func (j *jsonSource) Read(p []byte) (int, error) {
	held := len(j.win) - j.lo
	if held >= j.limit {
		return 0, errTooLong
	}
	if len(p) > j.limit-held {
		p = p[:j.limit-held]
	}
	n, err := j.r.Read(p)
	if j.lo > 0 && j.lo >= len(j.win)/2 {
		j.win = j.win[:copy(j.win, j.win[j.lo:])]
		j.lo = 0
	}
	j.win = append(j.win, p[:n]...)
	return n, err
}

// advance accounts for the input up to offset end, the end of a token,
// and returns the line on which that token starts.
func (j *jsonSource) advance(end int64) int {
	seg := j.win[j.lo:]
	if k := end - j.base; k < int64(len(seg)) {
		seg = seg[:k]
	}
	start := 0
	for start < len(seg) && strings.IndexByte(jsonSeparator, seg[start]) >= 0 {
		start++
	}
	line := j.line + bytes.Count(seg[:start], []byte{'\n'})
	j.line = line + bytes.Count(seg[start:], []byte{'\n'})
	j.lo += len(seg)
	j.base += int64(len(seg))
	return line
}

// lineAt returns the line of input offset off, if the bytes before it are
// still held, else the line of the last token accounted for.
func (j *jsonSource) lineAt(off int64) int {
	seg := j.win[j.lo:]
	if k := off - j.base; k >= 0 && k <= int64(len(seg)) {
		return j.line + bytes.Count(seg[:k], []byte{'\n'})
	}
	return j.line
}

// jsonFrame is an open object or array: where in it the decoder is.
type jsonFrame struct {
	array   bool
	index   int    // of the current element, arrays
	key     string // the current key, objects
	wantKey bool   // objects: the next string is a key
	kind    string // objects read with a dialect: the string under "type", if it came first
}

// jsonWalker turns decoder tokens into units with key paths.
type jsonWalker struct {
	s       *sink
	stack   []jsonFrame
	path    []byte
	dialect *jsonDialect // nil for generic JSON
}

// readJSON emits each string and number in a stream of JSON values as a
// unit with its key path and last key.
func readJSON(s *sink, r io.Reader) error {
	return readJSONDialect(s, r, nil)
}

// readJSONDialect is readJSON with the strings and hints adapted to the
// producer d describes (nil: none).
func readJSONDialect(s *sink, r io.Reader, d *jsonDialect) error {
	src := &jsonSource{r: r, limit: recordFactor * s.maxLine, line: 1}
	w := &jsonWalker{s: s, dialect: d}
	return w.run(src)
}

// run decodes every value from src.
func (w *jsonWalker) run(src *jsonSource) error {
	dec := json.NewDecoder(src)
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(w.stack) > 0 {
				return fmt.Errorf("line %d: JSON ends inside a value", src.line)
			}
			return nil
		}
		if err != nil {
			var syn *json.SyntaxError
			switch {
			case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
				// Broken JSON still holds data: what the decoder has not
				// turned into tokens yet is scanned as text.
				line := src.line
				if syn != nil {
					line = src.lineAt(syn.Offset)
				}
				w.s.warn(line, "invalid JSON (%v); the rest of the file scanned as text", err)
				return readTextFrom(w.s, io.MultiReader(bytes.NewReader(src.win[src.lo:]), src.r), src.line)
			case errors.Is(err, errTooLong):
				return fmt.Errorf("line %d: JSON token longer than %d bytes", src.line, src.limit)
			}
			return fmt.Errorf("line %d: read JSON: %w", src.line, err)
		}
		line := src.advance(dec.InputOffset())
		if err := w.token(tok, line); err != nil {
			return err
		}
	}
}

// token handles one decoder token found on line.
func (w *jsonWalker) token(tok json.Token, line int) error {
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		w.stack = w.stack[:len(w.stack)-1]
		return nil
	}
	if n := len(w.stack); n > 0 {
		top := &w.stack[n-1]
		if !top.array && top.wantKey {
			key, _ := tok.(string) // the decoder only gives strings here
			top.key, top.wantKey = cutKey(key), false
			if w.dialect == nil && mayHoldData(key) {
				// An object keyed by e-mail address, phone or name holds
				// personal data in its keys: scan them as values of the
				// object's path.
				w.s.scratch = append(w.s.scratch[:0], key...)
				return w.emitAt(line, n-1)
			}
			return nil
		}
		if top.array {
			top.index++
		} else {
			top.wantKey = true
		}
	}
	switch v := tok.(type) {
	case json.Delim:
		if len(w.stack) == maxJSONDepth {
			return fmt.Errorf("line %d: JSON nested deeper than %d", line, maxJSONDepth)
		}
		w.stack = append(w.stack, jsonFrame{array: v == '[', index: -1, wantKey: v == '{'})
	case string:
		if w.dialect != nil {
			w.noteKind(v)
			w.s.scratch = w.dialect.text(w.s.scratch[:0], v)
			return w.emit(line)
		}
		w.s.scratch = append(w.s.scratch[:0], v...)
		return w.emit(line)
	case json.Number:
		w.s.scratch = append(w.s.scratch[:0], v...)
		return w.emit(line)
	}
	return nil
}

// mayHoldData reports whether an object key could be personal data rather
// than a field name: it holds a digit, an '@', a space or a non-ASCII
// letter ("an@example.com", "0912345678", "Nguyễn Văn An"; not "phone").
func mayHoldData(key string) bool {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c >= '0' && c <= '9' || c == '@' || c == ' ' || c >= 0x80 {
			return true
		}
	}
	return false
}

// emit emits the sink's scratch text with the current key path.
func (w *jsonWalker) emit(line int) error {
	return w.emitAt(line, len(w.stack))
}

// emitAt emits the sink's scratch text with the key path of the first
// depth frames of the stack.
func (w *jsonWalker) emitAt(line, depth int) error {
	hint, skip := "", false
	if w.dialect != nil {
		if hint, skip = w.dialect.hint(w.stack); skip {
			return nil
		}
	}
	w.path = w.path[:0]
	for _, f := range w.stack[:depth] {
		if f.array {
			w.path = append(w.path, '[')
			w.path = strconv.AppendInt(w.path, int64(f.index), 10)
			w.path = append(w.path, ']')
			continue
		}
		if w.dialect == nil {
			hint = f.key
		}
		w.path = appendKey(w.path, f.key)
	}
	return w.s.emit(line, string(w.path), hint, w.s.scratch)
}

// cutKey returns key cut to maxKeyInPath bytes, at a rune boundary and
// marked "…", so that deep nesting under long keys holds little memory.
func cutKey(key string) string {
	if len(key) <= maxKeyInPath {
		return key
	}
	n := maxKeyInPath
	for n > 0 && !utf8.RuneStart(key[n]) {
		n--
	}
	return key[:n] + "…"
}

// appendKey appends an object key to a key path: ".key", or `["key"]`
// when the key is empty or holds characters of the path syntax.
func appendKey(path []byte, key string) []byte {
	plain := key != ""
	for _, c := range []byte(key) {
		if c < 0x20 || c == '.' || c == '[' || c == ']' || c == '"' || c == ' ' || c == ':' {
			plain = false
			break
		}
	}
	if !plain {
		path = append(path, '[')
		path = strconv.AppendQuote(path, key)
		return append(path, ']')
	}
	if len(path) > 0 {
		path = append(path, '.')
	}
	return append(path, key...)
}

// readNDJSON emits the values of each line of newline-delimited JSON as
// readJSON does, each on its own line. A line that is not valid JSON, or
// is over the line cap, is reported and scanned as plain text.
func readNDJSON(s *sink, r io.Reader) error {
	lr := s.lineReader(r)
	split := false // the current line came in pieces
	for {
		piece, line, more, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
		if more || split {
			if !split {
				s.warn(line, "line longer than %d bytes, scanned as text", s.maxLine)
			}
			split = more
			if err := s.emit(line, "", "", piece); err != nil {
				return err
			}
			continue
		}
		piece = bytes.TrimSpace(piece)
		if len(piece) == 0 {
			continue
		}
		if !json.Valid(piece) {
			s.warn(line, "invalid JSON, scanned as text")
			if err := s.emit(line, "", "", piece); err != nil {
				return err
			}
			continue
		}
		w := &jsonWalker{s: s}
		src := &jsonSource{r: bytes.NewReader(piece), limit: len(piece) + 1, line: line}
		if err := w.run(src); err != nil {
			var stop *stopError
			if errors.As(err, &stop) {
				return err
			}
			s.report(0, "%v", err)
		}
	}
}
