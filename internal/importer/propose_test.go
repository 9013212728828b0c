package importer_test

import (
	"context"
	"reflect"
	"strings"
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
		// A year of birth is no date: not proposed for a date field.
		{"year of birth", []string{"Họ và tên", "Di động", "Thư điện tử", "Năm sinh"}, nil,
			importer.Mapping{"Họ và tên": "name", "Di động": "phone", "Thư điện tử": "email"}, nil},
		{"no diacritics", []string{"ho ten", "SDT", "email", "dia chi"}, nil,
			importer.Mapping{"ho ten": "name", "SDT": "phone", "email": "email", "dia chi": "address"}, nil},
		{"hubspot", []string{"Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Street Address", "City", "Company Name"}, nil,
			importer.Mapping{"First Name": "name", "Last Name": "name", "Email": "email", "Phone Number": "phone", "Mobile Phone Number": "phone", "Street Address": "address", "Company Name": "-"}, nil},
		{"salesforce", []string{"Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "MailingStreet", "MailingCity", "Birthdate", "AccountId"}, nil,
			importer.Mapping{"FirstName": "name", "LastName": "name", "Email": "email", "Phone": "phone", "MobilePhone": "phone", "MailingStreet": "address", "Birthdate": "birth", "AccountId": "-"}, nil},
		// A HubSpot contacts export as it comes: the contact owner is the
		// salesperson (a name and an e-mail address), the company is the
		// customer's employer. Neither is the person's.
		{"hubspot export", []string{"First Name", "Last Name", "Email", "Phone Number", "Contact owner", "Company Name", "Lifecycle Stage", "Create Date"}, [][]string{
			{"Minh", "Trần", "minh.tran@example.vn", "+84912345678", "owner1@corp.example", "Acme Việt Nam", "customer", "2025-03-01 10:00"},
			{"Thu", "Trang", "thu.trang@example.vn", "+84912345679", "Nguyễn Văn Sale", "Công ty Bình Minh", "lead", "2025-03-02 11:30"},
			{"Lan", "Phạm", "lan.pham@example.vn", "+84912345680", "owner2@corp.example", "Acme", "customer", "2025-03-03 09:15"},
		}, importer.Mapping{"First Name": "name", "Last Name": "name", "Email": "email", "Phone Number": "phone", "Contact owner": "-", "Company Name": "-"}, nil},
		// A Salesforce contacts report with relation columns: Owner.Name
		// is the sales rep, Account.Name the company.
		{"salesforce report", []string{"First Name", "Last Name", "Email", "Phone", "Mobile", "Owner.Name", "Account.Name", "Mailing Street", "Mailing City", "Birthdate"}, [][]string{
			{"Zed", "Ng", "zed.ng@example.com", "+84912345601", "+84987654301", "Thu Trang", "Acme", "7 Hàng Bạc", "Hà Nội", "1990-12-31"},
			{"Minh", "Trần", "minh@example.com", "+84912345602", "+84987654302", "Nguyễn Văn An", "Bình Minh JSC", "12 Lê Lợi", "Huế", "1985-01-02"},
			{"Lan", "Phạm", "lan@example.com", "+84912345603", "+84987654303", "Thu Trang", "Acme", "3 Trần Phú", "Đà Nẵng", "1979-07-08"},
		}, importer.Mapping{"First Name": "name", "Last Name": "name", "Email": "email", "Phone": "phone", "Mobile": "phone", "Owner.Name": "-", "Account.Name": "-",
			"Mailing Street": "address", "Birthdate": "birth"}, nil},
		// Salesforce's assistant columns are another person's; HubSpot's
		// status and domain columns describe the record, not a value of
		// the person (QA: "Marketing contact status" was proposed as a
		// name, "Email Domain" as a second e-mail).
		{"salesforce assistant", []string{"FirstName", "LastName", "Email", "Phone", "AssistantName", "AssistantPhone", "ReportsToId"}, [][]string{
			{"Robert", "King", "robert.king@example.com", "", "Jane Doe", "+1 415 555 0100", "003XX"},
			{"Susan", "Lee", "susan.lee@example.com", "+1 415 555 0111", "Jane Doe", "+1 415 555 0100", "003XX"},
		}, importer.Mapping{"FirstName": "name", "LastName": "name", "Email": "email", "Phone": "phone", "AssistantName": "-", "AssistantPhone": "-", "ReportsToId": "-"}, nil},
		{"hubspot status and domain", []string{"First Name", "Last Name", "Email", "Email Domain", "Marketing contact status", "Lead Status"}, [][]string{
			{"Mai", "Đinh", "mai.dinh@example.vn", "example.vn", "Marketing contact", "New"},
			{"Hùng", "Lê", "hung.le@example.com", "example.com", "Non-marketing contact", "Open"},
		}, importer.Mapping{"First Name": "name", "Last Name": "name", "Email": "email"}, nil},
		{"other parties", []string{"Họ tên", "Email", "Sales Rep", "Assigned To", "Created By", "Last Modified By", "Modified By", "Agent", "Assignee", "Người phụ trách", "Nhân viên sale"}, nil,
			importer.Mapping{"Họ tên": "name", "Email": "email", "Sales Rep": "-", "Assigned To": "-", "Created By": "-", "Last Modified By": "-",
				"Modified By": "-", "Agent": "-", "Assignee": "-", "Người phụ trách": "-", "Nhân viên sale": "-"}, nil},
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
		for h, f := range p.Mapping {
			if f == importer.Ignore && !strings.HasPrefix(p.By[h], "not the person's") {
				t.Errorf("%s: %q ignored because %q", tc.name, h, p.By[h])
			}
		}
	}
}
