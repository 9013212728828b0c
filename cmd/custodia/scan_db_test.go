package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"custodia/internal/testutil"
)

// TestScanDatabaseURLParseError: a database URL that does not parse is
// reported, in every format, without the URL or any part of its password.
func TestScanDatabaseURLParseError(t *testing.T) {
	for _, raw := range []string{
		"mysql://root:Wr0ng%zzPw@127.0.0.1:3306/x",
		"postgres://postgres:Wr0ng#Pw/x@127.0.0.1:5432/crm",
	} {
		for _, format := range []string{"table", "json", "csv", "sarif", "html", "summary"} {
			out, errOut, code := run(t, "", "scan", raw, "--format", format)
			if code != 2 {
				t.Errorf("%s --format %s: exit %d, want 2", raw, format, code)
			}
			for _, secret := range []string{"Wr0ng", "zzPw", "#Pw"} {
				if strings.Contains(out, secret) || strings.Contains(errOut, secret) {
					t.Errorf("%s --format %s echoes %q:\n%s\n%s", raw, format, secret, out, errOut)
				}
			}
			if format != "html" && !strings.Contains(out+errOut, "database URL does not parse") {
				t.Errorf("%s --format %s: no parse error reported:\n%s\n%s", raw, format, out, errOut)
			}
		}
	}
}

// TestScanUnsupportedURL: a URL of a scheme the scanner does not read is a
// usage error that names the scheme, never the password; it was taken for
// a file path and printed whole.
func TestScanUnsupportedURL(t *testing.T) {
	for _, raw := range []string{"mariadb+tcp://root:S3cretPW@127.0.0.1:3306/x", "postgress://u:S3cretPW@db/crm", "https://u:S3cretPW@example.com/x.csv"} {
		out, errOut, code := run(t, "", "scan", raw, "--format", "json")
		if code != 2 || strings.Contains(out+errOut, "S3cretPW") || !strings.Contains(errOut, "unsupported URL scheme") {
			t.Errorf("%s: exit %d\n%s\n%s", raw, code, out, errOut)
		}
	}
}

// TestScanDatabaseCommand scans a PostgreSQL database as a role that
// cannot read one table: the other tables' findings are printed, the
// unreadable table goes to stderr (table format) or errors (json), the
// summary counts tables, and a free-text column lists every entity in it.
func TestScanDatabaseCommand(t *testing.T) {
	admin := testutil.MustPostgres(t)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	role := testutil.PostgresRole(t, admin, "custodia_cli")
	stmts := []string{
		"CREATE SCHEMA crm",
		// crm.contacts sorts before crm.customers: its error must not end the scan.
		"CREATE TABLE crm.contacts (id INT PRIMARY KEY, sdt TEXT)",
		"CREATE TABLE crm.customers (id INT PRIMARY KEY, email TEXT)",
		"CREATE TABLE support_tickets (id INT PRIMARY KEY, notes TEXT)",
	}
	for i := 1; i <= 20; i++ {
		note := fmt.Sprintf("khách gọi lại số 09%08d", 12345000+i)
		if i%2 == 0 {
			note += ", thanh toán thẻ 4111 1111 1111 1111"
		}
		stmts = append(stmts,
			fmt.Sprintf("INSERT INTO crm.contacts VALUES (%d, '09%08d')", i, 22345000+i),
			fmt.Sprintf("INSERT INTO crm.customers VALUES (%d, 'kh%d@example.com')", i, i),
			fmt.Sprintf("INSERT INTO support_tickets VALUES (%d, '%s')", i, note))
	}
	stmts = append(stmts,
		"GRANT USAGE ON SCHEMA crm TO "+role,
		"GRANT SELECT ON crm.customers, support_tickets TO "+role,
		"GRANT INSERT ON crm.contacts TO "+role)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, "unused-pw")
	out, errOut, code := run(t, "", "scan", u.String())
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"crm.customers.email", "support_tickets.notes", "findings in 2 database tables",
		"support_tickets.notes: PHONE_NUMBER in 20 of 20 sampled values; also CREDIT_CARD in 10"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "error:") || strings.Contains(out, "files") {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.Contains(errOut, "#crm.contacts: cannot read table: ERROR: permission denied") {
		t.Errorf("stderr lacks the unreadable table:\n%s", errOut)
	}
	if strings.Contains(out+errOut, "unused-pw") {
		t.Errorf("the password is echoed:\n%s\n%s", out, errOut)
	}

	html, _, code := run(t, "", "scan", u.String(), "--format", "html")
	if code != 1 || !strings.Contains(html, "Database columns") || !strings.Contains(html, "PHONE_NUMBER 20, CREDIT_CARD 10") || !strings.Contains(html, "#crm.contacts") {
		t.Errorf("html: exit %d\n%s", code, html)
	}

	out, _, code = run(t, "", "scan", u.String(), "--format", "json")
	var rep struct {
		Findings []struct{ Column string }
		Summary  struct {
			Tables  int
			Columns []struct {
				Column, Entity, Kind string
				Share                float64
				Entities             []struct {
					Entity  string
					Matches int `json:"values_matching"`
					Share   float64
				}
			}
		}
		Errors []struct{ Path, Error string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if rep.Summary.Tables != 2 || len(rep.Errors) != 1 || !strings.HasSuffix(rep.Errors[0].Path, "#crm.contacts") {
		t.Errorf("json: %d tables, errors %+v", rep.Summary.Tables, rep.Errors)
	}
	var notes bool
	for _, c := range rep.Summary.Columns {
		if c.Column != "support_tickets.notes" {
			continue
		}
		notes = true
		if c.Entity != "PHONE_NUMBER" || c.Kind != "table" || len(c.Entities) != 2 || c.Entities[0].Entity != "PHONE_NUMBER" ||
			c.Entities[1].Entity != "CREDIT_CARD" || c.Entities[1].Matches != 10 || c.Entities[1].Share != 0.5 {
			t.Errorf("json column: %+v", c)
		}
	}
	if !notes {
		t.Errorf("json: no support_tickets.notes column: %+v", rep.Summary.Columns)
	}
}
