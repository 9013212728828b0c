package app_test

import (
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestAssigneeClosesOwnTask: a request task assigned to a person whose
// role has nothing to do with requests shows in their own task list, and
// they may close it; someone else with the same role may not (QA: tasks
// went to people who could neither see nor close them).
func TestAssigneeClosesOwnTask(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "field-agent", "require_mfa": false, "permissions": []string{"schema:read"}, "grants": []any{}})
	const pw = "a long and good password"
	session := func(email string) *testutil.Client {
		admin.Must(201, "POST", "/v1/users", map[string]any{"email": email, "display_name": "Agent", "role": "field-agent", "password": pw})
		return admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": email, "password": pw}).JSON()["token"].(string))
	}
	hoa, other := session("hoa@example.com"), session("other@example.com")

	subject := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "an@example.vn", "name": "An"}).JSON()["subject"].(string)
	id := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": subject}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
	task := dpo.Must(201, "POST", "/v1/requests/"+id+"/tasks", map[string]any{"system": "Zalo group", "description": "delete the chat", "assignee": "hoa@example.com"}).JSON()["id"].(string)

	mine := hoa.Must(200, "GET", "/v1/users/me/tasks", nil).JSON()
	if rt, _ := mine["request_tasks"].([]any); len(rt) != 1 || rt[0].(map[string]any)["id"] != task {
		t.Fatalf("hoa's tasks: %v", mine)
	}
	if rt, _ := other.Must(200, "GET", "/v1/users/me/tasks", nil).JSON()["request_tasks"].([]any); len(rt) != 0 {
		t.Errorf("another person sees hoa's task: %v", rt)
	}
	close := map[string]any{"evidence": "chat deleted on 24 Nov"}
	if r := other.Do("POST", "/v1/requests/"+id+"/tasks/"+task+"/close", close); r.Status != 403 {
		t.Errorf("someone else closes hoa's task: %d %s", r.Status, r.Body)
	}
	if r := hoa.Do("GET", "/v1/requests/"+id, nil); r.Status != 403 {
		t.Errorf("the assignee reads the whole request: %d", r.Status)
	}
	hoa.Must(200, "POST", "/v1/requests/"+id+"/tasks/"+task+"/close", close)
	if rt, _ := hoa.Must(200, "GET", "/v1/users/me/tasks", nil).JSON()["request_tasks"].([]any); len(rt) != 0 {
		t.Errorf("a closed task is still listed: %v", rt)
	}
}
