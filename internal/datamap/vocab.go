package datamap

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"custodia/internal/vault"
)

// KnownCategory reports whether c is a personal-data category of the
// fideslang vocabulary (user.*), or an organisation's extension of one
// below its top level ("user.contact.email.work"): a made-up branch of
// user itself ("user.totally.madeup") is not.
func KnownCategory(c string) bool {
	if !categoryName.MatchString(c) || !vault.KnownCategory(c) {
		return false
	}
	for p := c; ; {
		if vault.FideslangCategory(p) {
			return p != "user" || c == "user"
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// notCountries are the codes ISO 3166-1 reserves without assigning them to
// a country, which CLDR nevertheless treats as regions.
var notCountries = map[string]bool{"AC": true, "CP": true, "CQ": true, "DG": true, "EA": true, "EU": true, "EZ": true,
	"FX": true, "IC": true, "SU": true, "TA": true, "UK": true, "UN": true}

// KnownCountry reports whether c is an ISO 3166-1 alpha-2 country code in
// upper case, such as SG: "ZZ", "EU" and "UK" are not.
func KnownCountry(c string) bool {
	if !countryCode.MatchString(c) || notCountries[c] {
		return false
	}
	r, err := language.ParseRegion(c)
	return err == nil && r.IsCountry() && r.String() == c
}

// singleLine reports whether s holds no control character (C0, DEL, C1),
// no bidirectional override or isolate, nor a character XML 1.0 forbids:
// a name, an owner, a holder.
func singleLine(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || bidiOverride(r) || !xmlChar(r) })
}

// multiLine is singleLine with line breaks and tabs allowed: a
// description.
func multiLine(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r != '\n' && r != '\r' && r != '\t' && (unicode.IsControl(r) || bidiOverride(r) || !xmlChar(r))
	})
}

// canonicalName is a name as stored and compared: composed (NFC, so "é"
// is one form), without invisible format characters (zero-width spaces,
// direction marks), its runs of spaces (no-break ones too) made one
// space. "Billing\u00a0CRM" and "Billing  CRM" are "Billing CRM", which
// the store compares regardless of case (QA: each made a lookalike
// second entry of one channel).
func canonicalName(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// bidiOverride reports whether r is a bidirectional embedding, override
// or isolate (U+202A to U+202E, U+2066 to U+2069): in a name shown in the
// report and the data map, "rtl\u202etset" reads as something it is not
// (QA). The marks (U+200E, U+200F, U+061C) that right-to-left text needs
// stay allowed.
func bidiOverride(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// xmlChar reports whether XML 1.0 allows r in a document (its Char
// production).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// XMLSafe drops from s every character XML 1.0 forbids, and the other
// control characters but tab, line feed and carriage return, and replaces
// invalid UTF-8: what is left can be escaped into an XML document.
func XMLSafe(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsFunc(s, func(r rune) bool { return !xmlChar(r) || unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !xmlChar(r) || unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
}
