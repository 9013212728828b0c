package app_test

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestIncidents(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { incidentExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { incidentExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// incidentCustomers is the customers schema with a country field.
var incidentCustomers = strings.TrimSuffix(testutil.CustomersSchema, `]}`) +
	`,{"name":"country","type":"text","category":"user.contact.address.country","purposes":["support"]}]}`

// rfc formats a time for a request body.
func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// incidentExamples: an incident on a compromised token counts exactly the
// subjects the audit log says it read in the window and opens the clocks
// of their jurisdictions; bad input writes nothing; tasks close, a
// notification meets its clock, evidence is kept by hash, and a clock
// nearing its end alerts once, then once more when overdue.
func incidentExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	admin.Must(201, "POST", "/v1/collections", incidentCustomers)
	ids := map[string]string{}
	for _, c := range []struct{ key, country string }{{"de", "DE"}, {"vn1", "VN"}, {"vn2", "vn"}, {"br", "BR"}, {"ca", "US-CA"}, {"none", ""}} {
		body := map[string]any{"email": c.key + "@example.com", "name": "Person " + c.key}
		if c.country != "" {
			body["country"] = c.country
		}
		ids[c.key] = dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", body).JSON()["id"].(string)
	}
	tokID := admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "crm-sync", "role": "support"}).JSON()
	crm := admin.With(tokID["token"].(string))
	read := func(key string) {
		crm.Must(200, "GET", "/v1/collections/customers/records/"+ids[key]+"?purpose=support", nil)
	}

	// Before the window: California. In it: Germany, Vietnam twice (one by
	// lookup) and Germany again. After it: Brazil. Another token reads
	// the subject with no country in the window.
	read("ca")
	time.Sleep(30 * time.Millisecond)
	from := time.Now()
	time.Sleep(10 * time.Millisecond)
	read("de")
	read("vn1")
	crm.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email="+url.QueryEscape("vn2@example.com"), nil)
	read("de")
	dpo.Must(200, "GET", "/v1/collections/customers/records/"+ids["none"]+"?purpose=support", nil)
	time.Sleep(10 * time.Millisecond)
	to := time.Now()
	time.Sleep(30 * time.Millisecond)
	read("br")

	// The audit log's own count of distinct subjects the token read in the window.
	var inWindow []string
	for _, e := range admin.Must(200, "GET", "/v1/audit?limit=1000", nil).JSON()["entries"].([]any) {
		m := e.(map[string]any)
		at, _ := time.Parse(time.RFC3339Nano, m["at"].(string))
		if m["actor"] == "token:crm-sync" && m["subject"] != nil && !at.Before(from) && !at.After(to) && !slices.Contains(inWindow, m["subject"].(string)) {
			inWindow = append(inWindow, m["subject"].(string))
		}
	}
	if len(inWindow) != 3 {
		t.Fatalf("the audit log shows %d subjects read by crm-sync in the window, want 3", len(inWindow))
	}

	now := time.Now()
	body := map[string]any{"description": "The crm-sync token was pasted in a public chat.", "detected_at": rfc(to), "became_aware_at": rfc(now),
		"window": map[string]any{"from": rfc(from), "to": rfc(to)}, "systems": []string{"sys_vault"}, "token": "crm-sync",
		"jurisdiction_field": map[string]any{"collection": "customers", "field": "country"}, "contact": "dpo@example.com"}
	inc := dpo.Must(201, "POST", "/v1/incidents", body).JSON()
	id := inc["id"].(string)
	aff := inc["affected"].(map[string]any)
	if aff["vault"] != float64(len(inWindow)) || aff["total"] != float64(3) || aff["unknown"] != float64(0) || inc["actor"] != "token:crm-sync" {
		t.Fatalf("affected %v (actor %v), want the 3 subjects the audit log shows", aff, inc["actor"])
	}
	byJur := aff["by_jurisdiction"].(map[string]any)
	if len(byJur) != 2 || byJur["GDPR"] != float64(1) || byJur["VN"] != float64(2) {
		t.Errorf("by jurisdiction %v, want GDPR 1 and VN 2: not Brazil or California, read outside the window", byJur)
	}
	clocks := clockIndex(inc)
	if got := slices.Sorted(maps.Keys(clocks)); !slices.Equal(got, []string{"GDPR supervisory_authority", "VN authority"}) {
		t.Fatalf("clocks %v, want GDPR supervisory authority and VN authority", got)
	}
	if due, _ := time.Parse(time.RFC3339Nano, clocks["GDPR supervisory_authority"]["due_at"].(string)); due.Sub(now.Add(72*time.Hour)).Abs() > time.Millisecond {
		t.Errorf("GDPR due %v, want 72 hours after awareness (%v)", due, now.Add(72*time.Hour))
	}
	if c := clocks["VN authority"]; c["status"] != "open" || !strings.Contains(c["source"].(string), "91/2025") {
		t.Errorf("VN clock %v", c)
	}
	if len(inc["tasks"].([]any)) != 6 || len(inc["drafts"].([]any)) != 2 || len(inc["timeline"].([]any)) < 5 {
		t.Errorf("tasks %d, drafts %d, timeline %d", len(inc["tasks"].([]any)), len(inc["drafts"].([]any)), len(inc["timeline"].([]any)))
	}
	for _, d := range inc["drafts"].([]any) {
		if text := d.(map[string]any)["text"].(string); strings.Contains(text, "@example.com") && !strings.Contains(text, "dpo@example.com") || strings.Contains(text, "Person ") {
			t.Errorf("a draft holds personal data:\n%s", text)
		}
	}
	// By token id and over a window that covers every read: California
	// and Brazil join, with their clocks.
	body["token"] = tokID["id"]
	body["window"] = map[string]any{"from": rfc(from.Add(-time.Hour)), "to": rfc(time.Now())}
	wide := dpo.Must(201, "POST", "/v1/incidents", body).JSON()
	wj := wide["affected"].(map[string]any)["by_jurisdiction"].(map[string]any)
	if wj["CCPA"] != float64(1) || wj["LGPD"] != float64(1) || wj["VN"] != float64(2) {
		t.Errorf("wide window: %v", wj)
	}
	for _, k := range []string{"CCPA residents", "LGPD anpd", "LGPD data_subjects"} {
		if _, ok := clockIndex(wide)[k]; !ok {
			t.Errorf("wide window: no %s clock", k)
		}
	}

	incidentBadInput(t, dpo, body)
	incidentWork(t, dpo, id)
	incidentAlerts(t, s, dpo)
	if r := dpo.Do("GET", "/v1/incidents/inc_nope", nil); r.Status != 404 || r.Code() != "incident_not_found" {
		t.Errorf("unknown incident: %d %s", r.Status, r.Code())
	}
}

