package source

import (
	"html"
	"strings"
)

// maxHTMLTables bounds how deep tables nest before inner ones are read as
// plain text; maxHTMLColumns bounds the header cells kept.
const (
	maxHTMLTables  = 8
	maxHTMLColumns = 256
)

// htmlTable is the state of one open <table>. When its first row is made
// of header cells (<th>: a CRM report, a web page of customers), each
// cell of the rows below is a unit of its own with its column's header as
// context, as a CSV header gives. Other tables (a form laid out as label
// and value cells) are read as before: a row's cells in one unit, so that
// a label gives the next cell its context.
type htmlTable struct {
	row, col int
	capture  bool   // a first-row cell is open: its text is kept
	cur      []byte // the text of that cell
	th       bool   // the first row has header cells
	header   []string
	keyed    bool // the first row was a header: cells below are units of their own
	inCell   bool // a cell of a keyed table's body is open
}

// table returns the innermost open table, or nil.
func (h *htmlReader) table() *htmlTable {
	if len(h.tables) == 0 {
		return nil
	}
	return &h.tables[len(h.tables)-1]
}

// inCell reports whether text goes to a cell that is a unit of its own.
func (h *htmlReader) inCell() bool {
	t := h.table()
	return t != nil && t.inCell
}

// cellHint is the column name of such a cell, or "".
func (h *htmlReader) cellHint() string {
	t := h.table()
	if t == nil || !t.inCell || t.col < 0 || t.col >= len(t.header) {
		return ""
	}
	return t.header[t.col]
}

// noteText records a text byte (and the space due before it) of a
// first-row cell being captured.
func (h *htmlReader) noteText(c byte, spaced bool) {
	t := h.table()
	if t == nil || !t.capture || len(t.cur) >= maxHeaderName*4 {
		return
	}
	if spaced && len(t.cur) > 0 {
		t.cur = append(t.cur, ' ')
	}
	t.cur = append(t.cur, c)
}

// tableTag follows the table structure. It reports whether the tag opened
// or closed a cell of a keyed table's body, which needs no block separator
// (the cell is a unit of its own).
func (h *htmlReader) tableTag(name string, closing bool) (bool, error) {
	switch name {
	case "table":
		if err := h.endCell(); err != nil {
			return false, err
		}
		switch {
		case closing && len(h.tables) > 0:
			h.tables = h.tables[:len(h.tables)-1]
		case !closing && len(h.tables) < maxHTMLTables:
			h.tables = append(h.tables, htmlTable{col: -1})
		}
		return false, nil
	case "tr", "td", "th":
		t := h.table()
		if t == nil {
			return false, nil
		}
		if err := h.endCell(); err != nil {
			return false, err
		}
		if closing {
			return t.keyed && t.row > 1, nil
		}
		if name == "tr" {
			if t.row == 1 {
				t.keyed = t.th && len(t.header) > 0
			}
			t.row++
			t.col = -1
			return false, nil
		}
		if t.row == 0 { // a cell before any <tr>
			t.row = 1
		}
		t.col++
		switch {
		case t.row == 1:
			t.capture, t.cur = true, t.cur[:0]
			t.th = t.th || name == "th"
		case t.keyed:
			if err := h.flush(); err != nil {
				return false, err
			}
			t.inCell = true
			return true, nil
		}
	}
	return false, nil
}

// endCell ends the cell being read: a first-row cell's text is kept as a
// column name, a keyed body cell's text is emitted as its own unit.
func (h *htmlReader) endCell() error {
	t := h.table()
	switch {
	case t == nil:
		return nil
	case t.capture:
		t.capture = false
		if t.col < maxHTMLColumns {
			for len(t.header) < t.col {
				t.header = append(t.header, "")
			}
			if len(t.header) == t.col {
				// One space between words, no-break spaces included, so
				// that "Ngày&nbsp;sinh" is the context "ngày sinh".
				t.header = append(t.header, strings.Join(strings.Fields(html.UnescapeString(string(t.cur))), " "))
			}
		}
	case t.inCell:
		err := h.flush()
		t.inCell = false
		return err
	}
	return nil
}
