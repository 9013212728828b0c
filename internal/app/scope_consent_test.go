package app_test

import (
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestScopedTokensStayInScope: a token restricted to some purposes or
// collections records and reads consent, finds people and asks for
// exports only within them (QA: a billing-only token granted marketing
// consent, which opened a person's e-mail to marketing tokens).
func TestScopedTokensStayInScope(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "notes", "kind": "persons", "fields": []any{
		map[string]any{"name": "text", "type": "text", "category": "user.content", "purposes": []string{"support"}}}})
	dpo := admin.With(admin.RoleToken("dpo"))
	subject := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "an@example.vn", "name": "An"}).JSON()["subject"].(string)
	grant := map[string]any{"purpose": "marketing", "action": "grant", "method": "web form", "notice_version": "v1", "notice_text": "Offers by e-mail.", "channel": "web", "collected_by": "shop"}
	dpo.Must(201, "POST", "/v1/subjects/"+subject+"/consents", map[string]any{"purpose": "billing", "action": "grant", "method": "web form",
		"notice_version": "v1", "notice_text": "Invoices by e-mail.", "channel": "web", "collected_by": "shop"})

	scoped := func(name string, scope map[string]any) *testutil.Client {
		body := map[string]any{"name": name, "role": "dpo"}
		for k, v := range scope {
			body[k] = v
		}
		return admin.With(admin.Must(201, "POST", "/v1/tokens", body).JSON()["token"].(string))
	}
	billing := scoped("billing-only", map[string]any{"purposes": []string{"billing"}})
	notes := scoped("notes-only", map[string]any{"collections": []string{"notes"}})

	if r := billing.Do("POST", "/v1/subjects/"+subject+"/consents", grant); r.Status != 403 || r.Code() != "purpose_not_allowed" {
		t.Errorf("billing-only token grants marketing consent: %d %s", r.Status, r.Body)
	}
	if r := notes.Do("POST", "/v1/subjects/"+subject+"/consents", grant); r.Status != 403 || r.Code() != "collection_not_allowed" {
		t.Errorf("notes-only token grants consent for a customer: %d %s", r.Status, r.Body)
	}
	if r := notes.Do("GET", "/v1/subjects/"+subject+"/consents", nil); r.Status != 403 || r.Code() != "collection_not_allowed" {
		t.Errorf("notes-only token reads a customer's consents: %d %s", r.Status, r.Body)
	}
	proof := billing.Must(200, "GET", "/v1/subjects/"+subject+"/consents", nil).JSON()
	for _, list := range []string{"current", "history"} {
		for _, x := range proof[list].([]any) {
			if p := x.(map[string]any)["purpose"]; p != "billing" {
				t.Errorf("billing-only token sees %s consent %v", list, p)
			}
		}
	}
	if r := billing.Do("GET", "/v1/subjects?email=an@example.vn&purpose=support", nil); r.Status != 403 || r.Code() != "purpose_not_allowed" {
		t.Errorf("billing-only token finds people for support: %d %s", r.Status, r.Body)
	}
	if r := notes.Do("POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "x"}); r.Status != 403 || r.Code() != "collection_not_allowed" {
		t.Errorf("notes-only token asks for a customers export: %d %s", r.Status, r.Body)
	}
	if r := billing.Do("POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "x"}); r.Status != 403 || r.Code() != "purpose_not_allowed" {
		t.Errorf("billing-only token asks for a support export: %d %s", r.Status, r.Body)
	}
	// In scope, all of it still works.
	dpo.Must(201, "POST", "/v1/subjects/"+subject+"/consents", grant)
	if got := dpo.Must(200, "GET", "/v1/subjects/"+subject+"/consents", nil).JSON()["current"].([]any); len(got) != 2 {
		t.Errorf("an unscoped token's proof: %v", got)
	}
}
