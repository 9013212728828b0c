package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportMapFile: a mapping file takes one pair a line, so a header
// holding a comma maps as written, and "#N=-" ignores columns without a
// header that hold personal data.
func TestImportMapFile(t *testing.T) {
	dir, data := offlineCustomers(t)
	file := filepath.Join(dir, "contacts.csv")
	os.WriteFile(file, []byte("Name,\"Tel, mobile\",Email,,\n"+
		"Phạm Thị Lan,0912345678,lan.pham@example.com,0987654321,lan.work@example.com\n"), 0o600)
	mapFile := filepath.Join(dir, "mapping.txt")
	os.WriteFile(mapFile, []byte("# contacts.csv\nName=name\nTel, mobile=phone\nEmail=email\n#4=-\n#5=-\n"), 0o600)
	base := []string{"import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support",
		"--source", "contacts.csv", "--legal-basis", "contract", "--default-region", "VN"}

	out, errOut, code := run(t, "", append(base, "--map-file", mapFile)...)
	if code != 0 || !strings.Contains(out, "created 1") || !strings.Contains(out, "rejected 0") {
		t.Fatalf("import with --map-file: %d %s %s", code, out, errOut)
	}

	// A bad line is named by its number, not quoted.
	os.WriteFile(mapFile, []byte("Name=name\n0912345678\n"), 0o600)
	_, errOut, code = run(t, "", append(base, "--map-file", mapFile, "--job", "bad-map")...)
	if code != exitUsage || !strings.Contains(errOut, "mapping line 2") || strings.Contains(errOut, "0912345678") {
		t.Errorf("bad mapping file: %d %s", code, errOut)
	}
}
