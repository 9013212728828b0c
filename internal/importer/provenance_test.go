package importer_test

import (
	"context"
	"testing"

	"custodia/internal/importer"
)

// TestProvenanceAndErasure: each imported record keeps its job, source and
// row; erasing the subject removes them, and the completed job does not
// bring the person back.
func TestProvenanceAndErasure(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rows := importer.Table(dupHeader, [][]string{
			{"Quách Tĩnh", "0912000041", "tinh@example.com"},
			{"Hoàng Dung", "0912000042", "dung2@example.com"},
		})
		e.mustRun(t, job("prov"), rows)
		sub := e.lookup(t, "email", "tinh@example.com")[0].Subject
		prov, err := e.db.SubjectProvenance(ctx, sub)
		if err != nil || len(prov) != 1 {
			t.Fatalf("provenance %v %v", prov, err)
		}
		if p := prov[0]; p.JobID != "prov" || p.RowRef != "2" || p.Source != "sales team customers.xlsx" || p.SubjectID != sub || p.RecordID == "" || p.ImportedAt.IsZero() {
			t.Errorf("provenance %+v", p)
		}
		if _, err := e.vault.Erase(ctx, sub, "erasure"); err != nil {
			t.Fatal(err)
		}
		if prov, err := e.db.SubjectProvenance(ctx, sub); err != nil || len(prov) != 0 {
			t.Errorf("provenance after erasure: %v %v", prov, err)
		}
		if _, err := e.db.PurgeErased(ctx); err != nil {
			t.Fatal(err)
		}
		if prov, err := e.db.JobProvenance(ctx, "prov"); err != nil || len(prov) != 1 || prov[0].RowRef != "3" {
			t.Errorf("job provenance after erasure: %v %v", prov, err)
		}
		e.mustRun(t, job("prov"), rows)
		if recs := e.lookup(t, "email", "tinh@example.com"); len(recs) != 0 {
			t.Error("re-running the completed job brought an erased person back")
		}
	})
}
