package importer_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"custodia/internal/importer"
)

// TestRejectsFile: bad rows are rejected with reasons and the rest is
// imported; the rejects file holds row numbers, codes, reasons and masked
// values, never a value in plaintext.
func TestRejectsFile(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		header := []string{"Họ tên", "SĐT", "Email", "Ghi chú"}
		rows := [][]string{
			{"Nguyễn Văn Đúng", "0912000031", "dung.ok@example.com", ""},
			{"Trần Sai Số", "12345", "sai.so@example.com", ""},
			{"Lê Thư Lỗi", "0912000033", "thu.loi@", ""},
			{"Phan Ghi Chú", "0912000034", "ghichu@example.com", "gọi lại số 0987654321"},
			{"", "", "", "liên hệ"},
		}
		j := job("rejects")
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email")
		res := e.mustRun(t, j, importer.Table(header, rows))
		if res.Created != 1 || res.Rejected != 4 {
			t.Fatalf("%+v", res)
		}
		codes := []string{"invalid_phone", "invalid_email", "unmapped_personal_data", "empty_record"}
		for i, r := range res.Rejects {
			if r.Row != []string{"3", "4", "5", "6"}[i] || r.Code != codes[i] {
				t.Errorf("reject %d: %+v", i, r)
			}
		}
		var buf bytes.Buffer
		if err := importer.WriteRejects(&buf, res.Rejects); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		t.Logf("rejects file:\n%s", out)
		for _, want := range []string{"row,code,reason,values", "3,invalid_phone,", `field ""phone""`, "SĐT=1***5", "Họ tên=T. S. S.", "Email=s***@example.com",
			`column ""Ghi chú"" (PHONE_NUMBER)`, "Ghi chú=g***1"} {
			if !strings.Contains(out, want) {
				t.Errorf("rejects file lacks %q", want)
			}
		}
		for _, plain := range []string{"12345", "sai.so", "thu.loi", "0987654321", "Trần", "Phan Ghi", "0912000034", "ghichu@", "84912000034"} {
			if strings.Contains(out, plain) {
				t.Errorf("rejects file holds %q in plaintext", plain)
			}
		}

		// Ignoring the notes column on purpose lets the row in.
		j = job("rejects-2")
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email,Ghi chú=-")
		res = e.mustRun(t, j, importer.Table(header, rows[3:4]))
		if res.Created != 1 {
			t.Errorf("ignored column: %+v", res)
		}

		// A column without a header is named as a mapping names it.
		j = job("rejects-3")
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email")
		res = e.mustRun(t, j, importer.Table([]string{"Họ tên", "SĐT", "Email", ""}, [][]string{{"Vũ Văn Số", "0912000035", "so@example.com", "0987654329"}}))
		if res.Rejected != 1 || !slices.ContainsFunc(res.Rejects[0].Values, func(m importer.Masked) bool { return m.Column == "#4" }) {
			t.Errorf("a reject in a column without a header: %+v", res.Rejects)
		}

		// A dry run decides every row and writes nothing.
		j = job("dry")
		j.DryRun = true
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email")
		before, _ := e.count(t)
		res = e.mustRun(t, j, importer.Table(header, append(rows, []string{"Đúng lần hai", "0912000031", "", ""})))
		if res.Created != 0 || res.Skipped != 2 || res.Rejected != 4 || !res.DryRun {
			t.Errorf("dry run: %+v", res)
		}
		if after, _ := e.count(t); after != before {
			t.Errorf("dry run wrote %d records", after-before)
		}
		if _, err := e.im.GetImport(context.Background(), "dry"); err == nil {
			t.Error("a dry run stored its job")
		}
	})
}
