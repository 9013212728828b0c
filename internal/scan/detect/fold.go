package detect

import (
	"unicode"
	"unicode/utf8"
)

// Symbols of the folded stream that context words and name lists are
// matched on: every run of non-letters becomes one space, letters are
// lower-cased and stripped of their diacritics ("Số ĐIỆN thoại" reads
// " so dien thoai "), and letters with no a-z base share one symbol.
const (
	symSpace = 0   // any non-letter
	symOther = 27  // a letter with no a-z base (CJK, Greek, ...)
	symSkip  = 255 // a combining mark: contributes nothing
	nSyms    = 28  // space, a-z, other
)

// foldLimit bounds the precomputed rune table; it covers Latin-1, Latin
// Extended-A/B and Latin Extended Additional (Vietnamese).
const foldLimit = 0x2000

// asciiSym and runeSym are the symbols of ASCII bytes and of runes below
// foldLimit. They are variables with initialisers (not set in init) so
// that the tables built from them at package initialisation see them
// filled.
var asciiSym, runeSym = buildFoldTables()

// foldBases lists lower-case accented letters by their a-z base.
var foldBases = map[byte]string{
	'a': "àáâãäåāăąǎảạấầẩẫậắằẳẵặæ",
	'c': "çćĉċč",
	'd': "ďđð",
	'e': "èéêëēĕėęěẻẽẹếềểễệ",
	'g': "ĝğġģ",
	'h': "ĥħ",
	'i': "ìíîïĩīĭįıỉị",
	'j': "ĵ",
	'k': "ķ",
	'l': "ĺļľŀł",
	'n': "ñńņňŉ",
	'o': "òóôõöøōŏőơỏọốồổỗộớờởỡợœ",
	'r': "ŕŗř",
	's': "śŝşšßș",
	't': "ţťŧțþ",
	'u': "ùúûüũūŭůűųưủụứừửữự",
	'w': "ŵ",
	'y': "ýÿŷỳỵỷỹ",
	'z': "źżž",
}

// buildFoldTables computes asciiSym and runeSym.
func buildFoldTables() (asciiSym [utf8.RuneSelf]uint8, runeSym [foldLimit]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		switch {
		case 'a' <= c && c <= 'z':
			asciiSym[c] = uint8(c-'a') + 1
		case 'A' <= c && c <= 'Z':
			asciiSym[c] = uint8(c-'A') + 1
		}
	}
	base := map[rune]uint8{}
	for b, s := range foldBases {
		for _, r := range s {
			base[r] = b - 'a' + 1
		}
	}
	for r := rune(utf8.RuneSelf); r < foldLimit; r++ {
		if s, ok := base[unicode.ToLower(r)]; ok {
			runeSym[r] = s
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			runeSym[r] = symSkip
		case unicode.IsLetter(r):
			runeSym[r] = symOther
		default:
			runeSym[r] = symSpace
		}
	}
	for r := 0; r < utf8.RuneSelf; r++ {
		runeSym[r] = asciiSym[r]
	}
	return asciiSym, runeSym
}

// foldRune returns the folded symbol of r.
func foldRune(r rune) uint8 {
	if r >= 0 && r < foldLimit {
		return runeSym[r]
	}
	switch {
	case unicode.Is(unicode.Mn, r):
		return symSkip
	case unicode.IsLetter(r):
		return symOther
	}
	return symSpace
}

// symAt returns the folded symbol of the character at text[i] and its
// length in bytes.
func symAt(text []byte, i int) (uint8, int) {
	if c := text[i]; c < utf8.RuneSelf {
		return asciiSym[c], 1
	}
	r, n := utf8.DecodeRune(text[i:])
	return foldRune(r), n
}

// appendFolded appends the a-z folding of s to dst: letters only, each as
// its lower-case base letter, other letters as '?', everything else
// dropped. It is the key form of the name and word lists.
func appendFolded(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); {
		sym, n := symAt(s, i)
		i += n
		switch {
		case sym >= 1 && sym <= 26:
			dst = append(dst, 'a'+sym-1)
		case sym == symOther:
			dst = append(dst, '?')
		}
	}
	return dst
}

// foldString is appendFolded for a string, for building tables.
func foldString(s string) string {
	return string(appendFolded(nil, []byte(s)))
}

// isLetterAt reports whether the character at text[i] is a letter (or a
// combining mark, which belongs to one).
func isLetterAt(text []byte, i int) bool {
	sym, _ := symAt(text, i)
	return sym != symSpace
}

// letterBefore reports whether the character ending just before text[i]
// is a letter.
func letterBefore(text []byte, i int) bool {
	if i <= 0 {
		return false
	}
	if c := text[i-1]; c < utf8.RuneSelf {
		return asciiSym[c] != 0
	}
	r, _ := utf8.DecodeLastRune(text[:i])
	return foldRune(r) != symSpace
}
