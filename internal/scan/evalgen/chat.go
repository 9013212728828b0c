package evalgen

import (
	"fmt"

	"custodia/internal/scan"
)

// chatLines holds the lines one side of a chat says, by language.
type chatLines struct {
	customer, agent, friend []tmpl
}

// chatStock is what people write in Zalo, Messenger and WhatsApp chats.
var chatStock = map[string]chatLines{
	"vi": {
		customer: []tmpl{
			{"", "sđt em là {phone} nhé"}, {"", "sdt e {phone} a"}, {"", "địa chỉ nhận hàng: {addr}"},
			{"", "em tên {name}, giao giúp em trong giờ hành chính"}, {"", "email của em: {email}"},
			{"vn", "CCCD của em: {cccd}"}, {"vn", "số căn cước {cccd} nha shop"}, {"vn", "cmnd cũ của em là {cmnd}"},
			{"", "em sinh ngày {dob} ạ"}, {"", "chuyển khoản xong rồi nha, mã giao dịch {badcard}"},
			{"", "mã đơn hàng {order} sao chưa thấy giao vậy shop"}, {"", "ok shop"}, {"", "dạ vâng"},
			{"", "cảm ơn shop nhiều ❤️"}, {"", "khi nào giao vậy ạ?"}, {"", "hàng có sẵn không shop?"},
			{"", "thanh toán bằng thẻ {card} được không shop"},
		},
		agent: []tmpl{
			{"", "dạ chị cho em xin sđt và địa chỉ nhận hàng ạ"}, {"", "dạ đơn {order} của mình đã xuất kho, ngày giao hàng dự kiến {bizdate} ạ"},
			{"", "Mã SP: {sku} còn hàng ạ, giá {amount}"}, {"", "dạ shop đã nhận được thanh toán {amount} ạ"},
			{"", "chị vui lòng gửi giúp em số CCCD để xuất hóa đơn ạ"}, {"", "dạ em cảm ơn chị {given} ạ"},
			{"", "dạ shop xác nhận đơn giao tới {addr} nha chị"},
		},
		friend: []tmpl{
			{"", "ê {othergiven} ơi, số mới của tao nè {phone}"}, {"", "gửi t cái email đi"}, {"", "{email} nha"},
			{"", "tối nay đi cà phê ko"}, {"", "ok 7h nhé"}, {"", "haha"}, {"", "nhà mới của mình ở {addr}, hôm nào ghé chơi"},
			{"", "mày cài bản {version} chưa, bản cũ lỗi hoài"}, {"eu", "số tài khoản bên Đức của t: {iban}"},
			{"", "đặt vé giùm t, thẻ nè: {card}"}, {"", "hộ chiếu của t số {passport}, đặt vé giùm nha"},
			{"", "wifi nhà t cấp cho máy mày IP {ip} đó"},
		},
	},
	"en": {
		customer: []tmpl{
			{"", "my number is {phone}"}, {"", "you can reach me at {email}"}, {"", "shipping address: {addr}"},
			{"", "my DOB is {dob}"}, {"", "order #{order} still hasn't arrived"}, {"", "card number {card}, exp 08/29"},
			{"in", "PAN: {pan}"}, {"in", "aadhaar no {aadhaar}"}, {"us", "they asked for my SSN, it's {ssn}"},
			{"", "passport no. {passport}"}, {"", "thanks!"}, {"", "ok"}, {"", "when will it ship?"}, {"", "I'm {name} btw"},
		},
		agent: []tmpl{
			{"", "Could you confirm the phone number on the account?"}, {"", "Thanks {given}, I've updated your address."},
			{"", "Order {order} ships on {bizdate}."}, {"", "Please don't share full card numbers here 🙏"},
			{"", "Your ticket was escalated, reference {badcard}."}, {"", "Could you try updating the app to {version}?"},
		},
		friend: []tmpl{
			{"", "hey {othergiven}! new number: {phone}"}, {"", "send me your email?"}, {"", "{email}"},
			{"", "moved to {addr} 🎉"}, {"", "lol"}, {"", "see you at 7"}, {"eu", "can you wire it to {iban}"},
			{"", "flight's booked, passport {passport}"}, {"", "the router shows {ip} for your laptop"},
			{"", "git keeps using {fakeemail} as the author again"}, {"", "happy birthday!! 🎂"},
		},
	},
}

// shops are the business accounts customers chat with.
var shops = []string{"Shop Mỹ Phẩm Hana", "Điện Máy Minh Khang", "Tiệm Bánh Mây", "Support Bot", "Acme Store Support", "Zenith Telecom"}

// writeChat renders a chat log: a customer and a shop, or two friends.
func writeChat(g *gen, lang string, b *builder) {
	stock := chatStock[lang]
	a := &ctx{g: g, lang: lang, p: newPersona(g, regionFor(g, lang, ""))}
	other := &ctx{g: g, lang: lang, p: newPersona(g, regionFor(g, lang, ""))}
	a.o, other.o = other.p, a.p
	shop := ""
	aLines, otherLines := newDeck(g, stock.friend, a.p.group()), newDeck(g, stock.friend, other.p.group())
	if g.chance(0.5) {
		shop = pick(g, shops)
		other.p = a.p // the shop's agent talks about the customer
		aLines, otherLines = newDeck(g, stock.customer, a.p.group()), newDeck(g, stock.agent, "")
	}
	whatsapp := g.chance(0.3)
	day := newBusinessDate(g)
	h, m := g.between(7, 21), g.intn(60)
	var ps []piece
	for range g.between(8, 24) {
		speaker, lines := a, aLines
		if g.chance(0.45) {
			speaker, lines = other, otherLines
		}
		if m += g.between(0, 4); m >= 60 {
			h, m = (h+1)%24, m-60
		}
		if whatsapp {
			b.put(miss(decoyBusinessDate, fmt.Sprintf("%02d/%02d/%d", day.d, day.m, day.y)), "")
			b.str(fmt.Sprintf(", %02d:%02d - ", h, m))
		} else {
			b.str(fmt.Sprintf("[%02d:%02d] ", h, m))
		}
		if speaker == other && shop != "" {
			b.str(shop)
		} else {
			b.put(value(scan.Person, speaker.p.name.full), "")
		}
		b.str(": ")
		ps = render(speaker, lines.draw(), ps[:0])
		for _, p := range ps {
			b.put(p, "")
		}
		b.str("\n")
	}
}

// deck deals the lines a person of a group can say in a shuffled order,
// reshuffling when it runs out, so a chat repeats itself only as much as
// people do.
type deck struct {
	g     *gen
	lines []tmpl
	next  int
}

// newDeck returns a deck of the lines fitting a region group.
func newDeck(g *gen, ts []tmpl, group string) *deck {
	return &deck{g: g, lines: filterNeed(ts, group), next: len(ts)}
}

// draw returns the text of the next line.
func (d *deck) draw() string {
	if d.next >= len(d.lines) {
		d.g.r.Shuffle(len(d.lines), func(i, j int) { d.lines[i], d.lines[j] = d.lines[j], d.lines[i] })
		d.next = 0
	}
	d.next++
	return d.lines[d.next-1].text
}

// filterNeed keeps the templates a person of a group can say.
func filterNeed(ts []tmpl, group string) []tmpl {
	out := make([]tmpl, 0, len(ts))
	for _, t := range ts {
		if t.need == "" || t.need == group {
			out = append(out, t)
		}
	}
	return out
}
