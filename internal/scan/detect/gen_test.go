package detect

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen makes valid and invalid personal values for tests and benchmarks,
// from a seeded source.
type gen struct{ r *rand.Rand }

// newGen returns a generator seeded with seed.
func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// digits returns n random digits.
func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// pick returns a random element.
func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// luhnComplete appends the Luhn check digit to body.
func luhnComplete(body string) string {
	for c := byte('0'); c <= '9'; c++ {
		if s := body + string(c); luhn([]byte(s)) {
			return s
		}
	}
	panic("unreachable")
}

// verhoeffComplete appends the Verhoeff check digit to body.
func verhoeffComplete(body string) string {
	for c := byte('0'); c <= '9'; c++ {
		if s := body + string(c); verhoeff([]byte(s)) {
			return s
		}
	}
	panic("unreachable")
}

// ibanComplete computes the check digits of an IBAN for country and bban.
func ibanComplete(country, bban string) string {
	for cd := 2; cd <= 98; cd++ {
		s := fmt.Sprintf("%s%02d%s", country, cd, bban)
		if ibanValid([]byte(s)) {
			return s
		}
	}
	panic("unreachable")
}

// card returns a valid card number, grouped in fours or bare.
func (g *gen) card() string {
	prefix := pick(g, []string{"4", "51", "55", "2221", "6011", "3530", "62"})
	n := luhnComplete(prefix + g.digits(15-len(prefix)))
	if g.r.IntN(2) == 0 {
		return n[:4] + " " + n[4:8] + " " + n[8:12] + " " + n[12:]
	}
	return n
}

// cccd returns a valid CCCD number.
func (g *gen) cccd() string {
	p := pick(g, vnProvinces)
	if g.r.IntN(3) == 0 {
		return fmt.Sprintf("%03d%d%02d%s", p, 2+g.r.IntN(2), g.r.IntN(8), g.digits(6))
	}
	return fmt.Sprintf("%03d%d%02d%s", p, g.r.IntN(2), 30+g.r.IntN(70), g.digits(6))
}

// aadhaar returns a valid Aadhaar number, grouped or bare.
func (g *gen) aadhaar() string {
	n := verhoeffComplete(fmt.Sprint(2+g.r.IntN(8)) + g.digits(10))
	if g.r.IntN(2) == 0 {
		return n[:4] + " " + n[4:8] + " " + n[8:]
	}
	return n
}

// iban returns a valid IBAN, grouped or bare.
func (g *gen) iban() string {
	var s string
	switch g.r.IntN(3) {
	case 0:
		s = ibanComplete("DE", g.digits(18))
	case 1:
		s = ibanComplete("GB", "WEST"+g.digits(14))
	default:
		s = ibanComplete("FR", g.digits(23))
	}
	if g.r.IntN(2) == 0 {
		var b strings.Builder
		for i := 0; i < len(s); i += 4 {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s[i:min(i+4, len(s))])
		}
		return b.String()
	}
	return s
}

// ssn returns a valid SSN, dashed.
func (g *gen) ssn() string {
	return fmt.Sprintf("%03d-%02d-%04d", 1+g.r.IntN(665), 1+g.r.IntN(99), 1+g.r.IntN(9999))
}

// pan returns a valid PAN.
func (g *gen) pan() string {
	l := func() byte { return byte('A' + g.r.IntN(26)) }
	return string([]byte{l(), l(), l(), panHolderTypes[g.r.IntN(len(panHolderTypes))], l()}) + g.digits(4) + string(l())
}

// phone returns a phone number in a common format.
func (g *gen) phone() string {
	vn := pick(g, []string{"90", "91", "93", "94", "96", "97", "98", "32", "33", "35", "70", "77", "81", "83", "86", "88", "56"})
	switch g.r.IntN(8) {
	case 0, 1, 2:
		return "0" + vn + g.digits(7)
	case 3:
		d := vn + g.digits(7)
		return "+84 " + d[:2] + " " + d[2:5] + " " + d[5:]
	case 4:
		d := "0" + vn + g.digits(7)
		return d[:4] + " " + d[4:7] + " " + d[7:]
	case 5:
		return fmt.Sprintf("+91 %d%s %s", 7+g.r.IntN(3), g.digits(4), g.digits(5))
	case 6:
		return fmt.Sprintf("+1 (%d%s) %d%s-%s", 2+g.r.IntN(7), pick(g, []string{"12", "13", "15", "17", "02", "06"}), 2+g.r.IntN(7), g.digits(2), g.digits(4))
	default:
		return "+44 20 7" + g.digits(3) + " " + g.digits(4)
	}
}

