package app_test

import (
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestAuditRecordsAnsweredStatus: an entry written inside the operation's
// transaction, before the answer, records the status the call answers
// (QA: creates answering 201 and revokes answering 204 were logged 200).
func TestAuditRecordsAnsweredStatus(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "status-check", "role": "auditor"})
	const pw = "a long and good password"
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "staff", "require_mfa": false, "permissions": []string{"schema:read"}, "grants": []any{}})
	admin.Must(201, "POST", "/v1/users", map[string]any{"email": "st@example.com", "display_name": "St", "role": "staff", "password": pw})
	tok := admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "st@example.com", "password": pw}).JSON()["token"].(string)
	admin.With(tok).Must(204, "DELETE", "/v1/sessions/current", nil)
	// A PUT that creates a collection answers 201, and its entry says so
	// (QA: collection.put was logged 200); the same schema again changes
	// nothing, not even the version (QA: each identical PUT bumped it).
	schema := map[string]any{"name": "put_made", "kind": "persons", "fields": []any{
		map[string]any{"name": "email", "type": "email", "category": "user.contact.email", "purposes": []string{"support"}}}}
	v1 := admin.Must(201, "PUT", "/v1/collections/put_made", schema).JSON()["version"]
	for range 3 {
		if v := admin.Must(200, "PUT", "/v1/collections/put_made", schema).JSON()["version"]; v != v1 {
			t.Errorf("an identical PUT changed the version from %v to %v", v1, v)
		}
	}
	for action, want := range map[string]float64{"token.create": 201, "user.create": 201, "session.create": 201, "session.revoke": 204, "role.create": 201} {
		entries, _ := admin.Must(200, "GET", "/v1/audit?action="+action+"&limit=10", nil).JSON()["entries"].([]any)
		if len(entries) == 0 {
			t.Errorf("%s: no audit entry", action)
			continue
		}
		if got := entries[len(entries)-1].(map[string]any)["status"]; got != want {
			t.Errorf("%s: audit status %v, want %v", action, got, want)
		}
	}
	puts, _ := admin.Must(200, "GET", "/v1/audit?action=collection.put&limit=10", nil).JSON()["entries"].([]any)
	if len(puts) != 4 || puts[0].(map[string]any)["status"] != float64(201) || puts[1].(map[string]any)["status"] != float64(200) {
		t.Errorf("collection.put entries: %v", puts)
	}
}
