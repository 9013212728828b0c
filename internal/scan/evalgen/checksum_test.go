package evalgen

import "testing"

// TestChecksumVectors pins the generator's checksum code and the tests'
// independent checks to published examples, so they cannot agree on a
// shared mistake.
func TestChecksumVectors(t *testing.T) {
	tests := []struct {
		name  string
		value string
		check func(string) bool // the tests' independent check
		gen   func(string) bool // the generator's code
		valid bool
	}{
		{"Luhn textbook", "79927398713", checkLuhn, func(s string) bool { return luhnCheckDigit(s[:len(s)-1]) == s[len(s)-1] }, true},
		{"Luhn off by one", "79927398714", checkLuhn, func(s string) bool { return luhnCheckDigit(s[:len(s)-1]) == s[len(s)-1] }, false},
		{"Visa test card", "4111111111111111", checkLuhn, func(s string) bool { return luhnCheckDigit(s[:len(s)-1]) == s[len(s)-1] }, true},
		{"IBAN GB example", "GB82WEST12345698765432", checkMod97, func(s string) bool { return mod97(s[4:]+s[:4]) == 1 }, true},
		{"IBAN DE example", "DE89370400440532013000", checkMod97, func(s string) bool { return mod97(s[4:]+s[:4]) == 1 }, true},
		{"IBAN DE typo", "DE89370400440532013001", checkMod97, func(s string) bool { return mod97(s[4:]+s[:4]) == 1 }, false},
		{"Verhoeff 236 -> 3", "2363", checkVerhoeff, verhoeffValid, true},
		{"Verhoeff transposed", "2633", checkVerhoeff, verhoeffValid, false},
		{"Verhoeff 12345 -> 1", "123451", checkVerhoeff, func(s string) bool { return verhoeffCheckDigit(s[:len(s)-1]) == s[len(s)-1] }, true},
		{"EAN-13 example", "4006381333931", func(s string) bool { return ean13CheckDigit(s[:12]) == s[12] }, func(s string) bool { return ean13CheckDigit(s[:12]) == s[12] }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check(tt.value); got != tt.valid {
				t.Errorf("test check(%s) = %v, want %v", tt.value, got, tt.valid)
			}
			if got := tt.gen(tt.value); got != tt.valid {
				t.Errorf("generator check(%s) = %v, want %v", tt.value, got, tt.valid)
			}
		})
	}
}

func TestIBANFromBBAN(t *testing.T) {
	// The check digits of the published DE example.
	if got := ibanFromBBAN("DE", "370400440532013000"); got != "DE89370400440532013000" {
		t.Errorf("ibanFromBBAN = %s", got)
	}
}
