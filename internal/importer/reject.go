package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/csvsafe"
	"custodia/internal/vault"
)

// Reject is a row left out of an import, with why and its values masked:
// it never holds a personal value in plaintext.
type Reject struct {
	Row    string   `json:"row"`  // "12" or "Sheet1!12"
	Code   string   `json:"code"` // stable: invalid_phone, duplicate_subjects...
	Reason string   `json:"reason"`
	Values []Masked `json:"values"`
	seq    int
}

// Masked is one cell of a rejected row, masked.
type Masked struct {
	Column string `json:"column"`
	Value  string `json:"value"`
}

// maskCells masks a row's non-blank cells: a mapped cell valid for its
// field's type with the type's mask ("+84 *** *** 678", "N. V. A."),
// any other with genericMask.
func maskCells(v *vault.Service, p *plan, cells []string) []Masked {
	out := make([]Masked, 0, len(cells))
	for j, cell := range cells {
		cell = strings.TrimSpace(cell)
		if cell == "" {
			continue
		}
		col := fmt.Sprintf("column %d", j+1)
		m := ""
		if p != nil && j < len(p.header) {
			if h := strings.TrimSpace(p.header[j]); h != "" {
				col = p.header[j]
			} else {
				col = "#" + strconv.Itoa(j+1) // as a mapping names a column without a header
			}
			if f := p.fields[j]; f != nil {
				m = v.MaskInput(f, cell)
			}
		}
		if m == "" {
			m = genericMask(cell)
		}
		out = append(out, Masked{Column: col, Value: m})
	}
	return out
}

// genericMask keeps a value's first and last characters with three stars
// between (so the length does not show), or only stars for a value of
// fewer than four characters.
func genericMask(s string) string {
	if utf8.RuneCountInString(s) < 4 {
		return "***"
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return string(first) + "***" + string(last)
}

// reasonOf returns an error's user-safe code and message: the vault's
// messages name fields, never values.
func reasonOf(err error) (code, reason string) {
	if e, ok := apperr.As(err); ok {
		if e.Code == "invalid_date" {
			// An import also reads day-first dates, which the vault's
			// message does not name (QA).
			return e.Code, strings.Replace(e.Message, "expected YYYY-MM-DD or an RFC 3339 timestamp",
				"expected YYYY-MM-DD, a day-first DD/MM/YYYY (or with - or .) or an RFC 3339 timestamp", 1)
		}
		return e.Code, e.Message
	}
	return "internal", "internal error"
}

// WriteRejects writes rejected rows as CSV: a header line, then per row
// its reference, code, reason and masked values ("Column=masked" joined
// with " | ").
func WriteRejects(w io.Writer, rejects []Reject) error {
	rw, err := NewRejectsWriter(w)
	if err != nil {
		return err
	}
	for _, r := range rejects {
		if err := rw.Write(r); err != nil {
			return err
		}
	}
	return rw.Flush()
}

// RejectsWriter writes rejected rows as CSV one at a time, as WriteRejects
// does, for a Job's OnReject: the rejects of a large file never gather in
// memory.
type RejectsWriter struct {
	cw *csv.Writer
	n  int
}

// NewRejectsWriter writes the header line and returns the writer.
func NewRejectsWriter(w io.Writer) (*RejectsWriter, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"row", "code", "reason", "values"}); err != nil {
		return nil, fmt.Errorf("write rejects: %w", err)
	}
	return &RejectsWriter{cw: cw}, nil
}

// Write writes one rejected row.
func (rw *RejectsWriter) Write(r Reject) error {
	vals := make([]string, len(r.Values))
	for i, m := range r.Values {
		vals[i] = m.Column + "=" + m.Value
	}
	if err := rw.cw.Write(csvsafe.Row([]string{r.Row, r.Code, r.Reason, strings.Join(vals, " | ")})); err != nil {
		return fmt.Errorf("write rejects: %w", err)
	}
	rw.n++
	return nil
}

// Count is how many rows were written.
func (rw *RejectsWriter) Count() int { return rw.n }

// Flush writes out what is buffered.
func (rw *RejectsWriter) Flush() error {
	rw.cw.Flush()
	if err := rw.cw.Error(); err != nil {
		return fmt.Errorf("write rejects: %w", err)
	}
	return nil
}
