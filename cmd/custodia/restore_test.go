package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"custodia/internal/testutil"
)

// TestRestoreReappliesErasures restores a backup taken before an erasure
// into the data directory whose key store no longer has the erased
// subject's key: the erased person's rows are purged again, so a lookup by
// their e-mail finds nothing (and does not fail) and their e-mail can be
// used by a new customer, while everyone else is restored.
func TestRestoreReappliesErasures(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, "--data-dir", dir, "--bootstrap-token", testutil.AdminToken, "--demo", "--demo-count", "6")
	c := p.client(t, testutil.AdminToken)
	d := c.With(c.RoleToken("dpo"))
	recs := d.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=100", nil).JSON()["records"].([]any)
	if len(recs) != 6 {
		t.Fatalf("demo customers: %d", len(recs))
	}
	erased := recs[0].(map[string]any)
	subject := erased["subject"].(string)
	email := erased["data"].(map[string]any)["email"].(string)
	backup := filepath.Join(t.TempDir(), "before.backup")
	if out, errOut, code := run(t, "", "backup", "--data-dir", dir, "--out", backup); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	d.Must(200, "DELETE", "/v1/subjects/"+subject, nil)
	p.stop(t)

	out, errOut, code := run(t, "", "restore", backup, "--data-dir", dir, "--force")
	if code != 0 || !strings.Contains(errOut, "1 of 6 subjects have no data key") || !strings.Contains(errOut, "rows of 1 subjects erased since the backup") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if strings.Contains(out+errOut, email) {
		t.Fatal("the restore printed the erased person's e-mail")
	}

	p = startServe(t, "--data-dir", dir)
	d = p.client(t, d.Token)
	lookup := "/v1/collections/customers/records?purpose=support&email=" + url.QueryEscape(email)
	if n := len(d.Must(200, "GET", lookup, nil).JSON()["records"].([]any)); n != 0 {
		t.Fatalf("lookup of the erased e-mail found %d records", n)
	}
	if n := len(d.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=100", nil).JSON()["records"].([]any)); n != 5 {
		t.Fatalf("customers after the restore: %d, want 5", n)
	}
	data := map[string]any{}
	for k, v := range erased["data"].(map[string]any) {
		data[k] = v
	}
	d.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"data": data})
	dels := p.client(t, testutil.AdminToken).Must(200, "GET", "/v1/deletions", nil).Body
	if !strings.Contains(string(dels), `"restore"`) {
		t.Fatalf("the deletion register has no restore entry: %s", dels)
	}
}

// TestReadOnlyCommandRefusesAnotherKeyFile runs the offline audit verify
// with the key file of another data directory: it cannot check anything
// with those keys and must say so (exit 3), not report a broken chain.
func TestReadOnlyCommandRefusesAnotherKeyFile(t *testing.T) {
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for _, dir := range dirs {
		startServe(t, "--data-dir", dir, "--bootstrap-token", testutil.AdminToken).stop(t)
	}
	out, errOut, code := run(t, "", "audit", "verify", "--data-dir", dirs[0], "--key-file", filepath.Join(dirs[1], "custodia.key"))
	if code != exitRuntime || !strings.Contains(errOut, "lacks the database's primary KEK version") || strings.Contains(out, "broken") {
		t.Fatalf("verify with another key file: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := run(t, "", "audit", "verify", "--data-dir", dirs[0]); code != 0 {
		t.Fatalf("verify with its own key file: %d %s %s", code, out, errOut)
	}
}

// TestOfflineCommandsRefusedBesideServersOnPostgres runs keys rotate and
// restore against a PostgreSQL database a server is using, from another
// data directory with a copy of the key file (as from another host): the
// database's advisory lock refuses them, and they run once the server has
// stopped.
func TestOfflineCommandsRefusedBesideServersOnPostgres(t *testing.T) {
	dbURL := testutil.MustPostgres(t)
	dir := t.TempDir()
	p := startServe(t, "--data-dir", dir, "--database-url", dbURL, "--bootstrap-token", testutil.AdminToken)
	other := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(dir, "custodia.key"))
	if err != nil {
		t.Fatal(err)
	}
	keyCopy := filepath.Join(other, "custodia.key")
	os.WriteFile(keyCopy, raw, 0o600)
	backup := filepath.Join(t.TempDir(), "b.backup")
	if out, errOut, code := run(t, "", "backup", "--database-url", dbURL, "--data-dir", other, "--key-file", keyCopy, "--out", backup); code != 0 {
		t.Fatalf("online backup: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"keys", "rotate", "--database-url", dbURL, "--data-dir", other, "--key-file", keyCopy},
		{"restore", backup, "--force", "--database-url", dbURL, "--data-dir", other, "--key-file", keyCopy},
	} {
		if out, errOut, code := run(t, "", args...); code == 0 || !strings.Contains(errOut, "another custodia process is using this PostgreSQL database") {
			t.Fatalf("%s beside a server: %d %s %s", args[0], code, out, errOut)
		}
	}
	p.client(t, testutil.AdminToken).Must(200, "GET", "/v1/collections", nil)
	p.stop(t)
	if out, errOut, code := run(t, "", "keys", "rotate", "--database-url", dbURL, "--data-dir", other, "--key-file", keyCopy); code != 0 {
		t.Fatalf("rotate with no server: %d %s %s", code, out, errOut)
	}
}

// TestLimitsHoldAtOnceOnOtherReplica sets an objection and a restriction
// through one PostgreSQL replica and reads through the other at once: the
// other withholds the data, as a consent withdrawal holds at once.
func TestLimitsHoldAtOnceOnOtherReplica(t *testing.T) {
	dbURL := testutil.MustPostgres(t)
	keyFile := filepath.Join(t.TempDir(), "custodia.key")
	a := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL, "--bootstrap-token", testutil.AdminToken)
	b := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL)
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
	dbURL := testutil.MustPostgres(t)
	keyFile := filepath.Join(t.TempDir(), "custodia.key")
	a := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL, "--bootstrap-token", testutil.AdminToken)
	b := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL)
	const pw = "correct horse battery staple"
	a.client(t, testutil.AdminToken).Must(201, "POST", "/v1/users", map[string]any{"email": "reader@example.com", "display_name": "Reader", "role": "auditor", "password": pw})
	session := a.client(t, "").Must(201, "POST", "/v1/sessions", map[string]any{"email": "reader@example.com", "password": pw}).JSON()["token"].(string)
	b.client(t, session).Must(200, "GET", "/v1/audit?limit=1", nil)
	a.client(t, session).Must(204, "DELETE", "/v1/sessions/current", nil)
	if r := b.client(t, session).Do("GET", "/v1/audit?limit=1", nil); r.Status != 401 {
		t.Fatalf("the other replica right after the sign-out: %d %s", r.Status, r.Body)
	}
}
