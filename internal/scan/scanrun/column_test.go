package scanrun

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestColumnsMasked: personal data in a finding's column (a JSON object
// keyed by e-mail address or phone, a first line of data taken for the
// header) is shown masked, never in full; the keys are findings too.
func TestColumnsMasked(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		"keyed.json": `{"users":{"an@example.com":{"phone":"0912345678"},"0987654321":{"name":"Tran Thi Binh"}}}` + "\n",
		"ips.json":   `{"sessions":{"2001:db8::7":{"email":"y2@example.com"},"fe80::1":{"email":"q@example.com"},"203.0.113.9":{"email":"z@example.com"}}}` + "\n",
		"s.csv":      "John Smith,Sales\n536-22-1234,4111111111111111\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var cols []string
	keys := 0
	rep, err := Run(context.Background(), []string{root}, Options{}, func(f Finding) {
		cols = append(cols, f.Column)
		if f.Path == "keyed.json" && f.Column == "users" {
			keys++
		}
	})
	if err != nil || rep.Summary.Findings == 0 {
		t.Fatalf("run: %v %+v", err, rep.Summary)
	}
	for _, c := range cols {
		for _, v := range []string{"an@example.com", "0987654321", "John Smith", "2001:db8::7", "fe80::1", "203.0.113.9"} {
			if strings.Contains(c, v) {
				t.Errorf("column %q holds %q", c, v)
			}
		}
	}
	if keys != 2 {
		t.Errorf("findings in the keys of users: %d, want 2 (columns %q)", keys, cols)
	}
}

// TestFindingAlwaysHasColumn: the JSON of a finding in a line of text has
// "column":"", as the documented schema says; consumers index it.
func TestFindingAlwaysHasColumn(t *testing.T) {
	b, err := json.Marshal(Finding{Path: "notes.txt", Line: 3})
	if err != nil || !strings.Contains(string(b), `"column":""`) {
		t.Fatalf("%s %v", b, err)
	}
}
