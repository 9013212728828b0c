// Package dbsource samples the rows of every table and view of a
// PostgreSQL or MySQL/MariaDB database, the way a DPO looks for personal
// data in a CRM's database: each sampled cell becomes a unit for the
// detectors, with "table.column" as its place and the column name as its
// context.
//
// Names: on PostgreSQL a relation of the public schema is named without
// its schema ("users.ssn"), one of any other schema with it
// ("crm.customers.sdt"); on MySQL/MariaDB the URL names the database and
// relations are named alone. Views and materialized views are sampled like
// tables (their columns are named view.column) and reported with their
// kind. A relation that cannot be read (no SELECT privilege, a broken
// view, ...) is reported through Handler.Error and the others are still
// sampled.
package dbsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"   // "mysql" database/sql driver
	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" database/sql driver

	"custodia/internal/scan/source"
)

// IsURL reports whether arg names a database rather than a path: a
// postgres://, postgresql://, mysql:// or mariadb:// URL.
func IsURL(arg string) bool {
	for _, p := range []string{"postgres://", "postgresql://", "mysql://", "mariadb://"} {
		if strings.HasPrefix(arg, p) {
			return true
		}
	}
	return false
}

// urlScheme matches the start of a URL: a scheme and "://".
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// CheckArg refuses an argument that is a URL of a kind the scanner does
// not read ("mariadb+tcp://", "postgress://"), which would otherwise be
// taken for a file path and echoed with its password. The error names the
// scheme only.
func CheckArg(arg string) error {
	m := urlScheme.FindString(arg)
	if m == "" || IsURL(arg) {
		return nil
	}
	scheme := strings.TrimSuffix(m, "://")
	if len(scheme) > 20 {
		scheme = scheme[:20] + "…"
	}
	return fmt.Errorf("unsupported URL scheme %q: give a file or folder, or a postgres://, mysql:// or mariadb:// database URL", scheme)
}

// Redact returns the URL without its password, query or fragment, for
// reports. A URL that does not parse is named "database": it is never
// echoed, since it may hold a password.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "database"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	return u.String()
}

// parseURL parses a database URL. Its error never holds the URL or any
// part of it: url.Parse's errors quote the URL, or the text taken for a
// port, and either may be the password.
func parseURL(raw string) (*url.URL, error) {
	const hint = " (percent-encode special characters such as % # / @ ? : in the user name and password)"
	u, err := url.Parse(raw)
	if err != nil {
		var esc url.EscapeError
		if errors.As(err, &esc) {
			return nil, errors.New("database URL does not parse: invalid %-escape" + hint)
		}
		return nil, errors.New("database URL does not parse: bad host, port or character" + hint)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, errors.New("database URL does not parse: it holds a '#', which ends the URL" + hint)
	}
	return u, nil
}

// open connects to a postgres:// or mysql:// (mariadb://) URL.
func open(raw string) (*sql.DB, string, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, "", err
	}
	if u.Scheme == "mysql" || u.Scheme == "mariadb" {
		cfg := mysql.NewConfig()
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
		cfg.Net = "tcp"
		port := u.Port()
		if port == "" {
			port = "3306"
		}
		host := u.Hostname()
		if host == "" {
			host = "127.0.0.1"
		}
		cfg.Addr = net.JoinHostPort(host, port)
		cfg.DBName = strings.TrimPrefix(u.Path, "/")
		cfg.Timeout = 10 * time.Second
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, "", errors.New("database URL: invalid MySQL settings")
		}
		return sql.OpenDB(conn), "mysql", nil
	}
	db, err := sql.Open("pgx", raw)
	return db, "postgres", err
}

// Relation is a table or view of the scanned database.
type Relation struct {
	Schema string // PostgreSQL only
	Name   string
	Kind   string // "table", "view" or "materialized view"
}

// String names the relation as the columns are named: schema.name, or
// name alone in PostgreSQL's public schema and on MySQL/MariaDB.
func (r Relation) String() string {
	if r.Schema == "" || r.Schema == "public" {
		return r.Name
	}
	return r.Schema + "." + r.Name
}

// Handler receives what Sample reads.
type Handler struct {
	// Unit is called for every non-empty cell; an error stops the scan.
	Unit func(source.Unit) error
	// Relation, when set, is called before a relation is sampled.
	Relation func(Relation)
	// Error, when set, is called for a relation that could not be read
	// (whole or past some rows); the scan goes on with the next one.
	Error func(Relation, error)
}

// Sample reads up to sample rows of every table and view of the database
// at raw. Path of each unit is the redacted URL, Column "table.column",
// Line the row's number in the sample. Its error is for the database as a
// whole (it cannot be reached or listed); a relation that cannot be read
// goes to h.Error.
func Sample(ctx context.Context, raw string, sample int, h Handler) error {
	db, engine, err := open(raw)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rels, err := listRelations(ctx, db, engine)
	if err != nil {
		return err
	}
	name := Redact(raw)
	for _, r := range rels {
		if h.Relation != nil {
			h.Relation(r)
		}
		stop, err := sampleRelation(ctx, db, engine, r, sample, name, h.Unit)
		if err == nil {
			continue
		}
		if !stop {
			err = safeError(err)
		}
		if stop || ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", r.Kind, r, err)
		}
		if h.Error != nil {
			h.Error(r, err)
		}
	}
	return nil
}

// listRelations lists the tables, views and materialized views. On
// PostgreSQL it reads pg_catalog, which lists every relation whatever the
// role's rights (information_schema hides those it has no privilege on),
// so unreadable ones are reported rather than silently missed. Partitions
// are left to their partitioned table, whose sample reads them. On
// MySQL/MariaDB information_schema is all a user can see: tables it has
// no privilege on at all are not listed.
func listRelations(ctx context.Context, db *sql.DB, engine string) ([]Relation, error) {
	q := `SELECT n.nspname, c.relname,
	CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
	AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY 1, 2`
	if engine == "mysql" {
		q = `SELECT '', table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END
FROM information_schema.tables
WHERE table_schema = DATABASE() AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW')
ORDER BY 2`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []Relation
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.Schema, &r.Name, &r.Kind); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// quote quotes an identifier.
func quote(engine, ident string) string {
	q := `"`
	if engine == "mysql" {
		q = "`"
	}
	return q + strings.ReplaceAll(ident, q, q+q) + q
}

// sampleRelation reads one relation. stop reports an error of fn, which
// ends the whole scan; other errors are the relation's.
func sampleRelation(ctx context.Context, db *sql.DB, engine string, r Relation, sample int, name string, fn func(source.Unit) error) (stop bool, err error) {
	from := quote(engine, r.Name)
	if r.Schema != "" {
		from = quote(engine, r.Schema) + "." + from
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT * FROM %s LIMIT %d", from, sample))
	if err != nil {
		return false, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return false, err
	}
	short := r.String()
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for n := 1; rows.Next(); n++ {
		if err := rows.Scan(ptrs...); err != nil {
			return false, err
		}
		for i, v := range vals {
			if len(v) == 0 {
				continue
			}
			if err := fn(source.Unit{Path: name, Line: n, Column: short + "." + cols[i], Hint: cols[i], Text: v}); err != nil {
				return true, err
			}
		}
	}
	return false, rows.Err()
}
