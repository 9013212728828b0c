package detect

// luhn reports whether the digits (ASCII) end in a valid Luhn check digit.
func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// Verhoeff tables: multiplication in the dihedral group D5 and the
// position-dependent permutation.
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
)

// verhoeff reports whether the digits (ASCII, check digit last) have a
// valid Verhoeff check digit.
func verhoeff(d []byte) bool {
	c := uint8(0)
	for i := 0; i < len(d); i++ {
		c = verhoeffD[c][verhoeffP[i%8][d[len(d)-1-i]-'0']]
	}
	return c == 0
}

// mod97Step feeds one IBAN character (a digit or an upper-case letter,
// which counts as 10 to 35) into an ISO 7064 MOD 97-10 remainder.
func mod97Step(r int, c byte) int {
	if isDigit(c) {
		return (r*10 + int(c-'0')) % 97
	}
	return (r*100 + int(c-'A'+10)) % 97
}

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
