package source

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"reflect"
	"strings"
	"testing"
)

// unit is the part of a unit the e-mail tests compare: the cell and its
// path.
type unit struct {
	Path string
	cell
}

// unitsOf returns the comparable part of units.
func unitsOf(units []Unit) []unit {
	out := make([]unit, 0, len(units))
	for _, u := range units {
		out = append(out, unit{u.Path, cell{u.Line, u.Column, u.Hint, string(u.Text)}})
	}
	return out
}

// checkUnits fails unless the units are want, in order.
func checkUnits(t *testing.T, g got, want []unit) {
	t.Helper()
	have := unitsOf(g.units)
	if !reflect.DeepEqual(have, want) {
		var b strings.Builder
		for _, u := range have {
			fmt.Fprintf(&b, "\t%#v\n", u)
		}
		t.Fatalf("units:\n%swant:\n%v", b.String(), want)
	}
}

// checkNoErrors fails if the walk reported a problem.
func checkNoErrors(t *testing.T, g got) {
	t.Helper()
	if len(g.errs) != 0 {
		t.Fatalf("errors: %v", g.errs)
	}
}

// hdr is a unit of a header field.
func hdr(path string, line int, name, text string) unit {
	return unit{path, cell{line, name, name, text}}
}

// txt is a unit of text under a column without hint.
func txt(path string, line int, column, text string) unit {
	return unit{path, cell{line, column, "", text}}
}

// b64 returns data in base64, in lines of 76 characters.
func b64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	return b.String() + s + "\n"
}

// qp returns text in quoted-printable.
func qp(t *testing.T, text string) string {
	t.Helper()
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestEMLPlainHeadersAndBody(t *testing.T) {
	msg := "Return-Path: <an@example.com>\n" + // 1
		"Delivered-To: binh@example.org\n" + // 2
		"From: Nguyễn Văn An <an@example.com>\n" + // 3
		"To: Trần Thị Bình <binh@example.org>,\n" + // 4
		" cuong@example.net\n" + // 5
		"Cc: \"Lê, Dũng\" <dung@example.com>\n" + // 6
		"Subject: Hồ sơ khách hàng\n" + // 7
		"Date: Mon, 1 Jan 2024 10:00:00 +0700\n" + // 8
		"Message-ID: <1@example.com>\n" + // 9
		"X-Originating-IP: [203.0.113.7]\n" + // 10
		"DKIM-Signature: v=1; a=rsa-sha256;\n" + // 11
		"\tb=abc\n" + // 12
		"\n" + // 13
		"Chào chị Bình,\n" + // 14
		"\n" + // 15
		"SĐT của anh Cường: 0912345678\n" // 16
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "Return-Path", "an@example.com"),
		hdr("mail.eml", 2, "Delivered-To", "binh@example.org"),
		hdr("mail.eml", 3, "From", "Nguyễn Văn An <an@example.com>"),
		hdr("mail.eml", 4, "To", "Trần Thị Bình <binh@example.org>, cuong@example.net"),
		hdr("mail.eml", 6, "Cc", "Lê, Dũng <dung@example.com>"),
		hdr("mail.eml", 7, "Subject", "Hồ sơ khách hàng"),
		hdr("mail.eml", 10, "X-Originating-Ip", "[203.0.113.7]"),
		txt("mail.eml", 14, "body", "Chào chị Bình,"),
		txt("mail.eml", 16, "body", "SĐT của anh Cường: 0912345678"),
	})
}

func TestEMLCRLFAndFromLine(t *testing.T) {
	msg := "From an@example.com Mon Jan  1 10:00:00 2024\r\n" +
		"From: an@example.com\r\n" +
		"Subject: =?UTF-8?Q?Xin_ch=C3=A0o?=\r\n" +
		"\r\n" +
		"Hello\r\n"
	g := scanFile(t, "saved.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("saved.eml", 2, "From", "an@example.com"),
		hdr("saved.eml", 3, "Subject", "Xin chào"),
		txt("saved.eml", 5, "body", "Hello"),
	})
}

