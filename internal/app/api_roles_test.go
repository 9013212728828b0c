package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/detect"
	"custodia/internal/store"
	"custodia/internal/testutil"
)

// rbacEnv is a server with the customers collection, one record and one
// token per built-in role.
type rbacEnv struct {
	srv      *testutil.Server
	admin    *testutil.Client
	data     *testutil.Client // a dpo token: the admin reads no personal data
	tokens   map[auth.Role]*testutil.Client
	secrets  []string // every token secret issued during the test
	recordID string
	email    string
	seq      int
	// lastSystem is the system the latest offboarding's person owned.
	lastSystem string
	// lastImport is an import job the dpo ran.
	lastImport string
	// asker asks for the exports the other tokens decide (exportAsker).
	asker *testutil.Client
}

// rbacSetup starts a server and prepares the role tokens.
func rbacSetup(t *testing.T) *rbacEnv {
	t.Helper()
	s := testutil.MustServe(t, app.Config{})
	e := &rbacEnv{srv: s, admin: s.Client(t), tokens: map[auth.Role]*testutil.Client{}}
	e.secrets = append(e.secrets, testutil.AdminToken)
	e.admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	e.data = e.admin.With(e.admin.RoleToken("dpo"))
	e.recordID, _, e.email = e.newRecord(t)
	for _, role := range builtinRoles {
		_, secret := e.newToken(t, map[string]any{"name": "role-" + string(role), "role": role})
		e.tokens[role] = e.admin.With(secret)
	}
	e.asker = e.exportAsker(t)
	return e
}

// exportAsker makes the token that asks for the exports the matrix decides:
// a dpo token made by a person of its own, because every token the admin
// token made counts as the admin token's holder, who may not decide their
// own export. It signs in at setup, before the matrix provokes a lockout.
func (e *rbacEnv) exportAsker(t *testing.T) *testutil.Client {
	t.Helper()
	const pw = "a long and good password"
	e.admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "export-lead", "require_mfa": false,
		"permissions": []string{"schema:read", "tokens:manage", "roles:manage"}, "grants": []any{}})
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "export-lead@example.com", "display_name": "Lead", "role": "export-lead", "password": pw})
	lead := e.admin.With(e.admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "export-lead@example.com", "password": pw}).JSON()["token"].(string))
	secret := lead.Must(201, "POST", "/v1/tokens", map[string]any{"name": "export-asker", "role": "dpo"}).JSON()["token"].(string)
	e.secrets = append(e.secrets, lead.Token, secret)
	return e.admin.With(secret)
}

// uniq returns a fresh name with prefix, valid as a collection, token or
// e-mail local part.
func (e *rbacEnv) uniq(prefix string) string {
	e.seq++
	return fmt.Sprintf("%s_%d", prefix, e.seq)
}

// builtinRoles are the built-in roles, listed here rather than taken from
// the code under test.
var builtinRoles = []auth.Role{"admin", "dpo", "sales", "support", "marketing", "auditor"}

// newRecord has a dpo token create a customer; it returns its id, subject and e-mail.
func (e *rbacEnv) newRecord(t *testing.T) (id, subject, email string) {
	t.Helper()
	email = e.uniq("person") + "@example.com"
	r := e.data.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": email, "phone": "+84912345678", "name": "Test Person", "address": "1 Main Street"})
	m := r.JSON()
	id, _ = m["id"].(string)
	subject, _ = m["subject"].(string)
	if id == "" || subject == "" {
		t.Fatalf("create record: no id or subject in %s", r.Body)
	}
	return id, subject, email
}

// newToken has the admin create a token; it returns its id and secret.
func (e *rbacEnv) newToken(t *testing.T, body map[string]any) (id, secret string) {
	t.Helper()
	r := e.admin.Must(201, "POST", "/v1/tokens", body)
	m := r.JSON()
	id, _ = m["id"].(string)
	secret, _ = m["token"].(string)
	if id == "" || secret == "" {
		t.Fatalf("create token: no id or token in %s", r.Body)
	}
	e.secrets = append(e.secrets, secret)
	return id, secret
}

// rbacRoute is one authenticated route of the route table, with a call that
// succeeds when the caller's role holds perm.
type rbacRoute struct {
	method, pattern string
	perm            auth.Permission
	allowed         []auth.Role // the built-in roles whose tokens succeed
	call            func(t *testing.T, e *rbacEnv, c *testutil.Client) testutil.Response
}

