package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/audit"
	"custodia/internal/store"
)

// TestMissingKeyFileIsNotReplaced: a data directory whose key file went
// missing is not given a new one: the start is refused, no key file is
// left behind, and once the real key file is back the audit chain is
// intact (QA: a start without the key file wrote a "head invalid" entry
// with a new key file's audit key, breaking the chain for good). Another
// key file named with --key-file is refused the same way.
func TestMissingKeyFileIsNotReplaced(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := app.Config{DataDir: dir, BootstrapToken: "a-bootstrap-token-0123456789"}
	first, err := app.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "custodia.key")
	saved := filepath.Join(t.TempDir(), "saved.key")
	if err := os.Rename(keyFile, saved); err != nil {
		t.Fatal(err)
	}
	if a, err := app.Open(ctx, cfg); err == nil || !errors.Is(err, store.ErrForeignKeyFile) || !strings.Contains(err.Error(), "is missing") {
		if a != nil {
			a.Close()
		}
		t.Fatalf("start without the key file: %v", err)
	}
	if _, err := os.Stat(keyFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key file was left in place of the missing one: %v", err)
	}

	// Another directory's key file, named explicitly.
	otherDir := t.TempDir()
	other, err := app.Open(ctx, app.Config{DataDir: otherDir})
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	cfgOther := cfg
	cfgOther.KeyFile = filepath.Join(otherDir, "custodia.key")
	if a, err := app.Open(ctx, cfgOther); !errors.Is(err, store.ErrForeignKeyFile) {
		if a != nil {
			a.Close()
		}
		t.Fatalf("start with another key file: %v", err)
	}

	if err := os.Rename(saved, keyFile); err != nil {
		t.Fatal(err)
	}
	again, err := app.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("start with the key file back: %v", err)
	}
	defer again.Close()
	rep, err := audit.Verify(ctx, again.Keys.Derived().AuditChain, again.DB)
	if err != nil || !rep.OK {
		t.Fatalf("audit chain after the refused starts: %+v %v", rep, err)
	}
}
