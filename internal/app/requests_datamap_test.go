package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestRequestsUseTheDataMap: the systems of the data map that hold the
// subject's categories are listed in the access package, and an erasure
// opens a task for each of them; the request completes only when they are
// closed. A system holding other categories is left out.
func TestRequestsUseTheDataMap(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { requestsUseTheDataMap(t, reqSetup(t)) })
	t.Run("postgres", func(t *testing.T) {
		requestsUseTheDataMap(t, reqSetupWith(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}))
	})
}

func requestsUseTheDataMap(t *testing.T, e *reqEnv) {
	crm := e.dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "HubSpot CRM", "kind": "crm", "status": "official",
		"owner": "sales-lead@example.com", "categories": []string{"user.contact.email", "user.name"}}).JSON()
	zalo := e.dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Zalo group (sales)", "kind": "chat", "status": "shadow",
		"holders": []string{"lan@example.com"}, "categories": []string{"user.contact"}}).JSON()
	e.dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "HR files", "kind": "file_share", "status": "official",
		"categories": []string{"user.government_id"}})

	// What Art. 15(1) asks besides the data: purposes with their legal
	// bases, retention, recipients, the subject's own limits.
	e.dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Mailer Inc", "service": "newsletters", "country": "US", "dpa_status": "none",
		"categories": []string{"user.contact.email"}})
	e.dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Payroll Co", "service": "payroll", "country": "SG", "dpa_status": "none",
		"categories": []string{"user.government_id"}})
	e.dpo.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 5, "unit": "years"},
		"action": "delete", "description": "customer records"})

	// The access package names the two systems, without their staff.
	acc := e.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"})
	e.move(t, acc["id"].(string), "verifying_identity")
	e.move(t, acc["id"].(string), "in_progress")
	e.dpo.Must(200, "POST", "/v1/requests/"+acc["id"].(string)+"/execute", nil)
	r := e.dpo.Must(200, "GET", "/v1/requests/"+acc["id"].(string)+"/package", nil)
	files := unzipAll(t, r.Body)
	var pkg struct {
		Systems []struct {
			ID         string   `json:"id"`
			Categories []string `json:"categories"`
		} `json:"systems"`
	}
	if err := json.Unmarshal([]byte(files["subject.json"]), &pkg); err != nil {
		t.Fatal(err)
	}
	var art15 struct {
		Processing struct {
			Collections []struct {
				Collection string `json:"collection"`
				Fields     []struct {
					Field    string `json:"field"`
					Purposes []struct {
						Purpose    string `json:"purpose"`
						LegalBasis string `json:"legal_basis"`
					} `json:"purposes"`
				} `json:"fields"`
				Retention []string `json:"retention"`
			} `json:"collections"`
			Recipients []struct {
				Vendor string `json:"vendor"`
			} `json:"recipients"`
		} `json:"processing"`
	}
	if err := json.Unmarshal([]byte(files["subject.json"]), &art15); err != nil {
		t.Fatal(err)
	}
	pr := art15.Processing
	if len(pr.Collections) != 1 || pr.Collections[0].Collection != "customers" || len(pr.Collections[0].Retention) != 1 ||
		!strings.Contains(pr.Collections[0].Retention[0], "deleted 5 years after created") {
		t.Errorf("processing: %+v", pr)
	} else if f := pr.Collections[0].Fields[0]; len(f.Purposes) == 0 || f.Purposes[0].LegalBasis == "" {
		t.Errorf("a field without its purposes' legal bases: %+v", f)
	}
	if len(pr.Recipients) != 1 || pr.Recipients[0].Vendor != "Mailer Inc" {
		t.Errorf("recipients: %+v", pr.Recipients)
	}
	if len(pkg.Systems) != 2 || pkg.Systems[0].ID != crm["id"] && pkg.Systems[1].ID != crm["id"] {
		t.Errorf("package systems: %+v", pkg.Systems)
	}
	if !strings.Contains(files["systems.csv"], "HubSpot CRM") || !strings.Contains(files["systems.csv"], "Zalo group (sales)") || strings.Contains(files["systems.csv"], "HR files") {
		t.Errorf("systems.csv: %s", files["systems.csv"])
	}
	if strings.Contains(files["subject.json"], "sales-lead@example.com") || strings.Contains(files["subject.json"], "lan@example.com") {
		t.Error("the package names the systems' staff")
	}
	e.move(t, acc["id"].(string), "completed")

	// The erasure opens one task per system, the owner's assigned to the
	// owner; under a legal hold it opens none and erases nothing.
	er := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"})
	id := er["id"].(string)
	e.move(t, id, "verifying_identity")
	e.move(t, id, "in_progress")
	hold := e.dpo.Must(201, "POST", "/v1/holds", map[string]any{"subject": e.sub, "reason": "litigation"}).JSON()["id"].(string)
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/execute", nil); r.Status != 409 || r.Code() != "legal_hold" {
		t.Errorf("erasure under a hold: %d %s", r.Status, r.Body)
	}
	if tasks := e.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON()["tasks"].([]any); len(tasks) != 0 {
		t.Errorf("tasks opened under a hold: %v", tasks)
	}
	e.dpo.Must(204, "POST", "/v1/holds/"+hold+"/release", map[string]any{"reason": "case closed"})
	done := e.dpo.Must(200, "POST", "/v1/requests/"+id+"/execute", nil).JSON()
	if !strings.Contains(toJSON(done), "2 task(s) opened") {
		t.Errorf("executed: %v", done)
	}
	tasks := e.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON()["tasks"].([]any)
	bySystem := map[string]map[string]any{}
	for _, x := range tasks {
		tk := x.(map[string]any)
		bySystem[tk["system"].(string)] = tk
	}
	if len(tasks) != 2 || bySystem["HubSpot CRM"] == nil || bySystem["Zalo group (sales)"] == nil {
		t.Fatalf("tasks: %v", tasks)
	}
	if bySystem["HubSpot CRM"]["assignee"] != "sales-lead@example.com" || !strings.Contains(bySystem["Zalo group (sales)"]["description"].(string), zalo["id"].(string)) {
		t.Errorf("tasks: %v", tasks)
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "completed", "reason": "done"}); r.Status != 409 || r.Code() != "tasks_open" {
		t.Errorf("complete with open tasks: %d %s", r.Status, r.Body)
	}
	for _, tk := range bySystem {
		e.dpo.Must(200, "POST", "/v1/requests/"+id+"/tasks/"+tk["id"].(string)+"/close", map[string]any{"evidence": "contact deleted"})
	}
	e.move(t, id, "completed")
}