// rbacRoutes mirrors the route table of internal/httpapi/server.go (public
// routes excluded); TestRoleMatrix checks it against /openapi.json, which
// the httpapi tests keep equal to the route table.
func rbacRoutes() []rbacRoute {
	const q = "?purpose=support"
	schema := func(name string) string {
		return strings.Replace(testutil.CustomersSchema, `"name":"customers"`, `"name":"`+name+`"`, 1)
	}
	type C = *testutil.Client
	type R = testutil.Response
	all := []auth.Role{"admin", "dpo", "sales", "support", "marketing", "auditor"}
	adminOnly := []auth.Role{"admin"}
	dataRW := []auth.Role{"dpo", "sales", "support"}
	none := []auth.Role{}
	return []rbacRoute{
		{"GET", "/metrics", auth.PermMetricsRead, []auth.Role{"admin", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/metrics", nil)
		}},
		{"POST", "/v1/collections", auth.PermSchemaWrite, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/collections", schema(e.uniq("col")))
		}},
		{"GET", "/v1/collections", auth.PermSchemaRead, all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/collections", nil)
		}},
		{"GET", "/v1/collections/{collection}", auth.PermSchemaRead, all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/collections/customers", nil)
		}},
		{"PUT", "/v1/collections/{collection}", auth.PermSchemaWrite, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			name := e.uniq("put")
			return c.Do("PUT", "/v1/collections/"+name, schema(name))
		}},
		{"POST", "/v1/collections/{collection}/records", auth.PermRecordsWrite, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/collections/customers/records"+q, map[string]any{"email": e.uniq("new") + "@example.com", "name": "New Person"})
		}},
		{"GET", "/v1/collections/{collection}/records", auth.PermRecordsRead, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/collections/customers/records"+q+"&email="+url.QueryEscape(e.email), nil)
		}},
		{"GET", "/v1/collections/{collection}/records/{id}", auth.PermRecordsRead, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/collections/customers/records/"+e.recordID+q, nil)
		}},
		{"PATCH", "/v1/collections/{collection}/records/{id}", auth.PermRecordsWrite, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("PATCH", "/v1/collections/customers/records/"+e.recordID+q, map[string]any{"name": "Renamed Person"})
		}},
		{"DELETE", "/v1/collections/{collection}/records/{id}", auth.PermRecordsWrite, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			id, _, _ := e.newRecord(t)
			return c.Do("DELETE", "/v1/collections/customers/records/"+id+q, nil)
		}},
		{"DELETE", "/v1/subjects/{subject}", auth.PermSubjectErase, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("DELETE", "/v1/subjects/"+subject, nil)
		}},
		// Finding subjects returns ids only, no data: every role that reads records may.
		{"GET", "/v1/subjects", auth.PermRecordsRead, []auth.Role{"dpo", "sales", "support", "marketing"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/subjects?email="+url.QueryEscape(e.email), nil)
		}},
		// What an erasure would destroy (counts, no values): for those who may erase.
		{"GET", "/v1/subjects/{subject}/erasure", auth.PermSubjectErase, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("GET", "/v1/subjects/"+subject+"/erasure", nil)
		}},
		{"GET", "/v1/subjects/{subject}/records", auth.PermRecordsRead, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("GET", "/v1/subjects/"+subject+"/records"+q, nil)
		}},
		{"POST", "/v1/tokens", auth.PermTokensManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			r := c.Do("POST", "/v1/tokens", map[string]any{"name": e.uniq("tok"), "role": "support"})
			if s, _ := r.JSON()["token"].(string); s != "" {
				e.secrets = append(e.secrets, s)
			}
			return r
		}},
		{"GET", "/v1/tokens", auth.PermTokensManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/tokens", nil)
		}},
		{"DELETE", "/v1/tokens/{id}", auth.PermTokensManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			id, _ := e.newToken(t, map[string]any{"name": e.uniq("victim"), "role": "sales"})
			return c.Do("DELETE", "/v1/tokens/"+id, nil)
		}},
		{"GET", "/v1/keys", auth.PermKeysManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/keys", nil)
		}},
		{"POST", "/v1/keys/rotate", auth.PermKeysManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/keys/rotate", nil)
		}},
		{"GET", "/v1/audit", auth.PermAuditRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/audit", nil)
		}},
		{"POST", "/v1/audit/verify", auth.PermAuditRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/audit/verify", nil)
		}},
		{"GET", "/v1/audit.csv", auth.PermAuditRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/audit.csv?action=record.create", nil)
		}},
		// Session-only routes: an API token is refused whatever its role.
		{"DELETE", "/v1/sessions/current", "self", none, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("DELETE", "/v1/sessions/current", nil)
		}},
		{"GET", "/v1/users/me", "self", all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/users/me", nil)
		}},
		// A token is assigned no task: both lists come back empty.
		{"GET", "/v1/users/me/tasks", "self", all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/users/me/tasks", nil)
		}},
		{"POST", "/v1/users/me/totp", "self", none, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/users/me/totp", nil)
		}},
		{"GET", "/v1/users/me/totp/qr.png", "self", none, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/users/me/totp/qr.png", nil)
		}},
		{"POST", "/v1/users/me/totp/confirm", "self", none, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/users/me/totp/confirm", map[string]any{"code": "123456"})
		}},
		{"POST", "/v1/users/me/password", "self", none, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/users/me/password", map[string]any{"current_password": "not the password at all", "new_password": "a new passphrase for nobody"})
		}},
		{"POST", "/v1/users", auth.PermUsersManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/users", map[string]any{"email": e.uniq("staff") + "@example.com", "display_name": "Staff", "role": "support"})
		}},
		{"GET", "/v1/users", auth.PermUsersManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/users", nil)
		}},
		{"GET", "/v1/users/{id}", auth.PermUsersManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/users/"+e.userID(t), nil)
		}},
		{"PATCH", "/v1/users/{id}", auth.PermUsersManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("PATCH", "/v1/users/"+e.userID(t), map[string]any{"display_name": "Renamed Staff"})
		}},
		{"POST", "/v1/users/{id}/password", auth.PermUsersManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/users/"+e.userID(t)+"/password", nil)
		}},
		{"GET", "/v1/roles", auth.PermSchemaRead, all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/roles", nil)
		}},
		{"POST", "/v1/roles", auth.PermRolesManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/roles", map[string]any{"name": e.uniq("role"), "grants": []any{map[string]any{"collection": "*", "category": "user.name", "access": "read"}}})
		}},
		{"GET", "/v1/roles/{name}", auth.PermSchemaRead, all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/roles/support", nil)
		}},
		{"PUT", "/v1/roles/{name}", auth.PermRolesManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			name := e.uniq("putrole")
			return c.Do("PUT", "/v1/roles/"+name, map[string]any{"name": name, "permissions": []string{"schema:read"}})
		}},
		{"DELETE", "/v1/roles/{name}", auth.PermRolesManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			name := e.uniq("delrole")
			e.admin.Must(201, "POST", "/v1/roles", map[string]any{"name": name})
			return c.Do("DELETE", "/v1/roles/"+name, nil)
		}},
		{"GET", "/v1/purposes", auth.PermSchemaRead, all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/purposes", nil)
		}},
		{"POST", "/v1/purposes", auth.PermPurposesManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/purposes", map[string]any{"name": e.uniq("purpose"), "description": "A test purpose.", "legal_basis": "contract", "roles": []string{"dpo"}})
		}},
		{"GET", "/v1/purposes/{name}", auth.PermSchemaRead, all, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/purposes/support", nil)
		}},
		{"PUT", "/v1/purposes/{name}", auth.PermPurposesManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			name := e.uniq("putpurpose")
			return c.Do("PUT", "/v1/purposes/"+name, map[string]any{"description": "Another test purpose.", "legal_basis": "legitimate_interests", "roles": []string{"dpo"}})
		}},
		{"POST", "/v1/subjects/{subject}/consents", auth.PermConsentsWrite, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("POST", "/v1/subjects/"+subject+"/consents", grantBody("marketing"))
		}},
		{"GET", "/v1/subjects/{subject}/consents", auth.PermConsentsRead, []auth.Role{"dpo", "sales", "support", "marketing", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("GET", "/v1/subjects/"+subject+"/consents", nil)
		}},
		{"POST", "/v1/training", auth.PermTrainingManage, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/training", map[string]any{"person": e.userID(t), "course": "GDPR basics", "completed_at": time.Now().Add(-time.Hour).UTC()})
		}},
		{"GET", "/v1/training", auth.PermTrainingManage, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/training", nil)
		}},
		{"POST", "/v1/requests", auth.PermRequestsFile, []auth.Role{"dpo", "sales", "support"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": subject}, "jurisdiction": "GDPR"})
		}},
		{"GET", "/v1/requests", auth.PermRequestsRead, []auth.Role{"admin", "dpo", "support", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/requests?overdue=false", nil)
		}},
		{"GET", "/v1/requests/{id}", auth.PermRequestsRead, []auth.Role{"admin", "dpo", "support", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/requests/"+e.request(t, 0), nil)
		}},
		{"POST", "/v1/requests/{id}/transitions", auth.PermRequestsManage, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/requests/"+e.request(t, 0)+"/transitions", map[string]any{"to": "verifying_identity", "reason": "id checked"})
		}},
		{"POST", "/v1/requests/{id}/execute", auth.PermRequestsManage, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/requests/"+e.request(t, 1)+"/execute", nil)
		}},
		{"GET", "/v1/requests/{id}/package", auth.PermRequestsManage, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/requests/"+e.request(t, 2)+"/package", nil)
		}},
		{"POST", "/v1/requests/{id}/tasks", auth.PermRequestsManage, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/requests/"+e.request(t, 0)+"/tasks", map[string]any{"system": "CRM"})
		}},
		// requests:manage, or the task's assignee (no token is one).
		{"POST", "/v1/requests/{id}/tasks/{task}/close", "self", []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			id := e.request(t, 0)
			task := e.data.Must(201, "POST", "/v1/requests/"+id+"/tasks", map[string]any{"system": "CRM"}).JSON()["id"].(string)
			return c.Do("POST", "/v1/requests/"+id+"/tasks/"+task+"/close", map[string]any{"evidence": "deleted"})
		}},
		{"GET", "/v1/deletions", auth.PermAuditRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/deletions", nil)
		}},
		{"GET", "/v1/retention/rules", "self", []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/retention/rules", nil)
		}},
		{"POST", "/v1/retention/rules", auth.PermRetention, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 50, "unit": "years"}})
		}},
		{"DELETE", "/v1/retention/rules/{id}", auth.PermRetention, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			id := e.data.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 60, "unit": "years"}}).JSON()["id"].(string)
			return c.Do("DELETE", "/v1/retention/rules/"+id, nil)
		}},
		{"POST", "/v1/retention/run", auth.PermRetention, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/retention/run", map[string]any{"dry_run": true})
		}},
		{"GET", "/v1/holds", "self", []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/holds", nil)
		}},
		{"POST", "/v1/holds", auth.PermRetention, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			return c.Do("POST", "/v1/holds", map[string]any{"subject": subject, "reason": "audit", "expires_at": time.Now().Add(time.Hour).UTC()})
		}},
		{"DELETE", "/v1/subjects/{subject}/restriction", auth.PermRequestsManage, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			if err := e.srv.DB.SetRestriction(context.Background(), store.Restriction{SubjectID: subject, Purposes: []string{"legal"}, Reason: "test",
				Since: time.Now().UTC(), SetBy: "test"}, &audit.Entry{Actor: "test", Action: "subject.restrict"}); err != nil {
				t.Fatal(err)
			}
			return c.Do("DELETE", "/v1/subjects/"+subject+"/restriction", map[string]any{"reason": "period over; told the person"})
		}},
		{"DELETE", "/v1/subjects/{subject}/objections/{purpose}", auth.PermRequestsManage, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			if err := e.srv.DB.SetObjections(context.Background(), subject, []string{"marketing"}, "req_test", time.Now().UTC(),
				&audit.Entry{Actor: "test", Action: "subject.object"}); err != nil {
				t.Fatal(err)
			}
			return c.Do("DELETE", "/v1/subjects/"+subject+"/objections/marketing", map[string]any{"reason": "consented again"})
		}},
		{"POST", "/v1/holds/{id}/release", auth.PermRetention, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			_, subject, _ := e.newRecord(t)
			id := e.data.Must(201, "POST", "/v1/holds", map[string]any{"subject": subject, "reason": "audit"}).JSON()["id"].(string)
			return c.Do("POST", "/v1/holds/"+id+"/release", map[string]any{"reason": "case closed"})
		}},
		{"GET", "/v1/alerts", auth.PermAlertsRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/alerts", nil)
		}},
		{"POST", "/v1/alerts/{id}/clear", auth.PermAlertsManage, adminOnly, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/alerts/"+e.alertID(t)+"/clear", nil)
		}},
		{"GET", "/v1/systems", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/systems", nil)
		}},
		{"POST", "/v1/systems", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/systems", map[string]any{"name": e.uniq("crm"), "kind": "crm"})
		}},
		{"GET", "/v1/systems/{id}", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/systems/"+e.system(t), nil)
		}},
		{"PUT", "/v1/systems/{id}", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("PUT", "/v1/systems/"+e.system(t), map[string]any{"name": e.uniq("crm"), "kind": "crm", "status": "official"})
		}},
		{"DELETE", "/v1/systems/{id}", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("DELETE", "/v1/systems/"+e.system(t), nil)
		}},
		{"POST", "/v1/systems/{id}/confirm", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			body := scanReport()
			body["roots"] = []string{"/" + e.uniq("share")}
			sys := e.data.Must(201, "POST", "/v1/scans", body).JSON()["systems"].([]any)[0].(string)
			return c.Do("POST", "/v1/systems/"+sys+"/confirm", map[string]any{"status": "shadow"})
		}},
		{"GET", "/v1/datamap.svg", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/datamap.svg", nil)
		}},
		{"GET", "/v1/processors", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/processors", nil)
		}},
		{"POST", "/v1/processors", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/processors", processorBody(e.uniq("vendor")))
		}},
		{"GET", "/v1/processors/{id}", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/processors/"+e.processor(t), nil)
		}},
		{"PUT", "/v1/processors/{id}", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("PUT", "/v1/processors/"+e.processor(t), processorBody(e.uniq("vendor")))
		}},
		{"DELETE", "/v1/processors/{id}", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("DELETE", "/v1/processors/"+e.processor(t), nil)
		}},
		{"POST", "/v1/incidents", auth.PermIncidents, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/incidents", incidentBody())
		}},
		{"GET", "/v1/incidents", auth.PermIncidentsRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/incidents", nil)
		}},
		{"GET", "/v1/incidents/{id}", auth.PermIncidentsRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/incidents/"+e.incident(t), nil)
		}},
		{"POST", "/v1/incidents/{id}/tasks/{task}/close", auth.PermIncidents, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/incidents/"+e.incident(t)+"/tasks/contain/close", map[string]any{"evidence": "token revoked"})
		}},
		{"POST", "/v1/incidents/{id}/notifications", auth.PermIncidents, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/incidents/"+e.incident(t)+"/notifications", map[string]any{"regime": "GDPR", "recipient": "supervisory_authority"})
		}},
		{"POST", "/v1/incidents/{id}/evidence", auth.PermIncidents, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/incidents/"+e.incident(t)+"/evidence", map[string]any{"description": "firewall log", "sha256": strings.Repeat("ab", 32)})
		}},
		{"POST", "/v1/imports", auth.PermImportsRun, []auth.Role{"dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			// The admin holds imports:run but may not write personal data.
			return postImport(t, c, importJobJSON(e.uniq("imp"), nil), "k.csv", importCSV)
		}},
		{"GET", "/v1/imports", auth.PermImportsRun, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/imports", nil)
		}},
		{"GET", "/v1/imports/{id}", auth.PermImportsRun, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/imports/"+e.importJob(t), nil)
		}},
		{"GET", "/v1/imports/{id}/rejects.csv", auth.PermImportsRun, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/imports/"+e.importJob(t)+"/rejects.csv", nil)
		}},
		{"DELETE", "/v1/imports/{id}", auth.PermImportsRun, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("DELETE", "/v1/imports/"+e.importJob(t), nil)
		}},
		{"POST", "/v1/exports", auth.PermRecordsRead, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "call list"})
		}},
		{"GET", "/v1/exports", auth.PermAuditRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/exports", nil)
		}},
		// A "self" route that checks audit:read, or that the caller asked
		// for the export (the export here is another token's).
		{"GET", "/v1/exports/{id}", "self", []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/exports/"+e.export(t, e.data), nil)
		}},
		{"POST", "/v1/exports/{id}/approve", auth.PermExportsApprove, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/exports/"+e.pendingExport(t)+"/approve", map[string]any{"reason": "checked"})
		}},
		{"POST", "/v1/exports/{id}/reject", auth.PermExportsApprove, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/exports/"+e.pendingExport(t)+"/reject", map[string]any{"reason": "not needed"})
		}},
		{"GET", "/v1/exports/{id}/download", auth.PermRecordsRead, dataRW, func(t *testing.T, e *rbacEnv, c C) R {
			// The one who asked downloads; the others try the dpo's export.
			r := c.Do("POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "call list"})
			id := ""
			if r.Status == 201 {
				id = r.JSON()["id"].(string)
			} else {
				id = e.export(t, e.data)
			}
			return c.Do("GET", "/v1/exports/"+id+"/download", nil)
		}},
		{"POST", "/v1/people/{id}/offboard", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/people/"+e.person(t)+"/offboard", map[string]any{"reason": "left"})
		}},
		{"GET", "/v1/offboardings", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/offboardings", nil)
		}},
		{"GET", "/v1/offboardings/{id}", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/offboardings/"+e.offboarding(t), nil)
		}},
		{"POST", "/v1/offboardings/{id}/items/{item}/close", auth.PermGovernance, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/offboardings/"+e.offboarding(t)+"/items/owner-"+e.lastSystem+"/close", map[string]any{"evidence": "new owner named"})
		}},
		// Clean-up tasks: "self" routes that check governance:read and
		// governance:manage (or the assignee, see TestCleanupTasksAPI).
		{"GET", "/v1/cleanup-tasks", "self", []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/cleanup-tasks", nil)
		}},
		{"GET", "/v1/cleanup-tasks/{id}", "self", []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/cleanup-tasks/"+e.cleanupTask(t), nil)
		}},
		{"POST", "/v1/cleanup-tasks/{id}/close", "self", []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/cleanup-tasks/"+e.cleanupTask(t)+"/close", map[string]any{"evidence": "file deleted"})
		}},
		{"GET", "/v1/report", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/report", nil)
		}},
		{"GET", "/v1/records-of-processing", auth.PermGovernanceRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/records-of-processing?format=csv", nil)
		}},
		{"POST", "/v1/scans", auth.PermScansReport, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/scans", scanReport())
		}},
		{"GET", "/v1/scans", auth.PermScansRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("GET", "/v1/scans", nil)
		}},
		{"GET", "/v1/scans/{id}", auth.PermScansRead, []auth.Role{"admin", "dpo", "auditor"}, func(t *testing.T, e *rbacEnv, c C) R {
			id := e.data.Must(201, "POST", "/v1/scans", scanReport()).JSON()["scan"].(map[string]any)["id"].(string)
			return c.Do("GET", "/v1/scans/"+id, nil)
		}},
		{"POST", "/v1/scans/{id}/locations", auth.PermScansReport, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			// Only the reporter may add locations: a caller that may report
			// adds to its own scan; the others try the dpo's.
			r := c.Do("POST", "/v1/scans", scanReport())
			if r.Status != 201 {
				r = e.data.Must(201, "POST", "/v1/scans", scanReport())
			}
			id := r.JSON()["scan"].(map[string]any)["id"].(string)
			return c.Do("POST", "/v1/scans/"+id+"/locations", map[string]any{"locations": []any{scanLocation("more.csv")}})
		}},
		{"POST", "/v1/dlp/check", auth.PermDLPCheck, []auth.Role{"admin", "dpo"}, func(t *testing.T, e *rbacEnv, c C) R {
			return c.Do("POST", "/v1/dlp/check", map[string]any{"text": "Meeting moved to 3pm.", "channel": "email"})
		}},
	}
}

