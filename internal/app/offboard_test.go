package app_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestOffboarding(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { offboardExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { offboardExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// offboardExamples: offboarding a person ends their session and revokes
// the tokens they created at once; the review lists their exports and the
// systems they own or hold copies in; systems they own pass to the
// successor; the DPO closes the checklist with evidence.
func offboardExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "khach@example.vn"})
	// A team lead who reads support data and manages tokens, without MFA.
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "team-lead", "require_mfa": false, "permissions": []string{"tokens:manage", "schema:read"},
		"grants": []any{map[string]any{"collection": "*", "field": "*", "access": "read"}}})
	sup := admin.Must(200, "GET", "/v1/purposes/support", nil).JSON()
	roles := append(sup["roles"].([]any), "team-lead")
	admin.Must(200, "PUT", "/v1/purposes/support", map[string]any{"description": sup["description"], "legal_basis": sup["legal_basis"], "roles": roles})
	const pw = "a long and good password"
	lan := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "lan@example.com", "display_name": "Lan Phạm", "role": "team-lead", "password": pw}).JSON()["user"].(map[string]any)["id"].(string)
	admin.Must(201, "POST", "/v1/users", map[string]any{"email": "binh@example.com", "display_name": "Bình", "role": "support", "password": pw})
	session := admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "lan@example.com", "password": pw}).JSON()["token"].(string))
	tok := session.Must(201, "POST", "/v1/tokens", map[string]any{"name": "lan-script", "role": "team-lead"}).JSON()
	script := admin.With(tok["token"].(string))
	script.Must(200, "GET", "/v1/collections", nil)
	// A token her token made stands for her too (QA: it outlived her).
	childTok := script.Must(201, "POST", "/v1/tokens", map[string]any{"name": "lan-child", "role": "team-lead"}).JSON()
	child := admin.With(childTok["token"].(string))
	child.Must(200, "GET", "/v1/collections", nil)
	admin.Must(200, "PATCH", "/v1/users/"+lan, map[string]any{"disabled": true})
	if r := child.Do("GET", "/v1/collections", nil); r.Status != 401 {
		t.Errorf("a token made by the token of a disabled person still works: %d", r.Status)
	}
	admin.Must(200, "PATCH", "/v1/users/"+lan, map[string]any{"disabled": false})
	child.Must(200, "GET", "/v1/collections", nil)
	session = admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "lan@example.com", "password": pw}).JSON()["token"].(string))
	x := session.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "call list"}).JSON()
	req := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"email": "khach@example.vn"}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
	task := dpo.Must(201, "POST", "/v1/requests/"+req+"/tasks", map[string]any{"system": "Zalo OA", "description": "export the chat", "assignee": "Lan@Example.com"}).JSON()["id"].(string)
	owned := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Lan's Excel", "kind": "spreadsheet", "owner": "lan@example.com"}).JSON()["id"].(string)
	held := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Zalo group", "kind": "chat", "holders": []string{"Lan Phạm", "someone else"}}).JSON()["id"].(string)
	dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Not hers", "kind": "crm", "owner": "binh@example.com"})

	// Bad input first: nothing happens.
	if r := dpo.Do("POST", "/v1/people/"+lan+"/offboard", map[string]any{"reason": "left", "successor": "nobody@example.com"}); r.Status != 400 || r.Code() != "unknown_successor" {
		t.Errorf("unknown successor: %d %s", r.Status, r.Code())
	}
	if r := dpo.Do("POST", "/v1/people/usr_nope/offboard", map[string]any{"reason": "left"}); r.Status != 404 || r.Code() != "user_not_found" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("unknown person: %d %q %s, want a 404 user_not_found problem", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	session.Must(200, "GET", "/v1/users/me", nil) // still signed in

	o := dpo.Must(201, "POST", "/v1/people/"+lan+"/offboard", map[string]any{"reason": "left on 2026-11-20", "successor": "binh@example.com"}).JSON()
	if r := session.Do("GET", "/v1/users/me", nil); r.Status != 401 {
		t.Errorf("the person's session still works: %d", r.Status)
	}
	if r := script.Do("GET", "/v1/collections", nil); r.Status != 401 {
		t.Errorf("the person's token still works: %d", r.Status)
	}
	if r := child.Do("GET", "/v1/collections", nil); r.Status != 401 {
		t.Errorf("the token her token made still works: %d", r.Status)
	}
	if toks := o["revoked"].(map[string]any)["tokens"].([]any); len(toks) != 2 || !slices.Contains(toks, tok["id"]) || !slices.Contains(toks, childTok["id"]) {
		t.Errorf("revoked tokens: %v, want %v and %v", toks, tok["id"], childTok["id"])
	}
	for _, tk := range admin.Must(200, "GET", "/v1/tokens", nil).JSON()["tokens"].([]any) {
		if m := tk.(map[string]any); m["id"] == childTok["id"] && m["created_by"] != "token:lan-script" {
			t.Errorf("the child token's maker: %v, want token:lan-script", m["created_by"])
		}
	}
	if ex := o["exports"].([]any); len(ex) != 1 || ex[0] != x["id"] {
		t.Errorf("exports: %v", ex)
	}
	if sys := o["systems"].([]any); len(sys) != 2 {
		t.Errorf("systems: %v", sys)
	}
	if o["reassigned_tasks"] != float64(1) {
		t.Errorf("reassigned tasks: %v", o["reassigned_tasks"])
	}
	for _, tk := range dpo.Must(200, "GET", "/v1/requests/"+req, nil).JSON()["tasks"].([]any) {
		if m := tk.(map[string]any); m["id"] == task && m["assignee"] != "binh@example.com" {
			t.Errorf("task after offboarding: %v", m)
		}
	}
	if got := dpo.Must(200, "GET", "/v1/systems/"+owned, nil).JSON()["owner"]; got != "binh@example.com" {
		t.Errorf("owner after offboarding: %v", got)
	}
	items := map[string]string{}
	for _, it := range o["items"].([]any) {
		m := it.(map[string]any)
		items[m["id"].(string)] = m["state"].(string)
	}
	want := map[string]string{"access": "closed", "tasks": "closed", "export-" + x["id"].(string): "open", "owner-" + owned: "open", "copies-" + held: "open"}
	for k, v := range want {
		if items[k] != v {
			t.Errorf("item %s: %q, want %q (all %v)", k, items[k], v, items)
		}
	}
	if len(items) != len(want) {
		t.Errorf("items %v", items)
	}
	id := o["id"].(string)
	if r := dpo.Do("POST", "/v1/people/"+lan+"/offboard", map[string]any{"reason": "again"}); r.Status != 409 || r.Code() != "offboarding_open" {
		t.Errorf("second offboarding: %d %s", r.Status, r.Code())
	}
	// While the review is open the person stays out (QA: an admin could
	// enable her, and she signed in, the review still saying disabled).
	if r := admin.Do("PATCH", "/v1/users/"+lan, map[string]any{"disabled": false}); r.Status != 409 || r.Code() != "offboarding_open" {
		t.Errorf("enabling during the offboarding: %d %s", r.Status, r.Body)
	}
	if r := dpo.Do("POST", "/v1/offboardings/"+id+"/items/access/close", map[string]any{"evidence": "x"}); r.Status != 409 || r.Code() != "item_closed" {
		t.Errorf("close closed item: %d %s", r.Status, r.Code())
	}
	for k := range want {
		if k == "access" || k == "tasks" {
			continue
		}
		dpo.Must(200, "POST", "/v1/offboardings/"+id+"/items/"+k+"/close", map[string]any{"evidence": "checked with her manager"})
	}
	if got := dpo.Must(200, "GET", "/v1/offboardings/"+id, nil).JSON(); got["state"] != "closed" {
		t.Errorf("review not closed: %v", got["state"])
	}
	admin.Must(200, "PATCH", "/v1/users/"+lan, map[string]any{"disabled": false}) // rehired, after the review
}

// TestOffboardingRacesEnabling: enablings sent while a person is being
// offboarded never leave the open review over an enabled account (QA: 5
// races in 6 did).
func TestOffboardingRacesEnabling(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	for i := range 4 {
		email := fmt.Sprintf("race%d@corp.example", i)
		id := admin.Must(201, "POST", "/v1/users", map[string]any{"email": email, "display_name": "Race", "role": "support", "password": "a long and good password"}).JSON()["user"].(map[string]any)["id"].(string)
		dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": fmt.Sprintf("Race sheet %d", i), "kind": "spreadsheet", "owner": email}) // keeps the review open
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { admin.Do("PATCH", "/v1/users/"+id, map[string]any{"disabled": false}) })
		}
		dpo.Must(201, "POST", "/v1/people/"+id+"/offboard", map[string]any{"reason": "left the company"})
		wg.Wait()
		if u := admin.Must(200, "GET", "/v1/users/"+id, nil).JSON(); u["disabled_at"] == nil {
			t.Errorf("%s is enabled with an open offboarding review", email)
		}
	}
}
