package importer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"custodia/internal/importer"
)

// TestProgressFollowsWrites: the progress reports move as rows are
// written (one report per written batch), never go back, and the last one before the run returns counts
// every row created (the reports used to stop once the reader was ahead
// of the writer, leaving a progress bar at "0 created").
func TestProgressFollowsWrites(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		const n = 3000
		var data [][]string
		for i := range n {
			data = append(data, []string{fmt.Sprintf("Khách %d", i), fmt.Sprintf("092%07d", i), fmt.Sprintf("p%d@example.com", i)})
		}
		e.im.BatchSize, e.im.Writers = 250, 1
		var mu sync.Mutex
		var seen []importer.Counts
		j := job("progress")
		j.Progress = func(c importer.Counts) {
			mu.Lock()
			seen = append(seen, c)
			mu.Unlock()
		}
		res, err := e.im.Run(context.Background(), j, importer.Table(dupHeader, data))
		if err != nil || res.Created != n {
			t.Fatalf("run: %v %+v", err, res.Counts)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) == 0 {
			t.Fatal("no progress reported")
		}
		for k := 1; k < len(seen); k++ {
			if seen[k].Created < seen[k-1].Created || seen[k].Rows < seen[k-1].Rows {
				t.Fatalf("progress went back: %+v after %+v", seen[k], seen[k-1])
			}
		}
		if last := seen[len(seen)-1]; last.Created != n {
			t.Errorf("last progress report: %+v, want %d created", last, n)
		}
		// One writer, batches of 250: each written batch is reported.
		reported := map[int]bool{}
		for _, c := range seen {
			reported[c.Created] = true
		}
		for k := 250; k <= n; k += 250 {
			if !reported[k] {
				t.Errorf("no progress report after the batch that brought the count to %d created", k)
			}
		}
	})
}
