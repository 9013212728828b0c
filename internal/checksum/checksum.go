// Package checksum holds the check-digit algorithms that validate personal
// identifiers: Luhn (payment cards), Verhoeff (Aadhaar) and ISO 7064
// MOD 97-10 (IBAN). The field validators, the scanner's detectors and the
// evaluation-data generator share them.
package checksum

// Digits is a string of ASCII digits (or, for Mod97, upper-case letters and
// digits), as a string or as bytes.
type Digits interface{ ~string | ~[]byte }

// Luhn reports whether s (ASCII digits, check digit last) passes the Luhn
// check.
func Luhn[T Digits](s T) bool {
	return luhnSum(s, false) == 0
}

// LuhnCheckDigit returns the digit that makes payload followed by it pass
// the Luhn check.
func LuhnCheckDigit[T Digits](payload T) byte {
	return byte('0' + (10-luhnSum(payload, true))%10)
}

// luhnSum is the Luhn sum of s modulo 10; with shifted the digits are
// weighted as if a check digit followed.
func luhnSum[T Digits](s T, shifted bool) int {
	sum := 0
	double := shifted
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum % 10
}

// Verhoeff tables: multiplication in the dihedral group D5, the
// position-dependent permutation, and the inverses.
var (
	verhoeffD = [10][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	verhoeffInv = [10]uint8{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// Verhoeff reports whether s (ASCII digits, check digit last) passes the
// Verhoeff check.
func Verhoeff[T Digits](s T) bool {
	c := uint8(0)
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[i%8][s[len(s)-1-i]-'0']]
	}
	return c == 0
}

// VerhoeffCheckDigit returns the digit that makes payload followed by it
// pass the Verhoeff check.
func VerhoeffCheckDigit[T Digits](payload T) byte {
	c := uint8(0)
	for i := 0; i < len(payload); i++ {
		c = verhoeffD[c][verhoeffP[(i+1)%8][payload[len(payload)-1-i]-'0']]
	}
	return '0' + verhoeffInv[c]
}

// Mod97Step feeds one character (a digit, or an upper-case letter counting
// as 10 to 35) into an ISO 7064 MOD 97-10 remainder r.
func Mod97Step(r int, c byte) int {
	if c >= '0' && c <= '9' {
		return (r*10 + int(c-'0')) % 97
	}
	return (r*100 + int(c-'A'+10)) % 97
}

// Mod97 returns the ISO 7064 MOD 97-10 remainder of s (digits and
// upper-case letters).
func Mod97[T Digits](s T) int {
	r := 0
	for i := 0; i < len(s); i++ {
		r = Mod97Step(r, s[i])
	}
	return r
}
