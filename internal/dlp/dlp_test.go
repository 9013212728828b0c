package dlp

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"custodia/internal/scan"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
)

var (
	scannerOnce sync.Once
	scanner     *detect.Scanner
)

// defaultScanner is a scanner for the default policy, built once.
func defaultScanner() *detect.Scanner {
	scannerOnce.Do(func() { scanner = detect.New(Default().ScannerOptions()) })
	return scanner
}

func check(t *testing.T, p *Policy, in Input) Result {
	t.Helper()
	r, err := Check(context.Background(), p, defaultScanner(), in)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

func text(s string) Input { return Input{Text: []byte(s)} }

// finding returns the result's finding of e, or nil.
func finding(r Result, e scan.Entity) *Finding {
	for i := range r.Findings {
		if r.Findings[i].Entity == e {
			return &r.Findings[i]
		}
	}
	return nil
}

// emails returns n distinct e-mail addresses, one per line.
func emails(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "customer%d@example.com\n", i)
	}
	return b.String()
}

func TestDefaultPolicyDecisions(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       Decision
		entity     scan.Entity
		reason     string
	}{
		{"card", "Please charge card 4111 1111 1111 1111 for the order.", Block, scan.CreditCard, "CREDIT_CARD found (block)"},
		{"iban", "Wire it to IBAN DE89 3704 0044 0532 0130 00 today.", Block, scan.IBANCode, "IBAN_CODE found (block)"},
		{"cccd", "Số CCCD: 079203001234", Block, scan.VNCCCD, "VN_CCCD found (block)"},
		{"ssn", "SSN: 536-22-1234", Block, scan.USSSN, "US_SSN found (block)"},
		{"email", "Contact me at an.nguyen@example.com", Warn, scan.EmailAddress, "EMAIL_ADDRESS found (warn)"},
		{"phone", "Call me on +84 912 345 678 tomorrow.", Warn, scan.PhoneNumber, "PHONE_NUMBER found (warn)"},
		{"person", "Dear John Smith, thanks.", Warn, scan.Person, "PERSON found (warn)"},
		{"plain", "Hello team, the meeting is moved to Tuesday at 3pm in Room 4.", Allow, "", ""},
		{"empty", "", Allow, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, Default(), text(tc.text))
			if r.Decision != tc.want || r.Policy != "default" {
				t.Fatalf("decision %s policy %s, want %s default: %+v", r.Decision, r.Policy, tc.want, r)
			}
			if tc.entity == "" {
				if len(r.Findings) != 0 || len(r.Reasons) != 0 {
					t.Fatalf("allowed text has findings or reasons: %+v", r)
				}
				return
			}
			if finding(r, tc.entity) == nil || !slices.Contains(r.Reasons, tc.reason) {
				t.Fatalf("want %s with reason %q: %+v", tc.entity, tc.reason, r)
			}
		})
	}
}

func TestBlockOutranksWarn(t *testing.T) {
	r := check(t, Default(), text("From an.nguyen@example.com: my card is 4111 1111 1111 1111"))
	if r.Decision != Block {
		t.Fatalf("decision %s, want block", r.Decision)
	}
	if len(r.Reasons) != 2 || r.Reasons[0] != "CREDIT_CARD found (block)" || r.Reasons[1] != "EMAIL_ADDRESS found (warn)" {
		t.Fatalf("reasons not strictest first: %q", r.Reasons)
	}
	// Findings follow scan.Entities: e-mail before card.
	if len(r.Findings) != 2 || r.Findings[0].Entity != scan.EmailAddress || r.Findings[1].Entity != scan.CreditCard {
		t.Fatalf("findings order: %+v", r.Findings)
	}
	if got := r.Summary(); got != "block EMAIL_ADDRESS=1 CREDIT_CARD=1 contacts=1" {
		t.Fatalf("summary %q", got)
	}
}