// system has the dpo add a system to the data map and returns its id.
func (e *rbacEnv) system(t *testing.T) string {
	t.Helper()
	return e.data.Must(201, "POST", "/v1/systems", map[string]any{"name": e.uniq("system"), "kind": "spreadsheet"}).JSON()["id"].(string)
}

// processor has the dpo register a processor and returns its id.
func (e *rbacEnv) processor(t *testing.T) string {
	t.Helper()
	return e.data.Must(201, "POST", "/v1/processors", processorBody(e.uniq("vendor"))).JSON()["id"].(string)
}

// processorBody is a processor without a DPA to which nothing flows.
func processorBody(vendor string) map[string]any {
	return map[string]any{"vendor": vendor, "service": "newsletters", "country": "FR", "dpa_status": "none"}
}

// export has c ask for a small export of the customers' e-mail addresses
// and returns its id.
// importJob returns the id of an import job the dpo ran to its end.
func (e *rbacEnv) importJob(t *testing.T) string {
	t.Helper()
	if e.lastImport == "" {
		id := e.uniq("imp")
		if r := postImport(t, e.data, importJobJSON(id, nil), "k.csv", importCSV); r.Status != 202 {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		waitImport(t, e.data, id)
		e.lastImport = id
	}
	return e.lastImport
}

func (e *rbacEnv) export(t *testing.T, c *testutil.Client) string {
	t.Helper()
	return c.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "call list"}).JSON()["id"].(string)
}

