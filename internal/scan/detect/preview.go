package detect

import (
	"strconv"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// masked is the preview of values of which nothing is shown.
const masked = "***"

// preview renders a masked form of a finding, in the formats of
// fieldtype.Type.Mask: never the value itself.
//
//	EMAIL_ADDRESS   n***@example.com (first character and domain)
//	PHONE_NUMBER    +84 *** *** 678 (calling code and last three digits)
//	CREDIT_CARD     **** **** **** 1234
//	IBAN_CODE       DE** **** **** 3000
//	national ids    ********1234 (last four characters)
//	DATE_OF_BIRTH   1990-**-** (the year)
//	IP_ADDRESS      192.168.*.* (IPv4: first two octets), 2001:**** (IPv6: first group)
//	PERSON          N. V. A. (initials)
//	STREET_ADDRESS  ***
func (st *state) preview(h *hit) string {
	v := st.text[h.start:h.end]
	b := st.pbuf[:0]
	switch h.ent {
	case entEmail:
		at := 0
		for at < len(v) && v[at] != '@' {
			at++
		}
		if at == len(v) {
			b = appendObfuscatedPreview(b, v)
			break
		}
		if at == 0 {
			return masked
		}
		if v[0] < utf8.RuneSelf {
			b = append(b, lowerASCII(v[0]))
		} else { // an internationalised local part: its first letter
			r, _ := utf8.DecodeRune(v)
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		b = append(b, "***@"...)
		for _, c := range v[at+1:] {
			b = append(b, lowerASCII(c))
		}
	case entPhone:
		// A number several countries read alike ("020 7946 0958": London,
		// or a Vietnamese province) is shown without a country, rather
		// than with the first that fits.
		if !h.ccUnsure {
			b = append(b, '+')
			b = strconv.AppendInt(b, int64(h.cc), 10)
			b = append(b, ' ')
		}
		b = append(b, "*** *** "...)
		b = appendLast(b, v, 3, isDigit)
	case entCard:
		b = append(b, "**** **** **** "...)
		b = appendLast(b, v, 4, isDigit)
	case entIBAN:
		b = append(b, v[:2]...)
		b = append(b, "** **** **** "...)
		b = appendLast(b, v, 4, isAlnum)
	case entSSN, entCCCD, entCMND, entAadhaar, entPAN, entPassport:
		b = append(b, "********"...)
		b = appendLast(b, v, 4, isAlnum)
	case entDOB:
		b = strconv.AppendInt(b, int64(h.year), 10)
		b = append(b, "-**-**"...)
	case entIP:
		b = appendIPPreview(b, v)
	case entPerson:
		b = appendInitials(b, v)
	}
	st.pbuf = b
	if len(b) == 0 {
		return masked
	}
	return st.intern(b)
}

// arenaSize is the size of the blocks previews are copied into.
const arenaSize = 16 << 10

// intern returns b as a string copied into the state's arena: one
// allocation per block of previews instead of one per preview. Bytes of
// the arena are never written twice, so the strings stay valid however
// long they are kept; a block is freed once no preview in it is.
func (st *state) intern(b []byte) string {
	if len(b) > arenaSize/4 {
		return string(b)
	}
	if len(st.arena)+len(b) > cap(st.arena) {
		st.arena = make([]byte, 0, arenaSize)
	}
	start := len(st.arena)
	st.arena = append(st.arena, b...)
	return unsafe.String(&st.arena[start], len(b))
}

// lowerASCII lower-cases an ASCII letter.
func lowerASCII(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

// upperASCII upper-cases an ASCII letter.
func upperASCII(c byte) byte {
	if isLower(c) {
		return c - 'a' + 'A'
	}
	return c
}

// appendLast appends the last n bytes of v that satisfy keep, in order.
func appendLast(b, v []byte, n int, keep func(byte) bool) []byte {
	i, k := len(v), 0
	for i > 0 && k < n {
		i--
		if keep(v[i]) {
			k++
		}
	}
	for ; i < len(v); i++ {
		if keep(v[i]) {
			b = append(b, v[i])
		}
	}
	return b
}

// appendIPPreview keeps the first two octets of an IPv4 address or the
// first group of an IPv6 one.
func appendIPPreview(b, v []byte) []byte {
	dots := 0
	for i, c := range v {
		switch c {
		case ':':
			b = append(b, v[:i]...)
			return append(b, ":****"...)
		case '.':
			if dots++; dots == 2 {
				b = append(b, v[:i]...)
				return append(b, ".*.*"...)
			}
		}
	}
	return b
}

// appendInitials appends the initials of a name, "N. V. A." for "Nguyễn
// Văn An": the first letter of each word, upper-cased, with the combining
// marks that follow it.
func appendInitials(b, v []byte) []byte {
	start := len(b)
	for i := 0; i < len(v); {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n') {
			i++
		}
		if i == len(v) {
			break
		}
		r, size := rune(v[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(v[i:])
		}
		if isAlnum(v[i]) || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if len(b) > start {
				b = append(b, ' ')
			}
			if r < utf8.RuneSelf {
				b = append(b, upperASCII(v[i]))
			} else {
				b = utf8.AppendRune(b, unicode.ToUpper(r))
			}
			j := i + size
			// Combining marks (U+0300-U+036F) start with 0xCC or 0xCD.
			for j < len(v) && (v[j] == 0xCC || v[j] == 0xCD || v[j] >= 0xE0) {
				m, n := utf8.DecodeRune(v[j:])
				if !unicode.Is(unicode.Mn, m) {
					break
				}
				j += n
			}
			b = append(b, v[i+size:j]...)
			b = append(b, '.')
		}
		for i < len(v) && v[i] != ' ' && v[i] != '\t' && v[i] != '\n' {
			i++
		}
	}
	return b
}
