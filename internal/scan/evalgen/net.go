package evalgen

import (
	"fmt"
	"net/netip"
)

// mailDomains are the mailbox providers people of a region use.
var mailDomains = map[region][]string{
	regionVN: {"gmail.com", "gmail.com", "yahoo.com", "outlook.com", "fpt.com.vn", "vnpt.vn", "viettel.com.vn"},
	regionIN: {"gmail.com", "gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"},
	regionUS: {"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net"},
	regionGB: {"gmail.com", "btinternet.com", "hotmail.co.uk", "outlook.com"},
	regionDE: {"web.de", "gmx.de", "t-online.de", "gmail.com"},
	regionFR: {"orange.fr", "free.fr", "laposte.net", "gmail.com"},
	regionBR: {"uol.com.br", "bol.com.br", "gmail.com", "hotmail.com"},
	regionSG: {"singnet.com.sg", "gmail.com", "outlook.com"},
}

// newEmail makes an address from a person's name at a common provider of
// their region, or at a work domain when work is non-empty.
func newEmail(g *gen, n fullName, r region, birthYear int, work string) string {
	given, family, full := asciiFold(n.given), asciiFold(n.family), asciiFold(n.full)
	local := pickWeighted(g, []weighted[string]{
		{3, given + "." + family},
		{2, full},
		{2, fmt.Sprintf("%s%d", full, birthYear%100)},
		{1, fmt.Sprintf("%s%d", full, birthYear)},
		{1, given[:1] + family},
		{1, family + "_" + given},
	})
	domain := work
	if domain == "" {
		domain = pick(g, mailDomains[r])
	}
	return local + "@" + domain
}

// newIPv4 draws a public IPv4 address, or now and then a private one as
// office logs hold.
func newIPv4(g *gen) string {
	if g.chance(0.2) {
		if g.chance(0.5) {
			return fmt.Sprintf("192.168.%d.%d", g.between(0, 10), g.between(2, 254))
		}
		return fmt.Sprintf("10.%d.%d.%d", g.between(0, 255), g.between(0, 255), g.between(2, 254))
	}
	first := pick(g, []int{14, 27, 42, 49, 58, 61, 81, 103, 112, 113, 115, 116, 117, 118, 123, 171, 183, 203, 212, 222})
	return fmt.Sprintf("%d.%d.%d.%d", first, g.between(0, 255), g.between(0, 255), g.between(1, 254))
}

// ipv6Prefixes are global unicast allocations of ISPs (VNPT, Viettel, FPT,
// Deutsche Telekom, Comcast, Reliance Jio).
var ipv6Prefixes = [][4]byte{{0x20, 0x01, 0x0e, 0xe0}, {0x24, 0x05, 0x48, 0x02}, {0x24, 0x05, 0x42, 0x00}, {0x20, 0x03, 0x00, 0xe5},
	{0x26, 0x01, 0x06, 0x40}, {0x24, 0x09, 0x40, 0x40}}

// newIPv6 draws a global IPv6 address in canonical (RFC 5952) text form,
// often with a run of zero groups written as "::".
func newIPv6(g *gen) string {
	var b [16]byte
	p := pick(g, ipv6Prefixes)
	copy(b[:], p[:])
	for i := 4; i < 16; i++ {
		b[i] = byte(g.intn(256))
	}
	if g.chance(0.5) { // a zero run, as SLAAC-less hosts have
		for i := 8; i < 14; i++ {
			b[i] = 0
		}
	}
	return netip.AddrFrom16(b).String()
}
