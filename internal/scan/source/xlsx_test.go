package source

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// workbook builds an XLSX workbook: the cells of each sheet, by sheet
// name (in order) and cell reference.
func workbook(t testing.TB, sheets ...sheetCells) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for _, c := range sh.cells {
			if err := f.SetCellValue(sh.name, c.ref, c.value); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetCells is one sheet for workbook.
type sheetCells struct {
	name  string
	cells []cellValue
}

// cellValue is one cell for workbook.
type cellValue struct {
	ref   string
	value any
}

// storedZip builds a ZIP archive of the named contents, stored without
// compression and without checksums, so that a fuzzer's changes to the
// XML within leave the archive readable.
func storedZip(t testing.TB, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		n := uint64(len(f[1]))
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f[0], Method: zip.Store, CompressedSize64: n, UncompressedSize64: n})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip copies the entries of the archive z, replacing those named in
// replace and adding the others, deflated.
func rezip(t testing.TB, z []byte, replace ...[2]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	var files [][2]string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, [2]string{f.Name, string(b)})
	}
	for _, r := range replace {
		i := slices.IndexFunc(files, func(f [2]string) bool { return f[0] == r[0] })
		if i < 0 {
			files = append(files, r)
		} else {
			files[i] = r
		}
	}
	return zipOf(t, false, files...)
}

