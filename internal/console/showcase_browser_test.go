package console_test

import (
	"strings"
	"testing"
	"time"
)

// TestBrowserShowcaseDashboard fills a server with what a DPO's week
// looks like (requests, one overdue, a breach with its clocks, a shadow
// spreadsheet found by a scan, failed sign-ins) and checks the dashboard
// shows each: the overdue request in red, the clocks counting down, the
// brute-force alert. Its screenshot is the README's.
func TestBrowserShowcaseDashboard(t *testing.T) {
	e := newEnv(t)
	data := e.srv.DataClient(t)
	now := time.Now().UTC()
	var subjects []string
	for _, c := range []map[string]any{
		{"email": "an.nguyen@example.vn", "phone": "+84912000111", "name": "Nguyễn Văn An"},
		{"email": "priya.sharma@example.in", "phone": "+919820000222", "name": "Priya Sharma"},
		{"email": "j.miller@example.com", "phone": "+14155550133", "name": "Jordan Miller"},
	} {
		subjects = append(subjects, data.Must(201, "POST", "/v1/collections/customers/records?purpose=support", c).JSON()["subject"].(string))
	}
	for i, r := range []struct {
		typ, juris string
		ago        int
	}{{"erasure", "GDPR", 40}, {"access", "VN", 3}, {"access", "CCPA", 10}} {
		data.Must(201, "POST", "/v1/requests", map[string]any{"type": r.typ, "jurisdiction": r.juris, "channel": "email",
			"subject_lookup": map[string]string{"subject": subjects[i]}, "received_at": now.AddDate(0, 0, -r.ago).Format(time.RFC3339)})
	}
	data.Must(201, "POST", "/v1/incidents", map[string]any{"description": "Sales laptop with a customer export stolen from a car",
		"detected_at": now.Add(-20 * time.Hour), "became_aware_at": now.Add(-18 * time.Hour), "systems": []string{"sys_vault"},
		"jurisdictions": []string{"GDPR", "VN"}, "estimated_subjects": 1200, "high_risk": true})
	data.Must(201, "POST", "/v1/scans", map[string]any{"source": "laptop-sales-07", "roots": []string{"/home/an/exports"},
		"started_at": now.Add(-time.Minute), "finished_at": now,
		"summary":   map[string]any{"files": 1, "bytes": 81920, "findings": 900, "by_entity": map[string]int{}},
		"locations": []map[string]any{{"path": "/home/an/exports/khach-hang.xlsx", "column": "SĐT", "entity": "PHONE_NUMBER", "category": "user.contact.phone_number", "count": 900, "max_confidence": 0.97}}})
	dpo := e.newPerson(t, "dpo")
	b := e.newBrowser(t)
	b.SignIn(dpo)
	// Then someone guesses a password (the address is locked out after:
	// the DPO signed in first).
	anon := e.admin.With("")
	for range 12 {
		anon.Do("POST", "/v1/sessions", map[string]any{"email": "ceo@example.com", "password": "guess-" + time.Now().String()})
	}
	b.Open("/console/")
	if s := b.Text("#h-requests"); !strings.Contains(s, "1 overdue") {
		t.Errorf("open requests heading: %q", s)
	}
	if s := b.Text("td.due.overdue"); s == "" {
		t.Error("no overdue request in red")
	}
	if s := b.Text("time.countdown"); !strings.Contains(s, "left") && !strings.Contains(s, "overdue") {
		t.Errorf("incident clock: %q", s)
	}
	if s := b.Text("ul.alerts"); !strings.Contains(s, "Repeated failed sign-ins") {
		t.Errorf("alerts: %q", s)
	}
	b.Screenshot("dashboard")
}
