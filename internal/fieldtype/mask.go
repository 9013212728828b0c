package fieldtype

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// masked is the mask for values of which nothing is shown.
const masked = "***"

// Mask renders a stored canonical value in a redacted form that is safe to
// show in user interfaces and logs:
//
//   - phone: calling code and last three digits, "+84 *** *** 567"
//   - email: first character of the local part and the domain, "a***@example.com"
//   - national_id: last four characters, "********1234"
//   - card: last four digits, "**** **** **** 1234"
//   - iban: country code and last four characters, "DE** **** **** 3000"
//   - name: initials, "Nguyễn Văn An" -> "N. V. A."
//   - date: the year only, "1990-**-**"
//   - address, text, number, bool: "***"
//
// The number of stars is fixed, so a mask does not reveal a value's length.
// Mask works on runes (and keeps combining marks with their base letter),
// so it never splits a multi-byte character. A stored value that is not in
// canonical form is masked entirely.
func (t Type) Mask(stored string) string {
	switch t {
	case Phone:
		return maskPhone(stored)
	case Email:
		return maskEmail(stored)
	case NationalID:
		return maskTail("********", stored, 4, 8)
	case Card:
		return maskTail("**** **** **** ", stored, 4, minCardDigits)
	case IBAN:
		if len(stored) < minIBANLen || !isUpper(stored[0]) || !isUpper(stored[1]) {
			return masked
		}
		return maskTail(stored[:2]+"** **** **** ", stored, 4, minIBANLen)
	case Name:
		return maskName(stored)
	case Date:
		if isISODate(stored) {
			return stored[:4] + "-**-**"
		}
		return "****-**-**"
	}
	return masked
}

// maskTail returns prefix followed by the last n runes of s, or "***" if s
// has fewer than min runes (too short to show any of it safely).
func maskTail(prefix, s string, n, min int) string {
	if utf8.RuneCountInString(s) < min {
		return masked
	}
	i := len(s)
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return prefix + s[i:]
}

// maskPhone keeps the calling code and the last three digits of an E.164
// number.
func maskPhone(stored string) string {
	cc := phoneCountryCode(stored)
	if cc == "" {
		return masked
	}
	national := stored[1+len(cc):]
	if len(national) < 6 || !allDigits(national) {
		return "+" + cc + " *** ***"
	}
	return "+" + cc + " *** *** " + national[len(national)-3:]
}

// maskEmail keeps the first character of the local part and the domain.
func maskEmail(stored string) string {
	local, domain, ok := strings.Cut(stored, "@")
	if !ok || domain == "" || strings.Contains(domain, "@") {
		return masked
	}
	return firstChar(local, false) + "***@" + domain
}

// maskName returns the initials of a name: the first letter or digit of
// each word, upper-cased, followed by a dot.
func maskName(stored string) string {
	var b strings.Builder
	for _, w := range strings.Fields(stored) {
		i := strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
		if i < 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(firstChar(w[i:], true))
		b.WriteByte('.')
	}
	if b.Len() == 0 {
		return masked
	}
	return b.String()
}

// maxMarks bounds the combining marks kept after a base character.
const maxMarks = 4

// firstChar returns the first rune of s, upper-cased if upper is set,
// together with the combining marks that follow it (so a decomposed "Ấ"
// stays whole).
func firstChar(s string, upper bool) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || r == utf8.RuneError {
		return ""
	}
	end := size
	for k := 0; k < maxMarks && end < len(s); k++ {
		m, n := utf8.DecodeRuneInString(s[end:])
		if !unicode.Is(unicode.Mn, m) && !unicode.Is(unicode.Me, m) {
			break
		}
		end += n
	}
	if upper {
		r = unicode.ToUpper(r)
	}
	return string(r) + s[size:end]
}