func TestEMLQuotedPrintableVietnamese(t *testing.T) {
	body := "Kính gửi anh Nguyễn Văn An,\n\nĐịa chỉ: 12 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh, số điện thoại 0912345678\n"
	msg := "From: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("Trần Thị Bình")) + "?= <binh@example.org>\n" +
		"Subject: " + mime.BEncoding.Encode("UTF-8", "Hồ sơ vay vốn") + "\n" +
		"MIME-Version: 1.0\n" +
		"Content-Type: text/plain; charset=UTF-8\n" +
		"Content-Transfer-Encoding: quoted-printable\n" +
		"\n" + qp(t, body)
	if !strings.Contains(msg, "=\n") {
		t.Fatal("the test wants a soft line break")
	}
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "Trần Thị Bình <binh@example.org>"),
		hdr("mail.eml", 2, "Subject", "Hồ sơ vay vốn"),
		txt("mail.eml", 1, "body", "Kính gửi anh Nguyễn Văn An,"),
		txt("mail.eml", 3, "body", "Địa chỉ: 12 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh, số điện thoại 0912345678"),
	})
}

func TestEMLLegacyCharsets(t *testing.T) {
	// Windows-1258 spells "ễ" as "ê" and a combining tilde, "ị" as "i"
	// and a combining dot below.
	cp1258 := []byte("Ch\xe0o anh Nguy\xea\xden V\xe3n An\n\xd0i\xf2a chi\xd2: 12 L\xea L\xf5\xf2i\n")
	msg := "From: =?windows-1258?Q?Nguy=EA=DEn_V=E3n_An?= <an@example.com>\n" +
		"To: =?ISO-8859-1?Q?Jos=E9_M=FCller?= <jose@example.de>\n" +
		"Subject: H\xf4\xcc s\xf5 kha\xecch ha\xccng\n" + // raw 8-bit Windows-1258
		"Content-Type: multipart/mixed; boundary=\"b1\"\n" +
		"\n" +
		"--b1\n" +
		"Content-Type: text/plain; charset=windows-1258\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" + b64(cp1258) +
		"--b1\n" +
		"Content-Type: text/plain; charset=\"ISO-8859-1\"\n" +
		"Content-Transfer-Encoding: 8bit\n" +
		"\n" +
		"Kunde: Jos\xe9 M\xfcller\n" +
		"--b1--\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "Nguyễn Văn An <an@example.com>"),
		hdr("mail.eml", 2, "To", "José Müller <jose@example.de>"),
		hdr("mail.eml", 3, "Subject", "Hồ sơ khách hàng"),
		txt("mail.eml", 1, "body", "Chào anh Nguyễn Văn An"),
		txt("mail.eml", 2, "body", "Địa chỉ: 12 Lê Lợi"),
		txt("mail.eml", 15, "body.2", "Kunde: José Müller"), // lines of the file: the part is 8bit
	})
}

func TestEMLAlternativeTextAndHTML(t *testing.T) {
	msg := "From: an@example.com\n" + // 1
		"Content-Type: multipart/alternative;\n" + // 2
		" boundary=\"----=_Part_1\"\n" + // 3
		"\n" + // 4
		"This is a multi-part message in MIME format.\n" + // 5
		"------=_Part_1\n" +
		"Content-Type: text/plain; charset=utf-8\n" +
		"\n" +
		"Số điện thoại: 0912345678\n" +
		"------=_Part_1\n" +
		"Content-Type: text/html; charset=utf-8\n" +
		"Content-Transfer-Encoding: quoted-printable\n" +
		"\n" +
		qp(t, "<html><body>\n<p>S\u1ed1 \u0111i\u1ec7n tho\u1ea1i: <b>0912345678</b></p>\n</body></html>\n") +
		"------=_Part_1--\n" +
		"epilogue\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "an@example.com"),
		txt("mail.eml", 5, "preamble", "This is a multi-part message in MIME format."),
		txt("mail.eml", 9, "body", "Số điện thoại: 0912345678"),
		txt("mail.eml!body.html", 2, "", "Số điện thoại: 0912345678"),
	})
}