// pendingExport has the dpo ask for an export of card numbers, a
// sensitive category, which waits for approval, and returns its id.
func (e *rbacEnv) pendingExport(t *testing.T) string {
	t.Helper()
	if r := e.admin.Do("GET", "/v1/collections/payments", nil); r.Status == 404 {
		e.admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "payments", "kind": "persons", "fields": []any{
			map[string]any{"name": "card", "type": "card", "category": "user.financial.credit_card", "purposes": []string{"support"}}}})
	}
	x := e.asker.Must(201, "POST", "/v1/exports", map[string]any{"collection": "payments", "purpose": "support", "reason": "audit sample"}).JSON()
	if x["status"] != "pending_approval" {
		t.Fatalf("export does not wait for approval: %v", x)
	}
	return x["id"].(string)
}

// person has the admin add a person and returns their id.
func (e *rbacEnv) person(t *testing.T) string {
	t.Helper()
	return e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": e.uniq("leaver") + "@example.com", "display_name": "Leaver", "role": "support"}).JSON()["user"].(map[string]any)["id"].(string)
}

// offboarding has the dpo offboard a new person who owns a system, and
// returns the review's id; the owner item stays open.
func (e *rbacEnv) offboarding(t *testing.T) string {
	t.Helper()
	email := e.uniq("owner") + "@example.com"
	id := e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": email, "display_name": "Owner", "role": "support"}).JSON()["user"].(map[string]any)["id"].(string)
	e.lastSystem = e.data.Must(201, "POST", "/v1/systems", map[string]any{"name": e.uniq("owned"), "kind": "spreadsheet", "owner": email}).JSON()["id"].(string)
	return e.data.Must(201, "POST", "/v1/people/"+id+"/offboard", map[string]any{"reason": "left"}).JSON()["id"].(string)
}

