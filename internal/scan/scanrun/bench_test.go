package scanrun

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"custodia/internal/scan/evalgen"
)

// BenchmarkScanCorpus scans a generated mixed CSV and text corpus from
// disk with every detector on, over all cores. CUSTODIA_SCAN_BENCH_MB sets
// its size (default 256).
// Run: go test ./internal/scan/scanrun/ -run '^$' -bench ScanCorpus -benchtime 1x
func BenchmarkScanCorpus(b *testing.B) {
	mb := 256
	if v, err := strconv.Atoi(os.Getenv("CUSTODIA_SCAN_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := b.TempDir()
	const files = 16
	per := mb << 20 / files
	for i := range files {
		name := "export-" + strconv.Itoa(i) + ".csv"
		if i%2 == 1 {
			name = "notes-" + strconv.Itoa(i) + ".txt"
		}
		if err := os.WriteFile(filepath.Join(dir, name), evalgen.Corpus(int64(i), per), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(files * per))
	b.ResetTimer()
	for range b.N {
		rep, err := Run(context.Background(), []string{dir}, Options{MinConfidence: 0.5}, func(Finding) {})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Findings == 0 {
			b.Fatal("no findings")
		}
		b.ReportMetric(float64(rep.Summary.Findings)/float64(rep.Summary.Bytes)*150, "findings/150B")
	}
}
