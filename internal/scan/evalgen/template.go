package evalgen

import (
	"fmt"
	"strings"

	"custodia/internal/scan"
)

// ctx is what a template renders against: the person it is about (p), the
// other party (o), and the document language.
type ctx struct {
	g    *gen
	lang string
	p, o *persona
	row  int // the CSV row number, for record IDs
}

// tmpl is a text template: literal text with {slot} references, and the
// region group its person must belong to ("" for any).
type tmpl struct {
	need string
	text string
}

// slots renders each {slot}. Personal values come from the persona so
// they stay consistent within a document; near misses and filler are
// fresh each time.
var slots = map[string]func(c *ctx) piece{
	"name":       func(c *ctx) piece { return value(scan.Person, c.p.name.full) },
	"given":      func(c *ctx) piece { return value(scan.Person, c.p.name.given) },
	"family":     func(c *ctx) piece { return value(scan.Person, c.p.name.family) },
	"other":      func(c *ctx) piece { return value(scan.Person, c.o.name.full) },
	"othergiven": func(c *ctx) piece { return value(scan.Person, c.o.name.given) },
	"email": func(c *ctx) piece {
		return value(scan.EmailAddress, c.p.memo("email", func() string { return newEmail(c.g, c.p.name, c.p.region, c.p.birth.y, "") }))
	},
	"phone": func(c *ctx) piece {
		return value(scan.PhoneNumber, c.p.memo("phone", func() string { return newPhone(c.g, c.p.region) }))
	},
	"phone2": func(c *ctx) piece { return value(scan.PhoneNumber, newPhone(c.g, c.p.region)) },
	"addr": func(c *ctx) piece {
		return value(scan.StreetAddress, c.p.memo("addr", func() string { return newAddress(c.g, c.p.region) }))
	},
	"dob": func(c *ctx) piece {
		return value(scan.DateOfBirth, c.p.memo("dob", func() string { return formatDate(c.g, c.p.region, c.p.birth) }))
	},
	"cccd": func(c *ctx) piece {
		return value(scan.VNCCCD, c.p.memo("cccd", func() string { return newCCCD(c.g, c.p.birth.y, c.p.female) }))
	},
	"cmnd": func(c *ctx) piece { return value(scan.VNCMND, c.p.memo("cmnd", func() string { return newCMND(c.g) })) },
	"ssn": func(c *ctx) piece {
		return value(scan.USSSN, formatSSN(c.p.memo("ssn", func() string { return newSSN(c.g) }), false))
	},
	"ssnbare": func(c *ctx) piece {
		return value(scan.USSSN, formatSSN(c.p.memo("ssn", func() string { return newSSN(c.g) }), true))
	},
	"aadhaar": func(c *ctx) piece {
		return value(scan.INAadhaar, c.p.memo("aadhaar", func() string { return formatAadhaar(c.g, newAadhaar(c.g)) }))
	},
	"pan": func(c *ctx) piece {
		return value(scan.INPAN, c.p.memo("pan", func() string { return newPAN(c.g, c.p.name.family) }))
	},
	"passport": func(c *ctx) piece {
		return value(scan.Passport, c.p.memo("passport", func() string { return newPassport(c.g, c.p.region) }))
	},
	"card": func(c *ctx) piece {
		return value(scan.CreditCard, c.p.memo("card", func() string { return formatCard(c.g, newCardDigits(c.g)) }))
	},
	"iban": func(c *ctx) piece {
		return value(scan.IBANCode, c.p.memo("iban", func() string { return formatIBAN(c.g, newIBANCompact(c.g)) }))
	},
	"ip":  func(c *ctx) piece { return value(scan.IPAddress, newIPv4(c.g)) },
	"ip6": func(c *ctx) piece { return value(scan.IPAddress, newIPv6(c.g)) },

	"badcard":    func(c *ctx) piece { return miss(decoyBadLuhn, newBadCard(c.g)) },
	"badiban":    func(c *ctx) piece { return miss(decoyBadIBAN, newBadIBAN(c.g)) },
	"badaadhaar": func(c *ctx) piece { return miss(decoyBadAadhaar, newBadAadhaar(c.g)) },
	"order":      func(c *ctx) piece { return miss(decoyOrderNumber, newOrderNumber(c.g)) },
	"bizdate":    func(c *ctx) piece { return miss(decoyBusinessDate, newBusinessDateText(c.g, c.p.region)) },
	"sku":        func(c *ctx) piece { return miss(decoyProductCode, newProductCode(c.g)) },
	"version":    func(c *ctx) piece { return miss(decoyVersion, newVersion(c.g)) },
	"build":      func(c *ctx) piece { return miss(decoyBuild, newBuild(c.g)) },
	"fakeemail":  func(c *ctx) piece { return miss(decoyFakeEmail, newFakeEmail(c.g)) },

	"amount": func(c *ctx) piece { return plain(newAmount(c.g, c.lang)) },
	"time":   func(c *ctx) piece { return plain(fmt.Sprintf("%02d:%02d", c.g.between(7, 23), c.g.intn(60))) },
	"qty":    func(c *ctx) piece { return plain(fmt.Sprint(c.g.between(1, 12))) },
	"khid":   func(c *ctx) piece { return plain(fmt.Sprintf("KH%06d", c.row)) },
	"nvid":   func(c *ctx) piece { return plain(fmt.Sprintf("NV%04d", c.row)) },
	"custid": func(c *ctx) piece { return plain(fmt.Sprintf("C-%07d", c.row)) },
	"pnr":    func(c *ctx) piece { return plain(c.g.letters(6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")) },
	"nation": func(c *ctx) piece { return plain(nationality[c.lang][c.p.region]) },
	"ts": func(c *ctx) piece {
		t := newBusinessDate(c.g)
		return miss(decoyBusinessDate, fmt.Sprintf("%d-%02d-%02dT%02d:%02d:%02dZ", t.y, t.m, t.d, c.g.intn(24), c.g.intn(60), c.g.intn(60)))
	},
}

// nationality names a region's people, by language.
var nationality = map[string][]string{
	"vi": {"Việt Nam", "Ấn Độ", "Hoa Kỳ", "Anh", "Đức", "Pháp", "Brazil", "Singapore"},
	"en": {"Vietnamese", "Indian", "American", "British", "German", "French", "Brazilian", "Singaporean"},
}

// newAmount draws a price: đồng with dot thousands in Vietnamese, dollars
// otherwise.
func newAmount(g *gen, lang string) string {
	if lang == "vi" {
		n := g.between(5, 9999) * 1000
		s := fmt.Sprint(n)
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte('.')
			}
			b.WriteRune(r)
		}
		return b.String() + "đ"
	}
	return fmt.Sprintf("$%d.%02d", g.between(5, 2500), g.intn(100))
}

// render appends the pieces of a template to out.
func render(c *ctx, text string, out []piece) []piece {
	for text != "" {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			return append(out, plain(text))
		}
		if i > 0 {
			out = append(out, plain(text[:i]))
		}
		j := strings.IndexByte(text[i:], '}')
		f, ok := slots[text[i+1:i+j]]
		if !ok {
			panic("evalgen: unknown slot " + text[i:i+j+1])
		}
		out = append(out, f(c))
		text = text[i+j+1:]
	}
	return out
}

// pickTemplate draws a template and makes c.p a person it fits (a new one
// unless the current person already does).
func pickTemplate(c *ctx, ts []tmpl) string {
	t := pick(c.g, ts)
	if c.p == nil || (t.need != "" && c.p.group() != t.need) {
		c.p = newPersona(c.g, regionFor(c.g, c.lang, t.need))
	}
	return t.text
}
