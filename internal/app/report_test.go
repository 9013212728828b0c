package app_test

import (
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestComplianceReport(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { reportExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { reportExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// reportExamples: on a live server, items fail on what is missing and
// pass once it is fixed through the API.
func reportExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	status := func() map[string]string {
		out := map[string]string{}
		for _, it := range dpo.Must(200, "GET", "/v1/report", nil).JSON()["items"].([]any) {
			m := it.(map[string]any)
			out[m["id"].(string)] = m["status"].(string)
		}
		return out
	}
	before := status()
	for id, want := range map[string]string{"systems_mapped": "fail", "retention_rules": "fail", "audit_chain": "pass", "key_rotation": "pass",
		"field_purposes": "pass", "users_mfa": "pass", "processor_dpas": "pass", "incident_clocks": "pass", "overdue_requests": "pass"} {
		if before[id] != want {
			t.Errorf("before: %s is %q, want %q", id, before[id], want)
		}
	}
	// Fix the map and retention; break MFA (a dpo person who has not
	// enrolled) and DPAs (data flowing to a processor without one).
	dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "CRM", "kind": "crm", "categories": []string{"user.contact.email"}})
	dpo.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 5, "unit": "years"}})
	admin.Must(201, "POST", "/v1/users", map[string]any{"email": "new.dpo@example.com", "display_name": "New DPO", "role": "dpo", "password": "a long and good password"})
	dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Mailer", "service": "mail", "country": "US", "dpa_status": "none", "categories": []string{"user.contact.email"}})
	after := status()
	for id, want := range map[string]string{"systems_mapped": "pass", "retention_rules": "pass", "users_mfa": "fail", "processor_dpas": "fail"} {
		if after[id] != want {
			t.Errorf("after: %s is %q, want %q", id, after[id], want)
		}
	}
	rep := dpo.Must(200, "GET", "/v1/report", nil).JSON()
	if rep["total"] != float64(11) || rep["score"].(float64) >= 100 {
		t.Errorf("score %v of %v", rep["score"], rep["total"])
	}
	html := dpo.Must(200, "GET", "/v1/report?format=html", nil)
	if !strings.Contains(string(html.Body), "Compliance report") || !strings.Contains(string(html.Body), "<svg") || !strings.Contains(string(html.Body), "new.dpo@example.com") {
		t.Errorf("html report incomplete")
	}
}
