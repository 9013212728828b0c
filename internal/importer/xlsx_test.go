package importer_test

import (
	"context"
	"maps"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"custodia/internal/apperr"
	"custodia/internal/importer"
	"custodia/internal/store"
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
		// The job reports, and stores, the mapping it proposed for each
		// sheet's headers.
		wantMap := importer.Mapping{"Họ tên": "name", "SĐT": "phone", "Email": "email",
			"First Name": "name", "Last Name": "name", "Mobile Phone Number": "phone"}
		if !maps.Equal(res.Mapping, wantMap) {
			t.Errorf("result mapping %v, want %v", res.Mapping, wantMap)
		}
		stored, err := e.db.GetImport(t.Context(), "xlsx-1")
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(stored.Mapping, wantMap) {
			t.Errorf("stored mapping %v, want %v", stored.Mapping, wantMap)
		}
	})
}

// TestImportXLSXOtherTableSheet: with a mapping, a worksheet none of whose
// headers the mapping names (a price list beside the customers) is left
// out and counted, not a failure of the job, whichever sheet comes
// first; the rows left out keep the clean-up task from being opened. A
// sheet that shares a mapped header but lacks another is still refused.
func TestImportXLSXOtherTableSheet(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		f := excelize.NewFile()
		defer f.Close()
		must(f.SetSheetName("Sheet1", "Bảng giá"))
		must(f.SetSheetRow("Bảng giá", "A1", &[]any{"Sản phẩm", "Số lượng", "Đơn giá"}))
		must(f.SetSheetRow("Bảng giá", "A2", &[]any{"Gói Premium", 2, 1500000}))
		must(f.SetSheetRow("Bảng giá", "A3", &[]any{"Gói Basic", 5, 300000}))
		_, err := f.NewSheet("Khách hàng")
		must(err)
		must(f.SetSheetRow("Khách hàng", "A1", &[]any{"Họ tên", "SĐT", "Email"}))
		must(f.SetSheetRow("Khách hàng", "A2", &[]any{"Đinh Văn Hải", "0912000011", "hai@example.com"}))
		must(f.SetSheetRow("Khách hàng", "A3", &[]any{"Lý Thị Hoa", "0912000012", "hoa@example.com"}))
		path := filepath.Join(e.dir, "mixed.xlsx")
		must(f.SaveAs(path))

		j := job("xlsx-other")
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email")
		res := e.mustRun(t, j, importer.File(path))
		if res.Status != importer.StatusCompleted || res.Created != 2 || res.Rows != 2 || res.OtherTableRows != 2 {
			t.Fatalf("want 2 created and the price list's 2 rows left out: %+v", res.Counts)
		}

		// A customer sheet with a misspelt header is a mistake, not
		// another table: the job is refused as before.
		g := excelize.NewFile()
		defer g.Close()
		must(g.SetSheetRow("Sheet1", "A1", &[]any{"Họ tên", "SDT thiếu", "Email"}))
		must(g.SetSheetRow("Sheet1", "A2", &[]any{"Đinh Văn Hải", "0912000011", "hai@example.com"}))
		bad := filepath.Join(e.dir, "misspelt.xlsx")
		must(g.SaveAs(bad))
		j = job("xlsx-misspelt")
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email")
		_, err = e.im.Run(t.Context(), j, importer.File(bad))
		wantCode(t, err, "mapping_header_missing")
	})
}

// TestImportXLSXDateCells: Excel stores a date as a serial number with a
// date format; the short-date format (14) is read as an ISO date, not as
// the US "03-15-90", and a day-first custom format as day-first.
func TestImportXLSXDateCells(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	short, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	dayFirst := "dd/mm/yyyy"
	custom, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dayFirst})
	must(err)
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"Họ tên", "SĐT", "Email", "Ngày sinh"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"Excel Date Person", "0912345001", "exdate1@example.com", 32947}))
	must(f.SetSheetRow("Sheet1", "A3", &[]any{"Custom Date Person", "0912345002", "exdate2@example.com", 32947}))
	must(f.SetCellStyle("Sheet1", "D2", "D2", short))
	must(f.SetCellStyle("Sheet1", "D3", "D3", custom))
	path := filepath.Join(e.dir, "dates.xlsx")
	must(f.SaveAs(path))

	j := job("xlsx-dates")
	j.Mapping = importer.Mapping{"Họ tên": "name", "SĐT": "phone", "Email": "email", "Ngày sinh": "birth"}
	res := e.mustRun(t, j, importer.File(path))
	if res.Created != 2 || res.Rejected != 0 {
		t.Fatalf("result %+v", res)
	}
	for _, email := range []string{"exdate1@example.com", "exdate2@example.com"} {
		if got := e.lookup(t, "email", email)[0].Data["birth"]; got != "1990-03-15" {
			t.Errorf("%s: birth %v, want 1990-03-15", email, got)
		}
	}
}

