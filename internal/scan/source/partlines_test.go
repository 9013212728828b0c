package source

import (
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// TestPartLinesFindsBodyStarts: the first body line of each part, counted
// in the file, whatever the reads' sizes, with CRLF or LF line ends,
// whitespace after a delimiter, and a line longer than what is kept.
func TestPartLinesFindsBodyStarts(t *testing.T) {
	body := "preamble\n" + // 10
		"--b  \n" + // 11: whitespace after the boundary still delimits
		"Content-Type: text/plain\n" + // 12
		"\n" + // 13
		"one\n" + // 14: part 0 starts here
		strings.Repeat("x", 1000) + "\n" + // 15
		"--bee\n" + // 16: another boundary, not a delimiter
		"--b\n" + // 17
		"\n" + // 18: a part with no header
		"two\n" + // 19
		"--b--\n" + // 20
		"--b\n" + // 21: the epilogue is not read for parts
		"\n" +
		"not a part\n"
	for _, crlf := range []bool{false, true} {
		in := body
		if crlf {
			in = strings.ReplaceAll(body, "\n", "\r\n")
		}
		p := newPartLines(iotest.OneByteReader(strings.NewReader(in)), "b", 10)
		out, err := io.ReadAll(p)
		if err != nil || string(out) != in {
			t.Fatalf("crlf %v: the bytes changed: %v", crlf, err)
		}
		if !slices.Equal(p.starts, []int{14, 19}) || p.bodyStart(0) != 14 || p.bodyStart(1) != 19 || p.bodyStart(2) != 0 {
			t.Errorf("crlf %v: starts %v", crlf, p.starts)
		}
	}
	var none *partLines
	if none.bodyStart(0) != 0 {
		t.Error("a nil tracker knows a line")
	}
}

// TestEMLNestedPartsNameFileLines: a finding in a part of a multipart
// inside a multipart names its line in the file (CRLF line ends).
func TestEMLNestedPartsNameFileLines(t *testing.T) {
	msg := strings.ReplaceAll("From: an@example.com\n"+ // 1
		"Content-Type: multipart/mixed; boundary=outer\n"+ // 2
		"\n"+ // 3
		"--outer\n"+ // 4
		"Content-Type: multipart/alternative; boundary=inner\n"+ // 5
		"\n"+ // 6
		"--inner\n"+ // 7
		"Content-Type: text/plain; charset=utf-8\n"+ // 8
		"\n"+ // 9
		"Chào chị,\n"+ // 10
		"SĐT của em: 0912345678\n"+ // 11
		"--inner--\n"+ // 12
		"--outer\n"+ // 13
		"Content-Type: text/plain\n"+ // 14
		"\n"+ // 15
		"Email: binh@example.org\n"+ // 16
		"--outer--\n", "\n", "\r\n")
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "an@example.com"),
		txt("mail.eml", 10, "body", "Chào chị,"),
		txt("mail.eml", 11, "body", "SĐT của em: 0912345678"),
		txt("mail.eml", 16, "body.2", "Email: binh@example.org"),
	})
}
