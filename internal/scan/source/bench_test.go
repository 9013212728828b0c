package source

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// writeCSV writes a CSV file of about size bytes of contact-like rows.
func writeCSV(b *testing.B, name string, size int64) int64 {
	b.Helper()
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n, _ := fmt.Fprintln(w, "id,Họ tên,Email,SĐT,Địa chỉ,Ghi chú")
	written := int64(n)
	for i := 0; written < size; i++ {
		n, _ = fmt.Fprintf(w, "%d,Nguyễn Văn An %d,user%d@example.com,09%08d,\"%d Lê Lợi, Quận 1, TP. Hồ Chí Minh\",khách hàng thân thiết\n",
			i, i, i, i%100000000, i%500)
		written += int64(n)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return written
}

// BenchmarkWalkCSV walks a directory holding one generated 100 MB CSV
// file; the MB/s column is the reading rate.
func BenchmarkWalkCSV(b *testing.B) {
	dir := b.TempDir()
	size := writeCSV(b, filepath.Join(dir, "contacts.csv"), 100<<20)
	b.SetBytes(size)
	b.ReportAllocs()
	units := 0
	for b.Loop() {
		units = 0
		err := Walk(context.Background(), []string{dir}, Options{}, func(u Unit) error {
			units++
			return nil
		}, func(e FileError) { b.Errorf("file error: %v", e) })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(units), "units/op")
}
