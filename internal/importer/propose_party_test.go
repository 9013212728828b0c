package importer_test

import (
	"testing"

	"custodia/internal/importer"
)

// TestOtherPartiesNotImported: imported without a mapping, a HubSpot
// export's contact owner and company, and a Salesforce report's
// Owner.Name and Account.Name, stay out of the person's name, and the
// owner's e-mail address rejects no row.
func TestOtherPartiesNotImported(t *testing.T) {
	e := mustEnv(t, "sqlite")
	j := job("hubspot")
	res := e.mustRun(t, j, importer.Table(
		[]string{"First Name", "Last Name", "Email", "Phone Number", "Contact owner", "Company Name", "Lifecycle Stage", "Create Date"},
		[][]string{{"Minh", "Trần", "minh.tran@example.vn", "+84912345678", "owner1@corp.example", "Acme", "customer", "2025-03-01 10:00"}}))
	if res.Created != 1 || res.Rejected != 0 {
		t.Fatalf("hubspot: %+v", res)
	}
	if got := e.lookup(t, "email", "minh.tran@example.vn")[0].Data["name"]; got != "Minh Trần" {
		t.Errorf("hubspot name %q, want %q", got, "Minh Trần")
	}

	j = job("salesforce")
	res = e.mustRun(t, j, importer.Table(
		[]string{"First Name", "Last Name", "Email", "Phone", "Owner.Name", "Account.Name", "Mailing Street", "Mailing City", "Birthdate"},
		[][]string{{"Zed", "Ng", "zed.ng@example.com", "+84912345601", "Thu Trang", "Acme", "7 Hàng Bạc", "Hà Nội", "1990-12-31"}}))
	if res.Created != 1 || res.Rejected != 0 {
		t.Fatalf("salesforce: %+v", res)
	}
	if got := e.lookup(t, "email", "zed.ng@example.com")[0].Data["name"]; got != "Zed Ng" {
		t.Errorf("salesforce name %q, want %q", got, "Zed Ng")
	}
}

// TestRelativesAndReferrersNotImported: a relative's phone, a referrer's
// e-mail and a manager's name are not the customer's: proposed as
// ignored, so two customers referred by one person stay two people, and
// the customer's own columns beside them are the ones mapped.
func TestRelativesAndReferrersNotImported(t *testing.T) {
	e := mustEnv(t, "sqlite")
	res := e.mustRun(t, job("referrers"), importer.Table(
		[]string{"Họ tên", "SĐT người thân", "Email người giới thiệu", "Manager Name"},
		[][]string{
			{"Khách Một", "0942 000 001", "gioithieu@example.com", "Boss Person"},
			{"Khách Hai", "0942 000 002", "gioithieu@example.com", "Boss Person"},
		}))
	if res.Created != 2 || res.Updated != 0 || res.Skipped != 0 || res.Rejected != 0 {
		t.Fatalf("referrers: %+v", res)
	}
	if got := e.lookup(t, "email", "gioithieu@example.com"); len(got) != 0 {
		t.Errorf("the referrer's e-mail became a customer's: %+v", got)
	}

	res = e.mustRun(t, job("own-and-relatives"), importer.Table(
		[]string{"Họ tên", "Số điện thoại", "SĐT người thân", "Email", "Email người giới thiệu", "Emergency Contact Phone"},
		[][]string{{"Khách Ba", "0942 000 003", "0942 000 004", "ba@example.com", "gioithieu@example.com", "0942 000 005"}}))
	if res.Created != 1 || res.Rejected != 0 {
		t.Fatalf("own and relatives: %+v", res)
	}
	if d := e.lookup(t, "email", "ba@example.com"); len(d) != 1 || d[0].Data["phone"] != "+84942000003" || d[0].Data["name"] != "Khách Ba" {
		t.Errorf("Khách Ba: %+v", d)
	}
}
