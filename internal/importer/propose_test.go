package importer_test

import (
	"context"
	"reflect"
	"testing"

	"custodia/internal/importer"
	"custodia/internal/scan"
)

// TestProposeMapping: Vietnamese headers with and without diacritics,
// HubSpot's and Salesforce's contact exports, and a column named by
// nothing but its values.
func TestProposeMapping(t *testing.T) {
	e := mustEnv(t, "sqlite")
	c, err := e.vault.Collection(context.Background(), "customers")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		headers  []string
		sample   [][]string
		want     importer.Mapping
		personal map[string]scan.Entity
	}{
		{"vietnamese", []string{"STT", "Họ và tên", "Số điện thoại", "Thư điện tử", "Địa chỉ", "Ngày sinh", "Số CCCD"}, nil,
			importer.Mapping{"Họ và tên": "name", "Số điện thoại": "phone", "Thư điện tử": "email", "Địa chỉ": "address", "Ngày sinh": "birth", "Số CCCD": "national_id"}, nil},
		{"no diacritics", []string{"ho ten", "SDT", "email", "dia chi"}, nil,
			importer.Mapping{"ho ten": "name", "SDT": "phone", "email": "email", "dia chi": "address"}, nil},
		{"hubspot", []string{"Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Street Address", "City", "Company Name"}, nil,
			importer.Mapping{"First Name": "name", "Last Name": "name", "Email": "email", "Phone Number": "phone", "Street Address": "address"}, nil},
		{"salesforce", []string{"Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "MailingStreet", "MailingCity", "Birthdate", "AccountId"}, nil,
			importer.Mapping{"FirstName": "name", "LastName": "name", "Email": "email", "Phone": "phone", "MailingStreet": "address", "Birthdate": "birth"}, nil},
		{"detected", []string{"Khách", "Liên lạc", "Ghi chú"}, [][]string{
			{"Nguyễn Văn An", "an@example.com", "mua 2 lần"},
			{"Trần Thị Bình", "binh@example.com", "gọi 0912345678"},
			{"Lê Văn Cường", "cuong@example.com", "gọi 0987654321"},
		}, importer.Mapping{"Khách": "name", "Liên lạc": "email"}, map[string]scan.Entity{"Ghi chú": scan.PhoneNumber}},
	}
	for _, tc := range cases {
		p := importer.ProposeMapping(tc.headers, tc.sample, c, nil)
		if !reflect.DeepEqual(p.Mapping, tc.want) {
			t.Errorf("%s: mapping %v, want %v", tc.name, p.Mapping, tc.want)
		}
		if tc.personal == nil {
			tc.personal = map[string]scan.Entity{}
		}
		if !reflect.DeepEqual(p.Personal, tc.personal) {
			t.Errorf("%s: personal %v, want %v", tc.name, p.Personal, tc.personal)
		}
	}
}