func TestEMLAttachments(t *testing.T) {
	archive := zipOf(t, false, [2]string{"notes.txt", "call Bình 0987654321"})
	msg := "From: an@example.com\n" +
		"Content-Type: multipart/mixed; boundary=mix\n" +
		"\n" +
		"--mix\n" +
		"Content-Type: text/plain\n" +
		"\n" +
		"See attached.\n" +
		"--mix\n" +
		"Content-Type: text/csv; charset=utf-8\n" +
		"Content-Disposition: attachment; filename*=UTF-8''kh%C3%A1ch-h%C3%A0ng.csv\n" +
		"\n" +
		"name,phone\n" +
		"Nguyễn Văn An,0912345678\n" +
		"--mix\n" +
		"Content-Type: application/zip; name=\"=?UTF-8?Q?d=E1=BB=AF_li=E1=BB=87u.zip?=\"\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" + b64(archive) +
		"--mix\n" +
		"Content-Type: text/csv\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" + b64([]byte("email,note\nbinh@example.org,vip\n")) +
		"--mix\n" +
		"Content-Type: text/plain; name=\"notes.txt\"\n" +
		"Content-Disposition: attachment; filename=\"C:\\\\Users\\\\an\\\\notes.txt\"\n" +
		"\n" +
		"first notes\n" +
		"--mix\n" +
		"Content-Type: text/plain\n" +
		"Content-Disposition: attachment; filename=\"notes.txt\"\n" +
		"\n" +
		"second notes\n" +
		"--mix\n" +
		"Content-Type: image/png\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" + b64([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")) +
		"--mix--\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "an@example.com"),
		txt("mail.eml", 7, "body", "See attached."),
		{"mail.eml!khách-hàng.csv", cell{2, "name", "name", "Nguyễn Văn An"}},
		{"mail.eml!khách-hàng.csv", cell{2, "phone", "phone", "0912345678"}},
		txt("mail.eml!dữ liệu.zip!notes.txt", 1, "", "call Bình 0987654321"),
		{"mail.eml!part-4.csv", cell{2, "email", "email", "binh@example.org"}},
		{"mail.eml!part-4.csv", cell{2, "note", "note", "vip"}},
		txt("mail.eml!notes.txt", 1, "", "first notes"),
		txt("mail.eml!notes-2.txt", 1, "", "second notes"),
	})
}

func TestEMLForwardedMessage(t *testing.T) {
	msg := "From: an@example.com\n" +
		"Content-Type: multipart/mixed; boundary=m\n" +
		"\n" +
		"--m\n" +
		"Content-Type: text/plain\n" +
		"\n" +
		"See below.\n" +
		"--m\n" +
		"Content-Type: message/rfc822\n" +
		"\n" +
		"From: Lê Dũng <dung@example.com>\n" +
		"Subject: Fw: CCCD\n" +
		"Content-Type: text/plain; charset=utf-8\n" +
		"\n" +
		"CCCD: 001203004567\n" +
		"--m\n" +
		"Content-Type: message/rfc822; name=\"old mail\"\n" +
		"Content-Disposition: attachment; filename=\"old mail\"\n" +
		"\n" +
		"To: cuong@example.net\n" +
		"\n" +
		"hi\n" +
		"--m--\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "an@example.com"),
		txt("mail.eml", 7, "body", "See below."),
		hdr("mail.eml!forwarded.eml", 1, "From", "Lê Dũng <dung@example.com>"),
		hdr("mail.eml!forwarded.eml", 2, "Subject", "Fw: CCCD"),
		txt("mail.eml!forwarded.eml", 5, "body", "CCCD: 001203004567"),
		hdr("mail.eml!old mail.eml", 1, "To", "cuong@example.net"),
		txt("mail.eml!old mail.eml", 3, "body", "hi"),
	})
}

// checkPrivate fails if a reported problem quotes one of secrets.
func checkPrivate(t *testing.T, g got, secrets ...string) {
	t.Helper()
	for _, e := range g.errs {
		for _, s := range secrets {
			if strings.Contains(e.Reason, s) {
				t.Fatalf("a report quotes the message: %v", e)
			}
		}
	}
}

