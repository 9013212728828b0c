package dbsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"custodia/internal/scan"
	"custodia/internal/scan/dbsource"
	"custodia/internal/scan/scanrun"
	"custodia/internal/testutil"
)

// exec runs statements on db, failing the test on the first error.
func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// ticketNote is free text holding several entities: a phone number in
// every row (two in every fifth), a card number in every second one, a
// CCCD in every third.
func ticketNote(i int) string {
	s := fmt.Sprintf("khách gọi lại số 09%08d", 12345000+i)
	if i%2 == 0 {
		s += ", thanh toán thẻ 4111 1111 1111 1111"
	}
	if i%3 == 0 {
		s += fmt.Sprintf(", số CCCD 0792030%05d", 1000+i)
	}
	if i%5 == 0 { // a second phone number: the value still counts once
		s += fmt.Sprintf(" hoặc 09%08d", 32345000+i)
	}
	return s
}

// roleName is a role or user name unique to this test run.
func roleName() string {
	return fmt.Sprintf("custodia_ro_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
}

// scanDB scans u and returns the report and the findings' columns.
func scanDB(t *testing.T, u string) (scanrun.Report, map[string]int) {
	t.Helper()
	cols := map[string]int{}
	rep, err := scanrun.Run(context.Background(), []string{u}, scanrun.Options{MinConfidence: 0.5, Sample: 30}, func(f scanrun.Finding) { cols[f.Column]++ })
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	t.Logf("errors: %+v", rep.Errors)
	for _, c := range rep.Summary.Columns {
		t.Logf("column %s (%s): %+v", c.Column, c.Kind, c.Entities)
	}
	return rep, cols
}

// errorFor returns the reason the report gives for location, or "".
func errorFor(rep scanrun.Report, location string) string {
	for _, e := range rep.Errors {
		if e.Path == location {
			return e.Error
		}
	}
	return ""
}

func column(rep scanrun.Report, name string) (scanrun.ColumnClass, bool) {
	for _, c := range rep.Summary.Columns {
		if c.Column == name {
			return c, true
		}
	}
	return scanrun.ColumnClass{}, false
}

// checkTickets checks that the free-text column lists all three entities
// it holds, the most frequent first, with their counts.
func checkTickets(t *testing.T, rep scanrun.Report, name string, rows int) {
	t.Helper()
	c, ok := column(rep, name)
	if !ok {
		t.Fatalf("no column %s in %+v", name, rep.Summary.Columns)
	}
	want := map[scan.Entity]int{scan.PhoneNumber: rows, scan.CreditCard: rows / 2, scan.VNCCCD: rows / 3}
	got := map[scan.Entity]int{}
	for i, e := range c.Entities {
		got[e.Entity] = e.Matches
		if i > 0 && e.Matches > c.Entities[i-1].Matches {
			t.Errorf("entities not in decreasing order: %+v", c.Entities)
		}
		if e.Share != float64(e.Matches)/float64(c.Values) || e.Category == "" {
			t.Errorf("entity %+v of %d values", e, c.Values)
		}
	}
	for e, n := range want {
		if got[e] != n {
			t.Errorf("column %s: %s in %d values, want %d (%+v)", name, e, got[e], n, c.Entities)
		}
	}
	if c.Entity != scan.PhoneNumber || c.Matches != rows || c.Values != rows || c.Share != 1 || c.Entities[0].Entity != c.Entity || c.Kind != "table" {
		t.Errorf("column %s: main entity %+v", name, c)
	}
}

// TestDatabaseLimitedRightsPostgres scans as a role that may read some
// relations only: the tables it cannot read (INSERT only, a column grant,
// no privilege at all) are reported under errors and the others are
// still scanned, views and materialized views included.
func TestDatabaseLimitedRightsPostgres(t *testing.T) {
	admin := testutil.MustPostgres(t)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	role := testutil.PostgresRole(t, admin, "custodia_ro")
	execAll(t, db,
		"CREATE SCHEMA crm",
		"CREATE TABLE customers (id INT PRIMARY KEY, email TEXT)",
		"CREATE TABLE support_tickets (id INT PRIMARY KEY, notes TEXT)",
		"CREATE TABLE crm.contacts (id INT PRIMARY KEY, sdt TEXT)",
		"CREATE TABLE crm.hidden (id INT PRIMARY KEY, email TEXT)",
		"CREATE TABLE crm.partial (id INT PRIMARY KEY, email TEXT)",
		"CREATE VIEW v_customers AS SELECT id, email FROM customers",
		"CREATE MATERIALIZED VIEW crm.mv_customers AS SELECT id, email FROM customers WITH NO DATA",
		// Partitions are read through their partitioned table, not twice.
		"CREATE TABLE events (id INT, ip TEXT) PARTITION BY RANGE (id)",
		"CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (1000)",
	)
	for i := 1; i <= 30; i++ {
		execAll(t, db,
			fmt.Sprintf("INSERT INTO customers VALUES (%d, 'kh%d@example.com')", i, i),
			fmt.Sprintf("INSERT INTO support_tickets VALUES (%d, '%s')", i, ticketNote(i)),
			fmt.Sprintf("INSERT INTO crm.contacts VALUES (%d, '09%08d')", i, 22345000+i),
			fmt.Sprintf("INSERT INTO crm.hidden VALUES (%d, 'an%d@example.com')", i, i),
			fmt.Sprintf("INSERT INTO crm.partial VALUES (%d, 'p%d@example.com')", i, i),
			fmt.Sprintf("INSERT INTO events VALUES (%d, '203.0.113.%d')", i, i),
		)
	}
	execAll(t, db,
		"REFRESH MATERIALIZED VIEW crm.mv_customers",
		"GRANT USAGE ON SCHEMA crm TO "+role,
		"GRANT SELECT ON customers, support_tickets, v_customers, crm.mv_customers, events TO "+role,
		"GRANT INSERT ON crm.contacts TO "+role,
		"GRANT SELECT (id) ON crm.partial TO "+role,
	)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	rep, cols := scanDB(t, u.String())
	base := dbsource.Redact(u.String())

	for _, table := range []string{"crm.contacts", "crm.hidden", "crm.partial"} {
		if e := errorFor(rep, base+"#"+table); !strings.Contains(e, "permission denied") {
			t.Errorf("table %s: error %q, want permission denied; errors %+v", table, e, rep.Errors)
		}
	}
	if len(rep.Errors) != 3 {
		t.Errorf("errors: %+v, want the three unreadable tables", rep.Errors)
	}
	for _, col := range []string{"customers.email", "support_tickets.notes", "v_customers.email", "crm.mv_customers.email", "events.ip"} {
		if cols[col] < 30 {
			t.Errorf("column %s: %d findings, want 30 or more (%v)", col, cols[col], cols)
		}
	}
	for col, kind := range map[string]string{"customers.email": "table", "v_customers.email": "view", "crm.mv_customers.email": "materialized view"} {
		if c, ok := column(rep, col); !ok || c.Kind != kind || c.Entity != scan.EmailAddress {
			t.Errorf("column %s: %+v, want %s of a %s", col, c, scan.EmailAddress, kind)
		}
	}
	if cols["events_1.ip"] != 0 {
		t.Errorf("a partition was scanned besides its table: %v", cols)
	}
	if rep.Summary.Tables != 5 || rep.Summary.Files != 0 {
		t.Errorf("summary: %d tables, %d files; want 5 read and no file", rep.Summary.Tables, rep.Summary.Files)
	}
	checkTickets(t, rep, "support_tickets.notes", 30)
	if cols["support_tickets.notes"] != 30+6+15+10 {
		t.Errorf("support_tickets.notes: %d findings, want 61 (36 phones, 15 cards, 10 CCCDs)", cols["support_tickets.notes"])
	}
}

// TestDatabaseLimitedRightsMySQL: a MariaDB user with INSERT only on one
// table; the table is under errors and the others, a view included, are
// scanned.
func TestDatabaseLimitedRightsMySQL(t *testing.T) {
	admin := testutil.MustMySQL(t)
	db, err := sql.Open("mysql", mysqlDSN(t, admin))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	user := roleName()
	t.Cleanup(func() {
		db, err := sql.Open("mysql", mysqlDSN(t, admin))
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP USER IF EXISTS '" + user + "'@'%', '" + user + "'@'localhost'")
	})
	execAll(t, db,
		"CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100))",
		"CREATE TABLE support_tickets (id INT PRIMARY KEY, notes VARCHAR(300))",
		"CREATE TABLE contacts (id INT PRIMARY KEY, sdt VARCHAR(30))",
		"CREATE VIEW v_customers AS SELECT id, email FROM customers",
	)
	for i := 1; i <= 30; i++ {
		execAll(t, db,
			fmt.Sprintf("INSERT INTO customers VALUES (%d, 'kh%d@example.com')", i, i),
			fmt.Sprintf("INSERT INTO support_tickets VALUES (%d, '%s')", i, ticketNote(i)),
			fmt.Sprintf("INSERT INTO contacts VALUES (%d, '09%08d')", i, 22345000+i),
		)
	}
	for _, host := range []string{"%", "localhost"} {
		who := "'" + user + "'@'" + host + "'"
		execAll(t, db,
			"CREATE USER "+who,
			"GRANT SELECT ON "+name+".customers TO "+who,
			"GRANT SELECT ON "+name+".support_tickets TO "+who,
			"GRANT SELECT ON "+name+".v_customers TO "+who,
			"GRANT INSERT ON "+name+".contacts TO "+who,
		)
	}
	u.User = url.User(user)
	rep, cols := scanDB(t, u.String())
	base := dbsource.Redact(u.String())
	if e := errorFor(rep, base+"#contacts"); !strings.Contains(e, "denied") {
		t.Errorf("table contacts: error %q, want SELECT denied; errors %+v", e, rep.Errors)
	}
	if len(rep.Errors) != 1 {
		t.Errorf("errors: %+v, want contacts only", rep.Errors)
	}
	for _, col := range []string{"customers.email", "support_tickets.notes", "v_customers.email"} {
		if cols[col] < 30 {
			t.Errorf("column %s: %d findings, want 30 or more (%v)", col, cols[col], cols)
		}
	}
	if c, ok := column(rep, "v_customers.email"); !ok || c.Kind != "view" {
		t.Errorf("view column: %+v", c)
	}
	if rep.Summary.Tables != 3 {
		t.Errorf("summary: %d tables read, want 3", rep.Summary.Tables)
	}
	checkTickets(t, rep, "support_tickets.notes", 30)
}

// TestDatabaseURLParseErrorHidesPassword: a URL that does not parse is
// reported without the URL or its password.
func TestDatabaseURLParseErrorHidesPassword(t *testing.T) {
	for raw, secret := range map[string]string{
		"mysql://root:Wr0ng%zzPw@127.0.0.1:3306/x":      "Wr0ng",
		"postgres://postgres:Wr0ng#Pw/x@127.0.0.1/crm":  "Wr0ng",
		"postgres://postgres:S3cr%t@127.0.0.1:5432/crm": "S3cr",
	} {
		rep, err := scanrun.Run(context.Background(), []string{raw}, scanrun.Options{}, nil)
		if err != nil || len(rep.Errors) != 1 {
			t.Fatalf("%s: %v %+v", raw, err, rep.Errors)
		}
		e := rep.Errors[0]
		if strings.Contains(e.Path+e.Error, secret) || !strings.Contains(e.Error, "does not parse") || !strings.Contains(e.Error, "percent-encode") {
			t.Errorf("%s: reported as %+v", raw, e)
		}
	}
}
