package importer_test

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"custodia/internal/importer"
)

// TestImportXLSXSheets: every sheet of a workbook is imported, each with
// its own header, rows named Sheet!row.
func TestImportXLSXSheets(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		f := excelize.NewFile()
		defer f.Close()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(f.SetSheetRow("Sheet1", "A1", &[]any{"Họ tên", "SĐT", "Email"}))
		must(f.SetSheetRow("Sheet1", "A2", &[]any{"Phạm Minh Châu", "0912000001", "chau@example.com"}))
		must(f.SetSheetRow("Sheet1", "A4", &[]any{"Võ Thị Dung", "0912000002", "dung@example.com"})) // row 3 blank
		_, err := f.NewSheet("Khách VIP")
		must(err)
		// Another layout: HubSpot-like headers, first and last name apart.
		must(f.SetSheetRow("Khách VIP", "A1", &[]any{"First Name", "Last Name", "Email", "Mobile Phone Number"}))
		must(f.SetSheetRow("Khách VIP", "A2", &[]any{"Hoàng", "Yến", "yen@example.com", "0912000003"}))
		must(f.SetSheetRow("Khách VIP", "A3", &[]any{"Bùi", "Giang", "not-an-email", "0912000004"}))
		path := filepath.Join(e.dir, "customers.xlsx")
		must(f.SaveAs(path))

		res := e.mustRun(t, job("xlsx-1"), importer.File(path))
		if res.Rows != 4 || res.Created != 3 || res.Rejected != 1 {
			t.Fatalf("result %+v", res)
		}
		if r := res.Rejects[0]; r.Row != "Khách VIP!3" || r.Code != "invalid_email" {
			t.Errorf("reject %+v", r)
		}
		if d := e.lookup(t, "email", "yen@example.com")[0].Data; d["name"] != "Hoàng Yến" || d["phone"] != "+84912000003" {
			t.Errorf("Yến is %v", d)
		}
		prov, err := e.db.JobProvenance(t.Context(), "xlsx-1")
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, p := range prov {
			refs = append(refs, p.RowRef)
		}
		want := []string{"Khách VIP!2", "Sheet1!2", "Sheet1!4"}
		if len(refs) != 3 || refs[0] != want[0] || refs[1] != want[1] || refs[2] != want[2] {
			t.Errorf("provenance rows %v, want %v", refs, want)
		}
	})
}
