package scanrun

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedactWritesCopiesWithoutValues(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"exports/khach_hang.csv": "Họ tên,SĐT,Email,Ghi chú\n" +
			"Nguyễn Văn An,0912 345 678,an.nguyen@example.com,\"gọi lại, thẻ 4111 1111 1111 1111\nhết hạn 12/27\"\n" +
			"Trần Thị Bình,0903 123 456,binh@example.vn,đơn hàng 202401150001\n",
		"exports/notes.txt": "Call Lan on 0903 123 456 or write to lan@example.com.\nNothing here.\n",
		"exports/data.json": `{"email": "an.nguyen@example.com", "order": "202401150001"}` + "\n",
		"exports/photo.bin": "\x00\x01\x02 binary 0912 345 678",
	}
	writeTree(t, root, files)
	out := filepath.Join(t.TempDir(), "redacted")
	res, errs, err := Redact(context.Background(), []string{filepath.Join(root, "exports")}, Options{MinConfidence: 0.5}, out)
	if err != nil || len(errs) != 0 {
		t.Fatalf("Redact: %v %v", err, errs)
	}
	if res.Files != 3 {
		t.Errorf("files %d, want 3 (the binary file is not copied)", res.Files)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(filepath.Join(out, name))
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", name, fi.Mode().Perm())
		}
		return string(b)
	}
	csv := read("khach_hang.csv")
	wantCSV := "Họ tên,SĐT,Email,Ghi chú\n" +
		"[PERSON],[PHONE_NUMBER],[EMAIL_ADDRESS],\"gọi lại, thẻ [CREDIT_CARD]\nhết hạn 12/27\"\n" +
		"[PERSON],[PHONE_NUMBER],[EMAIL_ADDRESS],đơn hàng 202401150001\n"
	if csv != wantCSV {
		t.Errorf("csv copy:\n%s\nwant:\n%s", csv, wantCSV)
	}
	if got, want := read("notes.txt"), "Call Lan on [PHONE_NUMBER] or write to [EMAIL_ADDRESS].\nNothing here.\n"; got != want {
		t.Errorf("text copy %q, want %q", got, want)
	}
	if got := read("data.json"); strings.Contains(got, "an.nguyen@example.com") || !strings.Contains(got, "202401150001") {
		t.Errorf("json copy %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "photo.bin")); !os.IsNotExist(err) {
		t.Errorf("binary file copied: %v", err)
	}
	if res.Values < 9 {
		t.Errorf("values replaced %d, want at least 9", res.Values)
	}
	// A second run into the same directory never overwrites.
	_, errs, err = Redact(context.Background(), []string{filepath.Join(root, "exports")}, Options{}, out)
	if err != nil || len(errs) != 3 {
		t.Errorf("second run: %v, errors %v", err, errs)
	}
}