// cleanupTask imports one row from a new spreadsheet and returns the
// clean-up task of its copy.
func (e *rbacEnv) cleanupTask(t *testing.T) string {
	t.Helper()
	return importFrom(t, e.srv, e.uniq("job"), e.uniq("sheet")+".xlsx", "holder@example.com", [][]string{{e.uniq("row") + "@example.com", "Row Person"}}).CleanupTaskID
}

// scanReport is a minimal valid scan report.
func scanReport() map[string]any {
	return map[string]any{"source": "laptop-7", "roots": []string{"/exports"}, "started_at": "2026-11-23T08:00:00Z",
		"finished_at": "2026-11-23T08:00:03Z", "summary": map[string]any{"files": 1, "bytes": 100, "findings": 2},
		"locations": []any{scanLocation("customers.csv")}}
}

// scanLocation is a location of two e-mail addresses in path.
func scanLocation(path string) map[string]any {
	return map[string]any{"path": path, "column": "email", "entity": "EMAIL_ADDRESS", "category": "user.contact.email", "count": 2, "max_confidence": 0.99}
}

// request has a dpo file an access request for a new customer and take it
// stage steps: 0 received, 1 in progress, 2 carried out. It returns the id.
func (e *rbacEnv) request(t *testing.T, stage int) string {
	t.Helper()
	_, subject, _ := e.newRecord(t)
	id := e.data.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": subject}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
	if stage >= 1 {
		e.data.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "verifying_identity", "reason": "checked"})
		e.data.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "in_progress", "reason": "verified"})
	}
	if stage >= 2 {
		e.data.Must(200, "POST", "/v1/requests/"+id+"/execute", nil)
	}
	return id
}

