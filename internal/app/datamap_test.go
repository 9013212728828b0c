package app_test

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestDataMap(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { dataMapExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { dataMapExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// dataMapExamples: the vault's entry derives its categories from the
// schemas; a scan of a folder no system matches proposes a shadow system
// with the categories found; the DPO confirms it; a later scan of the same
// folder attaches to it; a declared system matches by host; bad input is
// refused and nothing is half-written; the picture shows it all.
func dataMapExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "customers", "kind": "persons", "fields": []any{
		map[string]any{"name": "email", "type": "email", "category": "user.contact.email", "purposes": []string{"support"}, "unique": true},
		map[string]any{"name": "phone", "type": "phone", "category": "user.contact.phone_number", "purposes": []string{"support"}},
	}})
	vault := dpo.Must(200, "GET", "/v1/systems/sys_vault", nil).JSON()
	if vault["status"] != "official" || vault["kind"] != "vault" || len(vault["categories"].([]any)) != 2 {
		t.Errorf("vault entry: %v", vault)
	}
	if r := dpo.Do("PUT", "/v1/systems/sys_vault", map[string]any{"name": "x", "kind": "crm"}); r.Status != 409 || r.Code() != "vault_derived" {
		t.Errorf("PUT vault: %d %s", r.Status, r.Code())
	}

	// A scan of an unknown folder proposes a system.
	report := func(host, root string) map[string]any {
		return map[string]any{"source": host, "roots": []string{root}, "started_at": "2026-11-23T08:00:00Z", "finished_at": "2026-11-23T08:00:03Z",
			"summary": map[string]any{"files": 1, "bytes": 100, "findings": 5},
			"locations": []any{
				map[string]any{"path": "leads.xlsx", "column": "Sheet1!C2", "entity": "EMAIL_ADDRESS", "category": "user.contact.email", "count": 3, "max_confidence": 0.95},
				map[string]any{"path": "leads.xlsx", "column": "Sheet1!D2", "entity": "VN_CCCD", "category": "user.government_id.national_identification_number", "count": 2, "max_confidence": 0.95},
			}}
	}
	// A scan that found nothing proposes none.
	clean := report("laptop-clean-01", "/home/binh/empty")
	clean["summary"], clean["locations"] = map[string]any{"files": 3, "bytes": 300, "findings": 0}, []any{}
	if r := dpo.Must(201, "POST", "/v1/scans", clean).JSON(); r["proposed_system"] != false || len(r["systems"].([]any)) != 0 {
		t.Errorf("a scan with no findings proposed a system: %v", r)
	}
	r := dpo.Must(201, "POST", "/v1/scans", report("laptop-sales-07", "/home/an/exports")).JSON()
	if r["proposed_system"] != true || len(r["systems"].([]any)) != 1 {
		t.Fatalf("scan did not propose a system: %v", r)
	}
	sysID := r["systems"].([]any)[0].(string)
	sys := dpo.Must(200, "GET", "/v1/systems/"+sysID, nil).JSON()
	if sys["status"] != "proposed" || sys["kind"] != "file_share" || !strings.Contains(sys["name"].(string), "/home/an/exports") {
		t.Errorf("proposed system: %v", sys)
	}
	cats := map[string]map[string]any{}
	for _, c := range sys["categories"].([]any) {
		m := c.(map[string]any)
		cats[m["category"].(string)] = m
	}
	if c := cats["user.government_id.national_identification_number"]; c == nil || c["source"] != "scan" || c["findings"] != float64(2) || c["scan_id"] == "" ||
		!recent(c["since"]) {
		t.Errorf("discovered categories: %v", cats)
	}
	dpo.Must(200, "POST", "/v1/systems/"+sysID+"/confirm", map[string]any{"status": "shadow"})
	if r := dpo.Do("POST", "/v1/systems/"+sysID+"/confirm", map[string]any{"status": "shadow"}); r.Status != 409 || r.Code() != "not_proposed" {
		t.Errorf("confirm twice: %d %s", r.Status, r.Code())
	}
	// A later scan of a folder inside it attaches to it.
	r = dpo.Must(201, "POST", "/v1/scans", report("laptop-sales-07", "/home/an/exports/2026")).JSON()
	if r["proposed_system"] != false || r["systems"].([]any)[0] != sysID {
		t.Errorf("second scan: %v", r)
	}
	// A declared system matches by host.
	crm := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Zalo OA inbox", "kind": "chat", "status": "official",
		"owner": "customer care", "categories": []string{"user.contact.phone_number"}, "jurisdictions": []string{"VN"},
		"transfers": []string{"SG"}, "match": map[string]any{"hosts": []string{"zalo-export-box"}}}).JSON()
	for _, c := range crm["categories"].([]any) {
		if m := c.(map[string]any); m["source"] != "declared" || m["since"] == nil || m["since"] == "" {
			t.Errorf("declared category without its date: %v", m)
		}
	}
	r = dpo.Must(201, "POST", "/v1/scans", report("ZALO-EXPORT-BOX", "/srv/zalo")).JSON()
	if r["systems"].([]any)[0] != crm["id"] || r["proposed_system"] != false {
		t.Errorf("host match: %v", r)
	}

	// Bad input: nothing is written.
	before := len(dpo.Must(200, "GET", "/v1/systems", nil).JSON()["systems"].([]any))
	for name, body := range map[string]map[string]any{
		"kind":      {"name": "a", "kind": "spaceship"},
		"vault":     {"name": "a", "kind": "vault"},
		"status":    {"name": "a", "kind": "crm", "status": "proposed"},
		"country":   {"name": "a", "kind": "crm", "transfers": []string{"Singapore"}},
		"category":  {"name": "a", "kind": "crm", "categories": []string{"phone numbers"}},
		"password":  {"name": "a", "kind": "database", "match": map[string]any{"paths": []string{"postgres://u:secret@db/crm"}}},
		"no name":   {"kind": "crm"},
		"duplicate": {"name": "Zalo OA inbox", "kind": "chat"},
	} {
		if r := dpo.Do("POST", "/v1/systems", body); r.Status/100 != 4 || r.Code() == "" {
			t.Errorf("%s: %d %s", name, r.Status, r.Code())
		}
	}
	if r := dpo.Do("GET", "/v1/systems/sys_nope", nil); r.Status != 404 || r.Code() != "system_not_found" {
		t.Errorf("unknown system: %d %s", r.Status, r.Code())
	}
	if after := len(dpo.Must(200, "GET", "/v1/systems", nil).JSON()["systems"].([]any)); after != before {
		t.Errorf("systems %d after bad input, want %d", after, before)
	}

	// The picture: well-formed SVG naming the systems, categories and flows.
	svg := dpo.Must(200, "GET", "/v1/datamap.svg", nil)
	if err := xml.Unmarshal(svg.Body, new(struct{})); err != nil {
		t.Fatalf("datamap.svg is not XML: %v", err)
	}
	for _, want := range []string{"Custodia vault", "Zalo OA inbox", "/home/an/exports", "user.contact.email", "country: SG", "shadow", "official"} {
		if !strings.Contains(string(svg.Body), want) {
			t.Errorf("datamap.svg lacks %q", want)
		}
	}
	// Two scans of the same new folder at once propose one system.
	results := make(chan testutil.Response, 2)
	for range 2 {
		go func() { results <- dpo.Do("POST", "/v1/scans", report("nas-01", "/srv/share/sales")) }()
	}
	ra, rb := <-results, <-results
	if ra.Status != 201 || rb.Status != 201 {
		t.Fatalf("concurrent scans of one folder: %d %s / %d %s", ra.Status, ra.Body, rb.Status, rb.Body)
	}
	a, b := ra.JSON(), rb.JSON()
	if a["systems"].([]any)[0] != b["systems"].([]any)[0] || a["proposed_system"] == b["proposed_system"] {
		t.Errorf("concurrent scans of one folder: %v and %v", a, b)
	}
	// Deleting keeps the scans.
	dpo.Must(204, "DELETE", "/v1/systems/"+sysID, nil)
	if n := len(dpo.Must(200, "GET", "/v1/scans", nil).JSON()["scans"].([]any)); n != 6 { // five, and the scan that found nothing
		t.Errorf("scans after deleting a system: %d", n)
	}
}

// recent reports whether v is an RFC 3339 time of the last minute: the date
// a scan recorded in this test found a category.
func recent(v any) bool {
	s, _ := v.(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && time.Since(at) >= 0 && time.Since(at) < time.Minute
}
