package evalgen

import "custodia/internal/checksum"

// luhnCheckDigit returns the digit that makes payload+digit pass the Luhn
// check used by payment card numbers.
func luhnCheckDigit(payload string) byte { return checksum.LuhnCheckDigit(payload) }

// mod97 returns the ISO 7064 MOD 97-10 remainder used by IBAN check digits.
func mod97(s string) int { return checksum.Mod97(s) }

// verhoeffCheckDigit returns the digit that makes payload+digit pass the
// Verhoeff check used by Aadhaar numbers.
func verhoeffCheckDigit(payload string) byte { return checksum.VerhoeffCheckDigit(payload) }

// verhoeffValid reports whether a digit string passes the Verhoeff check.
func verhoeffValid(s string) bool { return checksum.Verhoeff(s) }

// ean13CheckDigit returns the GS1 check digit for 12 payload digits.
func ean13CheckDigit(payload string) byte {
	sum := 0
	for i := 0; i < len(payload); i++ {
		d := int(payload[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}