// Name parts for generated people.
var (
	genVNSurnames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	genVNMiddle   = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"}
	genVNGiven    = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Lan", "Linh", "Nam", "Phong", "Quân", "Trang", "Tuấn", "Yến"}
	genFirst      = []string{"John", "Mary", "Rahul", "Priya", "Anna", "Peter", "Sophie", "Carlos", "Amit", "Emma"}
	genLast       = []string{"Smith", "Sharma", "Patel", "Müller", "Garcia", "Brown", "Kumar", "Dubois", "Silva", "Taylor"}
	genStreets    = []string{"Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Điện Biên Phủ"}
	genProducts   = []string{"Gói Premium", "Basic plan", "Áo thun nam", "Laptop bag", "Gift card", "Sữa tươi"}
)

// name returns a person's name and whether it is Vietnamese.
func (g *gen) name() string {
	if g.r.IntN(3) > 0 {
		return pick(g, genVNSurnames) + " " + pick(g, genVNMiddle) + " " + pick(g, genVNGiven)
	}
	return pick(g, genFirst) + " " + pick(g, genLast)
}

// email returns an address derived from nothing personal.
func (g *gen) email() string {
	return pick(g, []string{"an", "bich.tran", "john.smith", "rahul_k", "lan.nguyen", "info"}) + g.digits(g.r.IntN(3)) + "@" +
		pick(g, []string{"gmail.com", "example.com", "yahoo.com.vn", "fpt.vn", "company.co.uk"})
}

// crmRow returns one line of a CRM export: an id, a name, an e-mail, a
// phone, an order number, an amount, a date, a product, and sometimes a
// national id, card or IBAN.
func (g *gen) crmRow(id int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d,%s,%s,%s,DH%s,%d.000,%02d/%02d/2024,%s", id, g.name(), g.email(), g.phone(), g.digits(8),
		50+g.r.IntN(5000), 1+g.r.IntN(28), 1+g.r.IntN(12), pick(g, genProducts))
	switch g.r.IntN(6) {
	case 0:
		b.WriteString("," + g.cccd())
	case 1:
		b.WriteString("," + g.card())
	case 2:
		fmt.Fprintf(&b, ",%d %s Quận %d", 1+g.r.IntN(300), pick(g, genStreets), 1+g.r.IntN(12))
	case 3:
		b.WriteString("," + g.aadhaar())
	case 4:
		b.WriteString("," + g.iban())
	default:
		b.WriteString(",ghi chú: khách hàng thân thiết")
	}
	b.WriteByte('\n')
	return b.String()
}

// crmCSV returns n rows with a header.
func crmCSV(seed uint64, n int) []byte {
	g := newGen(seed)
	var b strings.Builder
	b.WriteString("id,ho_ten,email,sdt,ma_don,so_tien,ngay_dat,san_pham,ghi_chu\n")
	for i := 0; i < n; i++ {
		b.WriteString(g.crmRow(1000 + i))
	}
	return []byte(b.String())
}

// freeText returns n sentences of support-ticket style free text.
func freeText(seed uint64, n int) []byte {
	g := newGen(seed)
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch g.r.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "Khách hàng %s gọi từ số %s, yêu cầu đổi địa chỉ giao hàng. ", g.name(), g.phone())
		case 1:
			fmt.Fprintf(&b, "Please contact %s at %s regarding invoice %s dated 12/03/2024. ", g.name(), g.email(), g.digits(6))
		case 2:
			fmt.Fprintf(&b, "The customer paid with card %s and asked for a receipt. ", g.card())
		case 3:
			fmt.Fprintf(&b, "Login from 10.%d.%d.%d failed three times; the account was locked for 15 minutes. ", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256))
		case 4:
			fmt.Fprintf(&b, "Số CCCD %s, ngày sinh %02d/%02d/19%d, đã xác minh. ", g.cccd(), 1+g.r.IntN(28), 1+g.r.IntN(12), 50+g.r.IntN(50))
		default:
			b.WriteString("The shipment was delayed by weather and will arrive next week; no action is needed from the support team. ")
		}
		if i%5 == 4 {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}
