package source

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// crmList is a CRM list as Excel's "Unicode Text" export writes it
// (before its encoding): tabs, CRLF, the headers on the first row, a
// blank line, and a note over two lines quoted.
const crmList = "Họ tên\tNgày sinh\tSố điện thoại\tGhi chú\r\n" +
	"Nguyễn Văn An\t15/03/1985\t0912345678\tKhách VIP\r\n" +
	"\r\n" +
	"Trần Thị Bình\t02/11/1990\t0987654321\t\"Gọi lại\r\nsau 5 giờ\"\r\n" +
	"Lê Văn Cường\t21/07/1979\t0901234567\t\r\n"

// crmCells are the units of crmList: each cell under its header, on the
// line where its record starts.
var crmCells = []cell{
	{2, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {2, "Ngày sinh", "Ngày sinh", "15/03/1985"},
	{2, "Số điện thoại", "Số điện thoại", "0912345678"}, {2, "Ghi chú", "Ghi chú", "Khách VIP"},
	{4, "Họ tên", "Họ tên", "Trần Thị Bình"}, {4, "Ngày sinh", "Ngày sinh", "02/11/1990"},
	{4, "Số điện thoại", "Số điện thoại", "0987654321"}, {4, "Ghi chú", "Ghi chú", "Gọi lại\nsau 5 giờ"},
	{6, "Họ tên", "Họ tên", "Lê Văn Cường"}, {6, "Ngày sinh", "Ngày sinh", "21/07/1979"},
	{6, "Số điện thoại", "Số điện thoại", "0901234567"},
}

// utf16LE returns s in UTF-16LE with a byte order mark, as Excel's
// "Unicode Text" is.
func utf16LE(t *testing.T, s string) []byte {
	t.Helper()
	return encode(t, s, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder())
}

func TestTabTableText(t *testing.T) {
	// Windows-1258 has no "ễ" or "ọ": a base letter and a combining tone
	// mark, which the reader composes back.
	cp1258 := encode(t, "Ho\u0323 tên\tNgày sinh\tSĐT\r\nNguyê\u0303n Văn An\t15/03/1985\t0912345678\r\n",
		charmap.Windows1258.NewEncoder())
	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		want    []cell
	}{
		{"Excel Unicode Text: UTF-16LE, BOM, CRLF", "crm.txt", utf16LE(t, crmList), crmCells},
		{"UTF-8", "crm.TXT", []byte(crmList), crmCells},
		{"UTF-8 with a BOM, no extension", "crm", []byte("\ufeff" + crmList), crmCells},
		{"Windows-1258", "legacy.txt", cp1258, []cell{
			{2, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {2, "Ngày sinh", "Ngày sinh", "15/03/1985"}, {2, "SĐT", "SĐT", "0912345678"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, tc.content, Options{})
			if got := cells(g.units); !slices.Equal(got, tc.want) || len(g.errs) > 0 {
				t.Fatalf("got %v, errors %v\nwant %v", got, g.errs, tc.want)
			}
		})
	}
}

// The same table saved as .tsv and as .txt reads the same.
func TestTabTableTextMatchesTSV(t *testing.T) {
	content := utf16LE(t, crmList)
	tsv := cells(scanFile(t, "crm.tsv", content, Options{}).units)
	txt := cells(scanFile(t, "crm.txt", content, Options{}).units)
	if !slices.Equal(tsv, txt) || !slices.Equal(txt, crmCells) {
		t.Fatalf(".tsv %v\n.txt %v", tsv, txt)
	}
}

// A header the reader is not sure of (no column of numbers) is scanned
// too, as for a .tsv file, and still names the columns.
func TestTabTableSoftHeader(t *testing.T) {
	content := []byte("Họ tên\tChức vụ\tPhòng\nNguyễn Văn An\tTrưởng phòng\tKinh doanh quốc tế\nTrần Thị Bình\tNhân viên\tKế toán\n")
	g := scanFile(t, "staff.txt", content, Options{})
	want := []cell{
		{1, "", "", "Họ tên"}, {1, "", "", "Chức vụ"}, {1, "", "", "Phòng"},
		{2, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {2, "Chức vụ", "Chức vụ", "Trưởng phòng"}, {2, "Phòng", "Phòng", "Kinh doanh quốc tế"},
		{3, "Họ tên", "Họ tên", "Trần Thị Bình"}, {3, "Chức vụ", "Chức vụ", "Nhân viên"}, {3, "Phòng", "Phòng", "Kế toán"},
	}
	if got := cells(g.units); !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}

// Text that is not clearly a table stays text: one unit per line, no
// column.
func TestTabTableStaysText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		content string
	}{
		{"prose with a stray tab", "notes.txt",
			"Gặp anh An hôm nay.\tSố của anh ấy là 0912345678.\nHẹn gặp lại tuần sau.\n"},
		{"prose whose lines all hold two tabs", "notes.txt",
			"Chúng tôi đã gọi cho khách hàng hôm qua.\tKhông ai nghe máy.\tSẽ gọi lại.\n" +
				"Anh An\thẹn gặp\tthứ Hai\n"},
		{"lines indented by two tabs", "poem",
			"\t\tmột dòng thơ\n\t\thai dòng thơ\n\t\tba dòng thơ\n"},
		{"a header row alone", "head.txt", "Họ tên\tNgày sinh\tSĐT\n"},
		{"two columns only", "pairs.txt", "Họ tên\tSĐT\nNguyễn Văn An\t0912345678\n"},
		{"rows of different widths", "ragged.txt",
			"Họ tên\tNgày sinh\tSĐT\nNguyễn Văn An\t15/03/1985\t0912345678\nTrần Thị Bình\t02/11/1990\n"},
		{"a header of numbers", "numbers.txt", "1\t2\t3\n4\t5\t6\n"},
		{"a .log file keeps its reader", "app.log", "Họ tên\tNgày sinh\tSĐT\nNguyễn Văn An\t15/03/1985\t0912345678\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, []byte(tc.content), Options{})
			var want []cell
			for i, l := range strings.Split(tc.content, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					want = append(want, cell{i + 1, "", "", l})
				}
			}
			if got := cells(g.units); !slices.Equal(got, want) || len(g.errs) > 0 {
				t.Fatalf("got %v, errors %v\nwant %v", got, g.errs, want)
			}
		})
	}
}

