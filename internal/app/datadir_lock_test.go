package app_test

import (
	"context"
	"errors"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestOneServerPerSQLiteDataDir: a second server on a data directory in
// use is refused; once the first closes, it opens.
func TestOneServerPerSQLiteDataDir(t *testing.T) {
	dir := t.TempDir()
	cfg := app.Config{DataDir: dir, BootstrapToken: testutil.AdminToken}
	first, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if second, err := app.Open(context.Background(), cfg); !errors.Is(err, app.ErrDataDirInUse) {
		if second != nil {
			second.Close()
		}
		t.Fatalf("a second server on the same data directory: %v, want ErrDataDirInUse", err)
	}
	first.Close()
	again, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	again.Close()
}
