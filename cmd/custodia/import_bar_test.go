package main

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
	"time"

	"custodia/internal/importer"
)

// TestImportBarRate: the progress bar's rate is the rows done over the
// time since the start, however bursty the updates (QA: the library's
// own rate, an average of its last updates, read 350 rows/s for a true
// 2,260).
func TestImportBarRate(t *testing.T) {
	var out bytes.Buffer
	b := newImportBar(&out, "always")
	b.start = time.Now().Add(-10 * time.Second)
	b.update(importer.Counts{Created: 19000, Rejected: 1000}) // one burst of a batch
	b.finish()
	m := regexp.MustCompile(`importing, (\d+) rows/s`).FindAllStringSubmatch(out.String(), -1)
	if len(m) == 0 {
		t.Fatalf("no rate in %q", out.String())
	}
	rate, _ := strconv.Atoi(m[0][1])
	if rate < 1900 || rate > 2000 { // 20,000 rows in a little over 10 s
		t.Errorf("rate %d rows/s, want about 2,000", rate)
	}
	if got := rowsPerSecond(5, time.Millisecond); got != 0 {
		t.Errorf("rate at the start: %d", got)
	}
}
