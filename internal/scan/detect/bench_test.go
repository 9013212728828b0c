package detect

import (
	"strings"
	"testing"

	"custodia/internal/scan"
)

// benchScan scans data repeatedly, reporting MB/s.
func benchScan(b *testing.B, data []byte, hint string) {
	s := New(Options{})
	n := 0
	fn := func(scan.Finding) { n++ }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.Scan(data, hint, fn)
	}
	b.ReportMetric(float64(n)/float64(b.N), "findings/op")
}

// BenchmarkScanCRM scans a generated CRM export (about 150 bytes and
// three or four personal values a row) as one text, every detector on.
func BenchmarkScanCRM(b *testing.B) {
	benchScan(b, crmCSV(1, 2000), "")
}

// BenchmarkScanText scans generated support-ticket free text.
func BenchmarkScanText(b *testing.B) {
	benchScan(b, freeText(2, 2000), "")
}

// BenchmarkScanPlain scans text with no candidates but lower-case words:
// the cost of the single pass itself.
func BenchmarkScanPlain(b *testing.B) {
	benchScan(b, []byte(strings.Repeat("the shipment was delayed by weather and will arrive next week; no action is needed from the support team. ", 2000)), "")
}

// BenchmarkScanCells scans CRM values one cell at a time with their
// column header as the hint, as a reader of CSV files would.
func BenchmarkScanCells(b *testing.B) {
	lines := strings.Split(string(crmCSV(1, 500)), "\n")
	header := strings.Split(lines[0], ",")
	type cell struct {
		v    []byte
		hint string
	}
	var cells []cell
	size := 0
	for _, l := range lines[1:] {
		for k, v := range strings.Split(l, ",") {
			cells = append(cells, cell{[]byte(v), header[min(k, len(header)-1)]})
			size += len(v)
		}
	}
	s := New(Options{})
	n := 0
	fn := func(scan.Finding) { n++ }
	ss := s.NewSession() // as the scan's workers do
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cells {
			ss.Scan(c.v, c.hint, fn)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "findings/op")
}
