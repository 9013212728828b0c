package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// readRowsOf writes content to a file and reads its rows.
func readRowsOf(t *testing.T, name string, content []byte) []Row {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	var out []Row
	err := ReadRows(context.Background(), p, Options{}, func(r Row) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadRows: %v", err)
	}
	return out
}

func TestReadRows(t *testing.T) {
	csv := "\ufeffHọ tên;SĐT\r\n\r\nAn;0912345678\r\n\"Bình; Chi\";\"09\r\n12\"\r\n"
	rows := readRowsOf(t, "a.csv", []byte(csv))
	want := []Row{
		{Line: 3, Header: []string{"Họ tên", "SĐT"}, Cells: []string{"An", "0912345678"}},
		{Line: 4, Header: []string{"Họ tên", "SĐT"}, Cells: []string{"Bình; Chi", "09\n12"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %+v, want %+v", rows, want)
	}
	if rows[1].Ref() != "4" || (Row{Sheet: "S", Line: 2}).Ref() != "S!2" {
		t.Errorf("refs %q", rows[1].Ref())
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("Email\tTên\nan@example.com\tAn\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows = readRowsOf(t, "b.tsv", u16)
	if len(rows) != 1 || rows[0].Header[1] != "Tên" || rows[0].Cells[0] != "an@example.com" {
		t.Errorf("UTF-16 TSV rows %+v", rows)
	}
	if rows := readRowsOf(t, "empty.csv", nil); len(rows) != 0 {
		t.Errorf("empty file: %+v", rows)
	}
}

func TestReadRowsStops(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,2\n3,4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	err := ReadRows(context.Background(), p, Options{}, func(Row) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d rows", err, n)
	}
	if err := ReadRows(context.Background(), filepath.Join(t.TempDir(), "x.pdf"), Options{}, func(Row) error { return nil }); err == nil {
		t.Error("a missing file read")
	}
}

// TestReadRowsTitleAboveHeader: a title row (and a blank line) above the
// header is neither header nor data; a header that names one column of
// two, or a one-column table, keeps its first row as the header.
func TestReadRowsTitleAboveHeader(t *testing.T) {
	rows := readRowsOf(t, "t.csv", []byte("DANH SÁCH KHÁCH HÀNG THÁNG 11/2026,,\n,,\nHọ tên,SĐT,Email\nAn,0912345678,an@example.com\n"))
	want := []Row{{Line: 4, Header: []string{"Họ tên", "SĐT", "Email"}, Cells: []string{"An", "0912345678", "an@example.com"}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("title above the header: %+v, want %+v", rows, want)
	}
	// Two title rows, a title and the export's date (QA: the second was
	// read as a data row, and the title as the header).
	rows = readRowsOf(t, "w.csv", []byte("DANH SÁCH KHÁCH HÀNG - CHI NHÁNH HÀ NỘI,,\nXuất ngày 15/03/2024,,\n\nHọ tên,SĐT,Email\nAn,0912345678,an@example.com\n"))
	want = []Row{{Line: 5, Header: []string{"Họ tên", "SĐT", "Email"}, Cells: []string{"An", "0912345678", "an@example.com"}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("two titles above the header: %+v, want %+v", rows, want)
	}
	rows = readRowsOf(t, "x.csv", []byte("Danh sách\nXuất ngày 15/03/2024\nHọ tên,SĐT\nAn,0912345678\n"))
	if len(rows) != 1 || rows[0].Header[1] != "SĐT" || rows[0].Cells[0] != "An" {
		t.Errorf("titles without commas above the header: %+v", rows)
	}
	rows = readRowsOf(t, "u.csv", []byte("Họ tên,\nAn,0912345678\nBình,0987654321\n"))
	if len(rows) != 2 || rows[0].Header[0] != "Họ tên" || rows[0].Cells[0] != "An" {
		t.Errorf("a header naming one column of two: %+v", rows)
	}
	rows = readRowsOf(t, "v.csv", []byte("Họ tên\nNguyễn Văn An\nTrần Thị Bình\n"))
	if len(rows) != 2 || rows[0].Header[0] != "Họ tên" || rows[1].Cells[0] != "Trần Thị Bình" {
		t.Errorf("a one-column table: %+v", rows)
	}
}

// TestReadRowsRefusesBinary: bytes that are not text under a .csv name
// are refused as ErrNotText, while tables in UTF-16 and Windows-1258,
// which are not UTF-8, still read.
func TestReadRowsRefusesBinary(t *testing.T) {
	dir := t.TempDir()
	garbage := make([]byte, 3000)
	for i := range garbage {
		garbage[i] = byte(i*131 + i*i*7)
	}
	bin := filepath.Join(dir, "random.csv")
	if err := os.WriteFile(bin, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ReadRows(t.Context(), bin, Options{}, func(Row) error { return nil }); !errors.Is(err, ErrNotText) {
		t.Fatalf("binary .csv: %v, want ErrNotText", err)
	}
	utf16 := []byte{0xff, 0xfe}
	for _, r := range "name,phone\r\nAn,0912345678\r\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	cp1258 := []byte("H\xd4 t\xean,S\xd0T\r\nNguy\xean V\xe3n An,0912345678\r\n")
	for name, b := range map[string][]byte{"utf16.csv": utf16, "cp1258.csv": cp1258} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		rows := 0
		if err := ReadRows(t.Context(), p, Options{}, func(Row) error { rows++; return nil }); err != nil || rows != 1 {
			t.Errorf("%s: %d rows, %v", name, rows, err)
		}
	}
}

// TestReadRowsNamesTheLongLine: a line over the limit is named by its own
// number (QA: the line before it was named).
func TestReadRowsNamesTheLongLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "long.csv")
	content := "Name,Email\nAn,a@example.com\nBình," + strings.Repeat("x", 200_000) + "\n"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	err := ReadRows(t.Context(), p, Options{MaxLineBytes: 16 << 10}, func(Row) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 3 is longer than") {
		t.Fatalf("err %v, want line 3 named", err)
	}
}

// TestReadRowsIsHeader: with IsHeader, the row it names is the header and
// the rows above it titles; when no row among the first is named, the
// header is found as without it, and no row is lost.
func TestReadRowsIsHeader(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.csv")
	content := "Báo cáo,Tháng 11,Người lập,Lan\nHọ tên,Email\nAn,a@example.com\nBình,b@example.com\n"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	read := func(isHeader func([]string) bool) (header []string, data []string) {
		err := ReadRows(t.Context(), p, Options{IsHeader: isHeader}, func(r Row) error {
			header = r.Header
			data = append(data, r.Cells[0])
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return header, data
	}
	h, d := read(func(c []string) bool { return len(c) > 0 && c[0] == "Họ tên" })
	if strings.Join(h, ",") != "Họ tên,Email" || strings.Join(d, ",") != "An,Bình" {
		t.Errorf("named: header %q, data %q", h, d)
	}
	h, d = read(func([]string) bool { return false })
	if strings.Join(h, ",") != "Báo cáo,Tháng 11,Người lập,Lan" || strings.Join(d, ",") != "Họ tên,An,Bình" {
		t.Errorf("none named: header %q, data %q", h, d)
	}
}