// TestImportXLSXTitleAboveHeader: a sheet with a title row and a blank
// row above its header (common in Vietnamese sales sheets) imports its
// customers, with a mapping and with the proposal; the header is never
// stored as a person.
func TestImportXLSXTitleAboveHeader(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"DANH SÁCH KHÁCH HÀNG THÁNG 11/2026"}))
	must(f.SetSheetRow("Sheet1", "A3", &[]any{"STT", "Họ tên", "SĐT", "Email"}))
	must(f.SetSheetRow("Sheet1", "A4", &[]any{1, "Title Row Person", "0944 000 001", "title1@example.com"}))
	must(f.SetSheetRow("Sheet1", "A5", &[]any{2, "Title Row Two", "0944 000 002", "title2@example.com"}))
	path := filepath.Join(e.dir, "title.xlsx")
	must(f.SaveAs(path))

	j := job("title-mapped")
	j.Mapping = importer.Mapping{"STT": "-", "Họ tên": "name", "SĐT": "phone", "Email": "email"}
	if res := e.mustRun(t, j, importer.File(path)); res.Created != 2 || res.Rejected != 0 || res.OtherTableRows != 0 {
		t.Fatalf("mapped: %+v", res)
	}
	if d := e.lookup(t, "email", "title1@example.com"); len(d) != 1 || d[0].Data["name"] != "Title Row Person" {
		t.Errorf("mapped person: %+v", d)
	}

	e2 := mustEnv(t, store.SQLite)
	res := e2.mustRun(t, job("title-proposed"), importer.File(path))
	if res.Created != 2 || res.Rejected != 0 {
		t.Fatalf("proposed: %+v", res)
	}
	if d := e2.lookup(t, "email", "title2@example.com"); len(d) != 1 || d[0].Data["name"] != "Title Row Two" {
		t.Errorf("proposed person: %+v", d)
	}
}

// TestImportTitleRowOfSeveralCells: a title row of several cells above the
// header ("Báo cáo khách hàng,Tháng 11/2026,Người lập,Lan Nguyễn") is not
// taken for the header when the mapping names the header's columns (QA:
// the file was refused as mapping_header_missing); a mapping the file
// does not fit is still refused.
func TestImportTitleRowOfSeveralCells(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	path := e.write(t, "title2.csv", []byte("Báo cáo khách hàng,Tháng 11/2026,Người lập,Lan Nguyễn\n\n"+
		"Họ tên,SĐT,Email,Địa chỉ\n"+
		"Phan Văn Tài,0944 000 011,tai@example.com,\"12 Lê Lợi, Quận 1\"\n"+
		"Đỗ Thị Hà,0944 000 012,ha@example.com,\"5 Hàng Bài, Hà Nội\"\n"))
	j := job("title2-mapped")
	j.Mapping = importer.Mapping{"Họ tên": "name", "SĐT": "phone", "Email": "email", "Địa chỉ": "address"}
	if res := e.mustRun(t, j, importer.File(path)); res.Created != 2 || res.Rejected != 0 || res.Rows != 2 {
		t.Fatalf("mapped: %+v", res)
	}
	if d := e.lookup(t, "email", "ha@example.com"); len(d) != 1 || d[0].Data["address"] != "5 Hàng Bài, Hà Nội" {
		t.Errorf("mapped person: %+v", d)
	}
	j = job("title2-misspelt")
	j.Mapping = importer.Mapping{"Họ và tên": "name", "Email": "email"}
	if _, err := e.im.Run(context.Background(), j, importer.File(path)); apperr.CodeOf(err) != "mapping_header_missing" {
		t.Errorf("a mapping the file does not fit: %v", err)
	}
}
