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

// TestLastAdministratorHoles: the guard also holds when the last other
// admin credential is a token the person being disabled made (it stops
// working with them), when the change redefines the administering role
// itself, and when the other admin token expires within days (QA).
func TestLastAdministratorHoles(t *testing.T) {
	const pw = "a long and good password"
	lastAdmin := func(t *testing.T, what string, r testutil.Response) {
		t.Helper()
		if r.Status != 409 || r.Code() != "last_administrator" {
			t.Fatalf("%s: %d %s, want 409 last_administrator", what, r.Status, r.Body)
		}
	}
	rootID := func(c *testutil.Client) string {
		return c.Must(200, "GET", "/v1/tokens", nil).JSON()["tokens"].([]any)[0].(map[string]any)["id"].(string)
	}
	signIn := func(c *testutil.Client, email string) *testutil.Client {
		return c.With(c.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": email, "password": pw}).JSON()["token"].(string))
	}

	t.Run("token made by the person disabled", func(t *testing.T) {
		s := testutil.MustServe(t, app.Config{})
		root := s.Client(t)
		root.Must(201, "POST", "/v1/roles", map[string]any{"name": "boss", "require_mfa": false,
			"permissions": []string{"users:manage", "roles:manage", "tokens:manage", "schema:read"}, "grants": []any{}})
		boss := root.Must(201, "POST", "/v1/users", map[string]any{"email": "boss@example.com", "display_name": "Boss", "role": "boss", "password": pw}).JSON()["user"].(map[string]any)["id"].(string)
		id := rootID(root)
		own := root.With(signIn(root, "boss@example.com").Must(201, "POST", "/v1/tokens", map[string]any{"name": "boss-token", "role": "admin"}).JSON()["token"].(string))
		root.Must(204, "DELETE", "/v1/tokens/"+id, nil)
		lastAdmin(t, "disable the person whose token is the other admin", own.Do("PATCH", "/v1/users/"+boss, map[string]any{"disabled": true}))
	})

	t.Run("the administering role redefined", func(t *testing.T) {
		s := testutil.MustServe(t, app.Config{})
		root := s.Client(t)
		role := map[string]any{"name": "role-admin", "require_mfa": false, "permissions": []string{"users:manage", "roles:manage"}, "grants": []any{}}
		root.Must(201, "POST", "/v1/roles", role)
		root.Must(201, "POST", "/v1/users", map[string]any{"email": "ra@example.com", "display_name": "RA", "role": "role-admin", "password": pw})
		ra := signIn(root, "ra@example.com")
		root.Must(204, "DELETE", "/v1/tokens/"+rootID(root), nil)
		role["permissions"] = []string{"users:manage"}
		lastAdmin(t, "take roles:manage from the last administrators' role", ra.Do("PUT", "/v1/roles/role-admin", role))
		role["permissions"] = []string{"users:manage", "roles:manage", "schema:read"}
		ra.Must(200, "PUT", "/v1/roles/role-admin", role) // still administering: allowed
	})

	t.Run("the other admin token expires soon", func(t *testing.T) {
		s := testutil.MustServe(t, app.Config{})
		root := s.Client(t)
		id := rootID(root) // the bootstrap token, the only one yet
		root.Must(201, "POST", "/v1/tokens", map[string]any{"name": "short-admin", "role": "admin", "ttl": "45s"})
		lastAdmin(t, "revoke the only lasting admin token", root.Do("DELETE", "/v1/tokens/"+id, nil))
	})
}
