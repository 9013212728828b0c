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
