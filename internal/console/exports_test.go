package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestExportApproval: an export of sensitive data waits in the console's
// export register; a second DPO approves it there with a reason, and the
// asker can then download it; a rejection works the same way. A support
// person has no register (QA: no page anywhere in the console could
// approve an export, so an access package stayed stuck).
func TestExportApproval(t *testing.T) {
	e := newEnv(t)
	e.admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "payments", "kind": "persons", "fields": []any{
		map[string]any{"name": "card", "type": "card", "category": "user.financial.credit_card", "purposes": []string{"support"}}}})
	asker := e.admin.With(e.admin.RoleToken("dpo"))
	asker.Must(201, "POST", "/v1/collections/payments/records?purpose=support", map[string]any{"card": "4111111111111111"})
	ask := func() string {
		x := asker.Must(201, "POST", "/v1/exports", map[string]any{"collection": "payments", "purpose": "support", "reason": "card audit"}).JSON()
		if x["status"] != "pending_approval" {
			t.Fatalf("export does not wait for approval: %v", x)
		}
		return x["id"].(string)
	}
	first, second := ask(), ask()

	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	p := w.Get("/console/")
	govExpect(t, "dashboard nav", p, 200, `href="/console/exports"`)
	p = w.Get("/console/exports")
	govExpect(t, "register", p, 200, `id="pending-exports"`, `id="export-`+first+`"`, `action="/console/exports/`+first+`/approve"`, "card audit")
	mustRefuse(t, "approve without a reason", w.Post("/console/exports/"+first+"/approve", url.Values{"reason": {" "}}), "reason")

	if r := w.Post("/console/exports/"+first+"/approve", url.Values{"reason": {"audit sample, checked"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := asker.Do("GET", "/v1/exports/"+first+"/download", nil); r.Status != 200 || !strings.Contains(string(r.Body), "4111") {
		t.Fatalf("download after the approval in the console: %d", r.Status)
	}
	if r := w.Post("/console/exports/"+second+"/reject", url.Values{"reason": {"not needed"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	if x := asker.Must(200, "GET", "/v1/exports/"+second, nil).JSON(); x["status"] != "rejected" {
		t.Fatalf("rejected export: %v", x)
	}
	p = w.Get("/console/exports")
	govExpect(t, "register after the decisions", p, 200, `id="no-pending-exports"`, `id="export-register"`, "not needed")

	// A person's own export: noted as theirs, with nothing to decide.
	lead := e.newPerson(t, "dpo")
	lw := e.web(t)
	lw.SignIn(lead)
	var session string // the console's session is the person's API credential too
	for _, c := range lw.c.Jar.Cookies(mustURL(t, e.srv.URL+"/console/")) {
		if c.Name == "custodia_session" {
			session = c.Value
		}
	}
	own := e.admin.With(session).Must(201, "POST", "/v1/exports", map[string]any{"collection": "payments", "purpose": "support", "reason": "my own audit"}).JSON()["id"].(string)
	if p := lw.Get("/console/exports"); !strings.Contains(p.Body, `id="own-`+own+`"`) || strings.Contains(p.Body, `id="approve-`+own+`"`) {
		t.Errorf("the asker is offered to decide their own export")
	}
	if p := w.Get("/console/exports"); !strings.Contains(p.Body, `id="approve-`+own+`"`) {
		t.Errorf("another person is not offered to decide it")
	}

	support := e.web(t)
	support.SignIn(e.newPerson(t, "support"))
	if p := support.Get("/console/exports"); p.Status != http.StatusForbidden {
		t.Errorf("support opens the export register: %d", p.Status)
	}
	if r := support.Post("/console/exports/"+first+"/approve", url.Values{"reason": {"x"}}); r.Status != http.StatusForbidden {
		t.Errorf("support approves an export: %d", r.Status)
	}
}
