package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/audit"
	"custodia/internal/store"
	"custodia/internal/testutil"
)

// TestScopedTokensStayOffWholePersonWork: a token restricted to some collections or
// purposes is refused whatever spans all of a person's data or the whole
// vault (requests, legal holds, lifting a restriction or an objection,
// retention rules and runs, the deletion record), with the same answer
// for a customer and a stranger; filing a request it gets a receipt
// only; and a scoped admin token may not add or change people, who are
// not scoped (QA: a scoped dpo token lifted a restriction on a person
// outside its collection; a scoped admin token made an unscoped dpo).
func TestScopedTokensStayOffWholePersonWork(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/collections", `{"name":"support_notes","kind":"data","fields":[{"name":"note","type":"text","category":"user.content","purposes":["support"]}]}`)
	dpo := admin.With(admin.RoleToken("dpo"))
	sub := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "rita@example.com", "name": "Rita"}).JSON()["subject"].(string)
	ctx := context.Background()
	if err := s.DB.SetRestriction(ctx, store.Restriction{SubjectID: sub, Purposes: []string{"legal"}, Reason: "test", Since: time.Now().UTC(), SetBy: "test"},
		&audit.Entry{Actor: "test", Action: "subject.restrict"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.SetObjections(ctx, sub, []string{"marketing"}, "req_test", time.Now().UTC(), &audit.Entry{Actor: "test", Action: "subject.object"}); err != nil {
		t.Fatal(err)
	}
	hold := dpo.Must(201, "POST", "/v1/holds", map[string]any{"subject": sub, "reason": "litigation"}).JSON()["id"].(string)
	req := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": sub}, "jurisdiction": "GDPR"}).JSON()["id"].(string)

	for _, sc := range []struct {
		name, code string
		body       map[string]any
	}{
		{"collections", "collection_not_allowed", map[string]any{"name": "notes-dpo", "role": "dpo", "collections": []string{"support_notes"}}},
		{"purposes", "purpose_not_allowed", map[string]any{"name": "support-dpo", "role": "dpo", "purposes": []string{"support"}}},
	} {
		c := admin.With(newToken(t, admin, sc.body))
		for _, call := range []struct{ method, path string }{
			{"DELETE", "/v1/subjects/" + sub + "/restriction"},
			{"DELETE", "/v1/subjects/sub_nosuch/restriction"},
			{"DELETE", "/v1/subjects/" + sub + "/objections/marketing"},
			{"POST", "/v1/holds"},
			{"GET", "/v1/holds"},
			{"POST", "/v1/holds/" + hold + "/release"},
			{"POST", "/v1/holds/hld_nosuch/release"},
			{"GET", "/v1/requests"},
			{"GET", "/v1/requests/" + req},
			{"GET", "/v1/requests/req_nosuch"},
			{"POST", "/v1/requests/" + req + "/transitions"},
			{"POST", "/v1/requests/" + req + "/tasks"},
			{"POST", "/v1/retention/rules"},
			{"DELETE", "/v1/retention/rules/ret_nosuch"},
			{"POST", "/v1/retention/run"},
			{"GET", "/v1/deletions"},
			{"DELETE", "/v1/subjects/" + sub + "?purpose=support"},
			{"DELETE", "/v1/subjects/" + sub},
			{"GET", "/v1/subjects/" + sub + "/erasure"},
		} {
			body := map[string]any{"reason": "x"}
			switch {
			case call.path == "/v1/holds" && call.method == "POST":
				body = map[string]any{"subject": sub, "reason": "x"}
			case call.path == "/v1/retention/rules":
				body = map[string]any{"collection": "support_notes", "anchor": "created", "keep": map[string]any{"n": 1, "unit": "days"}}
			case call.path == "/v1/retention/run":
				body = map[string]any{"dry_run": true}
			case strings.HasSuffix(call.path, "/transitions"):
				body = map[string]any{"to": "verifying_identity", "reason": "x"}
			case strings.HasSuffix(call.path, "/tasks"):
				body = map[string]any{"system": "CRM", "description": "x"}
			}
			if call.method == "GET" {
				body = nil
			}
			if r := c.Do(call.method, call.path, body); r.Status != 403 || r.Code() != sc.code {
				t.Errorf("token scoped to %s: %s %s: %d %s, want 403 %s", sc.name, call.method, call.path, r.Status, r.Body, sc.code)
			}
		}
		// Filing a request, it learns no more than a receipt.
		r := c.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"email": "rita@example.com"}, "jurisdiction": "GDPR"})
		if m := r.JSON(); m["subject"] != nil || m["state"] != nil || m["id"] == nil || m["due_at"] == nil {
			t.Errorf("token scoped to %s: filing answered %s, want a receipt only", sc.name, r.Body)
		}
	}

	// The hold is still there.
	if !strings.Contains(string(dpo.Must(200, "GET", "/v1/holds", nil).Body), hold) {
		t.Error("the hold was released")
	}

	// A scoped admin token may not add people or change them, nor
	// redefine what the whole vault obeys (roles, purposes, keys), nor
	// revoke a token wider than itself.
	scopedAdmin := admin.With(newToken(t, admin, map[string]any{"name": "notes-admin", "role": "admin", "collections": []string{"support_notes"}}))
	wide := admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "wide-dpo", "role": "dpo"}).JSON()["id"].(string)
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{"PUT", "/v1/purposes/marketing", map[string]any{"description": "x", "legal_basis": "legitimate_interests", "roles": []string{"dpo", "marketing"}}},
		{"POST", "/v1/purposes", map[string]any{"name": "scoped_made", "description": "x", "legal_basis": "contract", "roles": []string{"dpo"}}},
		{"POST", "/v1/roles", map[string]any{"name": "reader", "permissions": []string{}, "grants": []any{map[string]any{"collection": "*", "access": "read"}}}},
		{"PUT", "/v1/roles/reader", map[string]any{"name": "reader", "permissions": []string{"users:manage"}, "grants": []any{}}},
		{"DELETE", "/v1/roles/reader", nil},
		{"POST", "/v1/keys/rotate", nil},
		{"DELETE", "/v1/tokens/" + wide, nil},
		// A schema says which purposes may read each field: changing one,
		// even in its own collection, changes what other tokens read.
		{"PUT", "/v1/collections/customers", testutil.CustomersSchema},
		{"POST", "/v1/collections", map[string]any{"name": "support_notes_2", "kind": "persons", "fields": []any{}}},
	} {
		if r := scopedAdmin.Do(call.method, call.path, call.body); r.Status != 403 {
			t.Errorf("scoped admin %s %s: %d %s, want 403", call.method, call.path, r.Status, r.Body)
		}
	}
	if r := scopedAdmin.Do("POST", "/v1/training", map[string]any{"person": "staff@example.com", "course": "x", "completed_at": time.Now().UTC()}); r.Status != 403 || r.Code() != "scope_not_assignable" {
		t.Errorf("scoped admin records training: %d %s, want 403 scope_not_assignable", r.Status, r.Body)
	}
	// A token limited to support notes records no consent for a person
	// whose records are also in customers: the grant would open them.
	notesDPO := admin.With(newToken(t, admin, map[string]any{"name": "notes-dpo-2", "role": "dpo", "collections": []string{"support_notes"}}))
	dpo.Must(201, "POST", "/v1/collections/support_notes/records?purpose=support", map[string]any{"subject": sub, "data": map[string]any{"note": "asked about delivery"}})
	if r := notesDPO.Do("POST", "/v1/subjects/"+sub+"/consents", map[string]any{"purpose": "marketing", "action": "grant", "method": "web form",
		"notice_version": "v1", "notice_text": "Offers.", "channel": "web", "collected_by": "shop"}); r.Status != 403 || r.Code() != "collection_not_allowed" {
		t.Errorf("notes-only token grants consent for a customer: %d %s, want 403 collection_not_allowed", r.Status, r.Body)
	}
	if r := scopedAdmin.Do("POST", "/v1/users", map[string]any{"email": "esc@example.com", "display_name": "Esc", "role": "dpo", "password": "a long and good password"}); r.Status != 403 || r.Code() != "scope_not_assignable" {
		t.Errorf("scoped admin adds a dpo: %d %s, want 403 scope_not_assignable", r.Status, r.Body)
	}
	uid := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "staff@example.com", "display_name": "Staff", "role": "auditor"}).JSON()["user"].(map[string]any)["id"].(string)
	if r := scopedAdmin.Do("PATCH", "/v1/users/"+uid, map[string]any{"role": "dpo"}); r.Status != 403 || r.Code() != "scope_not_assignable" {
		t.Errorf("scoped admin makes a person dpo: %d %s, want 403 scope_not_assignable", r.Status, r.Body)
	}
	if r := scopedAdmin.Do("POST", "/v1/users/"+uid+"/password", nil); r.Status != 403 || r.Code() != "scope_not_assignable" {
		t.Errorf("scoped admin resets a password: %d %s, want 403 scope_not_assignable", r.Status, r.Body)
	}
}

