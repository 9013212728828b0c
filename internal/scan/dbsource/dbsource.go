// Package dbsource samples the rows of every table of a PostgreSQL or
// MySQL/MariaDB database, the way a DPO looks for personal data in a CRM's
// database: each sampled cell becomes a unit for the detectors, with
// "table.column" as its place and the column name as its context.
package dbsource

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/go-sql-driver/mysql" // "mysql" database/sql driver
	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" database/sql driver

	"custodia/internal/scan/source"
)

// IsURL reports whether arg names a database rather than a path.
func IsURL(arg string) bool {
	for _, p := range []string{"postgres://", "postgresql://", "mysql://"} {
		if strings.HasPrefix(arg, p) {
			return true
		}
	}
	return false
}

// Redact returns the URL without its password, for reports.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "database"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}

// open connects to a postgres:// or mysql:// URL.
func open(raw string) (*sql.DB, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", fmt.Errorf("database URL: %w", err)
	}
	if u.Scheme == "mysql" {
		pass, _ := u.User.Password()
		host := u.Host
		if !strings.Contains(host, ":") {
			host += ":3306"
		}
		dsn := fmt.Sprintf("%s:%s@tcp(%s)%s?parseTime=false&timeout=10s", u.User.Username(), pass, host, u.Path)
		db, err := sql.Open("mysql", dsn)
		return db, "mysql", err
	}
	db, err := sql.Open("pgx", raw)
	return db, "postgres", err
}

// Sample reads up to sample rows of every table of the database at raw
// and calls fn for each non-empty cell. Path is the redacted URL, Column
// "table.column", Line the row's number in the sample.
func Sample(ctx context.Context, raw string, sample int, fn func(source.Unit) error) error {
	db, engine, err := open(raw)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tables, err := listTables(ctx, db, engine)
	if err != nil {
		return err
	}
	name := Redact(raw)
	for _, t := range tables {
		if err := sampleTable(ctx, db, engine, t, sample, name, fn); err != nil {
			return fmt.Errorf("table %s: %w", t, err)
		}
	}
	return nil
}

func listTables(ctx context.Context, db *sql.DB, engine string) ([]string, error) {
	q := "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
	if engine == "mysql" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = DATABASE() ORDER BY 1"
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// quote quotes a possibly schema-qualified identifier.
func quote(engine, ident string) string {
	q := `"`
	if engine == "mysql" {
		q = "`"
	}
	parts := strings.Split(ident, ".")
	for i, p := range parts {
		parts[i] = q + strings.ReplaceAll(p, q, q+q) + q
	}
	return strings.Join(parts, ".")
}

func sampleTable(ctx context.Context, db *sql.DB, engine, table string, sample int, name string, fn func(source.Unit) error) error {
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT * FROM %s LIMIT %d", quote(engine, table), sample))
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	short := table
	if i := strings.LastIndexByte(table, '.'); i >= 0 && strings.HasPrefix(table, "public.") {
		short = table[i+1:]
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for n := 1; rows.Next(); n++ {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if len(v) == 0 {
				continue
			}
			if err := fn(source.Unit{Path: name, Line: n, Column: short + "." + cols[i], Hint: cols[i], Text: v}); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}