func TestBulkThreshold(t *testing.T) {
	r := check(t, Default(), text(emails(10)))
	if r.Decision != Warn || r.Contacts != 10 {
		t.Fatalf("10 addresses: %s with %d contacts, want warn with 10", r.Decision, r.Contacts)
	}
	r = check(t, Default(), text(emails(11)))
	if r.Decision != Block || r.Contacts != 11 || r.Reasons[0] != "11 distinct e-mail addresses and phone numbers, more than 10 (block)" {
		t.Fatalf("11 addresses: %+v", r)
	}
	// Phones and e-mail addresses count together.
	var mixed strings.Builder
	mixed.WriteString(emails(6))
	for i := range 5 {
		fmt.Fprintf(&mixed, "tel: +84 912 345 %03d\n", 600+i)
	}
	if r = check(t, Default(), text(mixed.String())); r.Decision != Block || r.Contacts != 11 {
		t.Fatalf("6 addresses and 5 phones: %s with %d contacts, want block with 11", r.Decision, r.Contacts)
	}
	// The same values over and over are one customer each.
	same := strings.Repeat("an.nguyen@example.com, AN.NGUYEN@example.com; call 0912 345 678 or +84 912 345 678 or 0084 912 345 678\n", 30)
	r = check(t, Default(), text(same))
	if r.Decision != Warn || r.Contacts != 2 || finding(r, scan.EmailAddress).Count != 60 {
		t.Fatalf("repeated values: %s, %d contacts, want warn with 2: %+v", r.Decision, r.Contacts, r.Findings)
	}
	// A custom threshold, and 0 turning the rule off.
	p := Default()
	p.BulkThreshold = 50
	if r = check(t, p, text(emails(50))); r.Decision != Warn {
		t.Fatalf("threshold 50, 50 addresses: %s", r.Decision)
	}
	p.BulkThreshold = 0
	if r = check(t, p, text(emails(500))); r.Decision != Warn || r.Contacts != 500 {
		t.Fatalf("threshold off, 500 addresses: %s %d", r.Decision, r.Contacts)
	}
}

func TestPreviewsMaskedAndBounded(t *testing.T) {
	in := "card 4111 1111 1111 1111 and 5500 0000 0000 0004\n"
	for i := range 20 {
		in += fmt.Sprintf("%c%d.customer@example.com\n", 'a'+i, i)
	}
	r := check(t, Default(), text(in))
	e := finding(r, scan.EmailAddress)
	if e.Count != 20 || len(e.Previews) != MaxPreviews || e.Category != "user.contact.email" || e.MaxConfidence < 0.9 {
		t.Fatalf("email finding: %+v", e)
	}
	c := finding(r, scan.CreditCard)
	if c.Count != 2 || !slices.Equal(c.Previews, []string{"**** **** **** 1111", "**** **** **** 0004"}) {
		t.Fatalf("card finding: %+v", c)
	}
	out, _ := json.Marshal(r)
	for _, raw := range []string{"a0.customer@example.com", "t19.customer@", ".customer@", "4111 1111 1111 1111", "4111111111111111", "5500 0000"} {
		if strings.Contains(string(out), raw) || strings.Contains(r.Summary(), raw) {
			t.Errorf("result holds the raw value %q: %s", raw, out)
		}
	}
}

