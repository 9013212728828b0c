package evalgen

import (
	"fmt"
	"strings"
)

// cardBrand is an issuer identification range and the length of its
// card numbers.
type cardBrand struct {
	prefixes []string
	length   int
}

// cardBrands are real IIN ranges: Visa, Mastercard (51-55 and 2221-2720),
// American Express, Discover, JCB and UnionPay.
var cardBrands = []weighted[cardBrand]{
	{40, cardBrand{[]string{"4"}, 16}},
	{30, cardBrand{[]string{"51", "52", "53", "54", "55", "2221", "2300", "2500", "2720"}, 16}},
	{10, cardBrand{[]string{"34", "37"}, 15}},
	{5, cardBrand{[]string{"6011", "65"}, 16}},
	{10, cardBrand{[]string{"3528", "3530", "3566", "3589"}, 16}},
	{5, cardBrand{[]string{"62"}, 16}},
}

// newCardDigits draws a Luhn-valid card number, digits only.
func newCardDigits(g *gen) string {
	b := pickWeighted(g, cardBrands)
	p := pick(g, b.prefixes)
	p += g.digits(b.length - 1 - len(p))
	return p + string(luhnCheckDigit(p))
}

// formatCard writes card digits in one of the usual forms: grouped in
// fours by spaces or dashes (4-6-5 for 15-digit Amex), or run together.
func formatCard(g *gen, d string) string {
	sep := pickWeighted(g, []weighted[string]{{5, " "}, {2, "-"}, {3, ""}})
	if sep == "" {
		return d
	}
	if len(d) == 15 {
		return d[:4] + sep + d[4:10] + sep + d[10:]
	}
	return groupBy(d, 4, sep)
}

// groupBy splits s into groups of n joined by sep.
func groupBy(s string, n int, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

// newBBAN draws the national part of an IBAN and its country.
func newBBAN(g *gen) (country, bban string) {
	switch g.intn(7) {
	case 0:
		return "DE", pick(g, []string{"37040044", "10070000", "50010517", "20041133", "70020270", "12030000"}) + g.digits(10)
	case 1:
		bank := pickWeighted(g, []weighted[string]{{3, "NWBK60"}, {3, "BARC20"}, {2, "LOYD30"}, {2, "HBUK40"}, {1, "MIDL40"}})
		return "GB", bank + g.digits(4) + g.digits(8)
	case 2:
		bank, branch, acct := pick(g, []string{"30004", "30003", "30002", "20041", "10278"}), g.digits(5), g.digits(11)
		return "FR", bank + branch + acct + ribKey(bank, branch, acct)
	case 3:
		return "NL", pick(g, []string{"ABNA", "INGB", "RABO", "TRIO", "SNSB"}) + g.digits(10)
	case 4:
		p := pick(g, []string{"001", "068", "096", "363", "539"}) + g.digits(7)
		var n int
		fmt.Sscan(p, &n)
		c := n % 97
		if c == 0 {
			c = 97
		}
		return "BE", fmt.Sprintf("%s%02d", p, c)
	case 5:
		return "AT", pick(g, []string{"12000", "20111", "32000", "14000"}) + g.digits(11)
	default:
		return "CH", pick(g, []string{"00762", "00230", "00700", "08390"}) + g.digits(12)
	}
}

// ribKey computes the two-digit French RIB key over numeric bank, branch
// and account codes.
func ribKey(bank, branch, acct string) string {
	var b, br, a int64
	fmt.Sscan(bank, &b)
	fmt.Sscan(branch, &br)
	fmt.Sscan(acct, &a)
	return fmt.Sprintf("%02d", 97-(89*b+15*br+3*a)%97)
}

// ibanFromBBAN adds the country and the mod-97 check digits.
func ibanFromBBAN(country, bban string) string {
	check := 98 - mod97(bban+country+"00")
	return fmt.Sprintf("%s%02d%s", country, check, bban)
}

// newIBANCompact draws a valid IBAN without spaces.
func newIBANCompact(g *gen) string {
	return ibanFromBBAN(newBBAN(g))
}

// formatIBAN writes an IBAN in its electronic (compact) or print form.
func formatIBAN(g *gen, iban string) string {
	if g.chance(0.6) {
		return groupBy(iban, 4, " ")
	}
	return iban
}
