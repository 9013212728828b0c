package importer_test

import (
	"context"
	"strings"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/importer"
)

// TestHeaderHoldsData: a file without a header line is refused before any
// row is read, with or without a mapping, naming the column by position
// and never quoting its value; a header of column names passes.
func TestHeaderHoldsData(t *testing.T) {
	for _, h := range [][]string{
		{"Họ tên", "SĐT", "Email", "Địa chỉ", "Ngày sinh", "CCCD"},
		{"First Name", "Last Name", "Email Address", "Phone Number", "Mailing Street", "Birthdate", "Contact owner"},
		{"Tên khách hàng", "Số CMND/CCCD", "Nơi giao hàng", "Ghi chú"},
	} {
		if err := importer.CheckHeader(nil, "", h); err != nil {
			t.Errorf("header %q refused: %v", h, err)
		}
	}
	for _, tc := range []struct {
		header []string
		column string
	}{
		{[]string{"Lê Đầu Tiên", "0912555001", "dau.tien@example.com"}, "column 1 looks like a person's name"},
		{[]string{"x", "0912555001"}, "column 2 looks like a phone number"},
		{[]string{"dau.tien@example.com"}, "column 1 looks like an e-mail address"},
	} {
		err := importer.CheckHeader(nil, "Sheet1", tc.header)
		if apperr.CodeOf(err) != "header_holds_data" || !strings.Contains(err.Error(), tc.column) || !strings.Contains(err.Error(), "sheet Sheet1") {
			t.Errorf("header %q: %v", tc.header, err)
			continue
		}
		for _, v := range tc.header {
			if len(v) > 1 && strings.Contains(err.Error(), v) {
				t.Errorf("the error quotes %q: %v", v, err)
			}
		}
	}

	onEngines(t, func(t *testing.T, e *env) {
		path := e.write(t, "noheader.csv", []byte("Lê Đầu Tiên,0912555001,dau.tien@example.com\nLê Thứ Hai,0912555002,thu.hai@example.com\n"))
		for _, m := range []importer.Mapping{nil, {"Lê Đầu Tiên": "name", "0912555001": "phone", "dau.tien@example.com": "email"}} {
			j := job("noheader")
			j.Mapping = m
			res, err := e.im.Run(context.Background(), j, importer.File(path))
			if apperr.CodeOf(err) != "header_holds_data" {
				t.Fatalf("mapping %v: err %v, result %+v", m, err, res.Counts)
			}
			if strings.Contains(err.Error(), "0912555001") || strings.Contains(err.Error(), "dau.tien") {
				t.Errorf("the error quotes a value: %v", err)
			}
		}
		if recs, _ := e.count(t); recs != 0 {
			t.Errorf("%d records written from a file without a header", recs)
		}
	})
}

// TestMappingFieldTwice: two columns of a table mapped to one e-mail (or
// phone, date, id) field are refused before the job starts; two mapped to
// a name are joined, as before.
func TestMappingFieldTwice(t *testing.T) {
	e := mustEnv(t, "sqlite")
	path := e.write(t, "two.csv", []byte("Họ,Tên,Phone,E-mail\nLê,Văn Hai,0912555002,hai@example.com\n"))
	j := job("two-emails")
	j.Mapping = importer.Mapping{"Họ": "name", "Tên": "name", "Phone": "email", "E-mail": "email"}
	_, err := e.im.Run(context.Background(), j, importer.File(path))
	if apperr.CodeOf(err) != "mapping_field_duplicated" || !strings.Contains(err.Error(), "columns 3 and 4") {
		t.Fatalf("two columns mapped to email: %v", err)
	}
	if recs, _ := e.count(t); recs != 0 {
		t.Errorf("%d records written", recs)
	}
	j = job("joined-name")
	j.Mapping = importer.Mapping{"Họ": "name", "Tên": "name", "Phone": "phone", "E-mail": "email"}
	if res := e.mustRun(t, j, importer.File(path)); res.Created != 1 {
		t.Fatalf("joined name: %+v", res.Counts)
	}
	if recs := e.lookup(t, "email", "hai@example.com"); len(recs) != 1 || recs[0].Data["name"] != "Lê Văn Hai" {
		t.Errorf("joined name: %+v", recs)
	}
}
