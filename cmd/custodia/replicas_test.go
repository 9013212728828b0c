package main

import (
	"path/filepath"
	"testing"

	"custodia/internal/testutil"
)

// twoReplicas starts two servers on one new PostgreSQL database with one
// key file; the first has the bootstrap admin token.
func twoReplicas(t *testing.T) (a, b *proc) {
	t.Helper()
	dbURL := testutil.MustPostgres(t)
	keyFile := filepath.Join(t.TempDir(), "custodia.key")
	a = startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL, "--bootstrap-token", testutil.AdminToken)
	b = startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL)
	return a, b
}

// TestLimitsHoldAtOnceOnOtherReplica sets an objection and a restriction
// through one PostgreSQL replica and reads through the other at once: the
// other withholds the data, as a consent withdrawal holds at once.
func TestLimitsHoldAtOnceOnOtherReplica(t *testing.T) {
	a, b := twoReplicas(t)
	admin := a.client(t, testutil.AdminToken)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.RoleToken("dpo")
	ca, cb := a.client(t, dpo), b.client(t, dpo)
	r := ca.Must(201, "POST", "/v1/collections/customers/records?purpose=support", `{"email":"limits@example.com","phone":"+84911111112"}`)
	id, sub := r.JSON()["id"].(string), r.JSON()["subject"].(string)
	rec := "/v1/collections/customers/records/" + id + "?purpose=support"
	if d := cb.Must(200, "GET", rec, nil).JSON()["data"].(map[string]any); d["email"] == nil {
		t.Fatalf("read through B before any limit: %v", d)
	}
	carryOut := func(typ string) {
		t.Helper()
		q := ca.Must(201, "POST", "/v1/requests", map[string]any{"type": typ, "subject_lookup": map[string]any{"subject": sub}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
		for _, to := range []string{"verifying_identity", "in_progress"} {
			ca.Must(200, "POST", "/v1/requests/"+q+"/transitions", map[string]any{"to": to, "reason": "step"})
		}
		ca.Must(200, "POST", "/v1/requests/"+q+"/execute", nil)
	}
	carryOut("restriction")
	// B's roles, purposes and (before) restrictions were loaded moments
	// ago: only a live read sees the restriction now.
	got := cb.Must(200, "GET", rec, nil).JSON()
	if d := got["data"].(map[string]any); len(d) != 0 {
		t.Fatalf("read through B right after a restriction through A: %v", got)
	}
	if r := cb.Do("PATCH", rec, map[string]any{"address": "1 Elsewhere"}); r.Status != 409 || r.Code() != "restricted" {
		t.Fatalf("write through B right after a restriction through A: %d %s", r.Status, r.Body)
	}
}

// TestSignOutHoldsAtOnceOnOtherReplica signs a person in through one
// PostgreSQL replica, uses the session through the other, signs out
// through the first: the other refuses the session at once.
func TestSignOutHoldsAtOnceOnOtherReplica(t *testing.T) {
	a, b := twoReplicas(t)
	const pw = "correct horse battery staple"
	a.client(t, testutil.AdminToken).Must(201, "POST", "/v1/users", map[string]any{"email": "reader@example.com", "display_name": "Reader", "role": "auditor", "password": pw})
	session := a.client(t, "").Must(201, "POST", "/v1/sessions", map[string]any{"email": "reader@example.com", "password": pw}).JSON()["token"].(string)
	b.client(t, session).Must(200, "GET", "/v1/audit?limit=1", nil)
	a.client(t, session).Must(204, "DELETE", "/v1/sessions/current", nil)
	if r := b.client(t, session).Do("GET", "/v1/audit?limit=1", nil); r.Status != 401 {
		t.Fatalf("the other replica right after the sign-out: %d %s", r.Status, r.Body)
	}
}
