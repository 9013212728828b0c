package fieldtype

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// textLimit describes one of the free-text types.
type textLimit struct {
	maxRunes  int    // maximum length in characters (runes)
	multiline bool   // whether \n and \t are allowed
	tooLong   *Error // error for exceeding maxRunes
}

var (
	nameLimits    = textLimit{maxRunes: 300, multiline: false, tooLong: errNameLong}
	addressLimits = textLimit{maxRunes: 1000, multiline: true, tooLong: errAddressLong}
	textLimits    = textLimit{maxRunes: 65536, multiline: true, tooLong: errTextLong}
)

// normalizeText validates a name, address or text value and returns it
// trimmed. Lengths are counted in characters, not bytes.
func normalizeText(s string, lim textLimit) (string, *Error) {
	if !utf8.ValidString(s) {
		return "", fail(errInvalidUTF8)
	}
	s = nfc(strings.TrimSpace(s))
	if s == "" {
		return "", fail(errEmpty)
	}
	// A rune is at least one byte, so this bounds the work done below.
	if len(s) > lim.maxRunes*utf8.UTFMax {
		return "", fail(lim.tooLong)
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && !(lim.multiline && (r == '\n' || r == '\t')) {
			return "", fail(errControl)
		}
	}
	if n > lim.maxRunes {
		return "", fail(lim.tooLong)
	}
	return s, nil
}

// nfc returns valid UTF-8 text in Unicode normalisation form C, the form
// most keyboards and files produce: "ễ" written as e + two combining
// marks (as macOS and some CSV exports write it) becomes the one
// character, so that the same name or address is stored, compared and
// blind-indexed the same way however it was typed. Invalid UTF-8 is
// returned unchanged, for the caller to refuse.
func nfc(s string) string {
	if !utf8.ValidString(s) || norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}
