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

// TestPathsMasked: an identifier in a file's name (WhatsApp names the
// export of an unsaved contact after their number) is masked wherever the
// path is shown: findings, the summary and errors (QA: it was printed in
// full and stored by --report-to); a name in a path is kept.
func TestPathsMasked(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		"WhatsApp Chat with +84 91 234 5678.txt": "12/01/2024, 10:15 - +84 91 234 5678: hello a@example.com\n",
		"Lan's customers.csv":                    "Email\nb@example.com\n",
		"scan of 079203004512.pdf":               "%PDF-1.4 not really a pdf",
		// File names join words with _ and -, and an extension follows
		// an e-mail address without a space (QA).
		"WhatsApp Chat with lan.nguyen@gmail.com.txt": "email a.b@example.com\n",
		"Zalo_0987654321.txt":                         "email a.b@example.com\n",
		"CCCD_079203001234.txt":                       "email a.b@example.com\n",
		"cccd-001203004567.txt":                       "email a.b@example.com\n",
		"0913_456_789.txt":                            "email a.b@example.com\n",
		"from lan_nguyen-vn@gmail.com.txt":            "email a.b@example.com\n",
		"+84912345678.txt":                            "email a.b@example.com\n",
		"sub/+84912345677.txt":                        "email a.b@example.com\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var paths []string
	rep, err := Run(context.Background(), []string{root}, Options{}, func(f Finding) { paths = append(paths, f.Path) })
	if err != nil {
		t.Fatal(err)
	}
	for p := range rep.Summary.ByPath {
		paths = append(paths, p)
	}
	for _, e := range rep.Errors {
		paths = append(paths, e.Path)
	}
	seenName := false
	for _, p := range paths {
		for _, v := range []string{"234 5678", "2345678", "079203004512", "lan.nguyen", "0987654321", "079203001234", "001203004567", "456_789", "lan_", "nguyen-vn"} {
			if strings.Contains(p, v) {
				t.Errorf("path %q holds %q", p, v)
			}
		}
		if strings.Contains(p, "++") { // the phone's preview after the name's own "+" (QA)
			t.Errorf("path %q doubles a +", p)
		}
		seenName = seenName || strings.Contains(p, "Lan's customers.csv")
	}
	if !seenName {
		t.Errorf("the path with a name was not kept as it is: %q", paths)
	}
	if len(rep.Errors) == 0 {
		t.Fatalf("the broken PDF was not reported: %q", paths)
	}
}
