package checksum

import "testing"

func TestPublishedVectors(t *testing.T) {
	if !Luhn("79927398713") || Luhn("79927398710") || !Luhn([]byte("4111111111111111")) {
		t.Error("Luhn vectors")
	}
	if LuhnCheckDigit("7992739871") != '3' || LuhnCheckDigit("411111111111111") != '1' {
		t.Error("Luhn check digits")
	}
	if !Verhoeff("2363") || Verhoeff("2364") || VerhoeffCheckDigit("236") != '3' {
		t.Error("Verhoeff vectors")
	}
	// GB82 WEST 1234 5698 7654 32, rearranged: BBAN then country and check digits.
	if Mod97("WEST12345698765432GB82") != 1 || Mod97("WEST12345698765432GB83") == 1 {
		t.Error("MOD 97-10 vector")
	}
}

// TestCheckDigitsRoundTrip: a payload plus its check digit always passes,
// and changing any single digit of it fails.
func TestCheckDigitsRoundTrip(t *testing.T) {
	for _, p := range []string{"0", "4", "12345", "453201511283036", "23456789012", "999999999999999999"} {
		for name, alg := range map[string]struct {
			digit func(string) byte
			valid func(string) bool
		}{"luhn": {LuhnCheckDigit[string], Luhn[string]}, "verhoeff": {VerhoeffCheckDigit[string], Verhoeff[string]}} {
			s := p + string(alg.digit(p))
			if !alg.valid(s) {
				t.Errorf("%s: %s with its check digit fails", name, s)
			}
			for i := range s {
				b := []byte(s)
				b[i] = '0' + (b[i]-'0'+1)%10
				if alg.valid(string(b)) {
					t.Errorf("%s: %s with digit %d changed passes", name, b, i)
				}
			}
		}
	}
}

func FuzzChecksums(f *testing.F) {
	for _, s := range []string{"", "0", "79927398713", "2363", "WEST12345698765432GB82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		digits := make([]byte, 0, len(s))
		for i := 0; i < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' {
				digits = append(digits, s[i])
			}
		}
		if !Luhn(string(digits)+string(LuhnCheckDigit(digits))) || !Verhoeff(string(digits)+string(VerhoeffCheckDigit(digits))) {
			t.Fatalf("check digit of %q does not validate", digits)
		}
		if r := Mod97(digits); r < 0 || r > 96 {
			t.Fatalf("Mod97 %d out of range", r)
		}
	})
}
