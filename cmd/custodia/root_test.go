package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageExitCode: bad arguments, flags and flag values, and a command
// that does not exist, exit 2 (usage), as the commands' own checks do.
func TestUsageExitCode(t *testing.T) {
	for _, args := range [][]string{
		{"scan"},
		{"scan", ".", "--bogus"},
		{"scan", ".", "--min-confidence", "abc"},
		{"nosuchcommand"},
		{"keys", "rotate", "extra"},
	} {
		if _, errOut, code := run(t, "", args...); code != exitUsage {
			t.Errorf("custodia %v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
}

// TestScanSkippedLinksAreNotErrors: a folder with nothing personal and a
// symbolic link out of it exits 0; the link is listed as skipped.
func TestScanSkippedLinksAreNotErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("nothing here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(os.TempDir(), filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "scan", dir, "--format", "json")
	if code != 0 || !strings.Contains(out, `"skipped":true`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// An unreadable input still fails the scan.
	if _, _, code := run(t, "", "scan", dir, filepath.Join(dir, "missing")); code != 2 {
		t.Errorf("missing input: exit %d, want 2", code)
	}
}

// TestServeRefusesShortTokenFirst: a bootstrap token too short is refused
// before the data directory, key file or database exist.
func TestServeRefusesShortTokenFirst(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, errOut, code := run(t, "", "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--bootstrap-token", "short")
	if code != exitUsage || !strings.Contains(errOut, "weak_bootstrap_token") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the data directory was created: %v", err)
	}
}
