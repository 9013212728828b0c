package app_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestRecordOfProcessing: the Art. 30 record lists every purpose with the
// categories its fields and systems hold, its processors and transfers,
// in JSON, CSV and HTML.
func TestRecordOfProcessing(t *testing.T) {
	cfg := app.Config{Controller: "Hoa Mai Co., dpo@hoamai.example"}
	t.Run("sqlite", func(t *testing.T) { recordOfProcessingExamples(t, cfg) })
	t.Run("postgres", func(t *testing.T) {
		pg := cfg
		pg.DatabaseURL = testutil.MustPostgres(t)
		recordOfProcessingExamples(t, pg)
	})
}

func recordOfProcessingExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Brevo", "service": "newsletters", "country": "FR", "dpa_status": "none", "purposes": []string{"marketing"}})
	// A processor receiving data for no recorded purpose is in the record
	// too; one naming an unregistered purpose or no country is refused.
	dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "NameCo", "service": "enrichment", "country": "US", "dpa_status": "none", "categories": []string{"user.name"}})
	for code, bad := range map[string]map[string]any{
		"unknown_purpose": {"vendor": "X", "service": "y", "country": "US", "dpa_status": "none", "purposes": []string{"no_such_purpose"}},
		"invalid_country": {"vendor": "X", "service": "y", "country": "ZZ", "dpa_status": "none"},
	} {
		if r := dpo.Do("POST", "/v1/processors", bad); r.Status != 400 || r.Code() != code {
			t.Errorf("processor %v: %d %s, want 400 %s", bad, r.Status, r.Body, code)
		}
	}
	dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Zalo OA", "kind": "chat", "purposes": []string{"support"}, "transfers": []string{"SG"},
		"categories": []string{"user.name"}, "retention": "6 months after the last message"})
	rec := dpo.Must(200, "GET", "/v1/records-of-processing", nil).JSON()
	if rec["controller"] != "Hoa Mai Co., dpo@hoamai.example" {
		t.Errorf("controller %v", rec["controller"])
	}
	acts := map[string]map[string]any{}
	for _, a := range rec["activities"].([]any) {
		m := a.(map[string]any)
		acts[m["purpose"].(string)] = m
	}
	join := func(v any) string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return strings.Join(out, ",")
	}
	if m := acts["marketing"]; m == nil || join(m["data_categories"]) != "user.contact.email" || join(m["transfers"]) != "FR" || !strings.Contains(join(m["recipients"]), "Brevo") {
		t.Errorf("marketing activity: %v", m)
	}
	if m := acts["(no purpose recorded)"]; m == nil || !strings.Contains(join(m["recipients"]), "NameCo") || join(m["transfers"]) != "US" {
		t.Errorf("unrecorded activity: %v", m)
	}
	if m := acts["support"]; m == nil || !strings.Contains(join(m["systems"]), "Zalo OA") || join(m["transfers"]) != "SG" || !strings.Contains(join(m["retention"]), "6 months") {
		t.Errorf("support activity: %v", m)
	}
	rows, err := csv.NewReader(strings.NewReader(string(dpo.Must(200, "GET", "/v1/records-of-processing?format=csv", nil).Body))).ReadAll()
	if err != nil || len(rows) != len(acts)+1 || rows[0][0] != "purpose" {
		t.Errorf("csv: %v %d rows", err, len(rows))
	}
	html := dpo.Must(200, "GET", "/v1/records-of-processing?format=html", nil)
	if !strings.Contains(string(html.Body), "Record of processing activities") || !strings.Contains(string(html.Body), "Hoa Mai Co.") {
		t.Errorf("html record")
	}
	if r := dpo.Do("GET", "/v1/records-of-processing?format=pdf", nil); r.Status != 400 || r.Code() != "invalid_format" {
		t.Errorf("bad format: %d %s", r.Status, r.Code())
	}
}

// TestNonPersonalCategoriesLeftOut: a field of the organisation's own data
// (fideslang system.operations) is no personal-data category: the data
// map's vault entry, the Art. 30 record and the export register leave it
// out.
func TestNonPersonalCategoriesLeftOut(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "tickets", "kind": "persons", "fields": []any{
		map[string]any{"name": "email", "type": "email", "category": "user.contact.email", "purposes": []string{"support"}},
		map[string]any{"name": "queue", "type": "string", "category": "system.operations", "purposes": []string{"support"}}}})
	dpo := admin.With(admin.RoleToken("dpo"))
	dpo.Must(201, "POST", "/v1/collections/tickets/records?purpose=support", map[string]any{"email": "lan@example.vn", "queue": "billing"})
	check := func(where string, body []byte) {
		t.Helper()
		if strings.Contains(string(body), "system.operations") {
			t.Errorf("%s lists system.operations: %s", where, body)
		}
		if !strings.Contains(string(body), "user.contact.email") {
			t.Errorf("%s lost user.contact.email: %s", where, body)
		}
	}
	check("the vault's data-map entry", dpo.Must(200, "GET", "/v1/systems/sys_vault", nil).Body)
	check("the Art. 30 record", dpo.Must(200, "GET", "/v1/records-of-processing", nil).Body)
	x := dpo.Must(201, "POST", "/v1/exports", map[string]any{"collection": "tickets", "purpose": "support", "reason": "queue review"}).Body
	check("the export register", x)
}
