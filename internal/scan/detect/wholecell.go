package detect

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// maxCell bounds the text that a name or address hint makes one candidate.
const (
	maxNameCell    = 100
	maxAddressCell = 300
)

// trimmed returns the span of text without leading and trailing white
// space and quotes.
func trimmed(text []byte) (int, int) {
	s, e := 0, len(text)
	for s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\n' || text[s] == '\r' || text[s] == '"') {
		s++
	}
	for e > s && (text[e-1] == ' ' || text[e-1] == '\t' || text[e-1] == '\n' || text[e-1] == '\r' || text[e-1] == '"') {
		e--
	}
	return s, e
}

// looksLikeName reports whether v could be a person's name: one to six
// words of letters (with . - ' inside), no digits, valid UTF-8, at least
// two letters.
func looksLikeName(v []byte) bool {
	if !utf8.Valid(v) {
		return false
	}
	letters, words, inWord := 0, 0, false
	for _, r := range string(v) {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			letters++
			if !inWord {
				words++
				inWord = true
			}
		case r == ' ':
			inWord = false
		case r == '.' || r == '-' || r == '\'' || r == ',':
		default:
			return false
		}
	}
	return letters >= 2 && words <= 6
}

// groupWords are words that make a display name a group's, a shop's, a
// desk's or an organisation's rather than a person's ("Nhóm Bạn Thân",
// "Shop Hoa Mai", "Hỗ trợ khách hàng", "Cửa hàng Hoa Tươi"). None is a
// Vietnamese, Indian or Western name word.
var groupWords = [][]byte{[]byte("nhóm"), []byte("group"), []byte("team"), []byte("shop"), []byte("store"), []byte("club"),
	[]byte("clb"), []byte("hội"), []byte("company"), []byte("công"), []byte("ltd"), []byte("inc"), []byte("llc"), []byte("jsc"), []byte("official"),
	[]byte("khách"), []byte("khach"), []byte("trợ"), []byte("cửa"), []byte("tổng"), []byte("đài"), []byte("cskh"), []byte("tnhh"), []byte("cty"),
	[]byte("phòng"), []byte("support"), []byte("sales"), []byte("service"), []byte("hotline"), []byte("admin"), []byte("helpdesk"),
	[]byte("bot")}

// groupWordsByFirst lists the group words by their first byte, so that
// a word is compared only with those that could match it. Folding keeps
// the first byte of these words but for an ASCII letter's case: the
// upper- and lower-case forms of "đ", "ó", "ợ" share their lead byte.
var groupWordsByFirst = func() (m [256][][]byte) {
	for _, g := range groupWords {
		m[g[0]] = append(m[g[0]], g)
	}
	return m
}()

// namesAGroup reports whether a name-like text holds a group word (any
// case). It allocates nothing: it runs on every cell of a name column.
func namesAGroup(v []byte) bool {
	for len(v) > 0 {
		w := v
		if k := bytes.IndexByte(v, ' '); k >= 0 {
			w, v = v[:k], v[k+1:]
		} else {
			v = nil
		}
		w = trimGroupPunct(w)
		if len(w) == 0 || len(w) > 8 {
			continue
		}
		first := w[0]
		if 'A' <= first && first <= 'Z' {
			first |= 0x20
		}
		for _, g := range groupWordsByFirst[first] {
			if len(w) == len(g) && bytes.EqualFold(w, g) {
				return true
			}
		}
	}
	return false
}

// trimGroupPunct is bytes.Trim(w, ".,-'") without building the cut set
// on every call.
func trimGroupPunct(w []byte) []byte {
	punct := func(c byte) bool { return c == '.' || c == ',' || c == '-' || c == '\'' }
	for len(w) > 0 && punct(w[0]) {
		w = w[1:]
	}
	for len(w) > 0 && punct(w[len(w)-1]) {
		w = w[:len(w)-1]
	}
	return w
}

// wholeCell reports the whole text as a name or an address when the hint
// says it is one (a "Họ tên" or "address" column): a name-like text under
// a name hint is a PERSON (0.85; user.name.first or .last for a first or
// last name column), any text with letters under an address hint (but
// not "email address", "IP address", "URL") a STREET_ADDRESS (0.80).
func (st *state) wholeCell() {
	h := st.hint
	if h&(ctxName|ctxAddress) == 0 {
		return
	}
	s, e := trimmed(st.text)
	v := st.text[s:e]
	defer func(last int) { st.lastEnd = last }(st.lastEnd)
	switch {
	case h&ctxName != 0 && h&(ctxNotPerson|ctxEmail|ctxPhone|ctxURL|ctxAddress|ctxIP) == 0 && e-s <= maxNameCell && looksLikeName(v) && !namesAGroup(v):
		cat := ""
		switch {
		case h&ctxFirstName != 0 && h&ctxLastName == 0:
			cat = catFirstName
		case h&ctxLastName != 0 && h&ctxFirstName == 0:
			cat = catLastName
		}
		st.add(hit{ent: entPerson, start: s, end: e, conf: 0.85, cat: cat})
	case h&ctxAddress != 0 && h&(ctxEmail|ctxIP|ctxURL) == 0 && e-s >= 5 && e-s <= maxAddressCell && utf8.Valid(v):
		letters := 0
		for _, r := range string(v) {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 3 {
			st.add(hit{ent: entAddress, start: s, end: e, conf: 0.80})
		}
	}
}
