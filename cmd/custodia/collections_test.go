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

// TestCollectionsApplyRefusals: a file defining a collection twice is
// refused before anything is applied (QA: the second definition failed
// after the first and another had been created), and --url without a
// token is a usage error rather than an apply to the local data
// directory (QA: it created ./custodia-data beside the server).
func TestCollectionsApplyRefusals(t *testing.T) {
	dir := t.TempDir()
	twice := filepath.Join(dir, "twice.yaml")
	os.WriteFile(twice, []byte(`name: atom1
kind: persons
fields:
  - {name: email, type: email, category: user.contact.email, purposes: [support]}
---
name: atom2
kind: persons
fields:
  - {name: email, type: email, category: user.contact.email, purposes: [support]}
---
name: atom1
kind: persons
fields:
  - {name: email, type: text, category: user.contact.email, purposes: [support]}
`), 0o600)
	data := filepath.Join(dir, "data")
	for _, dry := range []bool{true, false} {
		args := []string{"collections", "apply", "-f", twice, "--data-dir", data}
		if dry {
			args = append(args, "--dry-run")
		}
		_, errOut, code := run(t, "", args...)
		if code != exitUsage || !strings.Contains(errOut, `"atom1" is defined twice`) {
			t.Fatalf("apply (dry run %v) of a file defining atom1 twice: %d %s", dry, code, errOut)
		}
	}
	p := startServe(t, "--data-dir", data, "--bootstrap-token", testutil.AdminToken)
	c := p.client(t, testutil.AdminToken)
	c.Must(404, "GET", "/v1/collections/atom2", nil)

	work := t.TempDir()
	_, errOut, code := runIn(t, work, "", "collections", "apply", "-f", filepath.Join(dir, "twice.yaml"), "--url", "http://"+p.addr)
	if code != exitUsage || !strings.Contains(errOut, "--url needs --token") {
		t.Fatalf("apply with --url and no token: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(work, "custodia-data")); !os.IsNotExist(err) {
		t.Fatalf("apply with --url and no token made a local data directory: %v", err)
	}
}

// TestCollectionsApplySaysWhatChanged: applying a file says created the
// first time, unchanged for the same file again (nothing was written),
// and updated for a changed one, on the database and through the server.
func TestCollectionsApplySaysWhatChanged(t *testing.T) {
	dir := t.TempDir()
	v1 := filepath.Join(dir, "v1.yaml")
	v2 := filepath.Join(dir, "v2.yaml")
	os.WriteFile(v1, []byte(`collections:
  - name: leads
    kind: persons
    fields:
      - {name: email, type: email, category: user.contact.email, purposes: [marketing], unique: true}
`), 0o600)
	os.WriteFile(v2, []byte(`collections:
  - name: leads
    kind: persons
    fields:
      - {name: email, type: email, category: user.contact.email, purposes: [marketing], unique: true}
      - {name: name, type: name, category: user.name, purposes: [marketing]}
`), 0o600)
	data := filepath.Join(dir, "data")
	apply := func(file string, where ...string) string {
		t.Helper()
		out, errOut, code := run(t, "", append([]string{"collections", "apply", "-f", file}, where...)...)
		if code != 0 {
			t.Fatalf("apply %s: %d %s", file, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	offline := []string{"--data-dir", data}
	for _, c := range []struct{ file, want string }{{v1, "created leads"}, {v1, "unchanged leads"}} {
		if got := apply(c.file, offline...); got != c.want {
			t.Errorf("offline: %q, want %q", got, c.want)
		}
	}
	if out, _, _ := run(t, "", "collections", "apply", "-f", v1, "--dry-run", "--data-dir", data); !strings.Contains(out, "would leave unchanged leads") {
		t.Errorf("dry run of the same file: %q", out)
	}
	p := startServe(t, "--data-dir", data, "--bootstrap-token", testutil.AdminToken)
	online := []string{"--url", "http://" + p.addr, "--token", testutil.AdminToken}
	for _, c := range []struct{ file, want string }{{v1, "unchanged leads"}, {v2, "updated leads"}, {v2, "unchanged leads"}} {
		if got := apply(c.file, online...); got != c.want {
			t.Errorf("through the server, %s: %q, want %q", filepath.Base(c.file), got, c.want)
		}
	}
	// The same purposes in another order, one of them twice, are the same
	// schema (QA: applied as a change).
	v3 := filepath.Join(dir, "v3.yaml")
	os.WriteFile(v3, []byte(`collections:
  - name: leads
    kind: persons
    fields:
      - {name: email, type: email, category: user.contact.email, purposes: [marketing, marketing], unique: true}
      - {name: name, type: name, category: user.name, purposes: [marketing]}
`), 0o600)
	if got := apply(v3, online...); got != "unchanged leads" {
		t.Errorf("purposes named twice: %q", got)
	}
	col := p.client(t, testutil.AdminToken).Must(200, "GET", "/v1/collections/leads", nil).JSON()
	if col["version"] != float64(2) {
		t.Errorf("version %v after one change, want 2", col["version"])
	}
}
