package dbsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"custodia/internal/scan"
	"custodia/internal/scan/dbsource"
	"custodia/internal/scan/scanrun"
	"custodia/internal/testutil"
)

// crm creates a CRM-like schema with personal data in some columns and
// none in others, through driver on dsn.
func crm(t *testing.T, driver, dsn string, mysql bool) {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		"CREATE TABLE customers (id INT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100), phone VARCHAR(30), cccd VARCHAR(20), note VARCHAR(200))",
		"CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, order_no VARCHAR(20), amount DECIMAL(10,2), card VARCHAR(30))",
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	ph := func(n int) string {
		if mysql {
			return strings.TrimSuffix(strings.Repeat("?,", n), ",")
		}
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("$%d", i+1)
		}
		return strings.Join(out, ",")
	}
	names := []string{"Nguyễn Văn An", "Trần Thị Bình", "Priya Sharma", "John Smith"}
	for i := 1; i <= 40; i++ {
		if _, err := db.Exec("INSERT INTO customers VALUES ("+ph(6)+")", i, names[i%len(names)], fmt.Sprintf("kh%d@example.com", i),
			fmt.Sprintf("09%08d", 12345000+i), fmt.Sprintf("0792030%05d", 1000+i), "giao hàng buổi sáng"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO orders VALUES ("+ph(5)+")", i, i, fmt.Sprintf("2024011500%02d", i), 10.5*float64(i), "4111 1111 1111 1111"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSampleDatabases(t *testing.T) {
	for _, tc := range []struct {
		name         string
		url          func(tb testing.TB) string
		driver, kind string
	}{
		{"postgres", testutil.MustPostgres, "pgx", "postgres"},
		{"mariadb", testutil.MustMySQL, "mysql", "mysql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.url(t)
			dsn := u
			if tc.kind == "mysql" {
				dsn = mysqlDSN(t, u)
			}
			crm(t, tc.driver, dsn, tc.kind == "mysql")
			if tc.kind == "mysql" {
				u = "mariadb" + strings.TrimPrefix(u, "mysql") // the alias reads the same database
			}
			var found []scanrun.Finding
			rep, err := scanrun.Run(context.Background(), []string{u}, scanrun.Options{MinConfidence: 0.5, Sample: 25}, func(f scanrun.Finding) { found = append(found, f) })
			if err != nil || len(rep.Errors) != 0 {
				t.Fatalf("scan: %v %v", err, rep.Errors)
			}
			want := map[string]scan.Entity{"customers.email": scan.EmailAddress, "customers.phone": scan.PhoneNumber,
				"customers.cccd": scan.VNCCCD, "customers.full_name": scan.Person, "orders.card": scan.CreditCard}
			got := map[string]scanrun.ColumnClass{}
			for _, c := range rep.Summary.Columns {
				got[c.Column] = c
			}
			for col, e := range want {
				c, ok := got[col]
				if !ok || c.Entity != e || c.Values != 25 || c.Share < 0.9 {
					t.Errorf("column %s: %+v, want %s in most of 25 sampled values", col, c, e)
				}
			}
			for _, col := range []string{"orders.order_no", "orders.amount", "customers.note", "customers.id"} {
				if c, ok := got[col]; ok {
					t.Errorf("column %s classified as %s", col, c.Entity)
				}
			}
			for _, f := range found {
				if strings.Contains(f.Path, "password") || f.Line < 1 || f.Line > 25 {
					t.Errorf("finding %+v", f)
				}
			}
			if !strings.Contains(dbsource.Redact(u), "://") {
				t.Errorf("redacted URL %q", dbsource.Redact(u))
			}
		})
	}
}

func mysqlDSN(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	return fmt.Sprintf("%s:%s@tcp(%s)%s", u.User.Username(), pass, u.Host, u.Path)
}
