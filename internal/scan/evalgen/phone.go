package evalgen

import (
	"strconv"

	"github.com/nyaruka/phonenumbers"
)

// vnMobilePrefixes are the two digits after the trunk 0 of Vietnamese
// mobile numbers (Viettel, Vinaphone, MobiFone, Vietnamobile, Gmobile).
var vnMobilePrefixes = []string{"32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "59", "70", "76", "77", "78", "79",
	"81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "92", "93", "94", "96", "97", "98", "99"}

// usAreaCodes are assigned North American area codes.
var usAreaCodes = []string{"212", "213", "312", "415", "503", "512", "617", "646", "702", "713", "718", "206", "303", "404", "305"}

// regionCode is the ISO 3166 code phonenumbers uses for a region.
var regionCode = map[region]string{
	regionVN: "VN", regionIN: "IN", regionUS: "US", regionGB: "GB",
	regionDE: "DE", regionFR: "FR", regionBR: "BR", regionSG: "SG",
}

// newPhone draws a phone number valid for a region (checked with
// phonenumbers; +44 numbers of Jersey, Guernsey and Man do not count) in
// one of the region's common written forms.
func newPhone(g *gen, r region) string {
	code := regionCode[r]
	cc := int32(phonenumbers.GetCountryCodeForRegion(code))
	for {
		nsn := phoneNSN(g, r)
		v, _ := strconv.ParseUint(nsn, 10, 64)
		if phonenumbers.IsValidNumberForRegion(&phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &v}, code) {
			return formatPhone(g, r, nsn)
		}
	}
}

// phoneNSN draws a national significant number (no trunk 0) that is
// usually valid for the region: mobiles, and landlines of the capital.
func phoneNSN(g *gen, r region) string {
	switch r {
	case regionVN:
		return pick(g, vnMobilePrefixes) + g.digits(7)
	case regionIN:
		return string(g.digit(6, 9)) + g.digits(9)
	case regionUS:
		x := string(g.digit(2, 9)) + g.digits(2)
		if x == "555" || x[1:] == "11" { // fictional 555 lines and N11 service codes
			x = "7" + x[1:2] + "4"
		}
		return pick(g, usAreaCodes) + x + g.digits(4)
	case regionGB:
		if g.chance(0.6) {
			return "7" + string(g.digit(4, 9)) + g.digits(8)
		}
		return "20" + string(g.digit(7, 8)) + g.digits(7)
	case regionDE:
		if g.chance(0.4) {
			return "30" + string(g.digit(2, 9)) + g.digits(7)
		}
		p := pick(g, []string{"151", "152", "157", "160", "162", "170", "171", "172", "173", "175", "176", "177", "178", "179"})
		d := g.digits(7) // 0160 and 0170-0175 have seven-digit lines
		if p[1] == '5' || p == "162" || p == "176" || p == "177" || p == "178" || p == "179" {
			d += string(g.digit(0, 9))
		}
		return p + d
	case regionFR:
		if g.chance(0.3) {
			return "1" + string(g.digit(4, 5)) + g.digits(7)
		}
		return string(g.digit(6, 7)) + g.digits(8)
	case regionBR:
		return pick(g, []string{"11", "21", "31", "41", "51", "61", "71", "81", "85"}) + "9" + string(g.digit(6, 9)) + g.digits(7)
	default: // regionSG
		return string(g.digit(8, 9)) + g.digits(7)
	}
}

// formatPhone writes a national significant number in one of the
// region's common forms, national or international.
func formatPhone(g *gen, r region, n string) string {
	switch r {
	case regionVN: // 912345678
		switch pickWeighted(g, []weighted[int]{{3, 0}, {3, 1}, {2, 2}, {1, 3}, {2, 4}, {1, 5}}) {
		case 0:
			return "0" + n
		case 1:
			return "0" + n[:3] + " " + n[3:6] + " " + n[6:]
		case 2:
			return "0" + n[:3] + "." + n[3:6] + "." + n[6:]
		case 3:
			return "0" + n[:2] + " " + n[2:5] + " " + n[5:]
		case 4:
			return "+84 " + n[:3] + " " + n[3:6] + " " + n[6:]
		default:
			return "+84" + n
		}
	case regionIN: // 9876543210
		return pickWeighted(g, []weighted[string]{{3, "+91 " + n[:5] + " " + n[5:]}, {2, "+91-" + n}, {1, "0" + n[:5] + " " + n[5:]}, {1, n}})
	case regionUS: // 4158721934
		a, x, l := n[:3], n[3:6], n[6:]
		return pickWeighted(g, []weighted[string]{{3, "(" + a + ") " + x + "-" + l}, {2, a + "-" + x + "-" + l}, {2, "+1 " + a + "-" + x + "-" + l}, {1, a + "." + x + "." + l}})
	case regionGB: // 7911123456, 2071234567
		if n[0] == '7' {
			return pick(g, []string{"0" + n[:4] + " " + n[4:], "+44 " + n[:4] + " " + n[4:]})
		}
		return pick(g, []string{"0" + n[:2] + " " + n[2:6] + " " + n[6:], "+44 " + n[:2] + " " + n[2:6] + " " + n[6:]})
	case regionDE: // 15123456789, 3012345678
		k := 3
		if n[0] == '3' {
			k = 2
		}
		return pick(g, []string{"0" + n[:k] + " " + n[k:], "+49 " + n[:k] + " " + n[k:], "+49 (0)" + n[:k] + " " + n[k:]})
	case regionFR: // 612345678
		grouped := n[:1] + " " + n[1:3] + " " + n[3:5] + " " + n[5:7] + " " + n[7:]
		return pick(g, []string{"0" + grouped, "+33 " + grouped, "0" + n})
	case regionBR: // 11912345678
		a, d := n[:2], n[2:]
		return pick(g, []string{"(" + a + ") " + d[:5] + "-" + d[5:], "+55 " + a + " " + d[:5] + "-" + d[5:]})
	default: // regionSG: 91234567
		return pick(g, []string{n[:4] + " " + n[4:], "+65 " + n[:4] + " " + n[4:], "+65 " + n})
	}
}
