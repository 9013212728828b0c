package evalgen

import (
	"fmt"

	"custodia/internal/scan"
)

// mailStock holds the fixed phrases of an e-mail, by language.
type mailStock struct {
	subjects          []string
	greeting, closing string
	phoneLabel        string
	addrLabel         string
	titles            []string
	companies         []string
	workDomains       []string
}

var mailStocks = map[string]mailStock{
	"vi": {
		subjects: []string{"Cập nhật thông tin khách hàng", "V/v hồ sơ vay vốn", "Xác nhận đơn hàng", "Hồ sơ nhân sự mới", "Re: Yêu cầu hỗ trợ"},
		greeting: "Chào anh/chị ", closing: "Trân trọng,", phoneLabel: "ĐT: ", addrLabel: "Địa chỉ: ",
		titles:      []string{"Chuyên viên Chăm sóc khách hàng", "Trưởng phòng Kinh doanh", "Nhân viên Hành chính - Nhân sự", "Kế toán"},
		companies:   []string{"Công ty TNHH Thương mại Sao Mai", "Công ty CP Công nghệ Bình Minh", "Ngân hàng TMCP Phương Nam"},
		workDomains: []string{"saomai.com.vn", "binhminhtech.vn", "phuongnambank.vn"},
	},
	"en": {
		subjects: []string{"Updated contact details", "KYC documents", "Your invoice", "Re: onboarding paperwork", "Account security notice"},
		greeting: "Hi ", closing: "Best regards,", phoneLabel: "Mobile: ", addrLabel: "",
		titles:      []string{"Customer Success Manager", "HR Coordinator", "Accounts Receivable", "Operations Lead"},
		companies:   []string{"Northwind Traders Ltd", "Globex Payments GmbH", "Initech India Pvt Ltd"},
		workDomains: []string{"northwind.co.uk", "globex-payments.de", "initech.in"},
	},
}

// writeEmail renders one e-mail: headers, a greeting, one to three body
// paragraphs, and a signature carrying the sender's phone and address.
func writeEmail(g *gen, lang string, b *builder) {
	st := mailStocks[lang]
	co := g.intn(len(st.companies))
	sender := newPersona(g, regionFor(g, lang, ""))
	rcpt := newPersona(g, regionFor(g, lang, ""))
	c := &ctx{g: g, lang: lang, p: sender, o: rcpt}
	senderMail := newEmail(g, sender.name, sender.region, sender.birth.y, st.workDomains[co])
	rcptMail := newEmail(g, rcpt.name, rcpt.region, rcpt.birth.y, "")

	b.str("From: ")
	b.put(value(scan.Person, sender.name.full), "")
	b.str(" <")
	b.put(value(scan.EmailAddress, senderMail), "")
	b.str(">\nTo: ")
	b.put(value(scan.Person, rcpt.name.full), "")
	b.str(" <")
	b.put(value(scan.EmailAddress, rcptMail), "")
	b.str(">\nDate: ")
	d := newBusinessDate(g)
	b.str(d.weekday() + ", ")
	b.put(miss(decoyBusinessDate, fmt.Sprintf("%d %s %d", d.d, monthsEN[d.m-1][:3], d.y)), "")
	b.str(fmt.Sprintf(" %02d:%02d:%02d +0700\nSubject: %s\n", g.between(7, 22), g.intn(60), g.intn(60), pick(g, st.subjects)))
	if g.chance(0.4) {
		b.str("X-Originating-IP: [")
		b.put(value(scan.IPAddress, newIPv4(g)), "")
		b.str("]\n")
	}
	b.str("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n")

	b.str(st.greeting)
	b.put(value(scan.Person, rcpt.name.given), "")
	b.str(",\n\n")
	paras := viParagraphs
	if lang == "en" {
		paras = enParagraphs
	}
	var ps []piece
	for i := range g.between(1, 3) {
		if i > 0 || g.chance(0.5) {
			c.p = nil // a paragraph about someone else: a customer, an employee
		}
		ps = render(c, pickTemplate(c, paras), ps[:0])
		for _, p := range ps {
			b.put(p, "")
		}
		b.str("\n\n")
	}

	b.str(st.closing + "\n")
	b.put(value(scan.Person, sender.name.full), "")
	b.str("\n" + pick(g, st.titles) + " - " + st.companies[co] + "\n" + st.phoneLabel)
	b.put(value(scan.PhoneNumber, newPhone(g, sender.region)), "")
	b.str("\n")
	if g.chance(0.5) {
		b.str(st.addrLabel)
		b.put(value(scan.StreetAddress, newAddress(g, sender.region)), "")
		b.str("\n")
	}
}
