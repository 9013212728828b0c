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

// TestRedactIntoScannedFolderThroughLink: a --redact directory inside the
// scanned folder is refused also when the folder is given through a
// symbolic link.
func TestRedactIntoScannedFolderThroughLink(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "rin")
	os.MkdirAll(real, 0o700)
	os.WriteFile(filepath.Join(real, "a.txt"), []byte("mail me at bo@example.com\n"), 0o600)
	link := filepath.Join(base, "rlink")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, "", "scan", link, "--redact", filepath.Join(real, "o2"))
	if code != exitUsage || !strings.Contains(errOut, "lies inside the scanned path") {
		t.Fatalf("redact inside the linked folder: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(real, "o2")); err == nil {
		t.Fatal("the redacted copies were written inside the scanned folder")
	}
}

// TestScanWarningIsNoError: a mail part in an unknown charset is read with
// a guessed encoding: it is reported as a warning, and the scan, which
// found nothing, exits 0.
func TestScanWarningIsNoError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "u.eml"), []byte("From: a\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-mac-vietnamese\r\n\r\nhello nothing personal\r\n"), 0o600)
	out, errOut, code := run(t, "", "scan", dir, "--format", "json")
	if code != 0 || !strings.Contains(out, `"warning":true`) || !strings.Contains(out, "encoding guessed") {
		t.Fatalf("scan: %d %s %s", code, out, errOut)
	}
}
