package importer_test

import (
	"context"
	"strings"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
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
// phone, date, id) field are alternatives: the first non-empty one gives
// the value, and a row where both hold different values is rejected
// (two_values), never half-imported; two mapped to a name are joined.
func TestMappingFieldTwice(t *testing.T) {
	e := mustEnv(t, "sqlite")
	path := e.write(t, "two.csv", []byte("Họ,Tên,Phone,E-mail\nLê,Văn Hai,0912555002,hai@example.com\n"))
	j := job("two-emails")
	j.Mapping = importer.Mapping{"Họ": "name", "Tên": "name", "Phone": "email", "E-mail": "email"}
	res := e.mustRun(t, j, importer.File(path))
	if res.Created != 0 || res.Rejected != 1 || res.Rejects[0].Code != "two_values" {
		t.Fatalf("two columns with different values mapped to email: %+v", res)
	}
	if recs, _ := e.count(t); recs != 0 {
		t.Errorf("%d records written", recs)
	}

	// A HubSpot export: a phone and a mobile column, one phone field.
	hub := e.write(t, "hubspot.csv", []byte("First Name,Last Name,Email,Phone Number,Mobile Phone Number\n"+
		"Linh,Nguyen,linh@example.com,,0912888002\n"+
		"Minh,Tran,minh@example.com,0912888001,\n"+
		"Hoa,Le,hoa@example.com,0912888003,0912888003\n"+
		"Nam,Vo,nam@example.com,+84 24 3825 1111,0912888004\n"+
		// The same number written two ways is one value (QA).
		"Quy,Do,quy@example.com,0912 888 005,+84 912 888 005\n"+
		"Tam,Ho,tam@example.com,+84 (912) 888-006,0912.888.006\n"))
	j = job("hubspot-phones")
	j.Mapping = importer.Mapping{"First Name": "name", "Last Name": "name", "Email": "email", "Phone Number": "phone", "Mobile Phone Number": "phone"}
	res = e.mustRun(t, j, importer.File(hub))
	if res.Created != 5 || res.Rejected != 1 || res.Rejects[0].Code != "two_values" || res.Rejects[0].Row != "5" {
		t.Fatalf("phone and mobile columns: %+v", res)
	}
	for email, phone := range map[string]string{"linh@example.com": "+84912888002", "minh@example.com": "+84912888001", "hoa@example.com": "+84912888003",
		"quy@example.com": "+84912888005", "tam@example.com": "+84912888006"} {
		if recs := e.lookup(t, "email", email); len(recs) != 1 || recs[0].Data["phone"] != phone {
			t.Errorf("%s: %+v, want phone %s", email, recs, phone)
		}
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

// TestSameValueHoweverWritten: two cells for one field are one value when
// they differ only in how they are written.
func TestSameValueHoweverWritten(t *testing.T) {
	for _, c := range []struct {
		typ  fieldtype.Type
		a, b string
		same bool
	}{
		{fieldtype.Phone, "+1 212 555 0151", "+12125550151", true},
		{fieldtype.Phone, "0912 345 601", "+84 912 345 601", true},
		{fieldtype.Phone, "+1 (212) 555-0150", "+1 212 555 0150", true},
		{fieldtype.Phone, "0912 345 601", "0912 345 602", false},
		{fieldtype.Phone, "912345601", "84912345601", false}, // no + and no trunk 0: not sure
		{fieldtype.Phone, "12", "+8412", false},
		{fieldtype.Email, "Case.Diff@example.com", "case.diff@example.com", true},
		{fieldtype.Email, "a@example.com", "b@example.com", false},
		{fieldtype.Email, "not an e-mail", "NOT AN E-MAIL", false},
	} {
		if got := importer.SameValue(c.typ, c.a, c.b); got != c.same {
			t.Errorf("%s %q %q: %v, want %v", c.typ, c.a, c.b, got, c.same)
		}
	}
}

// TestDateRejectNamesDayFirst: a date that does not parse is rejected with
// the forms an import reads, day-first included (QA).
func TestDateRejectNamesDayFirst(t *testing.T) {
	e := mustEnv(t, "sqlite")
	j := job("bad-date")
	j.Mapping = importer.Mapping{"Name": "name", "Email": "email", "Birth": "birth"}
	res := e.mustRun(t, j, importer.Table([]string{"Name", "Email", "Birth"}, [][]string{{"An", "an@example.com", "15 Aug 1990"}}))
	if res.Rejected != 1 || res.Rejects[0].Code != "invalid_date" || !strings.Contains(res.Rejects[0].Reason, "DD/MM/YYYY") || strings.Contains(res.Rejects[0].Reason, "Aug") {
		t.Fatalf("%+v", res)
	}
}

// TestSourceHoldsNoCustomerIdentifier: a job's source names a data-map
// system and the records' provenance, kept after an erasure: a holder's
// address may name it, a customer's phone may not.
func TestSourceHoldsNoCustomerIdentifier(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		path := e.write(t, "list.csv", []byte("Email\nan@example.com\n"))
		j := job("source-with-phone")
		j.Source = "Zalo chat with 0912 555 001"
		_, err := e.im.Run(context.Background(), j, importer.File(path))
		if apperr.CodeOf(err) != "personal_data_in_text" || strings.Contains(err.Error(), "0912") {
			t.Errorf("source with a phone: %v, want personal_data_in_text without the number", err)
		}
		j = job("source-with-holder")
		j.Source = "sheet from lan@shop.example"
		if _, err := e.im.Run(context.Background(), j, importer.File(path)); err != nil {
			t.Errorf("source naming its holder by address: %v", err)
		}
	})
}