func TestSafeRel(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.csv": "a/b.csv", "../../etc/passwd": "etc/passwd", "/abs/x.txt": "abs/x.txt", "..": "unnamed", "x.zip!in.csv": "x.zip!in.csv",
	} {
		if got := filepath.ToSlash(safeRel(in)); got != want {
			t.Errorf("safeRel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactWhatsAppSenders(t *testing.T) {
	root := t.TempDir()
	chat := "[12/03/2026, 09:15:02] Lan Phạm: sđt em là 0903 123 456\n[12/03/2026, 09:16:40] Nguyễn Văn An: ok\n" +
		"[12/03/2026, 09:17:00] Nguyễn Văn An: see you\n[12/03/2026, 09:18:00] Lan Phạm: bye\n[12/03/2026, 09:19:00] Lan Phạm: ok\n"
	if err := os.WriteFile(filepath.Join(root, "chat.txt"), []byte(chat), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r")
	if _, errs, err := Redact(context.Background(), []string{root}, Options{MinConfidence: 0.5}, out); err != nil || len(errs) != 0 {
		t.Fatalf("Redact: %v %v", err, errs)
	}
	b, err := os.ReadFile(filepath.Join(out, "chat.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := "[12/03/2026, 09:15:02] [PERSON]: sđt em là [PHONE_NUMBER]\n[12/03/2026, 09:16:40] [PERSON]: ok\n" +
		"[12/03/2026, 09:17:00] [PERSON]: see you\n[12/03/2026, 09:18:00] [PERSON]: bye\n[12/03/2026, 09:19:00] [PERSON]: ok\n"
	if string(b) != want {
		t.Errorf("copy:\n%s\nwant:\n%s", b, want)
	}
}

// TestRedactRefusesWhatItCannotReplace: a value the scan finds only once
// the file is decoded (HTML entities) is not where the line redaction
// looks; such a copy is not written, and says so.
func TestRedactRefusesWhatItCannotReplace(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"page.html":  "<html><body><p>Email: visible&#64;example.com</p></body></html>\n",
		"plain.json": `{"email": "binh@example.vn"}` + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "redacted")
	res, errs, err := Redact(context.Background(), []string{root}, Options{}, out)
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]bool{}
	for _, e := range errs {
		if strings.Contains(e.Error, "no copy written") {
			refused[e.Path] = true
		}
	}
	if !refused["page.html"] || res.Files != 1 {
		t.Fatalf("files %d, errors %v", res.Files, errs)
	}
	for _, name := range []string{"page.html"} {
		if _, err := os.Stat(filepath.Join(out, name)); !os.IsNotExist(err) {
			t.Errorf("%s: a copy was left: %v", name, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "plain.json")); err != nil || strings.Contains(string(b), "binh@") {
		t.Errorf("plain.json copy: %q %v", b, err)
	}
}

// TestRedactEscapedJSON: JSON strings written with \u escapes (Python's
// json.dump) and Facebook's exports, whose text is UTF-8 read as Latin-1
// and escaped, are redacted: the copy writes the strings as plain UTF-8
// JSON with the values replaced, and stays valid JSON.
func TestRedactEscapedJSON(t *testing.T) {
	root := t.TempDir()
	mojibake := func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, "\\u%04x", c)
		}
		return b.String()
	}
	files := map[string]string{
		"escaped.json": `{"ho_ten": "Nguy\u1ec5n V\u0103n An", "email": "an\u0040example.com", "note": "say \"hi\"\n"}` + "\n",
		"inbox/message_1.json": `{
  "participants": [{"name": "` + mojibake("Trần Thị Bình") + `"}, {"name": "` + mojibake("Phạm Thị Lan") + `"}],
  "messages": [
    {"sender_name": "` + mojibake("Trần Thị Bình") + `", "timestamp_ms": 1710000000000, "content": "` + mojibake("Số điện thoại của em là 0912 345 678") + `"}
  ],
  "title": "` + mojibake("Trần Thị Bình") + `"
}
`,
	}
	writeTree(t, root, files)
	out := filepath.Join(t.TempDir(), "redacted")
	res, errs, err := Redact(context.Background(), []string{root}, Options{MinConfidence: 0.5}, out)
	if err != nil || len(errs) != 0 || res.Files != 2 {
		t.Fatalf("Redact: files %d, %v %v", res.Files, err, errs)
	}
	for name, gone := range map[string][]string{"escaped.json": {"Nguy", "an@", "u0040"}, "inbox/message_1.json": {"Tr", "0912", "u00c3"}} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("%s: the copy is not JSON: %v\n%s", name, err, b)
		}
		for _, g := range gone {
			if strings.Contains(string(b), g) {
				t.Errorf("%s: the copy holds %q:\n%s", name, g, b)
			}
		}
	}
}

// writeTree writes files (path under root: content), making directories.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRedactPlaceholdersAreNoValues: the copy is checked without its
// placeholders: a placeholder in an address column is no address, and
// "[IP_ADDRESS]" is no IP label for a version number after it.
func TestRedactPlaceholdersAreNoValues(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"in/en.csv":   "name,address\nJohn Smith,742 Evergreen Terrace\n",
		"in/ip.txt":   "Server 192.168.10.254 logged. Version 1.2.3.4 of the app.\n",
		"in/name.txt": "Họ tên: Nguyễn Thị Mai Anh.\n",
	})
	out := filepath.Join(t.TempDir(), "redacted")
	res, errs, err := Redact(context.Background(), []string{filepath.Join(root, "in")}, Options{MinConfidence: 0.5}, out)
	if err != nil || len(errs) != 0 || res.Files != 3 {
		t.Fatalf("Redact: %+v %v %v", res, err, errs)
	}
	for name, want := range map[string]string{
		"en.csv":   "name,address\n[PERSON],[STREET_ADDRESS]\n",
		"ip.txt":   "Server [IP_ADDRESS] logged. Version 1.2.3.4 of the app.\n",
		"name.txt": "Họ tên: [PERSON].\n",
	} {
		if b, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(b) != want {
			t.Errorf("%s: %q %v, want %q", name, b, err, want)
		}
	}
}

