package app_test

import (
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// The fixes of the outside governance audit, over real HTTP on both
// storage engines.
func TestGovernanceAudit(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { governanceAuditExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { governanceAuditExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

func governanceAuditExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	t.Run("incident categories", func(t *testing.T) { auditIncidentCategories(t, admin, dpo) })
	t.Run("system control characters", func(t *testing.T) { auditSystemControlCharacters(t, dpo) })
	t.Run("system vocabulary", func(t *testing.T) { auditSystemVocabulary(t, dpo) })
	t.Run("processors in the picture", func(t *testing.T) { auditProcessorsInPicture(t, dpo) })
	t.Run("without delay", func(t *testing.T) { auditWithoutDelay(t, dpo) })
}

// xmlWellFormed fails unless every token of doc parses.
func xmlWellFormed(t *testing.T, what string, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(doc)))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", what, err)
		}
	}
}

// auditIncidentCategories: an incident on a token that read only the
// patients collection lists only the patients' categories (name, health),
// in its record and in every draft, not the rest of the vault (date of
// birth, address, content, system operations); naming the patients
// collection gives the same; a CRM named beside it adds its declared
// categories; categories the incident names win.
func auditIncidentCategories(t *testing.T, admin, dpo *testutil.Client) {
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "patients", "kind": "persons", "fields": []any{
		map[string]any{"name": "name", "type": "name", "category": "user.name", "purposes": []string{"support"}},
		map[string]any{"name": "diagnosis", "type": "text", "category": "user.health_and_medical", "purposes": []string{"support"}},
	}})
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "members", "kind": "persons", "fields": []any{
		map[string]any{"name": "email", "type": "email", "category": "user.contact.email", "purposes": []string{"support"}, "unique": true},
		map[string]any{"name": "born", "type": "date", "category": "user.demographic.date_of_birth", "purposes": []string{"support"}},
		map[string]any{"name": "address", "type": "address", "category": "user.contact.address", "purposes": []string{"support"}},
		map[string]any{"name": "notes", "type": "text", "category": "user.content", "purposes": []string{"support"}},
		map[string]any{"name": "resolved_on", "type": "date", "category": "system.operations", "purposes": []string{"support"}},
	}})
	patient := dpo.Must(201, "POST", "/v1/collections/patients/records?purpose=support", map[string]any{"name": "Bình Trần", "diagnosis": "asthma"}).JSON()["id"].(string)
	member := dpo.Must(201, "POST", "/v1/collections/members/records?purpose=support", map[string]any{"email": "m@example.com", "born": "1990-01-02",
		"notes": "called twice", "resolved_on": "2026-01-05"}).JSON()["id"].(string)
	tok := admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "lab-sync", "role": "support"}).JSON()
	lab := admin.With(tok["token"].(string))
	time.Sleep(10 * time.Millisecond)
	from := time.Now()
	time.Sleep(10 * time.Millisecond)
	lab.Must(200, "GET", "/v1/collections/patients/records/"+patient+"?purpose=support", nil)
	time.Sleep(10 * time.Millisecond)
	to := time.Now()
	time.Sleep(10 * time.Millisecond)
	lab.Must(200, "GET", "/v1/collections/members/records/"+member+"?purpose=support", nil) // after the window

	body := func() map[string]any {
		return map[string]any{"description": "The lab-sync token leaked.", "detected_at": rfc(to), "became_aware_at": rfc(time.Now()),
			"window": map[string]any{"from": rfc(from), "to": rfc(to)}, "systems": []string{"sys_vault"}, "token": "lab-sync",
			"jurisdictions": []string{"GDPR"}, "high_risk": true}
	}
	patientsOnly := []string{"user.health_and_medical", "user.name"}
	check := func(what string, inc map[string]any, want []string) {
		t.Helper()
		var got []string
		for _, c := range inc["categories"].([]any) {
			got = append(got, c.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: categories %v, want %v", what, got, want)
		}
		drafts := inc["drafts"].([]any)
		if len(drafts) < 2 {
			t.Fatalf("%s: %d drafts, want the authority's and the individuals'", what, len(drafts))
		}
		for _, d := range drafts {
			text := d.(map[string]any)["text"].(string)
			for _, bad := range []string{"date of birth", "demographic", "address", "content", "operations", "system:"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s: a %s draft lists %q:\n%s", what, d.(map[string]any)["audience"], bad, text)
				}
			}
			for _, good := range []string{"- health and medical", "- name"} {
				if !strings.Contains(text, good) {
					t.Errorf("%s: a %s draft lacks %q:\n%s", what, d.(map[string]any)["audience"], good, text)
				}
			}
		}
	}
	inc := dpo.Must(201, "POST", "/v1/incidents", body()).JSON()
	if inc["affected"].(map[string]any)["vault"] != float64(1) {
		t.Errorf("affected %v, want the one patient read", inc["affected"])
	}
	check("token", inc, patientsOnly)

	b := body()
	delete(b, "token")
	delete(b, "window")
	b["collections"] = []string{"patients"}
	check("collections", dpo.Must(201, "POST", "/v1/incidents", b).JSON(), patientsOnly)

	crm := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Clinic CRM", "kind": "crm", "status": "official",
		"categories": []string{"user.contact.email"}}).JSON()["id"].(string)
	b = body()
	b["systems"] = []string{"sys_vault", crm}
	inc = dpo.Must(201, "POST", "/v1/incidents", b).JSON()
	got := inc["categories"].([]any)
	if len(got) != 3 || !slices.Contains(got, any("user.contact.email")) || !slices.Contains(got, any("user.name")) {
		t.Errorf("token and CRM: categories %v, want the patients' and the CRM's e-mail", got)
	}

	b = body()
	b["categories"] = []string{"user.contact.address"}
	inc = dpo.Must(201, "POST", "/v1/incidents", b).JSON()
	if got := inc["categories"].([]any); len(got) != 1 || got[0] != "user.contact.address" {
		t.Errorf("explicit categories: %v", got)
	}
}