func TestEMLMalformedBase64GoesOn(t *testing.T) {
	msg := "From: an@example.com\n" +
		"Content-Type: multipart/mixed; boundary=m\n" +
		"\n" +
		"--m\n" +
		"Content-Type: text/plain; charset=utf-8\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" +
		base64.StdEncoding.EncodeToString([]byte("Line one\n")) + "\n" +
		"!!!! secret 0912345678\n" +
		"--m\n" +
		"Content-Type: text/csv\n" +
		"Content-Disposition: attachment; filename=bad.csv\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" +
		"bmFtZQpBbgo*\n" +
		"--m\n" +
		"Content-Type: text/plain\n" +
		"\n" +
		"still read\n" +
		"--m--\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "an@example.com"),
		txt("mail.eml", 1, "body", "Line one"),
		txt("mail.eml", 19, "body.2", "still read"), // the file's line: the part is not encoded
	})
	if len(g.errs) != 2 || g.errs[0].Path != "mail.eml" || !strings.Contains(g.errs[0].Reason, "part 1: bad base64") ||
		g.errs[1].Path != "mail.eml!bad.csv" || !strings.Contains(g.errs[1].Reason, "base64") {
		t.Fatalf("errors: %v", g.errs)
	}
	checkPrivate(t, g, "secret", "0912345678", "An")
}

func TestEMLMalformedStructure(t *testing.T) {
	cases := []struct {
		name, msg string
		want      []unit
		reason    string
	}{{
		name: "boundary never found",
		msg: "From: an@example.com\nContent-Type: multipart/mixed; boundary=\"nope\"\n\n" +
			"--other\nContent-Type: text/plain\n\nSĐT 0912345678\n--other--\n",
		want: []unit{
			hdr("mail.eml", 1, "From", "an@example.com"),
			txt("mail.eml", 4, "preamble", "--other"),
			txt("mail.eml", 5, "preamble", "Content-Type: text/plain"),
			txt("mail.eml", 7, "preamble", "SĐT 0912345678"),
			txt("mail.eml", 8, "preamble", "--other--"),
		},
		reason: "boundary not found",
	}, {
		name: "no boundary",
		msg:  "From: an@example.com\nContent-Type: multipart/mixed\n\nSĐT 0912345678\n",
		want: []unit{
			hdr("mail.eml", 1, "From", "an@example.com"),
			txt("mail.eml", 4, "body", "SĐT 0912345678"),
		},
		reason: "line 4: multipart without a boundary",
	}, {
		name: "bad part header",
		msg: "From: an@example.com\nContent-Type: multipart/mixed; boundary=b\n\n" +
			"--b\nContent-Type: text/plain\n\nfirst 0912345678\n" +
			"--b\nNguyễn Văn An 0987654321\n\nlost\n--b\nContent-Type: text/plain\n\nlost too\n--b--\n",
		want: []unit{
			hdr("mail.eml", 1, "From", "an@example.com"),
			txt("mail.eml", 7, "body", "first 0912345678"),
		},
		reason: "multipart starting on line 4, after part 1: malformed part header",
	}, {
		name: "closing boundary missing",
		msg:  "Content-Type: multipart/mixed; boundary=b\n\n--b\n\ncut short 0912345678",
		want: []unit{
			txt("mail.eml", 5, "body", "cut short 0912345678"),
		},
		reason: "closing boundary missing",
	}, {
		name: "header not ended",
		msg:  "From: an@example.com\nSubject: hi\nHello Bình 0912345678\n",
		want: []unit{
			hdr("mail.eml", 1, "From", "an@example.com"),
			hdr("mail.eml", 2, "Subject", "hi"),
			txt("mail.eml", 3, "body", "Hello Bình 0912345678"),
		},
		reason: "line 3: header section not ended",
	}, {
		name: "unknown charset and encoding",
		msg: "From: =?x-unknown?Q?An?= <an@example.com>\nContent-Type: text/plain; charset=x-klingon\n" +
			"Content-Transfer-Encoding: x-weird\n\nBình 0912345678\n",
		want: []unit{
			hdr("mail.eml", 1, "From", "=?x-unknown?Q?An?= <an@example.com>"),
			txt("mail.eml", 5, "body", "Bình 0912345678"),
		},
		reason: "unknown Content-Transfer-Encoding x-weird",
	}, {
		name: "bad quoted-printable",
		msg:  "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nok 0912345678\nbad =\x01 Bình\n",
		want: []unit{
			txt("mail.eml", 1, "body", "ok 0912345678"),
			txt("mail.eml", 2, "body", "bad ="),
		},
		reason: "part 1: bad quoted-printable data",
	}, {
		name: "bad quoted-printable attachment",
		msg: "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/csv\n" +
			"Content-Disposition: attachment; filename=a.csv\nContent-Transfer-Encoding: quoted-printable\n\n" +
			"\x01name\nBình 0912345678\n",
		want:   []unit{},
		reason: "bad quoted-printable data",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := scanFile(t, "mail.eml", []byte(c.msg), Options{})
			checkUnits(t, g, c.want)
			found := false
			for _, e := range g.errs {
				found = found || strings.Contains(e.Reason, c.reason)
			}
			if !found {
				t.Fatalf("errors %v, want %q", g.errs, c.reason)
			}
			checkPrivate(t, g, "0912345678", "0987654321", "Bình", "Nguyễn", "an@example.com")
		})
	}
}

func TestEMLDepthCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: an@example.com\n")
	for i := range maxMIMEDepth + 2 {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\n\ntoo deep\n")
	g := scanFile(t, "deep.eml", []byte(b.String()), Options{})
	checkUnits(t, g, []unit{hdr("deep.eml", 1, "From", "an@example.com")})
	found := false
	for _, e := range g.errs {
		found = found || strings.Contains(e.Reason, "nested over 10 deep")
	}
	if !found {
		t.Fatalf("errors: %v", g.errs)
	}
}

func TestEMLSniffedAndHTMLOnly(t *testing.T) {
	msg := "Received: from mx.example.com\nFrom: an@example.com\nTo: binh@example.org\nSubject: hi\n" +
		"Content-Type: text/html; charset=windows-1258\n\n<p>Nguy\xea\xden V\xe3n An</p>\n"
	g := scanFile(t, "message", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("message", 2, "From", "an@example.com"),
		hdr("message", 3, "To", "binh@example.org"),
		hdr("message", 4, "Subject", "hi"),
		txt("message!body.html", 1, "", "Nguyễn Văn An"),
	})
}

func TestEMLEntryLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=b\n\n")
	for i := range 3 {
		fmt.Fprintf(&b, "--b\nContent-Disposition: attachment; filename=%d.txt\n\nfile %d\n", i, i)
	}
	b.WriteString("--b--\n")
	g := scanFile(t, "mail.eml", []byte(b.String()), Options{MaxArchiveEntries: 2})
	checkUnits(t, g, []unit{txt("mail.eml!0.txt", 1, "", "file 0"), txt("mail.eml!1.txt", 1, "", "file 1")})
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "entry limit") {
		t.Fatalf("errors: %v", g.errs)
	}
}

func TestEMLLineCap(t *testing.T) {
	long := strings.Repeat("an@example.com, ", 10)
	msg := "To: " + long + "\n\n" + strings.Repeat("word ", 10) + "\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{MaxLineBytes: 32})
	for _, u := range g.units {
		if len(u.Text) > 32 {
			t.Fatalf("unit over the cap: %q", u.Text)
		}
	}
	if len(g.units) < 6 || g.units[0].Column != "To" || g.units[len(g.units)-1].Column != "body" {
		t.Fatalf("units: %v", unitsOf(g.units))
	}
}

// FuzzEML: messages of any shape.
func FuzzEML(f *testing.F) {
	f.Add([]byte("From: =?UTF-8?B?VHLhuqduIFRo4buLIELDrG5o?= <binh@example.org>\nTo: a@b.c, \"x\" <y@z>\nSubject: =?windows-1258?Q?Nguy=EA=DEn?=\n\nbody\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\n\npre\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nJos=E9=\n M\n--b\nContent-Type: multipart/alternative; boundary=c\n\n--c\nContent-Type: text/html\n\n<p>x</p>\n--c--\n--b\nContent-Type: message/rfc822\n\nFrom: a@b\n\nhi\n--b--\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Disposition: attachment; filename=a.zip\nContent-Transfer-Encoding: base64\n\nUEsDBAo=\n!!\n--b\nContent-Type: text/csv\n\na,b\n1,2\n--b"))
	f.Add([]byte("From x\nSubject: \xf4\xcc\n bad\nno colon here\n\x00"))
	f.Add([]byte("From: \"=?UTF-8?B?VsO1IEPDtG5nIFRo4bqvbmc=?=\" <t@icloud.com>\nCc: \"=?windows-1258?Q?Tr=E2=CCn?= x\" <a@b>, \"=?\" <c@d>\n\nbody\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.eml", data) })
}