func TestLooksTabTable(t *testing.T) {
	whatsApp := "12/31/20, 9:41 PM - Nguyễn Văn An: Họ tên\tNgày sinh\tSĐT\n" +
		"12/31/20, 9:42 PM - Trần Thị Bình: An\t15/03/1985\t0912345678\n" +
		"12/31/20, 9:43 PM - Nguyễn Văn An: Bình\t02/11/1990\t0987654321\n"
	// A table longer than the head: the cut last line is left out.
	var long strings.Builder
	long.WriteString("Họ tên\tNgày sinh\tSĐT\r\n")
	for long.Len() < 2*headLen {
		long.WriteString("Nguyễn Văn An\t15/03/1985\t0912345678\r\n")
	}
	longUTF16 := utf16LE(t, long.String())
	for _, tc := range []struct {
		name string
		file string
		head []byte
		want format
	}{
		{"UTF-16LE table", "crm.txt", utf16LE(t, crmList), formatTabText},
		{"UTF-16BE table", "crm.txt", encode(t, crmList, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder()), formatTabText},
		{"UTF-8 table, no extension", "crm", []byte(crmList), formatTabText},
		{"head of a longer UTF-8 table", "crm.txt", []byte(long.String())[:headLen], formatTabText},
		{"head of a longer UTF-16 table, odd cut", "crm.txt", longUTF16[:headLen-1], formatTabText},
		{".tsv keeps its reader", "crm.tsv", []byte(crmList), formatTSV},
		{".csv keeps its reader", "crm.csv", []byte(crmList), formatCSV},
		{".md is not guessed", "crm.md", []byte(crmList), formatText},
		{"WhatsApp export with tabs", "WhatsApp Chat with An.txt", []byte(whatsApp), formatWhatsApp},
		{"WhatsApp export in UTF-8 without tabs", "chat.txt", []byte(whatsAppIOS), formatWhatsApp},
		{"no tab", "a.txt", []byte("Họ tên, SĐT\nAn, 0912345678\n"), formatText},
		{"a single line cut by the head", "a.txt", bytes.Repeat([]byte("a\tb\t"), headLen/4), formatText},
	} {
		head := tc.head
		if len(head) > headLen {
			head = head[:headLen]
		}
		if got, ok := chooseFormat(tc.file, head); got != tc.want || !ok {
			t.Errorf("%s: chooseFormat = %v %v, want %v", tc.name, got, ok, tc.want)
		}
		if tc.want == formatWhatsApp && looksTabTable(head) {
			t.Errorf("%s: looksTabTable = true", tc.name)
		}
	}
}

// A table read in full past the first 64 KiB keeps its line numbers.
func TestTabTableLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("Họ tên\tNgày sinh\tSĐT\r\n")
	n := 0
	for b.Len() < 3*headLen {
		b.WriteString("Nguyễn Văn An\t15/03/1985\t0912345678\r\n")
		n++
	}
	g := scanFile(t, "big.txt", utf16LE(t, b.String()), Options{})
	if len(g.units) != 3*n || len(g.errs) > 0 {
		t.Fatalf("%d units, want %d; errors %v", len(g.units), 3*n, g.errs)
	}
	last := g.units[len(g.units)-1]
	if last.Line != n+1 || last.Column != "SĐT" || string(last.Text) != "0912345678" {
		t.Fatalf("last unit %+v, want line %d", last, n+1)
	}
}

// ReadRows and WalkText take a .txt table as the TSV it is.
func TestTabTableRowsAndWalkText(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "crm.txt")
	if err := os.WriteFile(name, utf16LE(t, crmList), 0o600); err != nil {
		t.Fatal(err)
	}
	var rows []Row
	if err := ReadRows(context.Background(), name, Options{}, func(r Row) error {
		rows = append(rows, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"Họ tên", "Ngày sinh", "Số điện thoại", "Ghi chú"}
	if len(rows) != 3 || !slices.Equal(rows[0].Header, wantHeader) || rows[1].Line != 4 ||
		!slices.Equal(rows[1].Cells, []string{"Trần Thị Bình", "02/11/1990", "0987654321", "Gọi lại\nsau 5 giờ"}) {
		t.Fatalf("rows %+v", rows)
	}

	var files []TextFile
	var content string
	err := WalkText(context.Background(), []string{dir}, Options{}, func(tf TextFile) error {
		b, err := io.ReadAll(tf.Content)
		content = string(b)
		files = append(files, tf)
		return err
	}, func(e FileError) { t.Errorf("file error %v", e) })
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Format != "tsv" || files[0].Delimiter != '\t' ||
		!slices.Equal(files[0].Header, wantHeader) || content != crmList {
		t.Fatalf("files %+v, content %q", files, content)
	}
}