// auditSystemControlCharacters: POST and PUT /v1/systems refuse control
// characters in the name, owner, holders and other free text, naming the
// field; the picture and the report stay well-formed.
func auditSystemControlCharacters(t *testing.T, dpo *testutil.Client) {
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "a\u0007b\u001b[31m", "kind": "crm"}, "name"},
		{map[string]any{"name": "ok", "kind": "crm", "owner": "Lan\u001b[0m"}, "owner"},
		{map[string]any{"name": "ok", "kind": "crm", "holders": []string{"an\u0007"}}, "holders"},
		{map[string]any{"name": "ok", "kind": "crm", "retention": "1 year\u0007"}, "retention"},
		{map[string]any{"name": "ok", "kind": "crm", "description": "x\u0007"}, "description"},
		{map[string]any{"name": "ok", "kind": "crm", "match": map[string]any{"hosts": []string{"h\u0007"}}}, "match.hosts"},
	} {
		r := dpo.Do("POST", "/v1/systems", tc.body)
		code := "invalid_" + strings.ReplaceAll(tc.field, ".", "_")
		if r.Status != 400 || r.Code() != code || !strings.Contains(r.JSON()["detail"].(string), tc.field) {
			t.Errorf("POST %s: %d %s", tc.field, r.Status, r.Body)
		}
	}
	id := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Sales sheet", "kind": "spreadsheet", "owner": "Lan"}).JSON()["id"].(string)
	if r := dpo.Do("PUT", "/v1/systems/"+id, map[string]any{"name": "Sales\u0007sheet", "kind": "spreadsheet"}); r.Status != 400 || r.Code() != "invalid_name" {
		t.Errorf("PUT name: %d %s", r.Status, r.Body)
	}
	if got := dpo.Must(200, "GET", "/v1/systems/"+id, nil).JSON()["name"]; got != "Sales sheet" {
		t.Errorf("the refused PUT changed the name to %q", got)
	}
	// A multi-line description from the console's text area is fine.
	dpo.Must(200, "PUT", "/v1/systems/"+id, map[string]any{"name": "Sales sheet", "kind": "spreadsheet", "description": "Q1 leads\r\nshared by mail"})
	xmlWellFormed(t, "datamap.svg", dpo.Must(200, "GET", "/v1/datamap.svg", nil).Body)
	if html := dpo.Must(200, "GET", "/v1/report?format=html", nil).Body; strings.ContainsRune(string(html), 0) {
		t.Error("a NUL reached the HTML report")
	}
}

