package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"custodia/internal/access"
	"custodia/internal/consent"
	"custodia/internal/importer"
	"custodia/internal/store"
	"custodia/internal/testutil"
	"custodia/internal/vault"
)

// The store implements the importer's storage.
var _ importer.Store = (*store.DB)(nil)

// env is one engine under test: a real store, the vault, the consent
// ledger and an importer over them.
type env struct {
	engine store.Engine
	db     *store.DB
	vault  *vault.Service
	ledger *consent.Ledger
	im     *importer.Importer
	dir    string
}

var engines = []store.Engine{store.SQLite, store.Postgres}

// onEngines runs fn as a subtest on SQLite and on PostgreSQL (which skips
// without CUSTODIA_TEST_POSTGRES_URL).
func onEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) { fn(t, mustEnv(t, engine)) })
	}
}

const customersSchema = `{"name":"customers","kind":"persons","fields":[
 {"name":"email","type":"email","category":"user.contact.email","purposes":["support","marketing"],"unique":true},
 {"name":"phone","type":"phone","category":"user.contact.phone_number","purposes":["support","marketing"],"indexed":true},
 {"name":"name","type":"name","category":"user.name","purposes":["support","marketing"]},
 {"name":"address","type":"address","category":"user.contact.address","purposes":["support"]},
 {"name":"birth","type":"date","category":"user.demographic.date_of_birth","purposes":["support"]},
 {"name":"national_id","type":"national_id","category":"user.government_id","purposes":["support"],"indexed":true,"format":"vn_cccd"}]}`

func mustEnv(t testing.TB, engine store.Engine, options ...func(*store.Config)) *env {
	t.Helper()
	ctx := context.Background()
	st := testutil.MustStore(t, engine, options...)
	db, kr, dir := st.DB, st.Keys, st.Dir
	v := vault.New(db, kr, vault.Options{DefaultRegion: "VN"})
	var c vault.Collection
	if err := json.Unmarshal([]byte(customersSchema), &c); err != nil {
		t.Fatal(err)
	}
	if _, err := v.PutCollection(ctx, &c, true); err != nil {
		t.Fatalf("collection: %v", err)
	}
	engine2 := access.NewEngine(db)
	ledger := consent.NewLedger(db, kr.Derived().Token, func(ctx context.Context, name string) (bool, error) {
		_, ok, err := engine2.Purpose(ctx, name)
		return ok, err
	})
	return &env{engine: engine, db: db, vault: v, ledger: ledger, im: importer.New(v, db, ledger), dir: dir}
}

// job is a support import job with the given id.
func job(id string) importer.Job {
	return importer.Job{ID: id, Collection: "customers", Purpose: "support", Source: "sales team customers.xlsx", LegalBasis: "contract"}
}

// mustRun runs a job and fails the test on error.
func (e *env) mustRun(t testing.TB, j importer.Job, rows importer.Rows) importer.Result {
	t.Helper()
	res, err := e.im.Run(context.Background(), j, rows)
	if err != nil {
		t.Fatalf("run %s: %v", j.ID, err)
	}
	return res
}

// write writes a file in the env's directory.
func (e *env) write(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// lookup returns the records of customers holding an e-mail address.
func (e *env) lookup(t testing.TB, field, value string) []*vault.Record {
	t.Helper()
	recs, err := e.vault.Lookup(context.Background(), "customers", field, value, "support")
	if err != nil {
		t.Fatalf("lookup %s: %v", field, err)
	}
	return recs
}

// count returns the records and subjects of customers.
func (e *env) count(t testing.TB) (int, int) {
	t.Helper()
	r, s, err := e.db.CountRecords(context.Background(), "customers")
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

// utf16LE encodes s as UTF-16 little-endian with a byte order mark, as
// Excel's "Unicode text" does.
func utf16LE(t testing.TB, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cp1258 encodes Vietnamese text in Windows-1258 as Windows writes it: a
// letter the code page has whole is one byte, any other is its base
// letter (ê, ơ, ư... when the page has it) and a combining tone mark.
func cp1258(t testing.TB, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258
	var out bytes.Buffer
	for _, r := range norm.NFC.String(s) {
		if b, ok := enc.EncodeRune(r); ok {
			out.WriteByte(b)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		done := false
		// The base is the letter with at most one of its marks composed
		// (ậ is â and a dot below), the other marks follow.
		for m := 0; m < len(d) && !done; m++ {
			base, rest := string(d[0]), d[1:]
			if m > 0 {
				base = norm.NFC.String(string(d[0]) + string(d[m]))
				rest = append(append([]rune{}, d[1:m]...), d[m+1:]...)
			}
			br := []rune(base)
			if len(br) != 1 {
				continue
			}
			bb, ok := enc.EncodeRune(br[0])
			if !ok {
				continue
			}
			tail := []byte{bb}
			for _, mk := range rest {
				mb, ok2 := enc.EncodeRune(mk)
				ok = ok && ok2
				tail = append(tail, mb)
			}
			if ok {
				out.Write(tail)
				done = true
			}
		}
		if !done {
			t.Fatalf("cannot encode %q in Windows-1258", r)
		}
	}
	return out.Bytes()
}

// csvOf joins lines with CRLF, as Excel writes CSV.
func csvOf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }
