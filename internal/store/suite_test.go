package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"custodia/internal/keys"
	"custodia/internal/store"
	"custodia/internal/testutil"
	"custodia/internal/vault"
)

// env is one engine under test: a store, its keyring and a vault on top,
// plus raw access to the database for tamper tests.
type env struct {
	engine store.Engine
	db     *store.DB
	keys   *keys.Keyring
	vault  *vault.Service
	raw    *sql.DB
	dir    string
	url    string
}

// engines lists the engines every conformance case runs on. PostgreSQL
// skips locally without CUSTODIA_TEST_POSTGRES_URL and fails under CI.
var engines = []store.Engine{store.SQLite, store.Postgres}

func mustEnv(t testing.TB, engine store.Engine) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{engine: engine, dir: dir}
	kr, _, err := keys.Open(filepath.Join(dir, "custodia.key"), true)
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	e.keys = kr
	cfg := store.Config{DataDir: dir, AuditKey: kr.Derived().AuditChain}
	if engine == store.Postgres {
		e.url = testutil.MustPostgres(t)
		cfg.DatabaseURL = e.url
	}
	e.db = e.open(t, cfg)
	mustKEKPrimary(t, e.db, kr)
	e.vault = vault.New(e.db, kr, vault.Options{})
	e.connectRaw(t)
	return e
}

// connectRaw opens e.raw, a connection around the store to its database.
func (e *env) connectRaw(t testing.TB) {
	t.Helper()
	var err error
	if e.engine == store.Postgres {
		e.raw, err = sql.Open("pgx", e.url)
	} else {
		e.raw, err = sql.Open("sqlite", "file:"+filepath.Join(e.dir, store.SQLiteFile)+"?_pragma=busy_timeout(10000)")
		if err == nil {
			_, err = e.raw.Exec("ATTACH DATABASE ? AS custodia_keys", filepath.Join(e.dir, store.KeyStoreFile))
		}
	}
	if err != nil {
		t.Fatalf("raw connection: %v", err)
	}
	e.raw.SetMaxOpenConns(1)
	t.Cleanup(func() { e.raw.Close() })
}

func (e *env) open(t testing.TB, cfg store.Config) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", e.engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// conformance runs fn as a subtest on every engine.
func conformance(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			fn(t, mustEnv(t, engine))
		})
	}
}

const customers = `{"name":"customers","kind":"persons","fields":[
 {"name":"email","type":"email","category":"user.contact.email","purposes":["support","marketing"],"unique":true},
 {"name":"phone","type":"phone","category":"user.contact.phone_number","purposes":["support"],"indexed":true},
 {"name":"name","type":"name","category":"user.name","purposes":["support"]},
 {"name":"address","type":"address","category":"user.contact.address","purposes":["support"]}]}`

const notes = `{"name":"notes","kind":"data","fields":[
 {"name":"note","type":"text","category":"user.content","purposes":["support"]}]}`

func mustCollections(t testing.TB, v *vault.Service) {
	t.Helper()
	for _, raw := range []string{customers, notes} {
		c := mustCollection(t, raw)
		if _, err := v.PutCollection(context.Background(), c, true); err != nil {
			t.Fatalf("put collection: %v", err)
		}
	}
}

func mustCollection(t testing.TB, raw string) *vault.Collection {
	t.Helper()
	var c vault.Collection
	if err := jsonUnmarshal([]byte(raw), &c); err != nil {
		t.Fatalf("schema: %v", err)
	}
	return &c
}

func customer(i int) vault.Input {
	return vault.Input{Data: map[string]any{
		"email":   fmt.Sprintf("person.%d@example.com", i),
		"phone":   fmt.Sprintf("+8491%07d", i),
		"name":    fmt.Sprintf("Nguyễn Văn %d", i),
		"address": fmt.Sprintf("%d Lê Lợi, Quận 1", i),
	}}
}

func mustCreate(t testing.TB, v *vault.Service, in vault.Input) vault.Created {
	t.Helper()
	out, err := v.Create(context.Background(), "customers", "support", in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return out
}

// peer returns an env on a new, empty database of the same engine, opened
// with this env's key file.
func (e *env) peer(t *testing.T) *env {
	t.Helper()
	p := &env{engine: e.engine, dir: t.TempDir(), keys: e.keys}
	cfg := store.Config{DataDir: p.dir, AuditKey: e.keys.Derived().AuditChain}
	if e.engine == store.Postgres {
		p.url = testutil.MustPostgres(t)
		cfg.DatabaseURL = p.url
	}
	p.db = p.open(t, cfg)
	mustKEKPrimary(t, p.db, e.keys)
	p.vault = vault.New(p.db, e.keys, vault.Options{})
	p.connectRaw(t)
	return p
}

// mustKEKPrimary records the key file's primary KEK version in the
// database, as the server does at start.
func mustKEKPrimary(t testing.TB, db *store.DB, kr *keys.Keyring) {
	t.Helper()
	if v, err := db.KEKPrimary(context.Background(), kr.Primary()); err != nil || v != kr.Primary() {
		t.Fatalf("record KEK primary: %d %v", v, err)
	}
}
