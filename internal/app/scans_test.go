package app_test

import (
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestScanReportsValidated: the scan API refuses what it must not store
// (a database password, values where counts belong, unknown entities,
// fields the server sets) and records who reported.
func TestScanReportsValidated(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	valid := func() map[string]any {
		return map[string]any{"source": "crm-host", "roots": []string{"postgres://readonly@crm-db/crm"}, "started_at": "2026-11-23T08:00:00Z",
			"finished_at": "2026-11-23T08:01:00Z", "summary": map[string]any{"files": 0, "bytes": 0, "findings": 4, "by_entity": map[string]int{"PHONE_NUMBER": 4}},
			"locations": []any{map[string]any{"path": "postgres://readonly@crm-db/crm", "column": "customers.phone", "entity": "PHONE_NUMBER",
				"category": "user.contact.phone_number", "count": 4, "max_confidence": 0.97}}}
	}
	cases := map[string]struct {
		change func(m map[string]any)
		code   string
	}{
		"password in a root":  {func(m map[string]any) { m["roots"] = []string{"postgres://u:secret@crm-db/crm"} }, "invalid_roots"},
		"no roots":            {func(m map[string]any) { m["roots"] = []string{} }, "invalid_roots"},
		"finished before":     {func(m map[string]any) { m["finished_at"] = "2026-11-23T07:00:00Z" }, "invalid_times"},
		"unknown entity":      {func(m map[string]any) { m["locations"].([]any)[0].(map[string]any)["entity"] = "FAVOURITE_COLOUR" }, "invalid_location"},
		"zero count":          {func(m map[string]any) { m["locations"].([]any)[0].(map[string]any)["count"] = 0 }, "invalid_location"},
		"category not user.*": {func(m map[string]any) { m["locations"].([]any)[0].(map[string]any)["category"] = "system.operations" }, "invalid_location"},
		"a value field":       {func(m map[string]any) { m["locations"].([]any)[0].(map[string]any)["value"] = "0912345678" }, "malformed_json"},
		"server-set id":       {func(m map[string]any) { m["id"] = "scn_mine" }, "read_only_field"},
		"negative summary":    {func(m map[string]any) { m["summary"].(map[string]any)["findings"] = -1 }, "invalid_summary"},
	}
	for name, c := range cases {
		body := valid()
		c.change(body)
		if r := dpo.Do("POST", "/v1/scans", body); r.Status != 400 || r.Code() != c.code {
			t.Errorf("%s: %d %s, want 400 %s", name, r.Status, r.Code(), c.code)
		}
	}
	many := make([]any, 2001)
	for i := range many {
		many[i] = valid()["locations"].([]any)[0]
	}
	body := valid()
	body["locations"] = many
	if r := dpo.Do("POST", "/v1/scans", body); r.Status != 400 || r.Code() != "too_many_locations" {
		t.Errorf("2001 locations: %d %s", r.Status, r.Code())
	}
	r := dpo.Must(201, "POST", "/v1/scans", valid())
	sc := r.JSON()["scan"].(map[string]any)
	if !strings.HasPrefix(sc["id"].(string), "scn_") || sc["reported_by"] == "" || r.JSON()["locations"] != float64(1) {
		t.Errorf("created: %s", r.Body)
	}
	if r := dpo.Do("GET", "/v1/scans/scn_nope", nil); r.Status != 404 || r.Code() != "scan_not_found" {
		t.Errorf("missing scan: %d %s", r.Status, r.Code())
	}
	if r := dpo.Do("GET", "/v1/scans?limit=0", nil); r.Status != 400 {
		t.Errorf("limit=0: %d", r.Status)
	}
	// The report is in the audit log under its action.
	audit := admin.Must(200, "GET", "/v1/audit?action=scan.report", nil)
	if !strings.Contains(string(audit.Body), sc["id"].(string)) {
		t.Errorf("audit log has no scan.report entry for %s", sc["id"])
	}
}
