package importer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldHeader brings a column header to a form the word lists match:
// camelCase split into words ("MailingStreet" -> "mailing street"),
// lower case, Vietnamese diacritics removed ("SĐT" -> "sdt", "Họ tên" ->
// "ho ten"), anything else than letters and digits a single space.
func foldHeader(h string) string {
	var b strings.Builder
	prevLower := false
	space := false
	for _, r := range norm.NFD.String(strings.TrimSpace(h)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if unicode.IsUpper(r) && prevLower {
				space = true
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space, prevLower = true, false
	}
	return b.String()
}

// hasWords reports whether folded holds phrase as whole words.
func hasWords(folded, phrase string) bool {
	s := " " + folded + " "
	return strings.Contains(s, " "+phrase+" ")
}