// grantBody is a consent grant for purpose with complete evidence.
func grantBody(purpose string) map[string]any {
	return map[string]any{"purpose": purpose, "action": "grant", "method": "checkbox on signup form", "notice_version": "v1",
		"notice_text": "We will e-mail you offers. You can withdraw at any time.", "channel": "web", "collected_by": "signup-form"}
}

// userID has the admin create a person and returns the id.
func (e *rbacEnv) userID(t *testing.T) string {
	t.Helper()
	r := e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": e.uniq("person") + "@staff.example.com", "display_name": "Staff", "role": "support"})
	u, _ := r.JSON()["user"].(map[string]any)
	id, _ := u["id"].(string)
	if id == "" {
		t.Fatalf("create user: no id in %s", r.Body)
	}
	return id
}

// alertID makes the server raise an alert (failed sign-ins from one
// e-mail address past the limit) and returns its id.
func (e *rbacEnv) alertID(t *testing.T) string {
	t.Helper()
	email := e.uniq("nobody") + "@example.com"
	for range 6 {
		e.admin.With("").Do("POST", "/v1/sessions", map[string]any{"email": email, "password": "wrong-password-123"})
	}
	r := e.admin.Must(200, "GET", "/v1/alerts?open=true", nil)
	if as := r.JSON()["alerts"].([]any); len(as) > 0 {
		return as[0].(map[string]any)["id"].(string)
	}
	r = e.admin.Must(200, "GET", "/v1/alerts", nil) // cleared ones do for roles that may not clear
	if as := r.JSON()["alerts"].([]any); len(as) > 0 {
		return as[0].(map[string]any)["id"].(string)
	}
	t.Fatalf("no brute-force alert raised: %s", r.Body)
	return ""
}

