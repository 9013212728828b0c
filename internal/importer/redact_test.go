package importer_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"custodia/internal/importer"
	"custodia/internal/scan/source"
)

// TestRedactWorkbook: the redacted copy of a workbook keeps its sheets,
// headers and business columns, and replaces every mapped cell and every
// other cell holding personal data.
func TestRedactWorkbook(t *testing.T) {
	e := mustEnv(t, "sqlite")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"Họ tên", "SĐT", "Doanh số", "Ghi chú"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"Phạm Minh Châu", "0912000001", 120000000, "gọi lại: chau.pham@example.com"}))
	_, err := f.NewSheet("Khách VIP")
	must(err)
	must(f.SetSheetRow("Khách VIP", "A1", &[]any{"First Name", "Email", "Deal stage"}))
	must(f.SetSheetRow("Khách VIP", "A2", &[]any{"Hoàng Yến", "yen@example.com", "closed won"}))
	src := filepath.Join(e.dir, "customers.xlsx")
	must(f.SaveAs(src))

	c, err := e.vault.Collection(context.Background(), "customers")
	must(err)
	m := importer.Mapping{"Họ tên": "name", "SĐT": "phone", "First Name": "name", "Email": "email", "Doanh số": "-", "Ghi chú": "-"}
	out := filepath.Join(e.dir, "customers-redacted.xlsx")
	st, err := importer.Redact(context.Background(), src, out, m, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 2 || st.Redacted != 5 {
		t.Errorf("stats %+v, want 2 rows and 5 cells", st)
	}
	var got []string
	must(source.ReadRows(context.Background(), out, source.Options{}, func(r source.Row) error {
		got = append(got, r.Sheet+": "+strings.Join(r.Header, "|")+" / "+strings.Join(r.Cells, "|"))
		return nil
	}))
	want := []string{
		"Sheet1: Họ tên|SĐT|Doanh số|Ghi chú / [redacted]|[redacted]|120000000|[redacted]",
		"Khách VIP: First Name|Email|Deal stage / [redacted]|[redacted]|closed won",
	}
	if !slices.Equal(got, want) {
		t.Errorf("redacted workbook:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A number stays a number, so the copy still sums (QA: it came back
	// as text).
	copyBook, err := excelize.OpenFile(out)
	must(err)
	defer copyBook.Close()
	if typ, err := copyBook.GetCellType("Sheet1", "C2"); err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("the sales figure in the copy is of type %v (%v), want a number", typ, err)
	}
	if _, err := importer.Redact(context.Background(), src, src, m, c, nil); err == nil {
		t.Error("a redacted copy over its source was written")
	}
}
