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

// TestProvenanceOfUpdates: a row that updates a person already in the
// vault is recorded too, beside the row that created the record; a skipped
// row, whose values were not imported, is not.
func TestProvenanceOfUpdates(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.mustRun(t, job("first"), importer.Table(dupHeader, [][]string{{"Quách Tĩnh", "0912000051", "tinh5@example.com"}}))
		upd := job("second")
		upd.Source = "Zalo group export"
		upd.OnDuplicate = importer.Update
		res := e.mustRun(t, upd, importer.Table(dupHeader, [][]string{{"Quách Tĩnh (Bắc Cái)", "0912000051", "tinh5@example.com"}}))
		if res.Updated != 1 {
			t.Fatalf("update run: %+v", res.Counts)
		}
		skip := job("third")
		if res := e.mustRun(t, skip, importer.Table(dupHeader, [][]string{{"Quách Tĩnh", "", "tinh5@example.com"}})); res.Skipped != 1 {
			t.Fatalf("skip run: %+v", res.Counts)
		}
		sub := e.lookup(t, "email", "tinh5@example.com")[0].Subject
		prov, err := e.db.SubjectProvenance(ctx, sub)
		if err != nil || len(prov) != 2 {
			t.Fatalf("provenance %+v %v", prov, err)
		}
		if prov[0].JobID != "first" || prov[1].JobID != "second" || prov[1].Source != "Zalo group export" || prov[0].RecordID != prov[1].RecordID {
			t.Errorf("provenance %+v", prov)
		}
	})
}