// clockIndex maps "REGIME recipient" to the clocks of an incident.
func clockIndex(inc map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, c := range inc["clocks"].([]any) {
		m := c.(map[string]any)
		out[m["regime"].(string)+" "+m["recipient"].(string)] = m
	}
	return out
}

// incidentBadInput: each bad body is a 400 problem and writes nothing.
func incidentBadInput(t *testing.T, dpo *testutil.Client, good map[string]any) {
	t.Helper()
	count := func() int {
		return len(dpo.Must(200, "GET", "/v1/incidents?limit=1000", nil).JSON()["incidents"].([]any))
	}
	alertCount := func() int { return len(dpo.Must(200, "GET", "/v1/alerts", nil).JSON()["alerts"].([]any)) }
	before, alertsBefore := count(), alertCount()
	with := func(k string, v any) map[string]any {
		m := maps.Clone(good)
		m[k] = v
		return m
	}
	now := time.Now()
	cases := map[string]any{
		"window_in_future":      with("window", map[string]any{"from": rfc(now.Add(-time.Hour)), "to": rfc(now.Add(time.Hour))}),
		"aware_before_detected": with("became_aware_at", rfc(now.Add(-24*time.Hour))),
		"detected_at_in_future": with("detected_at", rfc(now.Add(2*time.Hour))),
		"unknown_system":        with("systems", []string{"sys_vault", "sys_nope"}),
		"unknown_token":         with("token", "no-such-token"),
		"unknown_actor":         with("token", nil),
		"unknown_collection":    with("jurisdiction_field", map[string]any{"collection": "nope", "field": "country"}),
		"unknown_field":         with("jurisdiction_field", map[string]any{"collection": "customers", "field": "planet"}),
		"unknown_jurisdiction":  with("jurisdictions", []string{"Atlantis"}),
		"malformed_json":        with("surprise", true),
	}
	cases["unknown_actor"].(map[string]any)["actor"] = "user:usr_nobody"
	delete(cases["unknown_actor"].(map[string]any), "token")
	for code, b := range cases {
		r := dpo.Do("POST", "/v1/incidents", b)
		if r.Status != 400 || r.Code() != code || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %q %s, want 400 problem", code, r.Status, r.Code(), r.Body)
		}
	}
	if after := count(); after != before {
		t.Errorf("bad input wrote incidents: %d before, %d after", before, after)
	}
	if after := alertCount(); after != alertsBefore {
		t.Errorf("bad input raised alerts")
	}
}

