package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"custodia/internal/testutil"
)

// TestCollectionsApplyChecksAllFirst applies a file whose second
// collection names an unregistered purpose, through the server and on the
// database: the refusal names it, and the first collection is not created
// either.
func TestCollectionsApplyChecksAllFirst(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.yaml")
	os.WriteFile(schema, []byte(`collections:
  - name: leads
    kind: persons
    fields:
      - {name: email, type: email, category: user.contact.email, purposes: [marketing], unique: true}
  - name: referrals
    kind: persons
    fields:
      - {name: email, type: email, category: user.contact.email, purposes: [no_such_purpose]}
`), 0o600)

	offline := filepath.Join(dir, "offline")
	_, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--data-dir", offline)
	if code != exitUsage || !strings.Contains(errOut, "unregistered_purpose") {
		t.Fatalf("offline apply: %d %s", code, errOut)
	}
	p := startServe(t, "--data-dir", offline, "--bootstrap-token", testutil.AdminToken)
	c := p.client(t, testutil.AdminToken)
	c.Must(404, "GET", "/v1/collections/leads", nil)

	_, errOut, code = run(t, "", "collections", "apply", "-f", schema, "--url", "http://"+p.addr, "--token", testutil.AdminToken)
	if code != exitUsage || !strings.Contains(errOut, "unregistered_purpose") {
		t.Fatalf("apply through the server: %d %s", code, errOut)
	}
	c.Must(404, "GET", "/v1/collections/leads", nil)
}