// TestRedactKeepsSpreadsheetEncodingReadable: the redacted copy of a CSV
// a spreadsheet wrote in Windows-1258 or UTF-16 is UTF-8 with a byte order
// mark, so the spreadsheet reads the Vietnamese right (QA: mojibake); a
// plain UTF-8 file's copy gets none.
func TestRedactKeepsSpreadsheetEncodingReadable(t *testing.T) {
	root, out := t.TempDir(), filepath.Join(t.TempDir(), "red")
	utf16 := []byte{0xff, 0xfe}
	for _, r := range "Họ tên,Email\r\nAn,an@example.com\r\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	files := map[string][]byte{
		"cp1258.csv": []byte("H\xd4 t\xean,Email\r\nAn,an@example.com\r\n"),
		"utf16.csv":  utf16,
		"plain.csv":  []byte("Email\nan@example.com\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, errs, err := Redact(context.Background(), []string{root}, Options{}, out); err != nil || len(errs) != 0 {
		t.Fatalf("redact: %v %v", err, errs)
	}
	for name, wantBOM := range map[string]bool{"cp1258.csv": true, "utf16.csv": true, "plain.csv": false} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.HasPrefix(b, []byte("\xef\xbb\xbf")); got != wantBOM || bytes.Contains(b, []byte("an@example.com")) || !utf8.Valid(b) {
			t.Errorf("%s copy: BOM %v (want %v): %q", name, got, wantBOM, b)
		}
	}
}

// TestRedactTitleRowsAndAddresses: a table under title rows (and a blank
// line) is redacted with its header as context, as the scan reads it, and
// an address is replaced whole, not its street alone (QA: no copy was
// written for either).
func TestRedactTitleRowsAndAddresses(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"bao_cao.csv": "Báo cáo khách hàng quý 1\nXuất ngày 15/03/2024\n\n" +
			"STT,Họ tên,Ngày sinh,Địa chỉ,Mã đơn hàng\n" +
			"1,Trần Thị Bình,03/11/1985,\"45 Hai Bà Trưng, Hoàn Kiếm, Hà Nội\",100000123456\n",
		"addr.tsv": "Name\tShipping address\nJohn Smith\t1600 Amphitheatre Parkway, Mountain View, CA 94043\n" +
			"Hannah Schmidt\tMarienplatz 8, 80331 München\n",
	})
	out := filepath.Join(t.TempDir(), "redacted")
	res, errs, err := Redact(context.Background(), []string{root}, Options{MinConfidence: 0.5}, out)
	if err != nil || len(errs) != 0 || res.Files != 2 {
		t.Fatalf("Redact: %v %v, %d files", err, errs, res.Files)
	}
	for name, want := range map[string]string{
		"bao_cao.csv": "Báo cáo khách hàng quý 1\nXuất ngày 15/03/2024\n\n" +
			"STT,Họ tên,Ngày sinh,Địa chỉ,Mã đơn hàng\n" +
			"1,[PERSON],[DATE_OF_BIRTH],\"[STREET_ADDRESS]\",100000123456\n",
		"addr.tsv": "Name\tShipping address\n[PERSON]\t[STREET_ADDRESS]\n[PERSON]\t[STREET_ADDRESS]\n",
	} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || string(b) != want {
			t.Errorf("%s: %v\n%s\nwant:\n%s", name, err, b, want)
		}
	}
}

// TestRedactJSONValuesWithTheirKeys: a JSON value is judged with its key,
// as the scan judges it: a Telegram sender's one-word name is replaced,
// and the copy is written (QA: none was).
func TestRedactJSONValuesWithTheirKeys(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"result.json": `{
 "name": "Lan",
 "type": "personal_chat",
 "id": 123,
 "messages": [
  {"id": 1, "type": "message", "date": "2024-03-12T09:15:00", "from": "Lan", "from_id": "user1", "text": "số của em là 0912 345 678"},
  {"id": 2, "type": "message", "text": "nói \"ok\" nhé", "from": "Minh", "from_id": "user2"}
 ]
}
`})
	out := filepath.Join(t.TempDir(), "redacted")
	res, errs, err := Redact(context.Background(), []string{root}, Options{MinConfidence: 0.5}, out)
	if err != nil || len(errs) != 0 || res.Files != 1 {
		t.Fatalf("Redact: %v %v, %d files", err, errs, res.Files)
	}
	b, err := os.ReadFile(filepath.Join(out, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{`"Lan"`, "Minh", "0912"} {
		if strings.Contains(string(b), v) {
			t.Errorf("the copy keeps %s:\n%s", v, b)
		}
	}
	if !strings.Contains(string(b), `"from": "[PERSON]"`) || !json.Valid(b) {
		t.Errorf("copy:\n%s", b)
	}
}
