package importer_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"custodia/internal/importer"
)

// TestResumeAfterInterruption: a job whose context ends mid-file (a
// SIGTERM) is stored as interrupted; running it again with the same id
// imports the rest, and every row is imported exactly once.
func TestResumeAfterInterruption(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		const n = 6000
		var data [][]string
		for i := range n {
			data = append(data, []string{fmt.Sprintf("Khách %d", i), fmt.Sprintf("091%07d", i), fmt.Sprintf("k%d@example.com", i)})
		}
		// Row 150 repeats row 10's person: on resume it must still be a
		// duplicate of the row imported before the interruption.
		data[150] = []string{"Khách 10 lần hai", "", "k10@example.com"}
		all := importer.Table(dupHeader, data)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// SIGTERM once the first batch is written: the rest of the file is
		// still to come.
		e.im.BatchSize = 500 // several batches, so the run stops part-way
		j := job("resume")
		j.Progress = func(c importer.Counts) {
			if c.Created > 0 {
				cancel()
			}
		}
		res, err := e.im.Run(ctx, j, all)
		if !errors.Is(err, context.Canceled) || res.Status != importer.StatusInterrupted {
			t.Fatalf("interrupted run: %v %+v", err, res)
		}
		stored, err := e.im.GetImport(context.Background(), "resume")
		if err != nil || stored.Status != importer.StatusInterrupted {
			t.Fatalf("stored %+v %v", stored, err)
		}
		first, _ := e.count(t)
		if first == 0 || first >= n-1 {
			t.Fatalf("interrupted after %d records", first)
		}

		res = e.mustRun(t, job("resume"), all)
		if res.Status != importer.StatusCompleted || res.AlreadyImported != first || res.Created != n-1-first || res.Rejected != 0 {
			t.Fatalf("resume after %d: %+v", first, res)
		}
		if recs, subjects := e.count(t); recs != n-1 || subjects != n-1 {
			t.Fatalf("%d records of %d subjects, want %d", recs, subjects, n-1)
		}
		prov, err := e.db.JobProvenance(context.Background(), "resume")
		if err != nil || len(prov) != n-1 {
			t.Fatalf("%d provenance rows, want %d (%v)", len(prov), n-1, err)
		}
		seen := map[string]bool{}
		for _, p := range prov {
			if seen[p.RowRef] || p.RowRef == "152" {
				t.Errorf("row %s imported twice or wrongly", p.RowRef)
			}
			seen[p.RowRef] = true
		}

		// A completed job is not run again.
		again := e.mustRun(t, job("resume"), all)
		if again.Status != importer.StatusCompleted || again.Created != res.Created {
			t.Errorf("rerun of a completed job: %+v", again)
		}
		if recs, _ := e.count(t); recs != n-1 {
			t.Errorf("rerun added records: %d", recs)
		}
	})
}
