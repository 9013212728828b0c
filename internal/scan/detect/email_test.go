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
		{name: "mailto", text: "mailto:x@y.io", want: []string{"EMAIL_ADDRESS=x@y.io"}},
		{name: "no tld", text: "user@localhost", not: []scan.Entity{scan.EmailAddress}},
		{name: "numeric tld", text: "user@10.0.0.1", not: []scan.Entity{scan.EmailAddress}},
		{name: "one letter tld", text: "user@example.c", not: []scan.Entity{scan.EmailAddress}},
		{name: "double dot", text: "a..b@example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "trailing dot local", text: "ab.@example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "empty local", text: " @example.com", not: []scan.Entity{scan.EmailAddress}},
		{name: "handle", text: "follow @custodia on social", not: []scan.Entity{scan.EmailAddress}},
		{name: "hyphen label", text: "a@-example.com", not: []scan.Entity{scan.EmailAddress}},
	})
}

func TestEmailPreview(t *testing.T) {
	s := newTestScanner(Options{})
	got := scanAll(t, s, "Contact: Nguyen.An@Example.COM", "")
	if len(got) != 1 || got[0].Preview != "n***@example.com" || got[0].Confidence != 0.95 || got[0].Category != "user.contact.email" {
		t.Fatalf("got %v", got)
	}
}