// incidentWork closes tasks, records a notification and adds evidence.
func incidentWork(t *testing.T, dpo *testutil.Client, id string) {
	t.Helper()
	base := "/v1/incidents/" + id
	sum := strings.Repeat("9f", 32)
	inc := dpo.Must(200, "POST", base+"/tasks/contain/close", map[string]any{"evidence": "token revoked", "evidence_sha256": sum}).JSON()
	if task := inc["tasks"].([]any)[0].(map[string]any); task["state"] != "closed" || task["evidence_sha256"] != sum || task["closed_by"] == "" {
		t.Errorf("contain task %v", task)
	}
	for _, c := range []struct {
		path   string
		body   any
		status int
		code   string
	}{
		{"/tasks/contain/close", map[string]any{"evidence": "again"}, 409, "task_closed"},
		{"/tasks/notify_authority/close", map[string]any{"evidence": "sent"}, 409, "clocks_open"},
		{"/tasks/dance/close", map[string]any{"evidence": "x"}, 404, "task_not_found"},
		{"/tasks/investigate/close", map[string]any{}, 400, "evidence_required"},
		{"/notifications", map[string]any{"regime": "LGPD", "recipient": "anpd"}, 404, "clock_not_found"},
		{"/notifications", map[string]any{"regime": "GDPR", "recipient": "supervisory_authority", "sent_at": rfc(time.Now().Add(time.Hour))}, 400, "sent_at_in_future"},
		{"/evidence", map[string]any{"description": "log", "sha256": "xyz"}, 400, "invalid_sha256"},
	} {
		if r := dpo.Do("POST", base+c.path, c.body); r.Status != c.status || r.Code() != c.code {
			t.Errorf("%s: %d %q, want %d %s", c.path, r.Status, r.Code(), c.status, c.code)
		}
	}
	inc = dpo.Must(200, "POST", base+"/notifications", map[string]any{"regime": "GDPR", "recipient": "supervisory_authority", "reference": "case 42"}).JSON()
	if c := clockIndex(inc)["GDPR supervisory_authority"]; c["status"] != "met" || c["reference"] != "case 42" || c["met_at"] == nil {
		t.Errorf("GDPR clock after the notification: %v", c)
	}
	if r := dpo.Do("POST", base+"/notifications", map[string]any{"regime": "GDPR", "recipient": "supervisory_authority"}); r.Status != 409 || r.Code() != "clock_closed" {
		t.Errorf("second notification: %d %s", r.Status, r.Code())
	}
	dpo.Must(200, "POST", base+"/notifications", map[string]any{"regime": "VN", "recipient": "authority"})
	dpo.Must(200, "POST", base+"/tasks/notify_authority/close", map[string]any{"evidence": "both authorities notified"})
	inc = dpo.Must(201, "POST", base+"/evidence", map[string]any{"description": "chat export", "sha256": strings.ToUpper(sum)}).JSON()
	if ev := inc["evidence"].([]any); len(ev) != 1 || ev[0].(map[string]any)["sha256"] != sum {
		t.Errorf("evidence %v", ev)
	}
	if r := dpo.Do("POST", base+"/evidence", map[string]any{"description": "again", "sha256": sum}); r.Status != 409 || r.Code() != "evidence_exists" {
		t.Errorf("duplicate evidence: %d %s", r.Status, r.Code())
	}
	inc = dpo.Must(200, "GET", base, nil).JSON()
	var kinds []string
	for _, e := range inc["timeline"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	for _, k := range []string{"detected", "became_aware", "created", "clock_started", "task_closed", "notification_sent", "evidence_added"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("timeline lacks %s: %v", k, kinds)
		}
	}
	if inc["status"] != "open" {
		t.Errorf("status %v with open tasks", inc["status"])
	}
}

