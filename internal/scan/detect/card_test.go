package detect

import (
	"testing"

	"custodia/internal/fieldtype"
	"custodia/internal/scan"
)

func TestCreditCard(t *testing.T) {
	runCases(t, []entityCase{
		{name: "visa grouped", text: "card 4111 1111 1111 1111.", want: []string{"CREDIT_CARD=4111 1111 1111 1111"}},
		{name: "visa bare", text: "paid 4111111111111111 today", want: []string{"CREDIT_CARD=4111111111111111"}},
		{name: "visa dashed", text: "4111-1111-1111-1111", want: []string{"CREDIT_CARD=4111-1111-1111-1111"}},
		{name: "mastercard", text: "MC 5555 5555 5555 4444", want: []string{"CREDIT_CARD=5555 5555 5555 4444"}},
		{name: "mastercard 2-series", text: "2223000048400011", want: []string{"CREDIT_CARD=2223000048400011"}},
		{name: "napas domestic", text: "Số thẻ ATM: 9704361234567895", want: []string{"CREDIT_CARD=9704361234567895"}},
		{name: "napas grouped", text: "thẻ nội địa 9704 1598 7654 3210", want: []string{"CREDIT_CARD=9704 1598 7654 3210"}},
		{name: "napas luhn-invalid", text: "Số thẻ 9704361234567896", not: []scan.Entity{scan.CreditCard}},
		{name: "mir", text: "card 2200 1111 1111 1117", want: []string{"CREDIT_CARD=2200 1111 1111 1117"}},
		{name: "maestro", text: "Maestro 6759 6498 2643 8453", want: []string{"CREDIT_CARD=6759 6498 2643 8453"}},
		// Maestro beyond the listed ranges, under a card label only (QA).
		{name: "maestro wide", text: "Maestro 6390 0000 0000 0005", want: []string{"CREDIT_CARD=6390 0000 0000 0005"}},
		{name: "maestro wide unlabelled", text: "ref 6390 0000 0000 0005", want: nil},
		{name: "maestro luhn-invalid", text: "Maestro 6759 6498 2643 8454", not: []scan.Entity{scan.CreditCard}},
		{name: "amex 4-6-5", text: "amex 3782 822463 10005", want: []string{"CREDIT_CARD=3782 822463 10005"}},
		{name: "discover", text: "6011111111111117", want: []string{"CREDIT_CARD=6011111111111117"}},
		{name: "jcb", text: "3530111333300000", want: []string{"CREDIT_CARD=3530111333300000"}},
		{name: "diners 14", text: "30569309025904", want: []string{"CREDIT_CARD=30569309025904"}},
		{name: "unionpay", text: "6200000000000005", want: []string{"CREDIT_CARD=6200000000000005"}},
		{name: "vietnamese label", text: "Số thẻ: 4111111111111111", want: []string{"CREDIT_CARD=4111111111111111"}},
		{name: "luhn invalid", text: "4111 1111 1111 1112", not: []scan.Entity{scan.CreditCard, scan.PhoneNumber, scan.INAadhaar}},
		{name: "luhn invalid bare", text: "4111111111111112", not: []scan.Entity{scan.CreditCard, scan.PhoneNumber}},
		{name: "unknown issuer", text: "9999 9999 9999 9995", not: []scan.Entity{scan.CreditCard}},
		{name: "amex wrong length", text: "3782822463100052", not: []scan.Entity{scan.CreditCard}},
		{name: "inside a word", text: "ref4111111111111111x", not: []scan.Entity{scan.CreditCard}},
		{name: "mixed separators", text: "4111-1111 1111.1111", not: []scan.Entity{scan.CreditCard}},
		{name: "not also a phone", text: "0 4111111111111111", want: []string{"CREDIT_CARD=4111111111111111"}, not: []scan.Entity{scan.PhoneNumber}},
		// A product's barcode under its label is no card, even when it
		// passes Luhn in a card range (QA).
		{name: "EAN-13 under sku", text: "sku 4902430755432", not: []scan.Entity{scan.CreditCard}},
		{name: "GTIN-14 under barcode", text: "barcode 30569309025904", not: []scan.Entity{scan.CreditCard}},
		{name: "a card under order no", text: "order no 4111 1111 1111 1111", want: []string{"CREDIT_CARD=4111 1111 1111 1111"}},
	})
}

func TestCardConfidence(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct {
		text string
		want float64
	}{
		{"4111111111111111", 0.90},
		{"4111 1111 1111 1111", 0.95},
		{"credit card: 4111111111111111", 0.99},
		{"order no 4111111111111111", 0.60},
	} {
		got := scanAll(t, s, c.text, "")
		if len(got) != 1 || got[0].Confidence != c.want || got[0].Preview != "**** **** **** 1111" {
			t.Errorf("%q: got %v, want one card at %.2f", c.text, got, c.want)
		}
	}
}

// TestLuhnMatchesFieldtype checks the local Luhn against the vault's card
// validation, which shares the algorithm.
func TestLuhnMatchesFieldtype(t *testing.T) {
	g := newGen(7)
	for i := 0; i < 2000; i++ {
		d := g.digits(12 + g.r.IntN(8))
		_, err := fieldtype.Card.Normalize(d, fieldtype.Options{})
		if luhn([]byte(d)) != (err == nil) {
			t.Fatalf("%s: luhn %v, fieldtype error %v", d, luhn([]byte(d)), err)
		}
	}
}
