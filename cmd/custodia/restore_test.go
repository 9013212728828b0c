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

// TestRestoreWithoutKeyFile: a restore into a new data directory without
// the backup's key file is refused as the caller's mistake, naming
// --key-file, and leaves no key file behind (QA: the --help example did
// exactly this).
func TestRestoreWithoutKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "restored")
	backup := filepath.Join(t.TempDir(), "x.backup")
	os.WriteFile(backup, []byte("not a backup"), 0o600)
	out, errOut, code := run(t, "", "restore", backup, "--data-dir", dir)
	if code != exitUsage || !strings.Contains(errOut, "--key-file") {
		t.Fatalf("restore without the key file: %d %s %s, want exit 2 naming --key-file", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "custodia.key")); err == nil {
		t.Error("the refused restore left a key file")
	}
}

// TestRestoreHelpExample follows restore's --help: a backup made with
// --with-keys, restored into a new data directory with a copy of the key
// file, serves every record (QA: the example, without --with-keys, left
// every record unreadable).
func TestRestoreHelpExample(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "custodia-data")
	p := startServe(t, "--data-dir", dir, "--bootstrap-token", testutil.AdminToken, "--demo", "--demo-count", "5")
	p.stop(t)
	backup := filepath.Join(t.TempDir(), "custodia.backup")
	if out, errOut, code := run(t, "", "backup", "--with-keys", "--data-dir", dir, "--out", backup); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	key := filepath.Join(t.TempDir(), "custodia.key")
	raw, err := os.ReadFile(filepath.Join(dir, "custodia.key"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(key, raw, 0o600)
	restored := filepath.Join(t.TempDir(), "restored")
	if out, errOut, code := run(t, "", "restore", backup, "--data-dir", restored, "--key-file", key); code != 0 || strings.Contains(out+errOut, "no data key") {
		t.Fatalf("restore as the help shows: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := run(t, "", "audit", "verify", "--data-dir", restored, "--key-file", key); code != 0 {
		t.Fatalf("verify the restored chain: %d %s %s", code, out, errOut)
	}
}
