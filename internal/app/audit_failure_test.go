package app_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // database/sql driver

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestNoUnauditedAccess makes the audit log refuse inserts (a trigger) and
// checks that reads then return no data and writes leave nothing behind.
func TestNoUnauditedAccess(t *testing.T) {
	dir := t.TempDir()
	s := testutil.MustServe(t, app.Config{DataDir: dir})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c = c.With(c.RoleToken("dpo"))
	id := c.Must(201, "POST", "/v1/collections/customers/records?purpose=support", `{"email":"audited.person@example.com"}`).JSON()["id"].(string)

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "custodia.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("CREATE TRIGGER audit_off BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit disabled'); END"); err != nil {
		t.Fatal(err)
	}

	r := c.Do("GET", "/v1/collections/customers/records/"+id+"?purpose=support", nil)
	if r.Status != 503 || r.Code() != "audit_unavailable" || strings.Contains(string(r.Body), "audited.person") {
		t.Fatalf("read without audit: %d %s", r.Status, r.Body)
	}
	r = c.Do("GET", "/v1/collections/customers/records?email=audited.person@example.com&purpose=support", nil)
	if r.Status < 500 || strings.Contains(string(r.Body), "audited.person") {
		t.Fatalf("lookup without audit: %d %s", r.Status, r.Body)
	}
	r = c.Do("POST", "/v1/collections/customers/records?purpose=support", `{"email":"unaudited.write@example.com"}`)
	if r.Status < 500 {
		t.Fatalf("write without audit: %d %s", r.Status, r.Body)
	}

	if _, err := raw.Exec("DROP TRIGGER audit_off"); err != nil {
		t.Fatal(err)
	}
	if n := len(c.Must(200, "GET", "/v1/collections/customers/records?email=unaudited.write@example.com&purpose=support", nil).JSON()["records"].([]any)); n != 0 {
		t.Fatal("a write whose audit entry failed was committed")
	}
	if rep := c.Must(200, "POST", "/v1/audit/verify", nil).JSON(); rep["ok"] != true {
		t.Fatalf("chain after the outage: %v", rep)
	}
}

// TestTamperedHeadRaisesAlert: entries deleted with the chain head moved
// back, behind the server's back: the next write records it in the chain
// and raises a critical alert (QA: only audit verify showed it).
func TestTamperedHeadRaisesAlert(t *testing.T) {
	dir := t.TempDir()
	s := testutil.MustServe(t, app.Config{DataDir: dir})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := c.With(c.RoleToken("dpo"))
	for i := range 3 {
		dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": fmt.Sprintf("p%d@example.com", i)})
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "custodia.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var seq int64
	var hash []byte
	if err := raw.QueryRow("SELECT seq, hash FROM audit_log WHERE seq = (SELECT MAX(seq) - 2 FROM audit_log)").Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DELETE FROM audit_log WHERE seq > ?", seq); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, hash); err != nil {
		t.Fatal(err)
	}
	// The next write (this list's own audit entry) finds the head moved.
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, x := range c.Must(200, "GET", "/v1/alerts?open=true", nil).JSON()["alerts"].([]any) {
			if a := x.(map[string]any); a["kind"] == "audit_chain_broken" && a["severity"] == "critical" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no audit_chain_broken alert after a write on a tampered chain")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
