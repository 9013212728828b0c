package evalgen

import (
	"strings"

	"custodia/internal/scan"
)

// piece is one rendered fragment of a document: personal data (entity
// set), a near miss (decoy set), or plain text (neither).
type piece struct {
	text   string
	entity scan.Entity
	decoy  decoyKind
}

// plain returns a piece of text that is neither personal data nor a near
// miss.
func plain(s string) piece { return piece{text: s} }

// value returns a labelled piece of personal data.
func value(e scan.Entity, s string) piece { return piece{text: s, entity: e} }

// miss returns a near-miss piece of a class.
func miss(k decoyKind, s string) piece { return piece{text: s, decoy: k} }

// decoy records where a near miss was written, for the package's tests.
type decoy struct {
	kind       decoyKind
	start, end int
}

// builder accumulates a document's bytes with the labels and near misses
// inside it.
type builder struct {
	buf    []byte
	labels []Label
	decoys []decoy
}

// str appends plain text.
func (b *builder) str(s string) { b.buf = append(b.buf, s...) }

// put appends a piece and records its label or near miss; hint is the CSV
// column header for values in a CSV cell.
func (b *builder) put(p piece, hint string) {
	start := len(b.buf)
	b.buf = append(b.buf, p.text...)
	b.mark(p, start, hint)
}

// putQuoted appends a piece inside a quoted CSV cell, doubling quotes.
func (b *builder) putQuoted(p piece, hint string) {
	start := len(b.buf)
	if strings.IndexByte(p.text, '"') < 0 {
		b.buf = append(b.buf, p.text...)
	} else {
		b.buf = append(b.buf, strings.ReplaceAll(p.text, `"`, `""`)...)
	}
	b.mark(p, start, hint)
}

// mark records the piece written at buf[start:].
func (b *builder) mark(p piece, start int, hint string) {
	switch {
	case p.entity != "":
		b.labels = append(b.labels, Label{Entity: p.entity, Start: start, End: len(b.buf), Hint: hint})
	case p.decoy != "":
		b.decoys = append(b.decoys, decoy{kind: p.decoy, start: start, end: len(b.buf)})
	}
}

// reset empties the builder, keeping its buffers.
func (b *builder) reset() {
	b.buf = b.buf[:0]
	b.labels = b.labels[:0]
	b.decoys = b.decoys[:0]
}
