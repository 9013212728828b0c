package evalgen

import "fmt"

// decoyKind names a class of near misses: strings shaped like personal
// data that are not, written unlabelled so that every finding on them is a
// false positive. Each class tests one thing a precise detector must do.
type decoyKind string

// The near-miss classes.
const (
	// decoyBadLuhn: 16-digit numbers, grouped like cards and opening with
	// a card IIN, whose Luhn check fails. Transaction references and
	// tracking numbers look like this; a number failing Luhn is not a
	// payment card number, so it cannot identify a cardholder.
	decoyBadLuhn decoyKind = "luhn-invalid-16-digit"

	// decoyBadIBAN: IBAN-shaped strings (real country, length and bank
	// code) with one BBAN digit changed, so mod-97 fails. Banks reject
	// them; they name no account and so no account holder.
	decoyBadIBAN decoyKind = "iban-bad-checksum"

	// decoyBadAadhaar: 12-digit numbers starting 2-9, spaced in fours like
	// Aadhaar numbers (waybills, policy numbers), whose Verhoeff check
	// fails. UIDAI issues only Verhoeff-valid numbers.
	decoyBadAadhaar decoyKind = "verhoeff-invalid-12-digit"

	// decoyOrderNumber: 12-digit order and invoice numbers built as
	// YYYYMMDD plus a four-digit sequence ("202401150001"). They identify a
	// transaction, not a person: "202" is no CCCD province code (001-096),
	// and they are made Verhoeff-invalid so only context, not luck, could
	// make them look like an Aadhaar number.
	decoyOrderNumber decoyKind = "order-number"

	// decoyBusinessDate: recent dates next to "Ngày giao hàng", "invoice
	// date", "due date" or in a message timestamp. They date a
	// transaction, not a person's birth.
	decoyBusinessDate decoyKind = "business-date"

	// decoyProductCode: phone-like product codes: GS1 Vietnam EAN-13
	// barcodes (893...) and 14-digit internal codes opening with 09 like
	// a Vietnamese mobile ("Mã SP: 09123456789012"). They identify goods
	// and are too long for the Vietnamese numbering plan (ten digits with
	// the trunk 0) and for the fixed-length plans of IN, US, GB, FR and
	// SG. (Germany's variable-length plan accepts many 13-14 digit
	// strings, so a detector that tries every region will trip here.)
	decoyProductCode decoyKind = "product-code"

	// decoyVersion: four-part version numbers ("v1.2.3.4", "phiên bản
	// 2.4.10.1") whose parts are all at most 255, so they parse as IPv4.
	// Only the context ("v", "version", "phiên bản") tells them apart;
	// they name software releases, not hosts.
	decoyVersion decoyKind = "version-number"

	// decoyBuild: dotted build numbers ("10.0.19045.3930") with a part
	// above 255: not an IPv4 address by syntax.
	decoyBuild decoyKind = "build-number"

	// decoyFakeEmail: e-mail-like strings without a routable domain:
	// "admin@localhost", "root@db-01" (no dot), retina image names
	// "icon@2x.png" (png is no top-level domain). No mailbox, no person.
	decoyFakeEmail decoyKind = "email-without-domain"
)

// newBadCard draws a 16-digit number with a real card IIN that fails the
// Luhn check, formatted as cards are.
func newBadCard(g *gen) string {
	d := newCardDigits(g)
	for len(d) != 16 {
		d = newCardDigits(g)
	}
	last := (int(d[15]-'0') + g.between(1, 9)) % 10 // any other digit breaks Luhn
	d = d[:15] + string(byte('0'+last))
	return formatCard(g, d)
}

// newBadIBAN draws a valid IBAN and changes one digit of its BBAN; mod-97
// detects every single-digit substitution.
func newBadIBAN(g *gen) string {
	iban := []byte(newIBANCompact(g))
	var digits []int
	for i := 4; i < len(iban); i++ {
		if iban[i] >= '0' && iban[i] <= '9' {
			digits = append(digits, i)
		}
	}
	i := pick(g, digits)
	iban[i] = byte('0' + (int(iban[i]-'0')+g.between(1, 9))%10)
	return formatIBAN(g, string(iban))
}

// breakVerhoeff changes the last digit of s when s happens to pass the
// Verhoeff check; Verhoeff detects every single-digit substitution.
func breakVerhoeff(g *gen, s string) string {
	if !verhoeffValid(s) {
		return s
	}
	last := (int(s[len(s)-1]-'0') + g.between(1, 9)) % 10
	return s[:len(s)-1] + string(byte('0'+last))
}

// newBadAadhaar draws a Verhoeff-invalid 12-digit number starting 2-9,
// spaced like an Aadhaar number or not.
func newBadAadhaar(g *gen) string {
	return formatAadhaar(g, breakVerhoeff(g, string(g.digit(2, 9))+g.digits(11)))
}

// newOrderNumber draws a 12-digit order number: a recent date as YYYYMMDD
// and a sequence number.
func newOrderNumber(g *gen) string {
	t := newBusinessDate(g)
	return breakVerhoeff(g, fmt.Sprintf("%d%02d%02d%04d", t.y, t.m, t.d, g.between(1, 2500)))
}

// newBusinessDateText draws a recent date written as the region writes
// dates.
func newBusinessDateText(g *gen, r region) string {
	return formatDate(g, r, newBusinessDate(g))
}

// newProductCode draws a GS1 Vietnam EAN-13 barcode or a 14-digit
// internal code opening with 09.
func newProductCode(g *gen) string {
	if g.chance(0.5) {
		p := "893" + g.digits(9)
		return p + string(ean13CheckDigit(p))
	}
	return "09" + g.digits(12)
}

// newVersion draws a four-part version number with parts at most 255,
// with a "v" prefix half the time.
func newVersion(g *gen) string {
	v := fmt.Sprintf("%d.%d.%d.%d", g.between(1, 20), g.between(0, 30), g.between(0, 60), g.between(0, 255))
	if g.chance(0.5) {
		return "v" + v
	}
	return v
}

// newBuild draws a dotted build number with a part above 255.
func newBuild(g *gen) string {
	if g.chance(0.5) {
		return fmt.Sprintf("10.0.%d.%d", g.between(17763, 26100), g.between(256, 5000))
	}
	return fmt.Sprintf("%d.%d.%d.%d", g.between(1, 9), g.between(0, 9), g.between(1000, 9999), g.between(0, 99))
}

// newFakeEmail draws an e-mail-like string without a routable domain.
func newFakeEmail(g *gen) string {
	switch g.intn(3) {
	case 0:
		return pick(g, []string{"admin", "root", "postgres", "deploy", "jenkins"}) + "@localhost"
	case 1:
		return pick(g, []string{"root", "deploy", "backup", "ubuntu"}) + "@" + pick(g, []string{"db-01", "web01", "build-agent-07", "nas", "router"})
	default:
		return pick(g, []string{"icon", "logo", "avatar", "banner", "btn-close"}) + "@" + pick(g, []string{"2x", "3x"}) + "." + pick(g, []string{"png", "jpg", "webp"})
	}
}
