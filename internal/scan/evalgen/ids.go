package evalgen

import (
	"fmt"
	"strings"
)

// newSSN draws a US Social Security number that obeys the SSA rules: area
// 001-899 but not 666, group 01-99, serial 0001-9999. Digits only.
func newSSN(g *gen) string {
	area := g.between(1, 898)
	if area >= 666 {
		area++ // skip 666
	}
	return fmt.Sprintf("%03d%02d%04d", area, g.between(1, 99), g.between(1, 9999))
}

// formatSSN writes an SSN dashed, or bare when bare is set.
func formatSSN(d string, bare bool) string {
	if bare {
		return d
	}
	return d[:3] + "-" + d[3:5] + "-" + d[5:]
}

// vnProvinceCodes are the 63 province codes that open a Vietnamese
// citizen identity (CCCD) number, per Circular 07/2016/TT-BCA.
var vnProvinceCodes = []string{
	"001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
	"026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
	"049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
	"077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
}

// newCCCD draws a 12-digit CCCD: a province code, the century and sex
// digit (0/1 for men/women born in the 1900s, 2/3 in the 2000s), the last
// two digits of the birth year, then six digits.
func newCCCD(g *gen, birthYear int, female bool) string {
	c := (birthYear/100 - 19) * 2
	if female {
		c++
	}
	return fmt.Sprintf("%s%d%02d%s", pick(g, vnProvinceCodes), c, birthYear%100, g.digits(6))
}

// newCMND draws a nine-digit old identity card (CMND) number; its first
// two digits name the issuing province.
func newCMND(g *gen) string {
	return fmt.Sprintf("%02d%s", g.between(1, 38), g.digits(7))
}

// newAadhaar draws a 12-digit Aadhaar number: first digit 2-9, Verhoeff
// check digit last. Digits only.
func newAadhaar(g *gen) string {
	p := string(g.digit(2, 9)) + g.digits(10)
	return p + string(verhoeffCheckDigit(p))
}

// formatAadhaar writes an Aadhaar number in fours or run together.
func formatAadhaar(g *gen, d string) string {
	if g.chance(0.6) {
		return groupBy(d, 4, " ")
	}
	return d
}

// panHolderTypes are the valid fourth letters of an Indian PAN (P for a
// person, C company, H HUF, F firm, A AOP, T trust, B BOI, L local
// authority, J artificial juridical person, G government).
const panHolderTypes = "PCHFATBLJG"

// newPAN draws a PAN: three letters, the holder type, the first letter
// of the surname (of the name, for non-persons), four digits and a
// letter. Most PANs in personal records belong to persons (P).
func newPAN(g *gen, family string) string {
	const az = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	holder := byte('P')
	if g.chance(0.1) {
		holder = panHolderTypes[g.intn(len(panHolderTypes))]
	}
	fifth := g.letters(1, az)[0]
	if initial := asciiFold(family); holder == 'P' && initial != "" {
		fifth = initial[0] - 'a' + 'A'
	}
	return fmt.Sprintf("%s%c%c%04d%s", g.letters(3, az), holder, fifth, g.between(1, 9999), g.letters(1, az))
}

// newPassport draws a passport number in the format of the issuing
// region.
func newPassport(g *gen, r region) string {
	switch r {
	case regionVN:
		return g.letters(1, "CNP") + g.digits(7)
	case regionIN:
		return g.letters(1, "ABCDEFGHJKLMNPRSTUVWY") + string(g.digit(1, 9)) + g.digits(6)
	case regionUS, regionGB:
		return string(g.digit(1, 9)) + g.digits(8)
	case regionDE:
		for {
			s := g.letters(1, "CFGHJK") + g.letters(8, "CFGHJKLMNPRTVWXYZ0123456789")
			if strings.ContainsAny(s, "0123456789") { // all-letter numbers exist but are rare
				return s
			}
		}
	case regionFR:
		return g.digits(2) + g.letters(2, "ABCDEFGHJKLMNPRSTUVWXYZ") + g.digits(5)
	case regionBR:
		return g.letters(2, "ABCDEFGHJKLMNPRSTUVWXYZ") + g.digits(6)
	default:
		return "E" + g.digits(7) + g.letters(1, "ABCDEFGHJKLMNPRSTUVWXYZ")
	}
}
