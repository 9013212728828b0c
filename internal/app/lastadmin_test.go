package app_test

import (
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestLastAdministratorKept: no revocation, demotion or disabling may
// leave the vault with no credential able to administer it (QA: the last
// admin token revoked itself, and nothing could make a credential again);
// the same changes go through while another administrator remains.
func TestLastAdministratorKept(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	root := s.Client(t)
	tokenID := func(c *testutil.Client, name string) string {
		t.Helper()
		for _, x := range c.Must(200, "GET", "/v1/tokens", nil).JSON()["tokens"].([]any) {
			tok := x.(map[string]any)
			if tok["name"] == name && tok["revoked_at"] == nil {
				return tok["id"].(string)
			}
		}
		t.Fatalf("no active token %q", name)
		return ""
	}
	lastAdmin := func(what string, r testutil.Response) {
		t.Helper()
		if r.Status != 409 || r.Code() != "last_administrator" {
			t.Fatalf("%s: %d %s, want 409 last_administrator", what, r.Status, r.Body)
		}
	}
	var rootID string
	for _, x := range root.Must(200, "GET", "/v1/tokens", nil).JSON()["tokens"].([]any) {
		rootID = x.(map[string]any)["id"].(string) // the bootstrap token is the only one
	}
	lastAdmin("the only admin token revokes itself", root.Do("DELETE", "/v1/tokens/"+rootID, nil))

	u := root.Must(201, "POST", "/v1/users", map[string]any{"email": "boss@example.com", "display_name": "Boss", "role": "admin", "password": "a long and good password"}).JSON()["user"].(map[string]any)["id"].(string)
	root.Must(200, "PATCH", "/v1/users/"+u, map[string]any{"disabled": true})
	second := root.With(root.Must(201, "POST", "/v1/tokens", map[string]any{"name": "second-admin", "role": "admin"}).JSON()["token"].(string))
	root.Must(204, "DELETE", "/v1/tokens/"+rootID, nil) // the second token remains
	secondID := tokenID(second, "second-admin")
	lastAdmin("the last admin token, its person disabled", second.Do("DELETE", "/v1/tokens/"+secondID, nil))

	second.Must(200, "PATCH", "/v1/users/"+u, map[string]any{"disabled": false})
	second.Must(200, "PATCH", "/v1/users/"+u, map[string]any{"role": "auditor"}) // the token remains
	lastAdmin("the last admin token, its person demoted", second.Do("DELETE", "/v1/tokens/"+secondID, nil))
	second.Must(200, "PATCH", "/v1/users/"+u, map[string]any{"role": "admin"})
	second.Must(204, "DELETE", "/v1/tokens/"+secondID, nil) // the person remains
}
