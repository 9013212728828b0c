package detect

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameWords bounds the words of a name.
const maxNameWords = 5

// nameWord is one capitalised word of a candidate name.
type nameWord struct {
	start, end int
	flags      uint16
	letters    int
	accented   bool
}

// capitalAt reports whether the character at text[i] is an upper-case
// letter.
func capitalAt(text []byte, i int) bool {
	if i >= len(text) {
		return false
	}
	if c := text[i]; c < utf8.RuneSelf {
		return isUpper(c)
	}
	r, _ := utf8.DecodeRune(text[i:])
	return unicode.IsUpper(r)
}

// readNameWord reads a word of letters (with inner hyphens and
// apostrophes) at text[i] and returns its end and letter count.
func readNameWord(text []byte, i int) (end, letters int, accented bool) {
	j := i
	for j < len(text) {
		c := text[j]
		if c < utf8.RuneSelf {
			switch {
			case asciiSym[c] != 0:
				letters++
				j++
				continue
			case (c == '-' || c == '\'') && j > i && j+1 < len(text) && isLetterAt(text, j+1):
				j++
				continue
			}
			break
		}
		sym, n := symAt(text, j)
		if sym == symSpace {
			break
		}
		accented = true
		if sym != symSkip {
			letters++
		}
		j += n
	}
	return j, letters, accented
}

// readName reads up to maxNameWords capitalised words at text[i], one
// space apart, stopping before a stop word (a street, organisation or
// greeting word).
//
// The first word's entry (for text[i:firstEnd]) is known already.
func (st *state) readName(i, firstEnd int, first lexEntry, ws *[maxNameWords]nameWord) int {
	text := st.text
	n := 0
	for n < maxNameWords && capitalAt(text, i) {
		end, letters, acc := readNameWord(text, i)
		if letters == 0 || end-i > 24 || end < len(text) && (isDigit(text[end]) || text[end] == '_' || text[end] == '@') {
			break
		}
		var e lexEntry
		if n == 0 && end == firstEnd {
			e = first
		} else {
			e = lookupWord(text[i:end])
		}
		f := e.name
		// A month name ends a name ("Anna May 2020") unless it is also
		// a given name and no number follows ("Nguyễn Thị Mai Anh").
		month := e.month != 0 && n > 0 && (f&(nVNGiven|nFirst) == 0 || digitFollows(text, end))
		if f&nStop != 0 || month || e.place && acc && isVNPlaceWord(text[i:end]) {
			break
		}
		ws[n] = nameWord{start: i, end: end, flags: f, letters: letters, accented: acc}
		n++
		if end+1 >= len(text) || text[end] != ' ' {
			break
		}
		i = end + 1
	}
	return n
}

// digitFollows reports whether a number follows text[end] after spaces or
// a comma: "May 5", "Mai, 2024".
func digitFollows(text []byte, end int) bool {
	for end < len(text) && (text[end] == ' ' || text[end] == ',') {
		end++
	}
	return end < len(text) && isDigit(text[end])
}

// afterPlaceWord reports whether the word or number before text[i] makes
// what follows a street or place name: a house number, "Đường", "Quận",
// "TP", "Street" and the like.
func (st *state) afterPlaceWord(i int) bool {
	text := st.text
	j := i
	for j > 0 && i-j < 3 && (text[j-1] == ' ' || text[j-1] == '.') {
		j--
	}
	if j == i || j == 0 {
		return false
	}
	if isDigit(text[j-1]) {
		return true
	}
	k := j
	for k > 0 && j-k < 24 && (text[k-1] >= utf8.RuneSelf || asciiSym[text[k-1]] != 0) {
		k--
	}
	return lookupWord(text[k:j]).street != 0
}

// compassWord reports whether w is North, South, East or West (any case):
// after an unknown word it names a district, not a surname.
func compassWord(w []byte) bool {
	switch strings.ToLower(string(w)) {
	case "north", "south", "east", "west":
		return true
	}
	return false
}

// person scores the capitalised words at text[i] as a person's name; it
// returns the end of the name (or of a place name that looks like one, to
// be skipped whole), or 0.
//
//   - a strong Vietnamese surname and one to four short words: 0.70, 0.80
//     with a known middle or given name ("Nguyễn Văn An");
//   - a weak one (Lê, Đỗ, Hồ, ...) needs a known middle or given name
//     next (0.70), or its diacritics (0.70);
//   - a known first name and a known last name: 0.80; a known first name
//     and any capitalised word: 0.55; an unknown word and a known last
//     name: 0.50; a Chinese surname first and short words: 0.55;
//   - any two to four capitalised words after a name label: 0.65.
//
// A name label before it adds 0.15 (at most 0.90). Words after a house
// number or a street word, and known place names, are not names.
//
// The first word, text[i:w], has the lexicon entry first.
func (st *state) person(i, w int, first lexEntry) int {
	var ws [maxNameWords]nameWord
	n := st.readName(i, w, first, &ws)
	if n < 2 {
		return 0
	}
	f0, fl := ws[0].flags, ws[n-1].flags
	known := false
	for k := 1; k < n; k++ {
		known = known || ws[k].flags&(nVNMiddle|nVNGiven) != 0
	}
	short := true
	for k := 0; k < n; k++ {
		short = short && ws[k].letters <= 7
	}
	conf := 0.0
	switch {
	case f0&nVNStrong != 0 && short:
		conf = 0.70
		if known {
			conf = 0.80
		}
	case f0&nVNWeak != 0 && short && (ws[1].flags&(nVNMiddle|nVNGiven) != 0 || ws[0].accented):
		conf = 0.70
	case f0&nFirst != 0 && fl&nLast != 0:
		conf = 0.80
	case f0&nFirst != 0 && n <= 3:
		conf = 0.55
	case fl&nLast != 0 && n <= 3 && !compassWord(st.text[ws[n-1].start:ws[n-1].end]):
		conf = 0.50 // but "Bandra West", "Andheri East" are parts of a city
	case f0&nCNSurname != 0 && short && n <= 3:
		conf = 0.55
	}
	ctx := st.context(i)
	switch {
	case ctx&ctxName != 0 && ctx&ctxNotPerson == 0:
		if conf == 0 && n <= 4 {
			conf = 0.50
		}
		conf = min(conf+0.15, 0.90)
	case ctx&ctxNotPerson != 0:
		conf -= 0.20
	}
	if conf <= 0.3 || st.afterPlaceWord(i) {
		return 0
	}
	h := uint64(fnvOffset)
	for k := 0; k < n; k++ {
		if k > 0 {
			h = (h ^ ' ') * fnvPrime
		}
		h = hashFoldedFrom(h, st.text[ws[k].start:ws[k].end])
		if k > 0 && placeNames[h] {
			return ws[k].end
		}
	}
	// A chat bot's display name ("Zalo Bot", "Admin Bot"). The other
	// group words are not checked here: "Công" and "Đài" are given names
	// as well as the words of "công ty" and "tổng đài".
	if last := st.text[ws[n-1].start:ws[n-1].end]; bytes.EqualFold(last, []byte("bot")) {
		return ws[n-1].end
	}
	st.add(hit{ent: entPerson, start: ws[0].start, end: ws[n-1].end, conf: conf})
	return ws[n-1].end
}
