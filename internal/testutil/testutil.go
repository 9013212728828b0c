// Package testutil holds helpers shared by tests: throwaway PostgreSQL
// databases, a running Custodia on a loopback port, and an HTTP client that
// speaks its API.
package testutil

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // database/sql driver
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver

	"custodia/internal/app"
)

// PostgresURLEnv names the environment variable with an admin URL of a
// PostgreSQL server tests may create databases on.
const PostgresURLEnv = "CUSTODIA_TEST_POSTGRES_URL"

// MustPostgres creates a fresh database for the test and drops it after.
// Without CUSTODIA_TEST_POSTGRES_URL it skips, except under CI=true where
// it fails: CI must run the PostgreSQL suite.
func MustPostgres(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(PostgresURLEnv)
	if admin == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set; CI must run the PostgreSQL tests", PostgresURLEnv)
		}
		tb.Skipf("%s not set; skipping PostgreSQL test", PostgresURLEnv)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	defer db.Close()
	name := fmt.Sprintf("custodia_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// AdminToken is the bootstrap token test servers start with.
const AdminToken = "test-admin-token-0123456789"

// Server is a Custodia serving on a loopback port for one test.
type Server struct {
	*app.App
	URL    string
	cancel context.CancelFunc
	done   chan error
}

// MustServe opens an app with cfg (DataDir defaults to a temp dir, the
// bootstrap token to AdminToken) and serves it on 127.0.0.1:0 until the
// test ends.
func MustServe(tb testing.TB, cfg app.Config) *Server {
	tb.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = tb.TempDir()
	}
	if cfg.BootstrapToken == "" {
		cfg.BootstrapToken = AdminToken
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open app: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{App: a, URL: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- a.Serve(ctx, ln) }()
	tb.Cleanup(func() { s.Stop(tb) })
	return s
}

// Stop shuts the server down and closes its database (idempotent).
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	if err := <-s.done; err != nil {
		tb.Errorf("serve: %v", err)
	}
	if err := s.Close(); err != nil {
		tb.Errorf("close app: %v", err)
	}
}

// Client calls a server's API with a token.
type Client struct {
	TB    testing.TB
	Base  string
	Token string
	HTTP  *http.Client
	// Header holds extra headers sent with every request (X-Forwarded-For, say).
	Header http.Header
}

// Client returns an API client with the admin token.
func (s *Server) Client(tb testing.TB) *Client {
	return &Client{TB: tb, Base: s.URL, Token: AdminToken, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// With returns a copy of the client using another token.
func (c *Client) With(token string) *Client {
	x := *c
	x.Token = token
	return &x
}

// Response is a decoded API response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map.
func (r Response) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Code returns the problem code of an error response.
func (r Response) Code() string {
	c, _ := r.JSON()["code"].(string)
	return c
}

// Text returns the body with an error's request id taken out, for
// checks that a value is absent from a response: the id is random hex
// and may spell any run of digits (CI: an id holding "0912" failed a
// test that a phone number 0912… was left out).
func (r Response) Text() string {
	id, _ := r.JSON()["instance"].(string)
	if id == "" {
		return string(r.Body)
	}
	return strings.ReplaceAll(string(r.Body), id, "")
}

// Do sends a request; body may be nil, a string (sent raw) or a value
// encoded as JSON.
func (c *Client) Do(method, path string, body any) Response {
	c.TB.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.TB.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		c.TB.Fatalf("request: %v", err)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.TB.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.TB.Fatalf("read body: %v", err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Must sends a request and fails the test unless the status is want.
func (c *Client) Must(want int, method, path string, body any) Response {
	c.TB.Helper()
	r := c.Do(method, path, body)
	if r.Status != want {
		c.TB.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// CustomersSchema is the example collection.
const CustomersSchema = `{"name":"customers","kind":"persons","fields":[{"name":"email","type":"email","category":"user.contact.email","purposes":["support","marketing"],"unique":true},{"name":"phone","type":"phone","category":"user.contact.phone_number","purposes":["support"],"indexed":true},{"name":"name","type":"name","category":"user.name","purposes":["support"]},{"name":"address","type":"address","category":"user.contact.address","purposes":["support"]}]}`

// RoleToken has the admin create an API token with role and returns its
// secret. The admin reads no personal data, so tests that read or write
// records use a data role's token.
func (c *Client) RoleToken(role string) string {
	c.TB.Helper()
	name := fmt.Sprintf("%s-%d", role, time.Now().UnixNano())
	r := c.Must(201, "POST", "/v1/tokens", map[string]any{"name": name, "role": role})
	tok, _ := r.JSON()["token"].(string)
	if tok == "" {
		c.TB.Fatalf("create %s token: no secret in %s", role, r.Body)
	}
	return tok
}

// Approver creates a second person, a user whose role (made here, without
// MFA) may approve exports, and returns a client signed in as them. The
// four-eyes rule compares people: tokens the admin token made all count
// as its holder, so tests that need "someone else" use this person.
func (c *Client) Approver() *Client {
	c.TB.Helper()
	n := time.Now().UnixNano()
	role := fmt.Sprintf("approver-%d", n)
	c.Must(201, "POST", "/v1/roles", map[string]any{"name": role, "require_mfa": false,
		"permissions": []string{"exports:approve"}, "grants": []any{}})
	email := fmt.Sprintf("approver-%d@example.com", n)
	const pw = "a long and good password for tests"
	c.Must(201, "POST", "/v1/users", map[string]any{"email": email, "display_name": "Approver", "role": role, "password": pw})
	tok, _ := c.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": email, "password": pw}).JSON()["token"].(string)
	if tok == "" {
		c.TB.Fatal("approver: no session token")
	}
	return c.With(tok)
}

// DataClient returns a client with a fresh "dpo" token, which reads and
// writes every field.
func (s *Server) DataClient(tb testing.TB) *Client {
	tb.Helper()
	c := s.Client(tb)
	return c.With(c.RoleToken("dpo"))
}

// MySQLURLEnv names the environment variable with a mysql:// URL of a
// MariaDB or MySQL server tests may create databases on.
const MySQLURLEnv = "CUSTODIA_TEST_MYSQL_URL"

// MustMySQL creates a fresh MariaDB/MySQL database for the test, drops it
// after, and returns its mysql:// URL. Without CUSTODIA_TEST_MYSQL_URL it
// skips, except under CI=true where it fails.
func MustMySQL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(MySQLURLEnv)
	if admin == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set; CI must run the MariaDB tests", MySQLURLEnv)
		}
		tb.Skipf("%s not set; skipping MariaDB test", MySQLURLEnv)
	}
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("parse %s: %v", MySQLURLEnv, err)
	}
	pass, _ := u.User.Password()
	db, err := sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s)/", u.User.Username(), pass, u.Host))
	if err != nil {
		tb.Fatalf("open mysql: %v", err)
	}
	name := fmt.Sprintf("custodia_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name)
		db.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// PostgresRole creates a login role on the PostgreSQL server at admin
// (a superuser URL from MustPostgres) for a test of limited rights, and
// drops it, with everything it owns or was granted, when the test ends.
func PostgresRole(tb testing.TB, admin, prefix string) string {
	tb.Helper()
	role := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e9)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE ROLE " + role + " LOGIN"); err != nil {
		tb.Fatalf("create role: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP OWNED BY " + role)
		_, _ = db.Exec("DROP ROLE IF EXISTS " + role)
	})
	return role
}
