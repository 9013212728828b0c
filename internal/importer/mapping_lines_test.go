package importer_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"custodia/internal/importer"
	"custodia/internal/scan"
)

// TestParseMappingLines: in a mapping file one line is one pair, so a
// header may hold commas; comments, blank lines, a byte order mark and
// CRLF are accepted, and a column without a header is named "#N".
func TestParseMappingLines(t *testing.T) {
	text := "\ufeff# customers.csv mapping\r\nTel, mobile=phone\r\n  Họ tên = name \r\n\r\n#4=-\r\n# 5 is blank too\r\n#5 = -\r\n\"A=B\"=email\r\nGhi chú, nội bộ=-\r\n"
	got, err := importer.ParseMappingLines(text)
	want := importer.Mapping{"Tel, mobile": "phone", "Họ tên": "name", "#4": "-", "#5": "-", "A=B": "email", "Ghi chú, nội bộ": "-"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseMappingLines = %v, %v; want %v", got, err, want)
	}
	// What the file maps, --map reads back through its string form.
	if back, err := importer.ParseMapping(got.String()); err != nil || !reflect.DeepEqual(back, got) {
		t.Errorf("round trip via %q: %v %v", got.String(), back, err)
	}
	bad := map[string]string{
		"Email=email\nPhone":           "mapping line 2: want HEADER=FIELD",
		"Email=email\n\nEmail=email":   "mapping line 3: its header is mapped twice",
		"# only a comment\n":           "the mapping is empty",
		"=-":                           "mapping line 1: the header is empty",
		"Email=e mail":                 "mapping line 1: the field must be",
		`"Tel, mobile"=phone, x=email`: `mapping line 1: want "HEADER"=FIELD`,
		`"unterminated=phone`:          `mapping line 1: want "HEADER"=FIELD`,
		"Secret 0912345678, x":         "mapping line 1: want HEADER=FIELD",
	}
	for in, msg := range bad {
		_, err := importer.ParseMappingLines(in)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseMappingLines(%q) = %v, want %q", in, err, msg)
		}
		if err != nil && strings.Contains(err.Error(), "0912345678") {
			t.Errorf("the error quotes the line: %v", err)
		}
	}
	// --map keeps its comma syntax: there the same text is two pairs.
	if _, err := importer.ParseMapping("Tel, mobile=phone"); err == nil || !strings.Contains(err.Error(), "mapping pair 1: want HEADER=FIELD") {
		t.Errorf("ParseMapping of a comma header: %v", err)
	}
	if m, err := importer.ParseMapping(`"Tel, mobile"=phone,#4=-`); err != nil || m["Tel, mobile"] != "phone" || m["#4"] != "-" {
		t.Errorf("ParseMapping quoted and numbered: %v %v", m, err)
	}
	if _, err := importer.ParseMapping("Name=name,=-"); err == nil || !strings.Contains(err.Error(), "mapping pair 2: the header is empty") || !strings.Contains(err.Error(), "#5=-") {
		t.Errorf("an empty header's error does not say how to name the column: %v", err)
	}
}

// TestIgnoreUnnamedColumns: columns without a header holding personal
// data reject their rows with a reason that names them "#N", "#N=-" in the
// mapping ignores them, and the proposal lists them by that name.
func TestIgnoreUnnamedColumns(t *testing.T) {
	e := mustEnv(t, "sqlite")
	header := []string{"Name", "Phone", "Email", "", ""}
	data := [][]string{
		{"Lê Văn Cường", "0912000081", "cuong@example.com", "0987000081", "cuong.work@example.com"},
		{"Đỗ Thị Hoa", "0912000082", "hoa@example.com", "0987000082", "hoa.work@example.com"},
	}
	m, err := importer.ParseMapping("Name=name,Phone=phone,Email=email")
	if err != nil {
		t.Fatal(err)
	}
	j := job("unnamed-1")
	j.Mapping = m
	res := e.mustRun(t, j, importer.Table(header, data))
	if res.Rejected != 2 || res.Created != 0 {
		t.Fatalf("without #4 and #5: %+v", res)
	}
	if r := res.Rejects[0].Reason; !strings.HasPrefix(r, "column #4 (no header, ") || !strings.Contains(r, `ignore it with "-"`) {
		t.Errorf("reject reason %q does not name the column as the mapping does", r)
	}

	m, err = importer.ParseMapping("Name=name,Phone=phone,Email=email,#4=-,#5=-")
	if err != nil {
		t.Fatal(err)
	}
	j = job("unnamed-2")
	j.Mapping = m
	res = e.mustRun(t, j, importer.Table(header, data))
	if res.Created != 2 || res.Rejected != 0 {
		t.Fatalf("with #4=- and #5=-: %+v", res)
	}
	if len(e.lookup(t, "phone", "0987000081")) != 0 {
		t.Error("an ignored column was imported")
	}

	// Mapping file form.
	m, err = importer.ParseMappingLines("Name=name\nPhone=phone\nEmail=email\n#4=-\n#5=-\n")
	if err != nil || m["#4"] != "-" {
		t.Fatalf("mapping file: %v %v", m, err)
	}

	c, err := e.vault.Collection(context.Background(), "customers")
	if err != nil {
		t.Fatal(err)
	}
	p := importer.ProposeMapping(header, data, c, nil)
	if !reflect.DeepEqual(p.Unmapped, []string{"#4", "#5"}) || p.Personal["#4"] != scan.PhoneNumber || p.Personal["#5"] != scan.EmailAddress {
		t.Errorf("proposal: unmapped %v, personal %v", p.Unmapped, p.Personal)
	}
	// Accepting the proposal with the unnamed columns ignored imports.
	for _, n := range p.Unmapped {
		p.Mapping[n] = importer.Ignore
	}
	back, err := importer.ParseMapping(p.Mapping.String())
	if err != nil || !reflect.DeepEqual(back, p.Mapping) {
		t.Errorf("proposal round trip %q: %v %v", p.Mapping.String(), back, err)
	}
}
