package detect

import (
	"testing"

	"custodia/internal/scan"
)

func TestEmailAddress(t *testing.T) {
	runCases(t, []entityCase{
		{name: "plain", text: "mail an.nguyen@example.com.", want: []string{"EMAIL_ADDRESS=an.nguyen@example.com"}},
		{name: "plus and subdomain", text: "<Alice.Smith+news@mail.example.co.uk>", want: []string{"EMAIL_ADDRESS=Alice.Smith+news@mail.example.co.uk"}},
		{name: "in csv", text: "1,x,bich_tran1990@gmail.com,2", want: []string{"EMAIL_ADDRESS=bich_tran1990@gmail.com"}},
		{name: "vn domain", text: "lienhe@cong-ty.com.vn", want: []string{"EMAIL_ADDRESS=lienhe@cong-ty.com.vn"}},
		{name: "idn domain", text: "write to user@bücher.de today", want: []string{"EMAIL_ADDRESS=user@bücher.de"}},
		{name: "idn local and domain", text: "người.dùng@ví-dụ.vn", want: []string{"EMAIL_ADDRESS=người.dùng@ví-dụ.vn"}},
		{name: "tld glued to a word", text: "liên hệ an@gmail.comđể", want: []string{"EMAIL_ADDRESS=an@gmail.com"}},
		{name: "mailto", text: "mailto:x@y.io", want: []string{"EMAIL_ADDRESS=x@y.io"}},
		{name: "no tld", text: "user@localhost", not: []scan.Entity{scan.EmailAddress}},
		{name: "numeric tld", text: "user@10.0.0.1", not: []scan.Entity{scan.EmailAddress}},
		{name: "one letter tld", text: "user@example.c", not: []scan.Entity{scan.EmailAddress}},
		{name: "double dot", text: "a..b@example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "trailing dot local", text: "ab.@example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "empty local", text: " @example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "handle", text: "follow @custodia on social", not: []scan.Entity{scan.EmailAddress}},
		{name: "hyphen label", text: "a@-example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "apostrophe", text: "write to sean.o'brien@example.ie today", want: []string{"EMAIL_ADDRESS=sean.o'brien@example.ie"}},
		{name: "quoted", text: "email='an@example.com'", want: []string{"EMAIL_ADDRESS=an@example.com"}},
		{name: "internationalised", text: "Liên hệ: nguyễn.văn.an@example.vn", want: []string{"EMAIL_ADDRESS=nguyễn.văn.an@example.vn"}},
		{name: "decomposed accents", text: "mail: jose\u0301@example.es", want: []string{"EMAIL_ADDRESS=jose\u0301@example.es"}},
		{name: "cjk text runs on", text: "请联系张三zhang@example.com", want: []string{"EMAIL_ADDRESS=zhang@example.com"}},
		{name: "non-break space before", text: "e-mail:\u00a0an@example.com", want: []string{"EMAIL_ADDRESS=an@example.com"}},
	})
}

// TestObfuscatedEmail: addresses whose '@' and dots are written as
// bracketed words are found; bare "at" and "dot", and bracketed words
// that do not make an address, are not.
func TestObfuscatedEmail(t *testing.T) {
	runCases(t, []entityCase{
		{name: "square brackets", text: "mail sophie_fischer1989 [at] outlook [dot] com please", want: []string{"EMAIL_ADDRESS=sophie_fischer1989 [at] outlook [dot] com"}},
		{name: "parentheses, no spaces", text: "an.nguyen(at)example(dot)vn", want: []string{"EMAIL_ADDRESS=an.nguyen(at)example(dot)vn"}},
		{name: "upper case and plain dots", text: "lien he: ban.hang {AT} cong-ty.com.vn.", want: []string{"EMAIL_ADDRESS=ban.hang {AT} cong-ty.com.vn"}},
		{name: "mixed separators", text: "r.fischer [at] web.mail [dot] de", want: []string{"EMAIL_ADDRESS=r.fischer [at] web.mail [dot] de"}},
		{name: "bare words", text: "meet at google dot com", not: []scan.Entity{scan.EmailAddress}},
		{name: "bare at", text: "reddy at outlook.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "no domain dot", text: "x [at] localhost", not: []scan.Entity{scan.EmailAddress}},
		{name: "no local part", text: "see [at] example [dot] com", want: []string{"EMAIL_ADDRESS=see [at] example [dot] com"}},
		{name: "bracket alone", text: "[at] example [dot] com", not: []scan.Entity{scan.EmailAddress}},
		{name: "file name", text: "logo [at] 2x [dot] png", not: []scan.Entity{scan.EmailAddress}},
		{name: "area code", text: "(028) 3823 4567", not: []scan.Entity{scan.EmailAddress}},
		{name: "unclosed", text: "x [at example [dot] com", not: []scan.Entity{scan.EmailAddress}},
	})
	s := newTestScanner(Options{})
	got := scanAll(t, s, "email: Sophie.F [AT] Outlook [dot] COM", "")
	if len(got) != 1 || got[0].Preview != "s***@outlook.com" || got[0].Confidence != 0.85 {
		t.Fatalf("preview of an obfuscated address: %v", got)
	}
}

func TestEmailPreview(t *testing.T) {
	s := newTestScanner(Options{})
	if got := scanAll(t, s, "mail Ánh.Lê@Example.VN", ""); len(got) != 1 || got[0].Preview != "á***@example.vn" {
		t.Fatalf("preview of an internationalised address: %v", got)
	}
	got := scanAll(t, s, "Contact: Nguyen.An@Example.COM", "")
	if len(got) != 1 || got[0].Preview != "n***@example.com" || got[0].Confidence != 0.95 || got[0].Category != "user.contact.email" {
		t.Fatalf("got %v", got)
	}
}