// TestFindSubjectsHonoursConsentAndRestriction: GET /v1/subjects finds
// a person only when the caller could read their data for the purpose,
// as a lookup of records does: not without the consent a purpose needs,
// nor while processing is restricted (QA: both found the person).
func TestFindSubjectsHonoursConsentAndRestriction(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	mkt := admin.With(admin.RoleToken("marketing"))
	support := admin.With(admin.RoleToken("support"))
	lan := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "lan@example.com", "name": "Lan"}).JSON()["subject"].(string)
	rita := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "rita@example.com", "name": "Rita"}).JSON()["subject"].(string)
	find := func(c *testutil.Client, query string) []string {
		t.Helper()
		return subjectsOf(t, c.Must(200, "GET", "/v1/subjects?"+query, nil))
	}
	for _, q := range []string{"email=lan%40example.com&purpose=marketing", "email=lan%40example.com"} {
		if got := find(mkt, q); len(got) != 0 {
			t.Errorf("marketing, no consent, %s: %v, want nobody", q, got)
		}
	}
	dpo.Must(201, "POST", "/v1/subjects/"+lan+"/consents", map[string]any{"purpose": "marketing", "action": "grant", "method": "web form",
		"notice_version": "v1", "notice_text": "Offers by e-mail.", "channel": "web", "collected_by": "shop"})
	if got := find(mkt, "email=lan%40example.com&purpose=marketing"); len(got) != 1 || got[0] != lan {
		t.Errorf("marketing after consent: %v, want [%s]", got, lan)
	}

	if got := find(support, "email=rita%40example.com&purpose=support"); len(got) != 1 {
		t.Fatalf("support before the restriction: %v, want Rita", got)
	}
	if err := s.DB.SetRestriction(context.Background(), store.Restriction{SubjectID: rita, Purposes: []string{"legal"}, Reason: "test",
		Since: time.Now().UTC(), SetBy: "test"}, &audit.Entry{Actor: "test", Action: "subject.restrict"}); err != nil {
		t.Fatal(err)
	}
	s.Access.Invalidate()
	records := support.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email=rita%40example.com", nil)
	got := find(support, "email=rita%40example.com&purpose=support")
	if strings.Contains(string(records.Body), rita) != (len(got) == 1) {
		t.Errorf("restricted: the records lookup gives %s, the subject lookup %v; want both to find her or neither", records.Body, got)
	}
	if len(got) != 0 {
		t.Errorf("support finds a restricted person: %v, want nobody", got)
	}
}
