package scanrun

import (
	"sync"

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
	// keep are entities left as they are (a path keeps its names).
	keep map[scan.Entity]bool
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
	m.ss.Scan([]byte(column), "", func(f scan.Finding) {
		if !m.keep[f.Entity] {
			spans = append(spans, f)
		}
	})
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

// pathMasker makes a file's path safe to show and to report: an
// identifier in a file name (WhatsApp names the export of an unsaved
// contact after their number) is replaced by its masked preview, in every
// output and in what --report-to stores (QA). Names, addresses and dates
// in paths are kept: they rarely identify alone and the path must still
// lead to the file. It may be used from several goroutines.
type pathMasker struct {
	mu sync.Mutex
	m  *columnMasker
}

func newPathMasker(det *detect.Scanner) *pathMasker {
	m := newColumnMasker(det)
	m.keep = map[scan.Entity]bool{scan.Person: true, scan.StreetAddress: true, scan.DateOfBirth: true}
	return &pathMasker{m: m}
}

// mask returns path with each identifier in it masked.
func (p *pathMasker) mask(path string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m.mask(path)
}
