package scanrun

import (
	"custodia/internal/scan"
	"custodia/internal/scan/detect"
)

// maxMaskedColumns bounds the column names a columnMasker remembers.
const maxMaskedColumns = 4096

// columnMasker makes a finding's column (a CSV header, a JSON key path)
// safe to show: personal data in it (a JSON object keyed by e-mail
// addresses, a first line of data taken for the header) is replaced by its
// masked preview, as findings show values. It is used by one goroutine.
type columnMasker struct {
	ss    *detect.Session
	known map[string]string
}

func newColumnMasker(det *detect.Scanner) *columnMasker {
	return &columnMasker{ss: det.NewSession(), known: map[string]string{}}
}

// mask returns column with every value the detectors find in it masked.
func (m *columnMasker) mask(column string) string {
	if column == "" {
		return ""
	}
	if out, ok := m.known[column]; ok {
		return out
	}
	var spans []scan.Finding
	m.ss.Scan([]byte(column), "", func(f scan.Finding) { spans = append(spans, f) })
	out := column
	if len(spans) > 0 {
		b := make([]byte, 0, len(column))
		at := 0
		for _, f := range spans {
			if f.Start < at || f.End > len(column) {
				continue
			}
			b = append(b, column[at:f.Start]...)
			b = append(b, f.Preview...)
			at = f.End
		}
		out = string(append(b, column[at:]...))
	}
	if len(m.known) < maxMaskedColumns {
		m.known[column] = out
	}
	return out
}