// minimalXLSX is the smallest workbook excelize opens: one sheet of
// inline strings and a number, in stored parts.
func minimalXLSX(t testing.TB, sheetXML string) []byte {
	t.Helper()
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	return storedZip(t,
		[2]string{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		[2]string{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		[2]string{"xl/workbook.xml", `<workbook ` + ns + `><sheets><sheet name="Danh bạ" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		[2]string{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		[2]string{"xl/worksheets/sheet1.xml", `<worksheet ` + ns + `><sheetData>` + sheetXML + `</sheetData></worksheet>`},
	)
}

// minimalSheet is the sheet of the minimal workbook the tests and seeds use.
const minimalSheet = `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c><c r="B1" t="inlineStr"><is><t>SĐT</t></is></c></row>` +
	`<row r="3"><c r="A3" t="inlineStr"><is><t>Nguyễn Văn An</t></is></c><c r="B3" t="inlineStr"><is><t>0912345678</t></is></c><c r="D3"><v>3.25</v></c></row>`

func TestXLSX(t *testing.T) {
	born := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	book := workbook(t,
		sheetCells{name: "Khách hàng", cells: []cellValue{
			{"A1", "Họ tên"}, {"B1", "SĐT"}, {"C1", "Ngày sinh"}, {"D1", "Số dư"},
			{"A2", "Nguyễn Văn An"}, {"B2", "0912345678"}, {"C2", born}, {"D2", 1234.5},
			// Row 3 is blank.
			{"A4", "Trần Thị Bình"}, {"B4", "0987654321"}, {"D4", 42}, {"F4", "past the header"},
		}},
		sheetCells{name: "Notes", cells: []cellValue{
			{"B2", "call An on 0912345678"}, {"B3", "  "}, {"B5", "second note"},
		}},
		sheetCells{name: "Ghi chú", cells: []cellValue{
			{"A1", "Note"}, {"A2", "hello there"}, {"A3", "one more line"},
		}},
	)
	g := scanFile(t, "book.xlsx", book, Options{})
	if len(g.errs) != 0 {
		t.Fatalf("errors: %v", g.errs)
	}
	for _, u := range g.units {
		if u.Path != "book.xlsx" {
			t.Fatalf("path %q", u.Path)
		}
	}
	want := []cell{
		{2, "Khách hàng!A2", "Họ tên", "Nguyễn Văn An"}, {2, "Khách hàng!B2", "SĐT", "0912345678"},
		{2, "Khách hàng!C2", "Ngày sinh", "1990-05-17"}, {2, "Khách hàng!D2", "Số dư", "1234.5"},
		{4, "Khách hàng!A4", "Họ tên", "Trần Thị Bình"}, {4, "Khách hàng!B4", "SĐT", "0987654321"},
		{4, "Khách hàng!D4", "Số dư", "42"}, {4, "Khách hàng!F4", "", "past the header"},
		// No header: the first row is digits-heavy.
		{2, "Notes!B2", "", "call An on 0912345678"}, {5, "Notes!B5", "", "second note"},
		// A likely header: scanned too, and naming the column.
		{1, "Ghi chú!A1", "", "Note"}, {2, "Ghi chú!A2", "Note", "hello there"}, {3, "Ghi chú!A3", "Note", "one more line"},
	}
	if got := cells(g.units); !slices.Equal(got, want) {
		t.Fatalf("units:\n%v\nwant:\n%v", got, want)
	}
}

// TestXLSXTitleRow: a title above the table is scanned as data, and the
// row below it names the columns.
func TestXLSXTitleRow(t *testing.T) {
	book := workbook(t, sheetCells{name: "KH", cells: []cellValue{
		{"A1", "Danh sách khách hàng"},
		{"A2", "Họ tên"}, {"B2", "Số CCCD"},
		{"A3", "Nguyễn Văn An"}, {"B3", 79203001234},
		{"A4", "Trần Thị Bình"}, {"B4", 1085001234},
	}})
	g := scanFile(t, "kh.xlsx", book, Options{})
	want := []cell{{1, "KH!A1", "", "Danh sách khách hàng"},
		{3, "KH!A3", "Họ tên", "Nguyễn Văn An"}, {3, "KH!B3", "Số CCCD", "79203001234"},
		{4, "KH!A4", "Họ tên", "Trần Thị Bình"}, {4, "KH!B4", "Số CCCD", "1085001234"}}
	if got := cells(g.units); !slices.Equal(got, want) || len(g.errs) != 0 {
		t.Fatalf("units:\n%v\nwant:\n%v\nerrors %v", got, want, g.errs)
	}
}

func TestXLSXMinimalAndSniffed(t *testing.T) {
	// A workbook without the .xlsx extension is recognised by its parts;
	// inline strings and rows with gaps are read.
	g := scanFile(t, "export.bin", minimalXLSX(t, minimalSheet), Options{})
	want := []cell{
		{3, "Danh bạ!A3", "Họ tên", "Nguyễn Văn An"}, {3, "Danh bạ!B3", "SĐT", "0912345678"}, {3, "Danh bạ!D3", "", "3.25"},
	}
	if got := cells(g.units); len(g.errs) != 0 || !slices.Equal(got, want) {
		t.Fatalf("units %v errs %v", got, g.errs)
	}
}

func TestXLSXLongCellIsSplit(t *testing.T) {
	long := strings.Repeat("word ", 10)
	g := scanFile(t, "long.xlsx", workbook(t, sheetCells{name: "S", cells: []cellValue{{"A1", long}}}), Options{MaxLineBytes: 16})
	if len(g.errs) != 0 || len(g.units) < 3 {
		t.Fatalf("units %v errs %v", cells(g.units), g.errs)
	}
	for _, u := range g.units {
		if len(u.Text) > 16 || u.Column != "S!A1" || u.Line != 1 {
			t.Fatalf("unit %+v", u)
		}
	}
}

func TestXLSXBigSheetStreamsFromTemporaryFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large workbook")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// A worksheet and a shared string table over spillInMemory each.
	const rows = 60_000
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"name", "phone"}); err != nil {
		t.Fatal(err)
	}
	for r := 2; r <= rows; r++ {
		ref, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(ref, []any{"customer number " + strings.Repeat("x", 40), "0912345678"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Shared"); err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= rows; r++ {
		ref, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetCellStr("Shared", ref, fmt.Sprintf("shared string number %06d %s", r, strings.Repeat("y", 60))); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if sizes := partSizes(t, buf.Bytes()); sizes["xl/worksheets/sheet1.xml"] <= spillInMemory || sizes["xl/sharedStrings.xml"] <= spillInMemory {
		t.Fatalf("parts too small to be spilled: %v", sizes)
	}
	dir := t.TempDir()
	write(t, dir+"/big.xlsx", buf.Bytes())
	n, last := 0, Unit{}
	err = Walk(context.Background(), []string{dir}, Options{}, func(u Unit) error {
		n++
		last = u
		last.Text = bytes.Clone(u.Text)
		return nil
	}, func(e FileError) { t.Errorf("error: %v", e) })
	if err != nil {
		t.Fatal(err)
	}
	if n != 2*(rows-1)+rows || last.Line != rows || last.Column != "Shared!A60000" || !strings.HasPrefix(string(last.Text), "shared string number 060000 y") {
		t.Fatalf("%d units, last %+v", n, last)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// partSizes returns the unpacked sizes of the parts of a ZIP archive.
func partSizes(t testing.TB, z []byte) map[string]uint64 {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	sizes := make(map[string]uint64)
	for _, f := range zr.File {
		sizes[f.Name] = f.UncompressedSize64
	}
	return sizes
}

func TestXLSXCorrupt(t *testing.T) {
	book := workbook(t, sheetCells{name: "S", cells: []cellValue{{"A1", "secret value"}}})
	dir := t.TempDir()
	write(t, dir+"/a-truncated.xlsx", book[:len(book)/2])
	write(t, dir+"/b-badworkbook.xlsx", rezip(t, book, [2]string{"xl/workbook.xml", "secret <<< not xml"}))
	write(t, dir+"/c-badsheet.xlsx", rezip(t, book, [2]string{"xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="secret" t="inlineStr"><is><t>secret</t></is></c></row></sheetData></worksheet>`}))
	write(t, dir+"/d-ole.xlsx", append(bytes.Clone(oleMagic), make([]byte, 504)...))
	write(t, dir+"/e-legacy.xls", append(bytes.Clone(oleMagic), make([]byte, 504)...))
	write(t, dir+"/e-after.txt", []byte("still read"))
	g := collect(t, []string{dir}, Options{})
	var reasons []string
	for _, e := range g.errs {
		if strings.Contains(e.Reason, "secret") {
			t.Errorf("the reason quotes the workbook: %v", e)
		}
		reasons = append(reasons, e.Path+": "+e.Reason)
	}
	wantErrs := []string{"a-truncated.xlsx: not a readable ZIP archive", "b-badworkbook.xlsx: open workbook: malformed", "c-badsheet.xlsx: sheet 1: row 1: malformed", "d-ole.xlsx: OLE2 compound file (a legacy .xls, .doc or .ppt, or a password-protected Office document): not read",
		"e-legacy.xls: OLE2 compound file"}
	if len(reasons) != len(wantErrs) {
		t.Fatalf("errors:\n%s", strings.Join(reasons, "\n"))
	}
	for i, w := range wantErrs {
		if !strings.HasPrefix(reasons[i], w) {
			t.Errorf("error %d: %s, want %s...", i, reasons[i], w)
		}
	}
	if len(g.units) == 0 || g.units[len(g.units)-1].Path != "e-after.txt" {
		t.Fatalf("the walk did not go on: %v", g.units)
	}
}

func TestXLSXRowsBeforeAMalformedRowAreRead(t *testing.T) {
	sheet := minimalSheet + `<row r="4"><c r="secret" t="inlineStr"><is><t>x</t></is></c></row>`
	g := scanFile(t, "part.xlsx", minimalXLSX(t, sheet), Options{})
	if len(g.units) != 3 || len(g.errs) != 1 || g.errs[0].Reason != "sheet 1: row 4: malformed workbook" {
		t.Fatalf("units %v errs %v", cells(g.units), g.errs)
	}
}

func TestXLSXEncrypted(t *testing.T) {
	// An encrypted workbook is an OLE compound file; a ZIP with encrypted
	// parts is refused too.
	ole := append(bytes.Clone(oleMagic), make([]byte, 504)...)
	s := testSink(Options{})
	if err := readXLSX(s, bytes.NewReader(ole), int64(len(ole))); !errors.Is(err, errEncryptedWorkbook) {
		t.Fatalf("OLE: %v", err)
	}
	book := minimalXLSX(t, minimalSheet)
	enc := bytes.Clone(book)
	for i := 0; ; {
		j := bytes.Index(enc[i:], []byte("PK\x01\x02"))
		if j < 0 {
			break
		}
		enc[i+j+8] |= 1
		i += j + 4
	}
	if err := readXLSX(s, bytes.NewReader(enc), int64(len(enc))); !errors.Is(err, errEncryptedWorkbook) {
		t.Fatalf("encrypted parts: %v", err)
	}
}

func TestXLSXLimits(t *testing.T) {
	book := workbook(t, sheetCells{name: "S", cells: []cellValue{{"A1", "x"}}})
	bomb := rezip(t, book, [2]string{"xl/media/zeros.bin", strings.Repeat("0", 8<<20)})
	g := scanFile(t, "bomb.xlsx", bomb, Options{})
	if len(g.units) != 0 || len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "zip bomb") {
		t.Fatalf("bomb: units %v errs %v", g.units, g.errs)
	}
	g = scanFile(t, "big.xlsx", book, Options{MaxArchiveBytes: 1000})
	if len(g.units) != 0 || len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "more than the limit") {
		t.Fatalf("budget: units %v errs %v", g.units, g.errs)
	}
	// Each sheet counts as an archive entry.
	two := workbook(t, sheetCells{name: "A", cells: []cellValue{{"A1", "one"}}}, sheetCells{name: "B", cells: []cellValue{{"A1", "two"}}})
	g = scanFile(t, "two.xlsx", two, Options{MaxArchiveEntries: 1})
	if len(g.units) != 1 || len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "entry limit") {
		t.Fatalf("entries: units %v errs %v", g.units, g.errs)
	}
}

