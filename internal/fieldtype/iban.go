package fieldtype

import "unicode"

// IBAN limits (ISO 13616).
const (
	minIBANLen   = 15
	maxIBANLen   = 34
	maxIBANInput = 128
)

// normalizeIBAN removes spaces, upper-cases, and checks the structure
// (country code, check digits, BBAN), the length and the mod-97 checksum.
func normalizeIBAN(s string) (string, *Error) {
	if len(s) > maxIBANInput {
		return "", fail(errIBANLong)
	}
	b := make([]byte, 0, maxIBANLen)
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		default:
			return "", fail(errIBAN)
		}
		if len(b) == maxIBANLen {
			return "", fail(errIBAN)
		}
		b = append(b, byte(r))
	}
	if len(b) == 0 {
		return "", fail(errEmpty)
	}
	iban := string(b)
	if len(iban) < minIBANLen || !isUpper(iban[0]) || !isUpper(iban[1]) || !isDigit(iban[2]) || !isDigit(iban[3]) {
		return "", fail(errIBAN)
	}
	// Check digits are always 02..98; 00, 01 and 99 are congruent to a
	// valid pair and would otherwise pass the mod-97 test.
	if cd := iban[2:4]; cd == "00" || cd == "01" || cd == "99" {
		return "", fail(errIBANCheck)
	}
	if mod97(iban[4:]+iban[:4]) != 1 {
		return "", fail(errIBANCheck)
	}
	return iban, nil
}
