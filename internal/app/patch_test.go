package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestPatchAnswer: a PATCH answers with the record as stored, its new
// version and time; a PATCH that names no field is refused and changes
// nothing.
func TestPatchAnswer(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	const path = "/v1/collections/customers/records/"
	id := dpo.Must(201, "POST", path[:len(path)-1]+"?purpose=support", map[string]any{"email": "ts@example.com", "name": "T One"}).JSON()["id"].(string)
	created := dpo.Must(200, "GET", path+id+"?purpose=support", nil).JSON()
	time.Sleep(5 * time.Millisecond)
	patched := dpo.Must(200, "PATCH", path+id+"?purpose=support", map[string]any{"name": "T Two"}).JSON()
	got := dpo.Must(200, "GET", path+id+"?purpose=support", nil).JSON()
	if patched["updated_at"] != got["updated_at"] || patched["updated_at"] == created["updated_at"] || patched["version"] != got["version"] || got["version"] != 2.0 {
		t.Errorf("PATCH answered version %v at %v; GET says %v at %v (created at %v)", patched["version"], patched["updated_at"], got["version"], got["updated_at"], created["updated_at"])
	}
	// A purpose nobody registered, and a registered one the collection
	// was not collected for, are told apart.
	for purpose, code := range map[string]string{"nonexistent": "unknown_purpose", "billing": "purpose_not_declared"} {
		if r := dpo.Do("PATCH", path+id+"?purpose="+purpose, map[string]any{"name": "T Three"}); r.Status != 400 || r.Code() != code {
			t.Errorf("purpose %s: %d %s, want 400 %s", purpose, r.Status, r.Body, code)
		}
	}
	if r := dpo.Do("PATCH", path+id+"?purpose=support", map[string]any{}); r.Status != 400 || r.Code() != "empty_patch" {
		t.Errorf("empty PATCH: %d %s", r.Status, r.Body)
	}
	if v := dpo.Must(200, "GET", path+id+"?purpose=support", nil).JSON()["version"]; v != 2.0 {
		t.Errorf("version after an empty PATCH: %v", v)
	}
}

// TestCreateAuditEntries: a create's audit entry has the status the API
// answered (201); a create refused as a duplicate names no record and no
// subject, since it made neither.
func TestCreateAuditEntries(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	created := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "dup@example.com"}).JSON()
	dpo.Must(409, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "dup@example.com"})
	var log struct {
		Entries []struct {
			Action   string `json:"action"`
			Status   int    `json:"status"`
			RecordID string `json:"record_id"`
			Subject  string `json:"subject"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(admin.Must(200, "GET", "/v1/audit?action=record.create&limit=10", nil).Body, &log); err != nil {
		t.Fatal(err)
	}
	var ok, dup int
	for _, e := range log.Entries {
		switch e.Status {
		case 201:
			if e.RecordID == created["id"] && e.Subject != "" {
				ok++
			}
		case 409:
			if e.RecordID == "" && e.Subject == "" {
				dup++
			}
		}
	}
	if ok != 1 || dup != 1 {
		t.Errorf("record.create entries: %+v", log.Entries)
	}
}