// unzipAll returns a zip's files by name.
func unzipAll(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(body)
	}
	return files
}

// TestRequestWithoutLegalPeriod: a request type the law sets no period
// for in a jurisdiction (erasure under LGPD) is refused as unprocessable,
// naming the way out, and no request is stored.
func TestRequestWithoutLegalPeriod(t *testing.T) {
	e := reqSetup(t)
	r := e.dpo.Do("POST", "/v1/requests", map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "LGPD"})
	if r.Status != 422 || r.Code() != "no_rule" || !strings.Contains(string(r.Body), "request-rules") {
		t.Errorf("LGPD erasure: %d %s", r.Status, r.Body)
	}
	if reqs := e.dpo.Must(200, "GET", "/v1/requests", nil).JSON()["requests"].([]any); len(reqs) != 0 {
		t.Errorf("requests stored: %v", reqs)
	}
}

// TestRestrictionHoldsWrites: once a restriction of processing is carried
// out, the subject's data is not changed for a purpose it leaves out, nor
// for one the subject objected to; the subject's own rectification
// request still goes through the restriction, not the objection.
func TestRestrictionHoldsWrites(t *testing.T) {
	e := reqSetup(t)
	carryOut := func(body map[string]any, exec any) {
		t.Helper()
		id := e.file(t, body)["id"].(string)
		e.move(t, id, "verifying_identity")
		e.move(t, id, "in_progress")
		e.dpo.Must(200, "POST", "/v1/requests/"+id+"/execute", exec)
	}
	rec := "/v1/collections/customers/records/" + e.id
	carryOut(map[string]any{"type": "objection", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"}, nil)
	if r := e.dpo.Do("PATCH", rec+"?purpose=marketing", map[string]any{"email": "new.minh@example.com"}); r.Status != 409 || r.Code() != "objected" {
		t.Errorf("marketing change after an objection: %d %s", r.Status, r.Body)
	}
	e.dpo.Must(200, "PATCH", rec+"?purpose=support", map[string]any{"address": "5 Đồng Khởi"})

	carryOut(map[string]any{"type": "restriction", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"}, nil)
	if r := e.dpo.Do("PATCH", rec+"?purpose=support", map[string]any{"address": "7 Đồng Khởi"}); r.Status != 409 || r.Code() != "restricted" {
		t.Errorf("support change after a restriction: %d %s", r.Status, r.Body)
	}
	// A rectification naming no collection that exists, or no purpose, is
	// told so.
	rid := e.file(t, map[string]any{"type": "rectification", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"})["id"].(string)
	e.move(t, rid, "verifying_identity")
	e.move(t, rid, "in_progress")
	for code, rect := range map[string]map[string]any{
		"collection_not_found": {"collection": "nope", "record": e.id, "purpose": "support", "data": map[string]any{"name": "X"}},
		"purpose_required":     {"collection": "customers", "record": e.id, "data": map[string]any{"name": "X"}},
	} {
		if r := e.dpo.Do("POST", "/v1/requests/"+rid+"/execute", map[string]any{"rectification": rect}); r.Code() != code {
			t.Errorf("rectification %v: %d %s, want %s", rect, r.Status, r.Body, code)
		}
	}
	// Stated for the purpose the subject objected to, it is refused like
	// any write for it (QA: it passed the objection, and a missing
	// consent); the restriction alone does not hold it back.
	if r := e.dpo.Do("POST", "/v1/requests/"+rid+"/execute", map[string]any{"rectification": map[string]any{"collection": "customers", "record": e.id,
		"purpose": "marketing", "data": map[string]any{"email": "new.minh@example.com"}}}); r.Status != 409 || r.Code() != "objected" {
		t.Errorf("rectification for the objected purpose: %d %s", r.Status, r.Body)
	}
	e.dpo.Must(200, "POST", "/v1/requests/"+rid+"/execute",
		map[string]any{"rectification": map[string]any{"collection": "customers", "record": e.id, "purpose": "support", "data": map[string]any{"name": "Trần Văn Minh Jr"}}})
	got, err := e.srv.App.ExportSubject(context.Background(), e.sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 1 || got.Records[0].Data["name"] != "Trần Văn Minh Jr" || got.Records[0].Data["address"] != "5 Đồng Khởi" {
		t.Errorf("records after the rectification: %+v", got.Records)
	}
}

// TestRequestListFilters: unknown filter values are refused, not answered
// with an empty list; overdue=false lists the requests that are not.
func TestRequestListFilters(t *testing.T) {
	e := reqSetup(t)
	id := e.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"})["id"].(string)
	for _, q := range []string{"/v1/requests?state=bogus", "/v1/requests?type=bogus", "/v1/requests?open=maybe", "/v1/deletions?kind=bogus"} {
		if r := e.dpo.Do("GET", q, nil); r.Status != 400 || r.Code() != "invalid_parameter" {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	late := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR",
		"received_at": time.Now().AddDate(0, -3, 0).UTC().Format(time.RFC3339)})["id"].(string)
	if reqs := e.dpo.Must(200, "GET", "/v1/requests?overdue=false", nil).JSON()["requests"].([]any); len(reqs) != 1 || reqs[0].(map[string]any)["id"] != id {
		t.Errorf("overdue=false: %v", reqs)
	}
	if reqs := e.dpo.Must(200, "GET", "/v1/requests?overdue=true", nil).JSON()["requests"].([]any); len(reqs) != 1 || reqs[0].(map[string]any)["id"] != late {
		t.Errorf("overdue=true: %v", reqs)
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "flying", "reason": "x"}); r.Status != 400 || r.Code() != "invalid_state" {
		t.Errorf("transition to an unknown state: %d %s", r.Status, r.Body)
	}
}

// TestRequestInputMessages: a received_at before 2000 and a channel with a
// control character are refused with messages that say what is wrong.
func TestRequestInputMessages(t *testing.T) {
	e := reqSetup(t)
	for _, tc := range []struct {
		body map[string]any
		code string
		says string
	}{
		{map[string]any{"received_at": "0001-01-01T00:00:00Z"}, "invalid_received_at", "before 2000"},
		{map[string]any{"received_at": time.Now().AddDate(0, 0, 2).Format(time.RFC3339)}, "invalid_received_at", "in the future"},
		{map[string]any{"channel": "web\u0007"}, "invalid_text", "control characters"},
	} {
		body := map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"}
		for k, v := range tc.body {
			body[k] = v
		}
		if r := e.dpo.Do("POST", "/v1/requests", body); r.Status != 400 || r.Code() != tc.code || !strings.Contains(string(r.Body), tc.says) {
			t.Errorf("%v: %d %s", tc.body, r.Status, r.Body)
		}
	}
}

// TestRequestReceiptForFilers: a role that may file requests but not read
// them (sales) gets a receipt that does not say whether the person was
// found, the first time or the second: a duplicate is filed as rejected
// and answered with the same receipt, as an unmatched lookup is.
func TestRequestReceiptForFilers(t *testing.T) {
	e := reqSetup(t)
	sales := e.admin.With(e.admin.RoleToken("sales"))
	keys := func(body []byte) string {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		return strings.Join(slices.Sorted(maps.Keys(m)), ",")
	}
	var first string
	for range 2 {
		for _, email := range []string{"minh.tran@example.com", "nobody@example.com"} {
			r := sales.Do("POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"email": email}, "jurisdiction": "GDPR"})
			body := string(r.Body)
			if r.Status != 201 || strings.Contains(body, e.sub) || strings.Contains(body, `"state"`) || strings.Contains(body, "rejected") || !strings.Contains(body, `"due_at"`) {
				t.Errorf("receipt for %s: %d %s", email, r.Status, body)
			}
			if first == "" {
				first = keys(r.Body)
			} else if k := keys(r.Body); k != first {
				t.Errorf("receipt for %s has members %s, the first had %s", email, k, first)
			}
		}
	}
	// The second request for the customer is on the DPO's queue, rejected
	// as a duplicate; the first stays open.
	var open, dups int
	for _, x := range e.dpo.Must(200, "GET", "/v1/requests?limit=100", nil).JSON()["requests"].([]any) {
		m := x.(map[string]any)
		if m["subject"] != e.sub || m["type"] != "access" {
			continue
		}
		switch {
		case m["state"] == "rejected" && strings.Contains(fmt.Sprint(m["outcome"]), "duplicate"):
			dups++
		case m["state"] != "rejected":
			open++
		}
	}
	if open != 1 || dups != 1 {
		t.Errorf("the customer's access requests: %d open, %d rejected as duplicates; want 1 and 1", open, dups)
	}
	// One audit entry per filing, each a success: the duplicate was
	// stored rejected in the same write, not refused and then retried.
	filed := 0
	for _, x := range e.admin.Must(200, "GET", "/v1/audit?limit=1000", nil).JSON()["entries"].([]any) {
		m := x.(map[string]any)
		if m["action"] == "request.create" {
			filed++
			if m["outcome"] != "ok" {
				t.Errorf("a filing audited as %v", m)
			}
		}
	}
	if filed != 4 {
		t.Errorf("%d filings audited, want 4", filed)
	}
	// The DPO, who reads requests, still gets all of it.
	if r := e.dpo.Do("POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"email": "minh.tran@example.com"}, "jurisdiction": "GDPR"}); r.Status != 409 || !strings.Contains(string(r.Body), "req_") {
		t.Errorf("duplicate for the DPO: %d %s", r.Status, r.Body)
	}
}

// TestFreeTextRefusesIdentifiers: the free text of requests, tasks and
// holds is stored as written and outlives an erasure, so a customer's
// e-mail address, phone number or id in it is refused, naming the kind of
// value and never the value (QA: a backup held the names and notes).
func TestFreeTextRefusesIdentifiers(t *testing.T) {
	e := reqSetup(t)
	refused := func(what string, r testutil.Response) {
		t.Helper()
		if r.Status != 400 || r.Code() != "personal_data_in_text" || strings.Contains(r.Text(), "0912") || strings.Contains(r.Text(), "minh.tran@") {
			t.Errorf("%s: %d %s", what, r.Status, r.Body)
		}
	}
	refused("note", e.dpo.Do("POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": e.sub},
		"jurisdiction": "GDPR", "note": "called from 0912 345 678"}))
	id := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR", "note": "by phone, identity checked"})["id"].(string)
	refused("move reason", e.dpo.Do("POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "verifying_identity", "reason": "wrote to minh.tran@example.com"}))
	refused("task description", e.dpo.Do("POST", "/v1/requests/"+id+"/tasks", map[string]any{"system": "HubSpot", "description": "delete minh.tran@example.com"}))
	task := e.dpo.Must(201, "POST", "/v1/requests/"+id+"/tasks", map[string]any{"system": "HubSpot", "description": "delete the contact of this request"}).JSON()["id"].(string)
	refused("task evidence", e.dpo.Do("POST", "/v1/requests/"+id+"/tasks/"+task+"/close", map[string]any{"state": "closed", "evidence": "deleted contact 0912345678"}))
	refused("hold reason", e.dpo.Do("POST", "/v1/holds", map[string]any{"subject": e.sub, "reason": "dispute with minh.tran@example.com"}))

	// Consent evidence, incidents, exports and retention rules too (QA:
	// a consent's method kept a customer's e-mail after the erasure, for
	// the auditor to read).
	consent := map[string]any{"purpose": "marketing", "action": "grant", "method": "told at minh.tran@example.com", "notice_version": "v1",
		"notice_text": "Offers by e-mail; write to privacy@shop.example to withdraw.", "channel": "web", "collected_by": "shop"}
	refused("consent method", e.dpo.Do("POST", "/v1/subjects/"+e.sub+"/consents", consent))
	consent["method"], consent["collected_by"] = "web form", "call with 0912 345 678"
	refused("consent collected_by", e.dpo.Do("POST", "/v1/subjects/"+e.sub+"/consents", consent))
	// A member of staff may be named by address, and the organisation's
	// notice may give its own.
	consent["collected_by"] = "lan@shop.example"
	e.dpo.Must(201, "POST", "/v1/subjects/"+e.sub+"/consents", consent)
	incident := map[string]any{"description": "a list with minh.tran@example.com leaked", "detected_at": time.Now().UTC().Add(-time.Hour),
		"became_aware_at": time.Now().UTC().Add(-time.Hour), "jurisdictions": []string{"VN"}}
	refused("incident description", e.dpo.Do("POST", "/v1/incidents", incident))
	refused("export reason", e.dpo.Do("POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support",
		"reason": "for the call with 0912 345 678"}))
	refused("retention rule description", e.dpo.Do("POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created",
		"keep": map[string]any{"n": 5, "unit": "years"}, "description": "asked by minh.tran@example.com"}))
	consent["notice_version"] = "v1 for minh.tran@example.com"
	refused("consent notice_version", e.dpo.Do("POST", "/v1/subjects/"+e.sub+"/consents", consent))
	// Reasons kept in the audit chain and the registers, and where a
	// copy went: the import's source names its holder by address, never
	// a customer's phone (QA round 3).
	refused("restriction lift reason", e.dpo.Do("DELETE", "/v1/subjects/"+e.sub+"/restriction", map[string]any{"reason": "told minh.tran@example.com"}))
	refused("objection lift reason", e.dpo.Do("DELETE", "/v1/subjects/"+e.sub+"/objections/marketing", map[string]any{"reason": "called 0912 345 678"}))
	refused("offboarding reason", e.dpo.Do("POST", "/v1/people/usr_nobody/offboard", map[string]any{"reason": "kept card 4111 1111 1111 1111"}))
	// Who holds a copy, who owns a system, what course was taken: staff
	// by name or address, never a customer's number (QA round 4).
	refused("system holder", e.dpo.Do("POST", "/v1/systems", map[string]any{"name": "Lan's sheet", "kind": "spreadsheet", "holders": []string{"4111 1111 1111 1111"}}))
	refused("system owner", e.dpo.Do("POST", "/v1/systems", map[string]any{"name": "Lan's sheet", "kind": "spreadsheet", "owner": "CCCD 079203001234"}))
	e.dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Lan's sheet", "kind": "spreadsheet", "owner": "lan@shop.example", "holders": []string{"Lan", "minh@shop.example"}})
	// A system's name and description, a processor's names and an
	// incident's contact go into the report, the data-map picture and the
	// Art. 30 record (QA round 5).
	refused("system name", e.dpo.Do("POST", "/v1/systems", map[string]any{"name": "chat with minh.tran@example.com", "kind": "chat"}))
	refused("system description", e.dpo.Do("POST", "/v1/systems", map[string]any{"name": "Zalo OA", "kind": "chat", "description": "customer 0912 345 678"}))
	refused("processor vendor", e.dpo.Do("POST", "/v1/processors", map[string]any{"vendor": "minh.tran@example.com", "service": "x", "country": "US", "dpa_status": "none"}))
	refused("sub-processor", e.dpo.Do("POST", "/v1/processors", map[string]any{"vendor": "Mailer", "service": "x", "country": "US", "dpa_status": "none",
		"sub_processors": []map[string]any{{"name": "0912 345 678", "country": "US"}}}))
	incident["description"], incident["contact"], incident["systems"] = "a laptop was stolen", "card 4111 1111 1111 1111", []string{"sys_vault"}
	refused("incident contact", e.dpo.Do("POST", "/v1/incidents", incident))
	incident["contact"] = "DPO, dpo@shop.example, +84 28 3822 1234" // the organisation's own contact point
	e.dpo.Must(201, "POST", "/v1/incidents", incident)
	// One channel is one entry: a name differing only in case is the same
	// system, and a name may not hide a bidirectional override.
	for _, twin := range []string{" LAN'S SHEET ", "Lan's\u00a0sheet", "Lan's  sheet", "Lan's\u200b sheet", "Lan\u200f's sheet"} {
		if r := e.dpo.Do("POST", "/v1/systems", map[string]any{"name": twin, "kind": "spreadsheet"}); r.Status != 409 || r.Code() != "system_exists" {
			t.Errorf("a lookalike name %q: %d %s", twin, r.Status, r.Body)
		}
	}
	e.dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Cafe\u0301 db", "kind": "database"})
	if r := e.dpo.Do("POST", "/v1/systems", map[string]any{"name": "Café db", "kind": "database"}); r.Code() != "system_exists" {
		t.Errorf("the same letter composed another way: %d %s", r.Status, r.Body)
	}
	if r := e.dpo.Do("POST", "/v1/systems", map[string]any{"name": "rtl\u202etest", "kind": "spreadsheet"}); r.Status != 400 || r.Code() != "invalid_name" {
		t.Errorf("a bidi override in a name: %d %s", r.Status, r.Body)
	}
}
