package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// mailbox is a mailbox of three messages: plain, with a quoted ">From "
// line, and with a CSV attachment; the last one in CRLF.
const mailbox = "From an@example.com Mon Jan  1 10:00:00 2024\n" +
	"From: Nguyễn Văn An <an@example.com>\n" +
	"To: binh@example.org\n" +
	"Subject: one\n" +
	"\n" +
	"SĐT 0912345678\n" +
	"\n" +
	"From binh@example.org Tue Jan  2 10:00:00 2024\n" +
	"From: binh@example.org\n" +
	"Subject: two\n" +
	"\n" +
	">From the desk of Bình:\n" +
	">>From here on, quoted twice\n" +
	"From\n" +
	"\n" +
	"From cuong@example.net Wed Jan  3 10:00:00 2024\r\n" +
	"From: cuong@example.net\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n" +
	"\r\n" +
	"--b\r\n" +
	"Content-Type: text/csv\r\n" +
	"Content-Disposition: attachment; filename=invoice.csv\r\n" +
	"\r\n" +
	"name,email\r\n" +
	"Lê Dũng,dung@example.com\r\n" +
	"--b--\r\n"

func TestMBOXMessages(t *testing.T) {
	g := scanFile(t, "inbox.mbox", []byte(mailbox), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("inbox.mbox!1.eml", 1, "From", "Nguyễn Văn An <an@example.com>"),
		hdr("inbox.mbox!1.eml", 2, "To", "binh@example.org"),
		hdr("inbox.mbox!1.eml", 3, "Subject", "one"),
		txt("inbox.mbox!1.eml", 5, "body", "SĐT 0912345678"),
		hdr("inbox.mbox!2.eml", 1, "From", "binh@example.org"),
		hdr("inbox.mbox!2.eml", 2, "Subject", "two"),
		txt("inbox.mbox!2.eml", 4, "body", "From the desk of Bình:"),
		txt("inbox.mbox!2.eml", 5, "body", ">From here on, quoted twice"),
		txt("inbox.mbox!2.eml", 6, "body", "From"),
		hdr("inbox.mbox!3.eml", 1, "From", "cuong@example.net"),
		{"inbox.mbox!3.eml!invoice.csv", cell{2, "name", "name", "Lê Dũng"}},
		{"inbox.mbox!3.eml!invoice.csv", cell{2, "email", "email", "dung@example.com"}},
	})
}

func TestMBOXSniffedWithoutExtension(t *testing.T) {
	g := scanFile(t, "Inbox", []byte(mailbox), Options{})
	checkNoErrors(t, g)
	if len(g.units) != 12 || g.units[0].Path != "Inbox!1.eml" || g.units[11].Path != "Inbox!3.eml!invoice.csv" {
		t.Fatalf("units: %v", unitsOf(g.units))
	}
}

func TestMBOXMessagesThatDoNotSniffAsMail(t *testing.T) {
	// A message with few well-known fields, and one whose long folded
	// signatures push its well-known fields far down: both read as mail.
	fold := "DKIM-Signature: v=1; a=rsa-sha256;\n" + strings.Repeat("\tb=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 45)
	box := "From x\nFrom: an@example.com\n\nhi\n" +
		"From y\nX-Gmail-Labels: Inbox\n" + fold + "From: binh@example.org\nTo: an@example.com\nSubject: s\n" +
		"Content-Transfer-Encoding: base64\n\n" + b64([]byte("Bình 0912345678\n"))
	g := scanFile(t, "all.mbox", []byte(box), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("all.mbox!1.eml", 1, "From", "an@example.com"),
		txt("all.mbox!1.eml", 3, "body", "hi"),
		hdr("all.mbox!2.eml", 48, "From", "binh@example.org"),
		hdr("all.mbox!2.eml", 49, "To", "an@example.com"),
		hdr("all.mbox!2.eml", 50, "Subject", "s"),
		txt("all.mbox!2.eml", 1, "body", "Bình 0912345678"),
	})
}

func TestMBOXLeadingTextAndLongLines(t *testing.T) {
	long := strings.Repeat("x", 70_000) + "From nobody at the start of a line\n"
	box := "\n\nstray text\n" +
		"From a\nSubject: long\n\n" + long +
		"From b\nSubject: last\n\nbye"
	g := scanFile(t, "box.mbox", []byte(box), Options{})
	checkUnits(t, g, []unit{
		txt("box.mbox!1.eml", 1, "body", "stray text"),
		hdr("box.mbox!2.eml", 1, "Subject", "long"),
		txt("box.mbox!2.eml", 3, "body", long[:len(long)-1]),
		hdr("box.mbox!3.eml", 1, "Subject", "last"),
		txt("box.mbox!3.eml", 3, "body", "bye"),
	})
	if len(g.errs) != 1 || g.errs[0].Path != "box.mbox" || !strings.Contains(g.errs[0].Reason, "does not start with a From line") {
		t.Fatalf("errors: %v", g.errs)
	}
}

func TestMBOXEntryLimit(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, "From x\nSubject: message %d\n\n", i)
	}
	g := scanFile(t, "inbox.mbox", []byte(b.String()), Options{MaxArchiveEntries: 2})
	checkUnits(t, g, []unit{
		hdr("inbox.mbox!1.eml", 1, "Subject", "message 1"),
		hdr("inbox.mbox!2.eml", 1, "Subject", "message 2"),
	})
	if len(g.errs) != 1 || g.errs[0].Path != "inbox.mbox" || !strings.Contains(g.errs[0].Reason, "entry limit") {
		t.Fatalf("errors: %v", g.errs)
	}
}

func TestMBOXByteLimit(t *testing.T) {
	box := "From x\nSubject: one\n\n" + strings.Repeat("word ", 100) + "\nFrom y\nSubject: never read\n\n"
	g := scanFile(t, "inbox.mbox", []byte(box), Options{MaxArchiveBytes: 200})
	for _, u := range g.units {
		if u.Path != "inbox.mbox!1.eml" {
			t.Fatalf("read past the byte budget: %v", unitsOf(g.units))
		}
	}
	if len(g.errs) == 0 || g.errs[len(g.errs)-1].Path != "inbox.mbox" || !strings.Contains(g.errs[len(g.errs)-1].Reason, "more than the limit") {
		t.Fatalf("errors: %v", g.errs)
	}
}

// FuzzMBOX: mailboxes of any shape.
func FuzzMBOX(f *testing.F) {
	f.Add([]byte(mailbox))
	f.Add([]byte("From a\n>From b\nFrom c\r\nSubject: x\r\n\r\n>>From d\nFrom"))
	f.Add([]byte("text\n\nFrom a\nContent-Type: message/rfc822\n\nFrom: b@c\n\nhi\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.mbox", data) })
}

func TestMBOXCallbackErrorStopsTheWalk(t *testing.T) {
	dir := t.TempDir()
	write(t, dir+"/inbox.mbox", []byte(mailbox))
	stop := errors.New("stop")
	for _, after := range []int{1, 11} { // in a message, in an attachment
		seen := 0
		err := Walk(context.Background(), []string{dir}, Options{}, func(Unit) error {
			seen++
			if seen == after {
				return stop
			}
			return nil
		}, func(e FileError) { t.Errorf("reported: %v", e) })
		if !errors.Is(err, stop) || seen != after {
			t.Fatalf("after %d units: err %v, %d units seen", after, err, seen)
		}
	}
}
