package detect

import (
	"unicode"
	"unicode/utf8"
)

// Limits of an e-mail address (RFC 5321).
const (
	maxLocal  = 64
	maxDomain = 253
	maxLabel  = 63
)

// isLocalChar reports whether c may appear in the local part of an
// address as the detector reads it (the common subset: letters, digits
// and . _ % + -).
func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// isDomainChar reports whether c may appear in a domain name.
func isDomainChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '-'
}

// email expands the '@' at text[at] to an address: a local part of up to
// 64 characters without leading, trailing or double dots, and a domain of
// at least two labels whose last (the TLD) is at least two letters.
// 0.95. It returns where the main loop goes on.
func (st *state) email(at int) int {
	text := st.text
	s, ok := localPart(text, at)
	if !ok {
		return at + 1
	}
	e := domainEnd(text, at, false)
	// An internationalised domain (bücher.de, ví-dụ.vn) is tried first; a
	// TLD glued to the next word ("an@gmail.comđã") is not one, and the
	// ASCII reading stands.
	if idn := domainEnd(text, at, true); idn > e && validDomain(text[at+1:idn]) {
		e = idn
	}
	if !validDomain(text[at+1:e]) || fileExtension(text[at+1:e]) {
		return at + 1
	}
	st.add(hit{ent: entEmail, start: s, end: e, conf: 0.95})
	return e
}

// domainEnd returns where the domain after the '@' at text[at] ends,
// without trailing dots or hyphens: over ASCII letters, digits, dots and
// hyphens, and with idn over non-ASCII Latin letters too.
func domainEnd(text []byte, at int, idn bool) int {
	e := at + 1
	for e < len(text) && e-at <= maxDomain {
		if isDomainChar(text[e]) {
			e++
			continue
		}
		if !idn || text[e] < utf8.RuneSelf {
			break
		}
		r, n := utf8.DecodeRune(text[e:])
		if r == utf8.RuneError || !(unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Mn, r)) {
			break
		}
		e += n
	}
	for e > at+1 && (text[e-1] == '.' || text[e-1] == '-') {
		e--
	}
	return e
}

// localPart returns where the local part of an address that ends at
// text[end] (its '@') starts: up to 64 bytes of local characters, an
// apostrophe (o'brien@) or Latin letters beyond ASCII (an internationalised
// address, nguyễn@), without leading, trailing or double dots and without a
// leading or trailing apostrophe (a quote around the address). ok is false
// when there is none, or when the run of local characters is longer than a
// local part may be.
func localPart(text []byte, end int) (start int, ok bool) {
	s := end
	for s > 0 && end-s < maxLocal {
		if c := text[s-1]; isLocalChar(c) || c == '\'' {
			s--
			continue
		}
		n := latinLetterBefore(text, s)
		if n == 0 || end-(s-n) > maxLocal {
			break
		}
		s -= n
	}
	if s > 0 && end-s == maxLocal && (isLocalChar(text[s-1]) || latinLetterBefore(text, s) > 0) {
		return 0, false
	}
	for s < end && (text[s] == '.' || text[s] == '-' || text[s] == '+' || text[s] == '\'') {
		s++
	}
	if s == end || text[end-1] == '.' || text[end-1] == '\'' {
		return 0, false
	}
	for k := s + 1; k < end; k++ {
		if text[k] == '.' && text[k-1] == '.' {
			return 0, false
		}
	}
	return s, true
}

// latinLetterBefore returns the length in bytes of the non-ASCII Latin
// letter or combining mark that ends at text[s], or 0 when there is none.
// Other scripts are left out: Chinese or Thai text runs on without spaces,
// and would glue the words before an address onto it.
func latinLetterBefore(text []byte, s int) int {
	if s == 0 || text[s-1] < utf8.RuneSelf {
		return 0
	}
	r, n := utf8.DecodeLastRune(text[:s])
	if r == utf8.RuneError || !(unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Mn, r)) {
		return 0
	}
	return n
}

// fileExtensions are top-level "domains" that are file name extensions:
// "logo@2x.png" is an image, not an address.
var fileExtensions = map[string]bool{"jpg": true, "jpeg": true, "png": true, "gif": true, "webp": true, "svg": true,
	"bmp": true, "ico": true, "tif": true, "tiff": true, "pdf": true, "js": true, "css": true, "txt": true, "zip": true,
	"html": true, "htm": true, "mp3": true, "mp4": true, "json": true, "xml": true, "csv": true}

// fileExtension reports whether the domain ends in a file name extension.
func fileExtension(d []byte) bool {
	i := len(d)
	for i > 0 && d[i-1] != '.' {
		i--
	}
	var buf [8]byte
	if len(d)-i > len(buf) {
		return false
	}
	tld := buf[:0]
	for _, c := range d[i:] {
		tld = append(tld, lowerASCII(c))
	}
	return fileExtensions[string(tld)]
}

// validDomain checks a domain: two or more labels of 1-63 bytes of
// letters (non-ASCII Latin ones too), digits and inner hyphens; the last
// of at least two ASCII letters.
func validDomain(d []byte) bool {
	if len(d) < 4 || len(d) > maxDomain {
		return false
	}
	labels, start := 0, 0
	for k := 0; k <= len(d); k++ {
		if k < len(d) && d[k] != '.' {
			continue
		}
		l := d[start:k]
		if len(l) == 0 || len(l) > maxLabel || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		labels++
		if k == len(d) {
			if len(l) < 2 {
				return false
			}
			for _, c := range l {
				if !isUpper(c) && !isLower(c) {
					return false
				}
			}
		}
		start = k + 1
	}
	return labels >= 2
}
