package scanrun

import (
	"bytes"
	"strings"
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
	return m.maskAs(column, nil)
}

// maskAs is mask, the detectors reading look (the same length as column,
// a copy with separators respelled) instead of column when it is not nil.
func (m *columnMasker) maskAs(column string, look []byte) string {
	if column == "" {
		return ""
	}
	if out, ok := m.known[column]; ok {
		return out
	}
	if look == nil {
		look = []byte(column)
	}
	var spans []scan.Finding
	m.ss.Scan(look, "", func(f scan.Finding) {
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
			preview := f.Preview
			if len(b) > 0 && b[len(b)-1] == '+' && strings.HasPrefix(preview, "+") {
				preview = preview[1:] // the "+" before the span is the number's own
			}
			b = append(b, preview...)
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
	return p.m.maskAs(path, pathLook(path))
}

// pathLook returns a copy of path, of the same length, that the detectors
// read as they read text: file names join words and numbers with '_' and
// '-' ("Zalo_0912345678.txt", "cccd-079203001234.pdf"), which the
// detectors take for parts of a word, and an extension's dot makes an
// e-mail address's domain end in ".txt". Those become spaces (a '_' or '-'
// only beside a digit), so the offsets of what is found still fit path.
func pathLook(path string) []byte {
	b := []byte(path)
	digit := func(i int) bool { return i >= 0 && i < len(path) && path[i] >= '0' && path[i] <= '9' }
	for i, c := range b {
		// Only beside a digit: "lan_nguyen@gmail.com" is one address.
		if (c == '_' || c == '-') && (digit(i-1) || digit(i+1)) {
			b[i] = ' '
		}
	}
	// The dot before each segment's extension (1 to 5 letters or digits
	// up to the end of the segment: a '/', a '!' or the end).
	for end := len(b); end > 0; {
		start := end - 1
		for start >= 0 && b[start] != '/' && b[start] != '!' {
			start--
		}
		seg := b[start+1 : end]
		if dot := bytes.LastIndexByte(seg, '.'); dot > 0 && len(seg)-dot-1 >= 1 && len(seg)-dot-1 <= 5 && alnum(seg[dot+1:]) {
			seg[dot] = ' '
		}
		end = start
	}
	return b
}

func alnum(b []byte) bool {
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