// incidentAlerts: an incident known for 70 hours alerts as its GDPR clock
// nears its end, once, and once more when it is overdue.
func incidentAlerts(t *testing.T, s *testutil.Server, dpo *testutil.Client) {
	t.Helper()
	alerts := func(id string) []map[string]any {
		var out []map[string]any
		for _, a := range dpo.Must(200, "GET", "/v1/alerts", nil).JSON()["alerts"].([]any) {
			m := a.(map[string]any)
			if m["kind"] == "incident_clock" && m["principal"] == "incident:"+id {
				out = append(out, m)
			}
		}
		return out
	}
	now := time.Now()
	inc := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "A laptop with a customer export was stolen.",
		"detected_at": rfc(now.Add(-71 * time.Hour)), "became_aware_at": rfc(now.Add(-70 * time.Hour)), "systems": []string{"sys_vault"},
		"jurisdictions": []string{"GDPR"}, "estimated_subjects": 40}).JSON()
	id := inc["id"].(string)
	as := alerts(id)
	if len(as) != 1 || as[0]["severity"] != "critical" || as[0]["data"].(map[string]any)["status"] != "near_end" ||
		as[0]["data"].(map[string]any)["regime"] != "GDPR" {
		t.Fatalf("alerts after filing: %v, want one near_end alert", as)
	}
	s.App.API.CheckIncidentClocks(t.Context())
	if n := len(alerts(id)); n != 1 {
		t.Errorf("alerts after a second check: %d, want 1", n)
	}
	s.App.API.CheckIncidentClocksAt(t.Context(), now.Add(3*time.Hour))
	s.App.API.CheckIncidentClocksAt(t.Context(), now.Add(4*time.Hour))
	as = alerts(id)
	if len(as) != 2 || as[0]["data"].(map[string]any)["status"] != "overdue" {
		t.Errorf("alerts once overdue: %v, want near_end then overdue", as)
	}
	// A met clock no longer alerts.
	dpo.Must(200, "POST", "/v1/incidents/"+id+"/notifications", map[string]any{"regime": "GDPR", "recipient": "supervisory_authority"})
	s.App.API.CheckIncidentClocksAt(t.Context(), now.Add(5*time.Hour))
	if n := len(alerts(id)); n != 2 {
		t.Errorf("alerts after the notification: %d, want 2", n)
	}
	// A clock "without undue delay" (DPDP's first notice) alerts as due
	// now, never as overdue.
	dp := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "A misdirected e-mail.", "detected_at": rfc(now.Add(-time.Hour)),
		"became_aware_at": rfc(now.Add(-time.Hour)), "systems": []string{"sys_vault"}, "jurisdictions": []string{"DPDP"}}).JSON()
	found := false
	for _, a := range alerts(dp["id"].(string)) {
		d := a["data"].(map[string]any)
		if d["status"] == "overdue" && a["message"] == "a breach notification is due without delay" {
			t.Errorf("a without-delay clock alerted as overdue: %v", a)
		}
		found = found || d["status"] == "due_now"
	}
	if !found {
		t.Errorf("no due_now alert for a DPDP incident: %v", alerts(dp["id"].(string)))
	}
}

// incident has the dpo file a small incident and returns its id.
func (e *rbacEnv) incident(t *testing.T) string {
	t.Helper()
	return e.data.Must(201, "POST", "/v1/incidents", incidentBody()).JSON()["id"].(string)
}

// incidentBody is an incident with no counted subject under GDPR.
func incidentBody() map[string]any {
	now := time.Now()
	return map[string]any{"description": "A misdirected e-mail.", "detected_at": rfc(now.Add(-2 * time.Hour)),
		"became_aware_at": rfc(now.Add(-time.Hour)), "systems": []string{"sys_vault"}, "jurisdictions": []string{"GDPR"}}
}

// TestIncidentPhoneGivesCountry: a phone field named as an incident's
// jurisdiction field counts each person under the country of their
// number, and the clocks of those regimes start (QA: every person was of
// no known jurisdiction, and no clock started).
func TestIncidentPhoneGivesCountry(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	for i, phone := range []string{"+84912345001", "+84912345002", "+4915123456789", ""} {
		body := map[string]any{"email": fmt.Sprintf("p%d@example.com", i), "name": "Person"}
		if phone != "" {
			body["phone"] = phone
		}
		dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", body)
	}
	inc := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "A laptop with an export was stolen.",
		"detected_at": rfc(time.Now().Add(-time.Hour)), "became_aware_at": rfc(time.Now()), "systems": []string{"sys_vault"},
		"collections": []string{"customers"}, "jurisdiction_field": map[string]any{"collection": "customers", "field": "phone"}}).JSON()
	aff := inc["affected"].(map[string]any)
	byJur := aff["by_jurisdiction"].(map[string]any)
	if aff["vault"] != float64(4) || aff["unknown"] != float64(1) || byJur["VN"] != float64(2) || byJur["GDPR"] != float64(1) {
		t.Fatalf("affected %v", aff)
	}
	clocks := clockIndex(inc)
	for _, k := range []string{"VN authority", "GDPR supervisory_authority"} {
		if _, ok := clocks[k]; !ok {
			t.Errorf("no %s clock: %v", k, slices.Sorted(maps.Keys(clocks)))
		}
	}
}