// rbacCheckCoverage fails unless rbacRoutes names every authenticated
// operation of the served OpenAPI document with the same permission.
func rbacCheckCoverage(t *testing.T, e *rbacEnv, routes []rbacRoute) {
	t.Helper()
	r := e.admin.Must(200, "GET", "/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("decode openapi.json: %v", err)
	}
	have := map[string]auth.Permission{}
	for _, rt := range routes {
		have[rt.method+" "+rt.pattern] = rt.perm
	}
	seen := map[string]bool{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !slices.Contains([]string{"get", "put", "post", "patch", "delete"}, method) {
				continue
			}
			var op struct {
				Security   *[]any `json:"security"`
				Permission string `json:"x-custodia-permission"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("decode %s %s: %v", method, path, err)
			}
			key := strings.ToUpper(method) + " " + path
			if op.Permission == "anyone" {
				continue // sign-in: no credentials needed (tested in TestPeopleSignInWithMFA)
			}
			if op.Security != nil && len(*op.Security) == 0 {
				if _, ok := have[key]; ok {
					t.Errorf("%s is public but listed in the role matrix", key)
				}
				continue
			}
			seen[key] = true
			perm, ok := have[key]
			switch {
			case !ok:
				t.Errorf("authenticated route %s is not covered by the role matrix", key)
			case string(perm) != op.Permission:
				t.Errorf("%s: matrix uses permission %q, the API documents %q", key, perm, op.Permission)
			}
		}
	}
	for key := range have {
		if !seen[key] {
			t.Errorf("matrix route %s is not an authenticated API operation", key)
		}
	}
}

func TestRoleMatrix(t *testing.T) {
	e := rbacSetup(t)
	routes := rbacRoutes()
	rbacCheckCoverage(t, e, routes)

	for _, rt := range routes {
		for _, role := range builtinRoles {
			t.Run(rt.method+" "+rt.pattern+"/"+string(role), func(t *testing.T) {
				r := rt.call(t, e, e.tokens[role])
				if slices.Contains(rt.allowed, role) {
					if r.Status == 401 || r.Status == 403 || r.Status < 200 || r.Status > 299 {
						t.Errorf("role %s holds %s: status %d, want 2xx; body %s", role, rt.perm, r.Status, r.Body)
					}
					return
				}
				denials := []string{"forbidden", "purpose_not_allowed_for_role", "field_not_writable", "session_required", "not_your_export"}
				if r.Status != 403 || !slices.Contains(denials, r.Code()) {
					t.Errorf("role %s may not %s %s: status %d code %q, want 403; body %s", role, rt.method, rt.pattern, r.Status, r.Code(), r.Body)
				}
			})
		}
	}

	// Spot checks that do not rely on auth.Role.Can.
	t.Run("spot", func(t *testing.T) {
		tok := func(role string) *testutil.Client { return e.tokens[auth.Role(role)] }
		if r := tok("auditor").Do("GET", "/v1/collections/customers/records/"+e.recordID+"?purpose=support", nil); r.Status != 403 || r.Code() != "forbidden" {
			t.Errorf("auditor GET record: %d %q, want 403 forbidden", r.Status, r.Code())
		}
		if r := tok("auditor").Do("GET", "/v1/audit", nil); r.Status != 200 {
			t.Errorf("auditor GET /v1/audit: %d, want 200; body %s", r.Status, r.Body)
		}
		if r := tok("support").Do("POST", "/v1/tokens", map[string]any{"name": e.uniq("sneaky"), "role": "admin"}); r.Status != 403 || r.Code() != "forbidden" {
			t.Errorf("support POST /v1/tokens: %d %q, want 403 forbidden", r.Status, r.Code())
		}
		_, subject, _ := e.newRecord(t)
		if r := tok("dpo").Do("DELETE", "/v1/subjects/"+subject, nil); r.Status != 200 {
			t.Errorf("dpo DELETE /v1/subjects: %d, want 200; body %s", r.Status, r.Body)
		}
		for _, role := range []string{"dpo", "sales", "support", "marketing", "auditor"} {
			if r := tok(role).Do("POST", "/v1/keys/rotate", nil); r.Status != 403 || r.Code() != "forbidden" {
				t.Errorf("%s POST /v1/keys/rotate: %d %q, want 403 forbidden", role, r.Status, r.Code())
			}
		}
		if r := tok("admin").Do("POST", "/v1/keys/rotate", nil); r.Status != 200 {
			t.Errorf("admin POST /v1/keys/rotate: %d, want 200; body %s", r.Status, r.Body)
		}
	})

	t.Run("authentication", func(t *testing.T) {
		if r := e.admin.With("").Do("GET", "/v1/collections", nil); r.Status != 401 || r.Code() != "missing_token" {
			t.Errorf("no token: %d %q, want 401 missing_token", r.Status, r.Code())
		}
		if r := e.admin.With("cst_this-is-not-a-real-token").Do("GET", "/v1/collections", nil); r.Status != 401 || r.Code() != "invalid_token" {
			t.Errorf("garbage token: %d %q, want 401 invalid_token", r.Status, r.Code())
		}

		id, secret := e.newToken(t, map[string]any{"name": e.uniq("revoked"), "role": "support"})
		c := e.admin.With(secret)
		c.Must(200, "GET", "/v1/collections", nil)
		e.admin.Must(204, "DELETE", "/v1/tokens/"+id, nil)
		if r := c.Do("GET", "/v1/collections", nil); r.Status != 401 {
			t.Errorf("revoked token: %d %q, want 401", r.Status, r.Code())
		}

		_, ttlSecret := e.newToken(t, map[string]any{"name": e.uniq("ttl"), "role": "support", "ttl": "2s"})
		at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
		_, atSecret := e.newToken(t, map[string]any{"name": e.uniq("expires"), "role": "support", "expires_at": at})
		for _, s := range []string{ttlSecret, atSecret} {
			e.admin.With(s).Must(200, "GET", "/v1/collections", nil)
		}
		time.Sleep(2500 * time.Millisecond)
		for _, s := range []string{ttlSecret, atSecret} {
			if r := e.admin.With(s).Do("GET", "/v1/collections", nil); r.Status != 401 {
				t.Errorf("expired token: %d %q, want 401", r.Status, r.Code())
			}
		}
	})

	t.Run("scope", func(t *testing.T) {
		e.admin.Must(201, "POST", "/v1/collections", `{"name":"other","kind":"persons","fields":[{"name":"note","type":"text","category":"user.content","purposes":["support"]}]}`)
		_, other := e.newToken(t, map[string]any{"name": e.uniq("other"), "role": "support", "collections": []string{"other"}})
		oc := e.admin.With(other)
		for _, call := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/v1/collections/customers/records/" + e.recordID + "?purpose=support", nil},
			{"GET", "/v1/collections/customers/records?purpose=support&email=" + url.QueryEscape(e.email), nil},
			{"POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "scoped@example.com"}},
			{"PATCH", "/v1/collections/customers/records/" + e.recordID + "?purpose=support", map[string]any{"name": "X"}},
			{"DELETE", "/v1/collections/customers/records/" + e.recordID + "?purpose=support", nil},
			{"GET", "/v1/collections/customers", nil},
		} {
			if r := oc.Do(call.method, call.path, call.body); r.Status != 403 || r.Code() != "collection_not_allowed" {
				t.Errorf("token scoped to other: %s %s: %d %q, want 403 collection_not_allowed", call.method, call.path, r.Status, r.Code())
			}
		}
		r := oc.Must(200, "GET", "/v1/collections", nil)
		if strings.Contains(string(r.Body), "customers") {
			t.Errorf("token scoped to other sees customers in GET /v1/collections: %s", r.Body)
		}
		e.data.Must(200, "GET", "/v1/collections/customers/records/"+e.recordID+"?purpose=support", nil) // still there

		_, mkt := e.newToken(t, map[string]any{"name": e.uniq("mkt"), "role": "marketing", "purposes": []string{"marketing"}})
		mc := e.admin.With(mkt)
		if r := mc.Do("GET", "/v1/collections/customers/records/"+e.recordID+"?purpose=support", nil); r.Status != 403 || r.Code() != "purpose_not_allowed" {
			t.Errorf("marketing-only token with purpose=support: %d %q, want 403 purpose_not_allowed", r.Status, r.Code())
		}
		mc.Must(200, "GET", "/v1/collections/customers/records/"+e.recordID+"?purpose=marketing", nil)

		_, subject, _ := e.newRecord(t)
		_, dpoScoped := e.newToken(t, map[string]any{"name": e.uniq("dpo_scoped"), "role": "dpo", "collections": []string{"customers"}})
		if r := e.admin.With(dpoScoped).Do("DELETE", "/v1/subjects/"+subject, nil); r.Status != 403 {
			t.Errorf("collection-scoped dpo erasing a subject: %d %q, want 403", r.Status, r.Code())
		}
		r = e.data.Must(200, "GET", "/v1/subjects/"+subject+"/records?purpose=support", nil)
		if !strings.Contains(string(r.Body), subject) {
			t.Errorf("the subject's records are gone after a refused erasure: %s", r.Body)
		}
	})

	t.Run("scope/purpose-scoped erasure", func(t *testing.T) {
		_, subject, _ := e.newRecord(t)
		_, dpoMkt := e.newToken(t, map[string]any{"name": e.uniq("dpo_mkt"), "role": "dpo", "purposes": []string{"marketing"}})
		if r := e.admin.With(dpoMkt).Do("DELETE", "/v1/subjects/"+subject, nil); r.Status != 403 {
			t.Errorf("purpose-scoped dpo erasing a subject: %d %q, want 403", r.Status, r.Code())
		}
	})

	t.Run("no secrets in listings", func(t *testing.T) {
		tokens := e.admin.Must(200, "GET", "/v1/tokens", nil)
		audit := e.admin.Must(200, "GET", "/v1/audit?limit=1000", nil)
		if n := len(tokens.JSON()["tokens"].([]any)); n < len(builtinRoles) {
			t.Errorf("GET /v1/tokens lists %d tokens, want at least %d", n, len(builtinRoles))
		}
		if n := len(audit.JSON()["entries"].([]any)); n < 50 {
			t.Errorf("GET /v1/audit lists only %d entries", n)
		}
		for _, s := range e.secrets {
			for _, body := range []testutil.Response{tokens, audit} {
				if strings.Contains(string(body.Body), s) {
					t.Errorf("a token secret appears in a listing")
				}
				// Also no stray fragment of it (the random part).
				if rnd := strings.TrimPrefix(s, auth.TokenPrefix); len(rnd) > 16 && strings.Contains(string(body.Body), rnd[:16]) {
					t.Errorf("part of a token secret appears in a listing")
				}
			}
		}
	})
}

// TestRoleAuthFailureLockout runs on its own server: its failed attempts
// would lock other tests out.
func TestRoleAuthFailureLockout(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	r := admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "valid-support", "role": "support"})
	valid := admin.With(r.JSON()["token"].(string))
	valid.Must(200, "GET", "/v1/collections", nil)

	// Requests without credentials are no guesses: any number of them
	// locks no one out.
	anonymous := admin.With("")
	for i := range 30 {
		if r := anonymous.Do("GET", "/v1/collections", nil); r.Status != 401 {
			t.Fatalf("anonymous request %d: status %d, want 401; body %s", i+1, r.Status, r.Body)
		}
	}
	valid.Must(200, "GET", "/v1/collections", nil)

	bad := admin.With("cst_guess-that-does-not-exist")
	for i := range 20 {
		if r := bad.Do("GET", "/v1/collections", nil); r.Status != 401 {
			t.Fatalf("failed attempt %d: status %d, want 401; body %s", i+1, r.Status, r.Body)
		}
	}
	for _, c := range []*testutil.Client{bad, admin.With("")} {
		r := c.Do("GET", "/v1/collections", nil)
		if r.Status != 429 || r.Code() != "too_many_failures" {
			t.Errorf("after 20 failures, a bad/missing token: %d %q, want 429 too_many_failures", r.Status, r.Code())
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("429 Content-Type = %q", ct)
		}
		if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
			t.Errorf("429 Retry-After = %q, want 1 to 60 seconds", r.Header.Get("Retry-After"))
		}
	}
	// The lockout raised an alert naming the address.
	deadline := time.Now().Add(5 * time.Second)
	for {
		all, err := s.DB.ListAlerts(context.Background(), false, 100)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range all {
			found = found || a.Kind == detect.KindBruteForceAddress && a.Data["address"] != ""
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s alert after the lockout: %+v", detect.KindBruteForceAddress, all)
		}
		time.Sleep(50 * time.Millisecond)
	}

	t.Run("valid token blocked too", func(t *testing.T) {
		for _, c := range []*testutil.Client{valid, admin} {
			if r := c.Do("GET", "/v1/collections", nil); r.Status != 429 || r.Code() != "too_many_failures" {
				t.Errorf("after 20 failures, a valid token: %d %q, want 429 too_many_failures", r.Status, r.Code())
			}
		}
	})
}

// TestLockoutBehindProxy: behind a reverse proxy named in
// --trusted-proxies, the token lockout counts the client X-Forwarded-For
// names, so one client's refused tokens lock out that client and not
// everyone behind the proxy (QA); without the setting the header is
// ignored, so a guesser cannot dodge the lockout by writing it.
func TestLockoutBehindProxy(t *testing.T) {
	from := func(c *testutil.Client, addr string) *testutil.Client {
		x := *c
		x.Header = http.Header{"X-Forwarded-For": {addr}}
		return &x
	}
	guess := func(t *testing.T, c *testutil.Client) {
		t.Helper()
		for i := range 20 {
			if r := c.Do("GET", "/v1/collections", nil); r.Status != 401 {
				t.Fatalf("failed attempt %d: %d %s", i+1, r.Status, r.Body)
			}
		}
	}
	t.Run("trusted proxy", func(t *testing.T) {
		s := testutil.MustServe(t, app.Config{TrustedProxies: []string{"127.0.0.0/8", "::1"}})
		admin := s.Client(t)
		guess(t, from(admin.With("cst_guess-that-does-not-exist"), "198.51.100.7"))
		if r := from(admin, "198.51.100.7").Do("GET", "/v1/collections", nil); r.Code() != "too_many_failures" {
			t.Errorf("the guessing client: %d %s, want 429 too_many_failures", r.Status, r.Body)
		}
		from(admin, "198.51.100.8").Must(200, "GET", "/v1/collections", nil)
		admin.Must(200, "GET", "/v1/collections", nil) // the proxy's own address
	})
	t.Run("no trusted proxy", func(t *testing.T) {
		s := testutil.MustServe(t, app.Config{})
		admin := s.Client(t)
		guess(t, from(admin.With("cst_guess-that-does-not-exist"), "198.51.100.7"))
		if r := from(admin, "198.51.100.8").Do("GET", "/v1/collections", nil); r.Code() != "too_many_failures" {
			t.Errorf("a forged X-Forwarded-For dodged the lockout: %d %s", r.Status, r.Body)
		}
	})
}