func TestCustomPolicy(t *testing.T) {
	p, err := Parse([]byte("min_confidence: 0.96\nwarn: [CREDIT_CARD]\nbulk_threshold: 0\n"), "strict")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "strict" || len(p.Block) != 0 || !slices.Equal(p.Warn, []scan.Entity{scan.CreditCard}) || p.Unreadable != Warn {
		t.Fatalf("parsed %+v", p)
	}
	// The card (0.99 with context) warns; the address (0.95) is under the bar.
	r := check(t, p, text("card number 4111 1111 1111 1111, mail an.nguyen@example.com"))
	if r.Decision != Warn || r.Policy != "strict" || finding(r, scan.EmailAddress) != nil {
		t.Fatalf("custom policy: %+v", r)
	}
	// An entity in neither list is reported but allowed.
	r = check(t, p, text("IBAN DE89 3704 0044 0532 0130 00"))
	if r.Decision != Allow || finding(r, scan.IBANCode) == nil || len(r.Reasons) != 0 {
		t.Fatalf("unlisted entity: %+v", r)
	}
	// A nil scanner is built from the policy.
	r, err = Check(context.Background(), p, nil, text("card number 4111 1111 1111 1111"))
	if err != nil || r.Decision != Warn {
		t.Fatalf("nil scanner: %v %+v", err, r)
	}
}

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	csv := "name,email,phone\n"
	for i := range 20 {
		csv += fmt.Sprintf("Customer %d,customer%d@example.com,+84 912 345 %03d\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	r := check(t, Default(), Input{Paths: []string{dir}})
	if r.Decision != Block || r.Contacts != 40 || finding(r, scan.EmailAddress).Count != 20 || r.Unreadable != 0 {
		t.Fatalf("CSV: %+v", r)
	}

	// A ZIP holding a note with a card number.
	zdir := t.TempDir()
	zf, err := os.Create(filepath.Join(zdir, "upload.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("notes/payment.txt")
	_, _ = w.Write([]byte("Card: 4111 1111 1111 1111\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()
	if r = check(t, Default(), Input{Paths: []string{zdir}}); r.Decision != Block || finding(r, scan.CreditCard) == nil {
		t.Fatalf("ZIP: %+v", r)
	}

	// A file over the size limit is not read: unreadable, warn by default,
	// block by a policy that says so, allow by one that lets it go.
	lim := Input{Paths: []string{dir}, Source: source.Options{MaxFileSize: 100}}
	if r = check(t, Default(), lim); r.Decision != Warn || r.Unreadable != 1 || r.Reasons[0] != "1 file or part of a file could not be read (warn)" {
		t.Fatalf("unreadable: %+v", r)
	}
	p := Default()
	p.Unreadable = Block
	if r = check(t, p, lim); r.Decision != Block || r.Summary() != "block unreadable=1" {
		t.Fatalf("unreadable under block: %+v %q", r, r.Summary())
	}
	p.Unreadable = Allow
	if r = check(t, p, lim); r.Decision != Allow || r.Unreadable != 1 || len(r.Reasons) != 0 {
		t.Fatalf("unreadable under allow: %+v", r)
	}

	// Text and files together.
	if r = check(t, Default(), Input{Text: []byte("hello"), Paths: []string{zdir}}); r.Decision != Block {
		t.Fatalf("text and file: %+v", r)
	}
}

func TestCheckCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Check(ctx, Default(), defaultScanner(), Input{Paths: []string{t.TempDir()}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled check: %v", err)
	}
}

func TestContactKey(t *testing.T) {
	key := func(e scan.Entity, v, preview string) string { return string(contactKey(nil, e, []byte(v), preview)) }
	same := [][3]string{
		{"0912 345 678", "+84 *** *** 678", "+84 912 345 678"},
		{"0912345678", "+84 *** *** 678", "0084 912 345 678"},
		{"(415) 555-0132", "+1 *** *** 132", "+1 415 555 0132"},
	}
	for _, s := range same {
		if a, b := key(scan.PhoneNumber, s[0], s[1]), key(scan.PhoneNumber, s[2], s[1]); a != b {
			t.Errorf("%q and %q differ: %q %q", s[0], s[2], a, b)
		}
	}
	if key(scan.PhoneNumber, "0912 345 678", "+84 *** *** 678") == key(scan.PhoneNumber, "0912 345 679", "+84 *** *** 679") {
		t.Error("different numbers share a key")
	}
	if key(scan.PhoneNumber, "0912 345 678", "***") != "p0912345678" {
		t.Error("a preview without calling code should key by the digits")
	}
	if key(scan.EmailAddress, "An.Nguyen@Example.COM", "") != key(scan.EmailAddress, "an.nguyen@example.com", "") {
		t.Error("e-mail case should not matter")
	}
	if key(scan.EmailAddress, "1", "") == key(scan.PhoneNumber, "1", "") {
		t.Error("an e-mail and a phone share a key")
	}
}

func TestParsePolicy(t *testing.T) {
	full := `
name: mail-gateway
min_confidence: 0.7
bulk_threshold: 25
unreadable: block
regions: [VN, us]
block: [CREDIT_CARD, IBAN_CODE]
warn:
  - EMAIL_ADDRESS
  - PERSON
`
	p, err := Parse([]byte(full), "x")
	if err != nil {
		t.Fatal(err)
	}
	want := &Policy{Name: "mail-gateway", MinConfidence: 0.7, BulkThreshold: 25, Unreadable: Block, Regions: []string{"VN", "us"},
		Block: []scan.Entity{scan.CreditCard, scan.IBANCode}, Warn: []scan.Entity{scan.EmailAddress, scan.Person}}
	if fmt.Sprint(p) != fmt.Sprint(want) {
		t.Fatalf("parsed\n%+v\nwant\n%+v", p, want)
	}

	// Keys left out keep the default's values.
	p, err = Parse([]byte("bulk_threshold: 3\n"), "small")
	d := Default()
	if err != nil || p.BulkThreshold != 3 || p.Name != "small" || !slices.Equal(p.Block, d.Block) || !slices.Equal(p.Warn, d.Warn) ||
		p.MinConfidence != d.MinConfidence || p.Unreadable != Warn {
		t.Fatalf("partial policy: %v %+v", err, p)
	}
	// block alone empties warn; explicit empty lists are allowed.
	if p, err = Parse([]byte("block: [PASSPORT]\n"), "x"); err != nil || len(p.Warn) != 0 || len(p.Block) != 1 {
		t.Fatalf("block alone: %v %+v", err, p)
	}
	if p, err = Parse([]byte("block: []\nwarn: []\n"), "x"); err != nil || len(p.Warn)+len(p.Block) != 0 {
		t.Fatalf("empty lists: %v %+v", err, p)
	}

	for _, tc := range []struct{ yaml, want string }{
		{"", "policy is empty"},
		{"# only a comment\n", "policy is empty"},
		{"- CREDIT_CARD\n", "want a mapping"},
		{"just text", "want a mapping"},
		{"blok: [CREDIT_CARD]\n", `line 1: unknown key "blok" (known: name, min_confidence`},
		{"warn: []\n? [a]\n: b\n", "unknown key"},
		{"block: [CREDITCARD]\n", `unknown entity "CREDITCARD"`},
		{"warn: [email_address]\n", `unknown entity "email_address"`},
		{"block: [PASSPORT]\nwarn: [PASSPORT]\n", "PASSPORT is listed in both block and warn"},
		{"block: [PASSPORT, PASSPORT]\n", "PASSPORT is listed twice"},
		{"block: CREDIT_CARD\n", "cannot unmarshal"},
		{"block:\n", "block has no value"},
		{"min_confidence: 1.5\n", "min_confidence 1.5: must be between 0 and 1"},
		{"min_confidence: .nan\n", "min_confidence"},
		{"min_confidence: high\n", "cannot unmarshal"},
		{"bulk_threshold: -1\n", "bulk_threshold -1"},
		{"bulk_threshold: 2.5\n", "want a whole number"},
		{"bulk_threshold: '3'\n", "want a whole number"},
		{"unreadable: deny\n", `unreadable "deny"`},
		{"regions: [XX]\n", `regions: unknown region "XX"`},
		{"name: 'a b'\n", `name "a b"`},
		{"bulk_threshold: 1\nbulk_threshold: 2\n", "already defined"},
		{"bulk_threshold: 1\n---\nbulk_threshold: 2\n", "only one YAML document"},
		{"block: [CREDIT_CARD\n", "yaml: "},
	} {
		_, err := Parse([]byte(tc.yaml), "x")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.yaml, err, tc.want)
		}
	}
	if _, err := Parse([]byte(strings.Repeat("#", maxPolicyBytes+1)), "x"); err == nil {
		t.Error("an oversized policy was accepted")
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mail-gateway.yaml")
	if err := os.WriteFile(path, []byte("warn: [EMAIL_ADDRESS]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadFile(path)
	if err != nil || p.Name != "mail-gateway" {
		t.Fatalf("LoadFile: %v %+v", err, p)
	}
	odd := filepath.Join(dir, "my policy.yaml")
	if err := os.WriteFile(odd, []byte("name: chat\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err = LoadFile(odd); err != nil || p.Name != "chat" {
		t.Fatalf("name from the file: %v %+v", err, p)
	}
	if err := os.WriteFile(odd, []byte("bulk_threshold: 4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err = LoadFile(odd); err != nil || p.Name != "custom" {
		t.Fatalf("unusable file name: %v %+v", err, p)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestDefaultPolicyValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
	// Every entity has a decision in the default policy.
	for _, e := range scan.Entities {
		if Default().decisionFor(e) == Allow {
			t.Errorf("%s is allowed by the default policy", e)
		}
	}
}
