package importer_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"custodia/internal/importer"
	"custodia/internal/store"
)

// BenchmarkImport imports a 6-column customer CSV (name, phone, e-mail,
// address, birth date, CCCD) into a real SQLite store: reading, mapping,
// the unmapped-column check, validation, the duplicate lookups,
// encryption, indexing, provenance and audit included. It reports rows/s.
//
//	go test -run XXX -bench BenchmarkImport -benchtime 5x ./internal/importer
//
// The importer and store are tuned as `custodia import` on a data
// directory tunes them (importer.OfflineBatchSize). IMPORT_ROWS sets the
// rows per run (default 20,000), IMPORT_BATCH the batch size and
// IMPORT_WRITERS the batches written at once.
//
// The consent sub-benchmark imports on the consent basis: one more ledger
// event per row.
func BenchmarkImport(b *testing.B) {
	b.Run("contract", func(b *testing.B) { benchmarkImport(b, false) })
	b.Run("consent", func(b *testing.B) { benchmarkImport(b, true) })
}

func benchmarkImport(b *testing.B, withConsent bool) {
	rows := 20000
	if n := os.Getenv("IMPORT_ROWS"); n != "" {
		rows, _ = strconv.Atoi(n)
	}
	// As `custodia import` on a data directory tunes it.
	e := mustEnv(b, store.SQLite, func(c *store.Config) { c.WriterCacheMiB = importer.OfflineWriterCacheMiB })
	e.im.BatchSize = importer.OfflineBatchSize
	if w := os.Getenv("IMPORT_WRITERS"); w != "" {
		e.im.Writers, _ = strconv.Atoi(w)
	}
	if n := os.Getenv("IMPORT_BATCH"); n != "" {
		e.im.BatchSize, _ = strconv.Atoi(n)
	}
	var total int
	var elapsed time.Duration
	next := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		var sb strings.Builder
		sb.WriteString("Họ tên,SĐT,Email,Địa chỉ,Ngày sinh,CCCD\n")
		for range rows {
			n := next
			next++
			fmt.Fprintf(&sb, "Nguyễn Văn Khách %d,091%07d,khach.%d@example.com,%d Lê Lợi Quận 1,%02d/%02d/19%02d,079%d%02d%06d\n",
				n, n, n, n%300+1, n%28+1, n%12+1, 60+n%40, n%2, 60+n%40, n%1000000)
		}
		path := e.write(b, fmt.Sprintf("bench-%d.csv", i), []byte(sb.String()))
		b.StartTimer()
		start := time.Now()
		j := job(fmt.Sprintf("bench-%d", i))
		if withConsent {
			j.LegalBasis, j.Purpose = "consent", "marketing"
			j.Consent = &importer.ConsentEvidence{Channel: "zalo", NoticeVersion: "v1", NoticeText: "Chúng tôi dùng số điện thoại của bạn để gửi ưu đãi.",
				CollectedBy: "sales@example.com", From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		}
		res, err := e.im.Run(context.Background(), j, importer.File(path))
		elapsed += time.Since(start)
		if err != nil || res.Created != rows {
			b.Fatalf("run: %v %+v", err, res.Counts)
		}
		total += rows
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "rows/s")
}
