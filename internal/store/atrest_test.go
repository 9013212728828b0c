package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custodia/internal/keys"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// canaries are distinctive personal values that must never be stored in
// the clear.
var canaries = map[string]any{
	"email":   "zelda.canary.q7@example.com",
	"phone":   "+84987654321",
	"name":    "Quỳnh Canarywoman",
	"address": "742 Evergreen Canary Terrace",
}

func canaryStrings() []string {
	out := []string{"84987654321", "987654321", "Canarywoman", "Evergreen Canary", "zelda.canary"}
	for _, v := range canaries {
		out = append(out, v.(string))
	}
	return out
}

func assertNoPlaintext(t *testing.T, where string, data []byte) {
	t.Helper()
	if len(data) == 0 {
		t.Fatalf("%s: nothing to scan", where)
	}
	for _, c := range canaryStrings() {
		for _, form := range []string{c, strings.ToLower(c), strings.ToUpper(c)} {
			if bytes.Contains(data, []byte(form)) {
				t.Errorf("%s contains the plaintext %q", where, form)
			}
		}
	}
}

func TestNoPlaintextAtRest(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		out := mustCreate(t, e.vault, vault.Input{Data: canaries})
		if _, err := e.vault.Create(ctx, "notes", "support", vault.Input{Subject: out.Subject, Data: map[string]any{"note": "Canarywoman asked about 742 Evergreen Canary Terrace"}}); err != nil {
			t.Fatal(err)
		}
		if recs, err := e.vault.Lookup(ctx, "customers", "email", canaries["email"].(string), "support"); err != nil || len(recs) != 1 {
			t.Fatalf("lookup: %v", err)
		}
		var backup bytes.Buffer
		if _, err := e.db.Backup(ctx, &backup, "check", true); err != nil {
			t.Fatal(err)
		}
		plain := gunzip(t, backup.Bytes())
		if !bytes.Contains(plain, []byte(out.ID)) || !bytes.Contains(plain, []byte(`"table":"audit_log"`)) {
			t.Fatal("backup scan did not see the whole backup")
		}
		assertNoPlaintext(t, "backup", plain)

		switch e.engine {
		case store.SQLite:
			// Every file the engine writes: database, WAL, shared memory,
			// the key store and its WAL.
			files, _ := filepath.Glob(filepath.Join(e.dir, "*"))
			scanned := 0
			for _, f := range files {
				if strings.HasSuffix(f, ".key") {
					continue
				}
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if len(b) > 0 {
					assertNoPlaintext(t, filepath.Base(f), b)
					scanned++
				}
			}
			if scanned < 3 {
				t.Fatalf("scanned only %d files: %v", scanned, files)
			}
		case store.Postgres:
			dump, err := exec.Command("pg_dump", "--no-owner", e.url).Output()
			if err != nil {
				t.Fatalf("pg_dump: %v", err)
			}
			if !bytes.Contains(dump, []byte("CREATE TABLE public.records")) || !bytes.Contains(dump, []byte("custodia_keys.subject_keys")) {
				t.Fatalf("pg_dump output does not look like our schema")
			}
			assertNoPlaintext(t, "pg_dump", dump)
		}
	})
}

// TestCryptoShreddingDefeatsCopies copies the data before an erasure and
// shows that, with the live key file and key store, the erased subject's
// values cannot be decrypted from the copy, while another subject's can.
func TestCryptoShreddingDefeatsCopies(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	ctx := context.Background()
	mustCollections(t, e.vault)
	erased := mustCreate(t, e.vault, vault.Input{Data: canaries})
	kept := mustCreate(t, e.vault, customer(7))

	copyDir := t.TempDir()
	// A consistent copy of the data database, as an attacker or an old
	// backup would hold it.
	if _, err := e.raw.Exec("VACUUM main INTO ?", filepath.Join(copyDir, store.SQLiteFile)); err != nil {
		t.Fatalf("copy database: %v", err)
	}
	if _, err := e.vault.Erase(ctx, erased.Subject, "erasure"); err != nil {
		t.Fatal(err)
	}
	// The copy still holds the erased subject's ciphertexts...
	var sealed []byte
	cp := openRaw(t, filepath.Join(copyDir, store.SQLiteFile))
	if err := cp.QueryRow("SELECT sealed FROM records WHERE id = ?", erased.ID).Scan(&sealed); err != nil || len(sealed) == 0 {
		t.Fatalf("copy lacks the erased record: %v", err)
	}
	assertNoPlaintext(t, "copied ciphertext", sealed)
	cp.Close()

	// ...but its data key is nowhere: not in the copy, not in the live key
	// store. Open the copy with the live key file and key store.
	// The checkpoint reports busy (without an error) while the erasure's
	// own key-store scrub holds the log: retry until it has run.
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		var busy, logFrames, done int
		if err := e.raw.QueryRow("PRAGMA custodia_keys.wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the key store's log could not be checkpointed")
		}
	}
	live, err := os.ReadFile(filepath.Join(e.dir, store.KeyStoreFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(copyDir, store.KeyStoreFile), live, 0o600); err != nil {
		t.Fatal(err)
	}
	kr, _, err := keys.Open(e.keys.Path(), false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Config{DataDir: copyDir, AuditKey: kr.Derived().AuditChain})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SubjectKey(ctx, erased.Subject); err == nil {
		t.Fatal("the live key store still has the erased subject's key")
	}
	v := vault.New(db, kr, vault.Options{CipherCacheSize: -1})
	if _, err := v.Get(ctx, "customers", erased.ID, "support"); err == nil {
		t.Fatal("erased record decrypted from the copy")
	}
	if recs, _ := v.Lookup(ctx, "customers", "email", canaries["email"].(string), "support"); len(recs) != 0 {
		t.Fatal("erased record found in the copy")
	}
	got, err := v.Get(ctx, "customers", kept.ID, "support")
	if err != nil || got.Data["email"] != "person.7@example.com" {
		t.Fatalf("kept subject from the copy: %+v %v", got, err)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
