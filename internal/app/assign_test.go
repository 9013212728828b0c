package app_test

import (
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestRoleAssignmentNoEscalation: a role allowed to manage tokens and
// people, but holding nothing else, cannot hand out a role that can do
// more (admin, dpo); it may hand out its own. The admin, who manages
// roles, hands out any.
func TestRoleAssignmentNoEscalation(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "helper", "permissions": []string{"users:manage", "tokens:manage"}, "grants": []any{}})
	helper := admin.With(admin.RoleToken("helper"))
	for _, role := range []string{"admin", "dpo", "support"} {
		if r := helper.Do("POST", "/v1/tokens", map[string]any{"name": "esc-" + role, "role": role}); r.Status != 403 || r.Code() != "role_not_assignable" {
			t.Errorf("helper makes a %s token: %d %s", role, r.Status, r.Body)
		}
	}
	helper.Must(201, "POST", "/v1/tokens", map[string]any{"name": "same", "role": "helper"})
	if r := helper.Do("POST", "/v1/users", map[string]any{"email": "boss@example.com", "display_name": "Boss", "role": "dpo"}); r.Status != 403 || r.Code() != "role_not_assignable" {
		t.Errorf("helper makes a dpo person: %d %s", r.Status, r.Body)
	}
	u := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "clerk@example.com", "display_name": "Clerk", "role": "helper"}).JSON()["user"].(map[string]any)
	if r := helper.Do("PATCH", "/v1/users/"+u["id"].(string), map[string]any{"role": "admin"}); r.Status != 403 || r.Code() != "role_not_assignable" {
		t.Errorf("helper promotes a person to admin: %d %s", r.Status, r.Body)
	}
	admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "by-admin", "role": "dpo"})

	// Nor may it change or disable a person, or revoke a token,
	// whose role can do more than its own: resetting an admin's password
	// would make it the admin.
	boss := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "root@example.com", "display_name": "Root", "role": "admin", "password": "a long and good password"}).JSON()["user"].(map[string]any)["id"].(string)
	for _, body := range []map[string]any{{"password": "helpdesk chose this one"}, {"disabled": true}, {"role": "helper"}, {"display_name": "Renamed"}} {
		if r := helper.Do("PATCH", "/v1/users/"+boss, body); r.Status != 403 || r.Code() != "person_not_manageable" {
			t.Errorf("helper PATCHes an admin with %v: %d %s", body, r.Status, r.Body)
		}
	}
	if r := admin.With("").Do("POST", "/v1/sessions", map[string]any{"email": "root@example.com", "password": "a long and good password"}); r.Status != 201 {
		t.Errorf("the admin's password changed: %d %s", r.Status, r.Body)
	}
	dpoToken := admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "dpo-2", "role": "dpo"}).JSON()["id"].(string)
	if r := helper.Do("DELETE", "/v1/tokens/"+dpoToken, nil); r.Status != 403 || r.Code() != "token_not_manageable" {
		t.Errorf("helper revokes a dpo token: %d %s", r.Status, r.Body)
	}
	same := helper.Must(201, "POST", "/v1/tokens", map[string]any{"name": "same-2", "role": "helper"}).JSON()["id"].(string)
	helper.Must(204, "DELETE", "/v1/tokens/"+same, nil)
	helper.Must(200, "PATCH", "/v1/users/"+u["id"].(string), map[string]any{"display_name": "Clerk Two"})
	admin.Must(200, "PATCH", "/v1/users/"+boss, map[string]any{"display_name": "Root Two"})
}

// TestLookupNeedsReadableField: a role that may not read a field (sales
// and a national id) may not look records or subjects up by it either;
// by a field it reads, it may.
func TestLookupNeedsReadableField(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", `{"name":"people","kind":"persons","fields":[
	 {"name":"email","type":"email","category":"user.contact.email","purposes":["support"],"unique":true},
	 {"name":"nid","type":"national_id","category":"user.government_id","purposes":["support"],"indexed":true,"format":"vn_cccd"}]}`)
	dpo := admin.With(admin.RoleToken("dpo"))
	sub := dpo.Must(201, "POST", "/v1/collections/people/records?purpose=support", map[string]any{"email": "hoa@example.com", "nid": "079203001234"}).JSON()["subject"]
	sales := admin.With(admin.RoleToken("sales"))
	if r := sales.Do("GET", "/v1/collections/people/records?purpose=support&nid=079203001234", nil); r.Status != 403 || r.Code() != "field_not_readable" {
		t.Errorf("sales looks up by national id: %d %s", r.Status, r.Body)
	}
	if got := sales.Must(200, "GET", "/v1/collections/people/records?purpose=support&email=hoa@example.com", nil).JSON()["records"].([]any); len(got) != 1 {
		t.Errorf("sales looks up by e-mail: %v", got)
	}
	for _, q := range []string{"?national_id=079203001234&purpose=support", "?national_id=079203001234"} {
		if got := sales.Must(200, "GET", "/v1/subjects"+q, nil).JSON()["subjects"].([]any); len(got) != 0 {
			t.Errorf("sales finds subjects%s: %v", q, got)
		}
		if got := dpo.Must(200, "GET", "/v1/subjects"+q, nil).JSON()["subjects"].([]any); len(got) != 1 || got[0] != sub {
			t.Errorf("dpo finds subjects%s: %v", q, got)
		}
	}
}

// TestDisabledPersonsTokens: the API tokens a person created stop working
// while the person is disabled, and work again once re-enabled.
func TestDisabledPersonsTokens(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "lead", "require_mfa": false, "permissions": []string{"schema:read", "tokens:manage"}, "grants": []any{}})
	const pw = "a long and good password"
	id := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "lead@example.com", "display_name": "Lead", "role": "lead", "password": pw}).JSON()["user"].(map[string]any)["id"].(string)
	session := admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "lead@example.com", "password": pw}).JSON()["token"].(string))
	script := admin.With(session.Must(201, "POST", "/v1/tokens", map[string]any{"name": "lead-script", "role": "lead"}).JSON()["token"].(string))
	script.Must(200, "GET", "/v1/collections", nil)
	admin.Must(200, "PATCH", "/v1/users/"+id, map[string]any{"disabled": true})
	if r := script.Do("GET", "/v1/collections", nil); r.Status != 401 {
		t.Errorf("a disabled person's token: %d %s", r.Status, r.Body)
	}
	admin.Must(200, "PATCH", "/v1/users/"+id, map[string]any{"disabled": false})
	script.Must(200, "GET", "/v1/collections", nil)
}

// TestPeopleInput: a password that is the e-mail address, a display name
// with a control character and a body that is not UTF-8 are refused.
func TestPeopleInput(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	for code, body := range map[string]any{
		"password_is_email":    map[string]any{"email": "weak4@example.com", "display_name": "W", "role": "support", "password": "Weak4@Example.com"},
		"invalid_display_name": map[string]any{"email": "w5@example.com", "display_name": "W\u0007", "role": "support"},
		"invalid_utf8":         "{\"email\":\"w6@example.com\",\"display_name\":\"\xff\xfe\",\"role\":\"support\"}",
	} {
		if r := admin.Do("POST", "/v1/users", body); r.Status != 400 || r.Code() != code {
			t.Errorf("%s: %d %s", code, r.Status, r.Body)
		}
	}
}

// TestTokenScopeNotWidened: a token limited to some collections creates
// only tokens limited to some of them.
func TestTokenScopeNotWidened(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "helper", "permissions": []string{"tokens:manage"}, "grants": []any{}})
	scoped := admin.With(admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "scoped", "role": "helper", "collections": []string{"customers"}}).JSON()["token"].(string))
	for _, cols := range [][]string{nil, {"customers", "payments"}} {
		if r := scoped.Do("POST", "/v1/tokens", map[string]any{"name": "wide", "role": "helper", "collections": cols}); r.Status != 403 || r.Code() != "scope_not_assignable" {
			t.Errorf("collections %v: %d %s", cols, r.Status, r.Body)
		}
	}
	scoped.Must(201, "POST", "/v1/tokens", map[string]any{"name": "narrow", "role": "helper", "collections": []string{"customers"}})
}

// TestGrantAndScopeTargetsExist: a role grant or a token scope that names a
// collection, field, category or purpose that does not exist is refused
// (it would silently grant nothing); ones that exist are accepted.
func TestGrantAndScopeTargetsExist(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", `{"name":"people","kind":"persons","fields":[
	 {"name":"email","type":"email","category":"user.contact.email","purposes":["support"],"unique":true},
	 {"name":"tier","type":"text","category":"user.behavior.loyalty_tier","purposes":["support"]}]}`)
	grant := func(g map[string]any) map[string]any {
		return map[string]any{"name": "typo", "permissions": []string{}, "grants": []any{g}}
	}
	for _, tc := range []struct {
		grant map[string]any
		code  string
	}{
		{map[string]any{"collection": "peple", "field": "email", "access": "read"}, "unknown_collection"},
		{map[string]any{"collection": "people", "field": "emial", "access": "read"}, "unknown_field"},
		{map[string]any{"collection": "*", "field": "emial", "access": "read"}, "unknown_field"},
		{map[string]any{"collection": "people", "category": "user.contct", "access": "read"}, "unknown_category"},
		{map[string]any{"collection": "*", "category": "user.behavior.loyalty", "access": "read"}, "unknown_category"},
	} {
		if r := admin.Do("POST", "/v1/roles", grant(tc.grant)); r.Status != 400 || r.Code() != tc.code {
			t.Errorf("role with grant %v: %d %s, want 400 %s", tc.grant, r.Status, r.Body, tc.code)
		}
	}
	admin.Must(404, "GET", "/v1/roles/typo", nil)
	for i, g := range []map[string]any{
		{"collection": "people", "field": "email", "access": "read"},
		{"collection": "*", "field": "*", "access": "read_masked"},
		{"collection": "people", "category": "user.contact", "access": "read"},
		{"collection": "people", "category": "user.financial", "access": "none"},        // a fideslang key no field has yet
		{"collection": "*", "category": "user.behavior.loyalty_tier", "access": "read"}, // a field's own extension
	} {
		role := grant(g)
		role["name"] = "ok" + string(rune('a'+i))
		admin.Must(201, "POST", "/v1/roles", role)
	}

	for _, tc := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"name": "t1", "role": "support", "collections": []string{"peple"}}, "unknown_collection"},
		{map[string]any{"name": "t2", "role": "support", "purposes": []string{"suport"}}, "unknown_purpose"},
	} {
		if r := admin.Do("POST", "/v1/tokens", tc.body); r.Status != 400 || r.Code() != tc.code {
			t.Errorf("token %v: %d %s, want 400 %s", tc.body, r.Status, r.Body, tc.code)
		}
	}
	admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "t3", "role": "support", "collections": []string{"people"}, "purposes": []string{"support"}})
}

// TestRoleNamedByPurposeIsInUse: a custom role that a purpose lets invoke
// it cannot be deleted until the purpose no longer names it (it lingered
// there, and a new role of the same name inherited the purpose).
func TestRoleNamedByPurposeIsInUse(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "callers", "permissions": []string{}, "grants": []any{}})
	support := admin.Must(200, "GET", "/v1/purposes/support", nil).JSON()
	roles := append(support["roles"].([]any), "callers")
	put := func(roles []any) {
		admin.Must(200, "PUT", "/v1/purposes/support", map[string]any{"description": support["description"], "legal_basis": support["legal_basis"], "roles": roles})
	}
	put(roles)
	if r := admin.Do("DELETE", "/v1/roles/callers", nil); r.Status != 409 || r.Code() != "role_in_use" || !strings.Contains(string(r.Body), "support") {
		t.Fatalf("delete a role a purpose names: %d %s, want 409 role_in_use naming support", r.Status, r.Body)
	}
	put(roles[:len(roles)-1])
	admin.Must(204, "DELETE", "/v1/roles/callers", nil)
}