// auditSystemVocabulary: POST and PUT /v1/systems refuse a jurisdiction
// the breach rules do not know, a category outside fideslang, a country
// outside ISO 3166-1 alpha-2 and an unregistered purpose, naming the
// field and the value; nothing is written.
func auditSystemVocabulary(t *testing.T, dpo *testutil.Client) {
	id := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Zalo group", "kind": "chat", "jurisdictions": []string{"VN", "US-CA", "GDPR"},
		"categories": []string{"user.contact.phone_number", "user.contact.email.work"}, "transfers": []string{"SG"}, "purposes": []string{"support"}}).JSON()["id"].(string)
	before := len(dpo.Must(200, "GET", "/v1/systems", nil).JSON()["systems"].([]any))
	for _, tc := range []struct {
		field, value, code string
	}{
		{"jurisdictions", "Narnia", "unknown_jurisdiction"},
		{"categories", "user.totally.madeup", "unknown_category"},
		{"transfers", "ZZ", "unknown_country"},
		{"purposes", "world_domination", "unknown_purpose"},
	} {
		for _, m := range []string{"POST", "PUT"} {
			path := "/v1/systems"
			if m == "PUT" {
				path += "/" + id
			}
			r := dpo.Do(m, path, map[string]any{"name": "Zalo group 2", "kind": "chat", tc.field: []string{tc.value}})
			if detail, _ := r.JSON()["detail"].(string); r.Status != 400 || r.Code() != tc.code || !strings.Contains(detail, tc.field) || !strings.Contains(detail, tc.value) {
				t.Errorf("%s %s %s: %d %s", m, tc.field, tc.value, r.Status, r.Body)
			}
		}
	}
	if after := len(dpo.Must(200, "GET", "/v1/systems", nil).JSON()["systems"].([]any)); after != before {
		t.Errorf("%d systems after refused input, want %d", after, before)
	}
	if got := dpo.Must(200, "GET", "/v1/systems/"+id, nil).JSON(); got["name"] != "Zalo group" || len(got["jurisdictions"].([]any)) != 3 {
		t.Errorf("a refused PUT changed the system: %v", got)
	}
}

// auditProcessorsInPicture: a processor registered with the categories
// shared with it, named by no system, is in the data map's picture (and
// the report's) with its missing DPA marked.
func auditProcessorsInPicture(t *testing.T, dpo *testutil.Client) {
	p := dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Brevo", "service": "newsletters", "country": "FR", "dpa_status": "none",
		"categories": []string{"user.contact.email"}}).JSON()
	if probs := p["problems"].([]any); len(probs) == 0 || probs[0].(map[string]any)["kind"] != "dpa_missing" {
		t.Fatalf("processor problems %v, want dpa_missing", probs)
	}
	svg := dpo.Must(200, "GET", "/v1/datamap.svg", nil).Body
	xmlWellFormed(t, "datamap.svg", svg)
	for _, want := range []string{"processor: Brevo newsletters", `class="flow dpa_missing"`, "no signed DPA", `class="flow-line dpa_missing"`} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("datamap.svg lacks %q", want)
		}
	}
	if html := string(dpo.Must(200, "GET", "/v1/report?format=html", nil).Body); !strings.Contains(html, "processor: Brevo newsletters") {
		t.Error("the report's picture lacks the processor")
	}
}

// auditWithoutDelay: the clocks the law runs "without delay" (GDPR Art.
// 34 for a high-risk breach, India's board and data principals) are
// due_now, not overdue, at creation and later; the report does not count
// them as passed deadlines but names them as due now.
func auditWithoutDelay(t *testing.T, dpo *testutil.Client) {
	now := time.Now()
	inc := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "A laptop with an export was stolen.",
		"detected_at": rfc(now.Add(-time.Hour)), "became_aware_at": rfc(now), "systems": []string{"sys_vault"},
		"jurisdictions": []string{"GDPR", "IN"}, "estimated_subjects": 40, "high_risk": true}).JSON()
	id := inc["id"].(string)
	clocks := clockIndex(inc)
	for _, k := range []string{"GDPR data_subjects", "DPDP data_principals", "DPDP board"} {
		if c := clocks[k]; c == nil || c["status"] != "due_now" {
			t.Errorf("%s: %v, want due_now", k, c)
		}
	}
	for _, k := range []string{"GDPR supervisory_authority", "DPDP board_report"} {
		if c := clocks[k]; c == nil || c["status"] != "open" {
			t.Errorf("%s: %v, want open", k, c)
		}
	}
	time.Sleep(20 * time.Millisecond)
	if c := clockIndex(dpo.Must(200, "GET", "/v1/incidents/"+id, nil).JSON())["DPDP board"]; c["status"] != "due_now" {
		t.Errorf("DPDP board later: %v", c["status"])
	}
	for _, it := range dpo.Must(200, "GET", "/v1/report", nil).JSON()["items"].([]any) {
		m := it.(map[string]any)
		if m["id"] != "incident_clocks" {
			continue
		}
		if m["status"] != "pass" || len(m["evidence"].([]any)) != 0 || !strings.Contains(m["detail"].(string), "due now") ||
			!strings.Contains(m["detail"].(string), id+": DPDP board") {
			t.Errorf("incident_clocks %v: without-delay clocks counted as passed deadlines or not surfaced", m)
		}
	}
}
