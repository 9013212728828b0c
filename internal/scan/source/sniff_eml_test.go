package source

import (
	"strings"
	"testing"
)

// TestLooksEMLFoldedHeaders: a message whose long folded headers (ARC,
// DKIM) take more than forty lines is still taken for a message; header
// fields, not lines, are counted.
func TestLooksEMLFoldedHeaders(t *testing.T) {
	var b strings.Builder
	b.WriteString("Delivered-To: an@example.com\r\n")
	for range 6 {
		b.WriteString("ARC-Seal: i=1; a=rsa-sha256; t=1700000000; cv=none;\r\n")
		for range 8 {
			b.WriteString("        d=google.com; s=arc-20160816; b=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n")
		}
	}
	b.WriteString("From: Binh <binh@example.vn>\r\nTo: an@example.com\r\nSubject: hello\r\n\r\nbody\r\n")
	if !looksEML([]byte(b.String())) {
		t.Error("a message with long folded headers is not recognised")
	}
	if looksEML([]byte("Note: this is a plain text file\nTodo: call An\nDone: nothing\n\nmore text")) {
		t.Error("plain text with colons taken for a message")
	}
}