func TestXLSXInZIP(t *testing.T) {
	z := zipOf(t, false, [2]string{"exports/book.xlsx", string(minimalXLSX(t, minimalSheet))})
	g := scanFile(t, "all.zip", z, Options{})
	if len(g.errs) != 0 || len(g.units) != 3 || g.units[0].Path != "all.zip!exports/book.xlsx" {
		t.Fatalf("units %v errs %v", g.units, g.errs)
	}
}

func TestXLSXStopsWhenTheCallbackFails(t *testing.T) {
	dir := t.TempDir()
	write(t, dir+"/b.xlsx", minimalXLSX(t, minimalSheet))
	stop := errors.New("stop")
	err := Walk(context.Background(), []string{dir}, Options{}, func(Unit) error { return stop }, nil)
	if !errors.Is(err, stop) {
		t.Fatalf("Walk: %v", err)
	}
}

// testSink returns a sink for calling a reader directly, whose units and
// reports are dropped.
func testSink(opts Options) *sink {
	opts = opts.withDefaults()
	return &sink{ctx: context.Background(), path: "t", maxLine: opts.MaxLineBytes, opts: &opts,
		budget: &archiveBudget{entries: opts.MaxArchiveEntries, bytes: opts.MaxArchiveBytes},
		fn:     func(Unit) error { return nil }}
}

// FuzzXLSX: workbooks, well-formed or not.
func FuzzXLSX(f *testing.F) {
	f.Add(minimalXLSX(f, minimalSheet))
	f.Add(minimalXLSX(f, `<row><c t="s"><v>7</v></c><c r="XFD1"><v>1e308</v></c><c t="d"><v>2024-01-02T03:04:05</v></c><c t="b"><v>1</v></c></row><row r="1048576"><c t="str"><f>A1</f><v>x</v></c></row>`))
	f.Add(workbook(f, sheetCells{name: "S", cells: []cellValue{{"A1", "name"}, {"A2", "An"}, {"B2", 3.5}, {"C2", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}}}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.xlsx", data) })
}
