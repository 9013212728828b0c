package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanOutputIsSafe: the table escapes control characters from file
// names and headers (a terminal would run them), and the CSV defuses a
// preview starting with '+' as a formula, as it does paths and columns.
func TestScanOutputIsSafe(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "h.csv"), []byte("email\x1b[31mRED\x1b[0m,SĐT\nan@example.com,0912345678\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "f\x1b]0;TITLE\x07.txt"), []byte("mail me at bo@example.com\n"), 0o600)
	out, errOut, code := run(t, "", "scan", dir)
	if code != 1 || strings.ContainsAny(out+errOut, "\x1b\x07") || !strings.Contains(out, `email\x1b[31mRED`) {
		t.Fatalf("table: %d %q %q", code, out, errOut)
	}
	out, errOut, code = run(t, "", "scan", dir, "--format", "csv")
	if code != 1 || !strings.Contains(out, ",'+84 *** *** 678") {
		t.Fatalf("csv: %d %q %q", code, out, errOut)
	}
}
