package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// All phone numbers are returned in E.164 form ("+" country code, national
// significant number, no spaces). Prefixes are restricted to ranges that
// libphonenumber classifies as valid, so strict validators accept them.

// digits appends n random decimal digits to b.
func digits(r *rand.Rand, b *strings.Builder, n int) {
	for range n {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
}

// numberWith returns prefix followed by n random digits.
func numberWith(r *rand.Rand, prefix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	digits(r, &b, n)
	return b.String()
}

// viMobilePrefixes are Vietnamese mobile network codes (Viettel, VinaPhone,
// MobiFone, ...). 89 is handled separately: only 896–899 are assigned.
var viMobilePrefixes = []string{
	"90", "91", "93", "94", "96", "97", "98",
	"32", "33", "34", "35", "36", "37", "38", "39",
	"70", "76", "77", "78", "79",
	"81", "82", "83", "84", "85", "86", "88", "89",
}

// vietnamPhone returns a Vietnamese mobile number: +84 and 9 digits.
func vietnamPhone(r *rand.Rand) string {
	p := pick(r, viMobilePrefixes)
	if p == "89" {
		return numberWith(r, "+8489"+strconv.Itoa(6+r.IntN(4)), 6)
	}
	return numberWith(r, "+84"+p, 7)
}

// inMobileSeries are four-digit Indian mobile series (10-digit numbers
// starting 6–9) that libphonenumber accepts for every subscriber number.
var inMobileSeries = []string{
	"9810", "9811", "9818", "9820", "9821", "9845", "9849", "9876", "9884",
	"9900", "9930", "9958", "9980", "8800", "8826", "8939", "8971", "7021",
	"7042", "7338", "7397", "7738", "7829", "6300", "6361",
}

// indiaPhone returns an Indian mobile number: +91 and 10 digits.
func indiaPhone(r *rand.Rand) string {
	return numberWith(r, "+91"+pick(r, inMobileSeries), 6)
}

// usPhone returns a North American number in the given area code. The
// exchange code avoids N11 service codes and the fictional 555.
func usPhone(r *rand.Rand, areaCode string) string {
	var exchange int
	for {
		exchange = 200 + r.IntN(800)
		if exchange%100 != 11 && exchange != 555 {
			break
		}
	}
	return numberWith(r, "+1"+areaCode+strconv.Itoa(exchange), 4)
}

// germanyPhone returns a German mobile number: +49, a 15x/16x/17x network
// code and 8 digits (11-digit national number).
func germanyPhone(r *rand.Rand) string {
	return numberWith(r, "+49"+pick(r, []string{"151", "152", "157", "160", "170", "176", "179"}), 8)
}

// francePhone returns a French mobile number: +33 6 and 8 digits. The
// 063x and 069x blocks are only partly assigned, so they are avoided.
func francePhone(r *rand.Rand) string {
	return numberWith(r, "+336"+pick(r, []string{"0", "1", "2", "4", "5", "6", "7", "8"}), 7)
}

// spainPhone returns a Spanish mobile number: +34 6 and 8 digits.
func spainPhone(r *rand.Rand) string { return numberWith(r, "+346", 8) }

// italyPhone returns an Italian mobile number: +39 3xx and 7 digits.
func italyPhone(r *rand.Rand) string {
	return numberWith(r, "+39"+pick(r, []string{
		"320", "324", "327", "328", "329", "330", "333", "334", "335", "338",
		"339", "340", "342", "345", "346", "347", "348", "349", "366", "380",
		"388", "389", "391", "392", "393",
	}), 7)
}

// polandPhone returns a Polish mobile number: +48 and 9 digits.
func polandPhone(r *rand.Rand) string {
	return numberWith(r, "+48"+pick(r, []string{
		"50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88",
	}), 7)
}
