package source_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"custodia/internal/scan"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
)

// mojibake writes s as Facebook's "Download your information" does: every
// byte of a non-ASCII character escaped on its own as \u00XX.
func mojibake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			fmt.Fprintf(&b, `\u%04x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestChatExportFindings runs the detectors over the units of a Messenger
// export and a WhatsApp export: the senders are people, the numbers in
// the messages phone numbers, and the dates of the WhatsApp lines nothing.
func TestChatExportFindings(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"facebook/messages/inbox/tranthibinh_42/message_1.json": mojibake(`{
  "participants": [{"name": "Trần Thị Bình"}, {"name": "Nguyễn Văn An"}],
  "messages": [
    {"sender_name": "Nguyễn Văn An", "timestamp_ms": 1609451465000,
     "content": "Số điện thoại của mình là 0912 345 678 nhé"}
  ],
  "title": "Trần Thị Bình",
  "thread_path": "inbox/tranthibinh_42"
}`),
		"whatsapp/_chat.txt": "[31/12/2020, 21:41:05] Nguyễn Văn An: Gọi mình số 0912 345 678 nhé\n" +
			"[31/12/2020, 21:42:10] Trần Thị Bình: Ok\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	det := detect.New(detect.Options{})
	var got []string
	err := source.Walk(context.Background(), []string{dir}, source.Options{}, func(u source.Unit) error {
		det.Scan(u.Text, u.Hint, func(f scan.Finding) {
			got = append(got, fmt.Sprintf("%s:%d:%s %s=%s", u.Path, u.Line, u.Column, f.Entity, u.Text[f.Start:f.End]))
		})
		return nil
	}, func(e source.FileError) { t.Errorf("file error: %v", e) })
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	const fb = "facebook/messages/inbox/tranthibinh_42/message_1.json"
	for _, want := range []string{
		fb + ":2:participants[0].name PERSON=Trần Thị Bình",
		fb + ":4:messages[0].sender_name PERSON=Nguyễn Văn An",
		fb + ":5:messages[0].content PHONE_NUMBER=0912 345 678",
		fb + ":7:title PERSON=Trần Thị Bình",
		"whatsapp/_chat.txt:1:sender PERSON=Nguyễn Văn An",
		"whatsapp/_chat.txt:1:message PHONE_NUMBER=0912 345 678",
		"whatsapp/_chat.txt:2:sender PERSON=Trần Thị Bình",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s", want)
		}
	}
	for _, f := range got {
		if strings.Contains(f, string(scan.DateOfBirth)) {
			t.Errorf("a timestamp taken for a birth date: %s", f)
		}
	}
	if t.Failed() {
		t.Logf("findings:\n%s", strings.Join(got, "\n"))
	}
}
