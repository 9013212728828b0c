package loadtest

import (
	"regexp"
	"strings"
	"testing"
)

func TestCustomers(t *testing.T) {
	id := newRunID()
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(id) || id == newRunID() {
		t.Fatalf("run id %q not random hex", id)
	}
	phones := map[string]bool{}
	emails := map[string]bool{}
	const n = 200_000
	for i := range n {
		c := newCustomer(id, i)
		if !phoneRE.MatchString(c.Phone) || strings.HasPrefix(c.Phone, "+1415555") {
			t.Fatalf("customer %d: bad phone %q", i, c.Phone)
		}
		if !emailRE.MatchString(c.Email) {
			t.Fatalf("customer %d: bad email %q", i, c.Email)
		}
		if !isPlainASCII(c.Name) || !isPlainASCII(c.Address) {
			t.Fatalf("customer %d: non-ASCII name/address %q %q", i, c.Name, c.Address)
		}
		phones[c.Phone] = true
		emails[c.Email] = true
	}
	if len(phones) != n || len(emails) != n {
		t.Errorf("%d distinct phones, %d distinct emails, want %d", len(phones), len(emails), n)
	}
	// US exchanges wrap around 200..999 skipping 555.
	for _, k := range []int{0, 354, 355, 798} {
		p := customerPhone(2*k*10_000 + 1)
		if !phoneRE.MatchString(p) || strings.HasPrefix(p, "+1415555") {
			t.Errorf("k=%d: bad US phone %q", k, p)
		}
	}
	if got := customerPhone(2*355*10_000 + 1); got != "+14155560000" {
		t.Errorf("exchange after 554 = %q, want +14155560000", got)
	}
	if got := customerPhone(2*799*10_000 + 1); got != "+14152000000" {
		t.Errorf("exchange wrap = %q, want +14152000000", got)
	}
}
