package app_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestExportPeopleAndPages(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { exportPeopleAndPages(t, app.Config{ExportApprovalRecords: 1000}) })
	t.Run("postgres", func(t *testing.T) {
		exportPeopleAndPages(t, app.Config{ExportApprovalRecords: 1000, DatabaseURL: testutil.MustPostgres(t)})
	})
}

// exportPeopleAndPages: an export holds every record, past the vault's
// page size (it used to stop at 100 while the register counted them
// all); four-eyes compares people, so a person may not approve, in a
// session, an export asked for through a token they created; and their
// offboarding lists that export.
func exportPeopleAndPages(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "payments", "kind": "persons", "fields": []any{
		map[string]any{"name": "card", "type": "card", "category": "user.financial.credit_card", "purposes": []string{"support"}}}})
	dpo := admin.With(admin.RoleToken("dpo"))
	const n = 230
	for i := range n {
		dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": fmt.Sprintf("khach%03d@example.vn", i)})
	}
	dpo.Must(201, "POST", "/v1/collections/payments/records?purpose=support", map[string]any{"card": "4111111111111111"})

	x := dpo.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "call list"}).JSON()
	if x["status"] != "approved" || x["records"] != float64(n) {
		t.Fatalf("export: %v", x)
	}
	rows, err := csv.NewReader(strings.NewReader(string(dpo.Must(200, "GET", "/v1/exports/"+x["id"].(string)+"/download", nil).Body))).ReadAll()
	if err != nil || len(rows) != n+1 {
		t.Fatalf("download: %v, %d rows, want %d and the header", err, len(rows), n)
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		seen[row[0]] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct e-mail addresses in the file, want %d", len(seen), n)
	}

	// The asker follows their own export; another member of the same
	// role does not see it.
	support := admin.With(admin.RoleToken("support"))
	mine := support.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "mine"}).JSON()
	if got := support.Must(200, "GET", "/v1/exports/"+mine["id"].(string), nil).JSON(); got["id"] != mine["id"] {
		t.Errorf("the asker reads their export: %v", got)
	}
	if r := admin.With(admin.RoleToken("support")).Do("GET", "/v1/exports/"+mine["id"].(string), nil); r.Status != 403 || r.Code() != "not_your_export" {
		t.Errorf("another support token reads the export: %d %s", r.Status, r.Body)
	}

	// Quang, a lead who may approve exports, create tokens and manage
	// roles (so hand out any role), makes a dpo token, asks for a
	// sensitive export with it, then tries to approve it in his own
	// session.
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "lead", "require_mfa": false,
		"permissions": []string{"schema:read", "tokens:manage", "roles:manage", "exports:approve"}, "grants": []any{}})
	const pw = "a long and good password"
	quangID := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "quang@example.com", "display_name": "Quang", "role": "lead", "password": pw}).
		JSON()["user"].(map[string]any)["id"].(string)
	quang := admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "quang@example.com", "password": pw}).JSON()["token"].(string))
	helper := quang.With(quang.Must(201, "POST", "/v1/tokens", map[string]any{"name": "quang-helper", "role": "dpo"}).JSON()["token"].(string))
	sx := helper.Must(201, "POST", "/v1/exports", map[string]any{"collection": "payments", "purpose": "support", "reason": "chargebacks"}).JSON()
	sid := sx["id"].(string)
	if sx["status"] != "pending_approval" {
		t.Fatalf("sensitive export: %v", sx)
	}
	if r := quang.Do("POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "self approval"}); r.Status != 403 || r.Code() != "four_eyes" {
		t.Errorf("the asker's own session approves: %d %s", r.Status, r.Body)
	}
	// A token of the same person is the same person too.
	other := quang.With(quang.Must(201, "POST", "/v1/tokens", map[string]any{"name": "quang-second", "role": "dpo"}).JSON()["token"].(string))
	if r := other.Do("POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "self approval"}); r.Status != 403 || r.Code() != "four_eyes" {
		t.Errorf("the asker's other token approves: %d %s", r.Status, r.Body)
	}
	// Someone else may.
	dpo.Must(200, "POST", "/v1/exports/"+sid+"/approve", map[string]any{"reason": "chargeback audit, approved"})

	// Quang leaves: the export he took through his token is on the list.
	o := admin.Must(201, "POST", "/v1/people/"+quangID+"/offboard", map[string]any{"reason": "left the company"}).JSON()
	found := false
	for _, id := range o["exports"].([]any) {
		found = found || id == sid
	}
	if !found {
		t.Errorf("offboarding exports %v, want %s (taken through his token)", o["exports"], sid)
	}
}
