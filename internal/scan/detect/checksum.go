package detect

import "custodia/internal/checksum"

// luhn reports whether the digits (ASCII) end in a valid Luhn check digit.
func luhn(d []byte) bool { return checksum.Luhn(d) }

// verhoeff reports whether the digits (ASCII) pass the Verhoeff check.
func verhoeff(d []byte) bool { return checksum.Verhoeff(d) }

// mod97Step feeds one IBAN character into an ISO 7064 MOD 97-10 remainder.
func mod97Step(r int, c byte) int { return checksum.Mod97Step(r, c) }

// ibanValid reports whether an IBAN (upper-case letters and digits, no
// spaces) has valid check digits.
func ibanValid(s []byte) bool {
	if len(s) < 5 {
		return false
	}
	if cd := string(s[2:4]); cd == "00" || cd == "01" || cd == "99" {
		return false
	}
	r := 0
	for _, c := range s[4:] {
		r = mod97Step(r, c)
	}
	for _, c := range s[:4] {
		r = mod97Step(r, c)
	}
	return r == 1
}
