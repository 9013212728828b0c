package detect

import (
	"strings"
	"unicode/utf8"
)

// Flags of the street words.
const (
	swPrefixVN uint8 = 1 << iota // Đường, Phố, Ngõ, Hẻm: before the street name
	swPrefix                     // rue, avenue, rua, calle: before the street name
	swSuffix                     // Street, Road, Ave, Marg: after it
	swAdmin                      // Phường, Quận, Huyện, TP, District: an administrative unit
	swParticle                   // de, la, da, of: lower-case words inside a street name
)

// streetFlags maps folded street words to their flags.
var streetFlags = func() map[string]uint8 {
	m := map[string]uint8{}
	for _, l := range []struct {
		words string
		flag  uint8
	}{
		{"Đường Phố Ngõ Hẻm Kiệt Ngách", swPrefixVN},
		{"rue avenue boulevard bd allée chemin impasse quai rua avenida av travessa estrada alameda calle via viale piazza", swPrefix},
		{"Street St Road Rd Avenue Ave Lane Ln Boulevard Blvd Drive Dr Way Court Ct Place Pl Terrace Close Crescent Parkway Pkwy " +
			"Highway Hwy Marg Nagar Colony Layout Square Sq Row Mews Gardens Hill Park Walk Grove", swSuffix},
		{"Phường P Quận Q Huyện Xã Thị Trấn TP Thành Tỉnh District Ward Dist City Town Village Ấp Thôn Khu Tổ", swAdmin},
		{"de la le du des da do das dos del di of the", swParticle},
	} {
		for _, w := range strings.Fields(l.words) {
			m[foldString(w)] |= l.flag
		}
	}
	return m
}()

// cityNames are folded city names that may end an address without an
// administrative word ("..., Hà Nội").
var cityNames = map[string]bool{}

func init() {
	for _, c := range []string{"Hà Nội", "Hồ Chí Minh", "HCM", "TPHCM", "HCMC", "Sài Gòn", "Đà Nẵng", "Hải Phòng", "Cần Thơ",
		"Huế", "Nha Trang", "Vũng Tàu", "Biên Hòa", "Mumbai", "Delhi", "Bengaluru", "Bangalore", "Chennai", "Kolkata",
		"Hyderabad", "Pune", "London", "Berlin", "Paris", "Singapore"} {
		cityNames[foldStringSpaced(c)] = true
	}
}

// hasNonASCII reports whether b has a byte outside ASCII.
func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// wordKey folds text[i:j] into st.buf and returns it as a map key.
func (st *state) wordKey(i, j int) []byte {
	st.buf = appendFolded(st.buf[:0], st.text[i:j])
	return st.buf
}

// spacedKey folds text[i:j] as foldStringSpaced does, into st.buf: the
// folded words separated by single spaces.
func (st *state) spacedKey(i, j int) []byte {
	b := st.buf[:0]
	for k := i; k < j; {
		for k < j && (st.text[k] == ' ' || st.text[k] == '\t' || st.text[k] == '\n' || st.text[k] == '\r') {
			k++
		}
		e := k
		for e < j && !(st.text[e] == ' ' || st.text[e] == '\t' || st.text[e] == '\n' || st.text[e] == '\r') {
			e++
		}
		if e > k {
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = appendFolded(b, st.text[k:e])
		}
		k = e
	}
	st.buf = b
	return b
}

// streetName reads the words of a street name from text[i]: capitalised
// words, particles, and (after a Vietnamese prefix) numbers as in
// "Ngõ 5 Phố Huế". It returns the end of the last word read and whether a
// suffix word (Street, Road...) ended it.
func (st *state) streetName(i int, numbers bool) (end int, suffix bool) {
	text := st.text
	end = i
	for words := 0; words < 6 && i < len(text); words++ {
		var j int
		switch {
		case numbers && isDigit(text[i]):
			j = i
			for j < len(text) && (isDigit(text[j]) || text[j] == '/') {
				j++
			}
		default:
			j = readWord(text, i)
		}
		if j == i {
			break
		}
		f := lookupWord(text[i:j]).street
		j = skipPossessive(text, j) // "King's Road", "St John’s Wood"
		if f&swAdmin != 0 && words > 0 && !numbers {
			break
		}
		if f&swSuffix != 0 && words > 0 && capitalAt(text, i) {
			if j < len(text) && text[j] == '.' {
				j++
			}
			return j, true
		}
		if !capitalAt(text, i) && !isDigit(text[i]) && f&(swParticle|swPrefix|swPrefixVN) == 0 {
			break
		}
		end = j
		if j+1 >= len(text) || text[j] != ' ' {
			break
		}
		i = j + 1
	}
	return end, false
}

// skipPossessive returns the end of a possessive "'s" (or "’s") at
// text[j], or j.
func skipPossessive(text []byte, j int) int {
	k := j
	switch {
	case k < len(text) && text[k] == '\'':
		k++
	case k+2 < len(text) && text[k] == 0xE2 && text[k+1] == 0x80 && text[k+2] == 0x99: // ’
		k += 3
	default:
		return j
	}
	if k < len(text) && (text[k] == 's' || text[k] == 'S') && (k+1 == len(text) || asciiSym[text[k+1]] == 0 && text[k+1] < utf8.RuneSelf) {
		return k + 1
	}
	return j
}

// unitWords name a flat or suite within a building: "Apt 3", "Suite 200".
var unitWords = map[string]bool{"apt": true, "apartment": true, "suite": true, "ste": true, "unit": true, "flat": true,
	"room": true, "rm": true, "floor": true, "fl": true, "bldg": true, "building": true, "phong": true}

// unitTail extends an address over a unit after the street (", Apt 3",
// " Suite 200", ", Unit #4B"): the number there is the flat's, not the
// start of another address. It returns the new end, or i.
func (st *state) unitTail(i int) int {
	text := st.text
	j := i
	if j < len(text) && text[j] == ',' {
		j++
	}
	if j >= len(text) || text[j] != ' ' {
		return i
	}
	j++
	w := readWord(text, j)
	if w == j || !unitWords[string(st.wordKey(j, w))] {
		return i
	}
	if w < len(text) && text[w] == '.' {
		w++
	}
	for w < len(text) && (text[w] == ' ' || text[w] == '#') && w-j < 12 {
		w++
	}
	e := w
	for e < len(text) && isAlnum(text[e]) || e < len(text) && text[e] == '-' && e+1 < len(text) && isAlnum(text[e+1]) {
		e++
	}
	if e == w || !isDigit(text[w]) && e-w > 2 {
		return i // "Suite" with no number, or a word after it
	}
	return e
}

// adminTail extends an address over the administrative units that follow
// it at text[i] (", Phường Bến Nghé, Quận 1, TP.HCM"); it returns the new
// end and whether there was one.
func (st *state) adminTail(i int) (int, bool) {
	text := st.text
	end, found := i, false
	for seg := 0; seg < 5; seg++ {
		j := end
		for j < len(text) && j-end < 3 && (text[j] == ',' || text[j] == ' ' || text[j] == '-') {
			j++
		}
		if j == end || j >= len(text) {
			break
		}
		w := readWord(text, j)
		if w == j {
			break
		}
		if lookupWord(text[j:w]).street&swAdmin == 0 && !cityNames[string(st.wordKey(j, w))] {
			// A two-word city ("Hà Nội") or a dotted one ("TP.HCM").
			e, _ := st.streetName(j, false)
			if !cityNames[string(st.spacedKey(j, e))] {
				break
			}
			end, found = e, true
			continue
		}
		if w < len(text) && text[w] == '.' {
			w++
		}
		e := w
		if e < len(text) && text[e] == ' ' {
			e, _ = st.streetName(e+1, true)
		} else if e < len(text) && (isDigit(text[e]) || capitalAt(text, e)) {
			e, _ = st.streetName(e, true)
		}
		end, found = max(e, w), true
	}
	return end, found
}

// address looks for a street address starting with the house number at
// text[start:numEnd]: "123 Đường Lê Lợi", "221B Baker Street", "12 rue de
// la Paix", "12, MG Road", "45 Lê Lợi, Phường Bến Nghé, Quận 1". A
// prefix or suffix street word gives 0.65, administrative units after the
// street 0.60; an address label adds 0.20. It returns the
// end of the address, or 0.
func (st *state) address(start, numEnd int) int {
	text := st.text
	j := numEnd
	if j < len(text) && text[j] == ',' {
		j++
	}
	if j+1 >= len(text) || text[j] != ' ' {
		return 0
	}
	j++
	w := readWord(text, j)
	if w == j {
		return 0
	}
	conf := 0.0
	var end int
	if f := lookupWord(text[j:w]).street; f&(swPrefixVN|swPrefix) != 0 {
		conf = 0.65
		end = w
		if w+1 < len(text) && text[w] == ' ' {
			end, _ = st.streetName(w+1, true)
		}
	} else if capitalAt(text, j) {
		e, suffix := st.streetName(j, false)
		end = e
		if suffix {
			conf = 0.65
		}
	} else {
		return 0
	}
	end = st.unitTail(end)
	if tail, ok := st.adminTail(end); ok {
		end = tail
		conf = max(conf, 0.60)
	}
	end = ukPostcodeTail(text, end)
	ctx := st.context(start)
	switch {
	case ctx&ctxAddress != 0:
		if conf == 0 {
			conf = 0.50
		}
		conf = min(conf+0.20, 0.90)
	case ctx&(ctxNegID|ctxVersion) != 0:
		conf -= 0.30
	}
	if conf <= 0.3 {
		return 0
	}
	st.add(hit{ent: entAddress, start: start, end: end, conf: conf})
	return end
}

// ukPostcodeTail extends an address that ends at text[end] over a UK
// postcode after it ("London NW1 6XE", ", SW1A 1AA", a town and its
// postcode: ", Manchester M1 1AE"), also when the
// address's last word was read as the postcode's letters ("London NW"
// before "1 6XE"); it returns the new end.
func ukPostcodeTail(text []byte, end int) int {
	at := end
	switch {
	case end > 0 && end < len(text) && isDigit(text[end]) && isUpper(text[end-1]):
		// Stopped inside the outward code: back to its start.
		for at > 0 && isUpper(text[at-1]) {
			at--
		}
	default:
		for at < len(text) && at-end < 2 && (text[at] == ' ' || text[at] == ',') {
			at++
		}
	}
	if e := ukPostcode(text, at); e > 0 {
		return e
	}
	// A town before the postcode: ", Manchester M1 1AE".
	if at > end && at < len(text) && isUpper(text[at]) {
		w := at + 1
		for w < len(text) && text[w] >= 'a' && text[w] <= 'z' {
			w++
		}
		if w-at >= 3 && w+1 < len(text) && text[w] == ' ' {
			if e := ukPostcode(text, w+1); e > 0 {
				return e
			}
		}
	}
	return end
}

// ukPostcode returns the end of a UK postcode at text[i] ("NW1 6XE",
// "SW1A 1AA", "M1 1AE", "EC1A1BB"), 0 when there is none: one or two
// letters, a digit, perhaps a letter or digit, perhaps a space, a digit
// and two letters, then no letter or digit.
func ukPostcode(text []byte, i int) int {
	j := i
	for j < len(text) && j-i < 2 && isUpper(text[j]) {
		j++
	}
	if j == i || j >= len(text) || !isDigit(text[j]) {
		return 0
	}
	j++
	if j < len(text) && (isDigit(text[j]) || isUpper(text[j])) {
		j++
	}
	if j < len(text) && text[j] == ' ' {
		j++
	}
	if j+3 > len(text) || !isDigit(text[j]) || !isUpper(text[j+1]) || !isUpper(text[j+2]) {
		return 0
	}
	j += 3
	if j < len(text) && (isDigit(text[j]) || isUpper(text[j]) || text[j] >= 'a' && text[j] <= 'z') {
		return 0
	}
	return j
}

// germanSuffixes end a German street name written before its number
// ("Hauptstraße 5"), folded (ß folds to s).
var germanSuffixes = []string{"strase", "strasse", "str", "weg", "allee", "platz", "gasse", "damm"}

// hasGermanSuffix reports whether a word ends like a German street name
// ("...straße", "...weg").
func hasGermanSuffix(w []byte) bool {
	if len(w) < 5 {
		return false
	}
	var buf [16]byte
	// Fold the last bytes only: enough for the longest suffix.
	tail := w[max(0, len(w)-9):]
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	key := appendFolded(buf[:0], tail)
	for _, s := range germanSuffixes {
		if len(key) >= len(s) && string(key[len(key)-len(s):]) == s {
			return true
		}
	}
	return false
}

// streetFirst looks for an address that starts with the street at text[i]
// (the word ending at w, with street flags f, or a German street name):
// "Hauptstraße 5", "Rua das Flores, 123", "Đường Lê Lợi, Quận 1". It
// returns the end of the address, or 0.
func (st *state) streetFirst(i, w int, f uint8, german bool) int {
	text := st.text
	// "Ngô" and "Dương" are surnames that fold like "Ngõ" and "Đường":
	// written with diacritics, the word must be the street word itself;
	// written without, it needs a house number or district, not just a
	// label.
	ambiguous := false
	if f&swPrefixVN != 0 {
		raw := text[i:w]
		if hasNonASCII(raw) && !isVNPlaceWord(raw) {
			return 0
		}
		ambiguous = !hasNonASCII(raw)
	}
	if w < len(text) && text[w] == ':' {
		return 0 // "BD:2C:A8:..." (a MAC address), "Street: ..." (a label)
	}
	end := w
	if !german && w+1 < len(text) && text[w] == ' ' {
		end, _ = st.streetName(w+1, f&swPrefixVN != 0)
		if end == w+1 {
			return 0
		}
	}
	conf := 0.0
	// A house number after the street.
	k := end
	if k < len(text) && text[k] == ',' {
		k++
	}
	if k+1 < len(text) && text[k] == ' ' && isDigit(text[k+1]) {
		_, e := readInt(text, k+1, 4)
		if e == k+1 && e+1 < len(text) && isUpper(text[e]) {
			e++
		}
		if e > k+1 && !wordCharAt(text, e) {
			end, conf = e, 0.65
		}
	}
	if tail, ok := st.adminTail(end); ok {
		end, conf = tail, max(conf, 0.60)
	}
	if conf == 0 && ambiguous {
		return 0
	}
	if st.context(i)&ctxAddress != 0 {
		conf = min(max(conf, 0.50)+0.20, 0.90)
	}
	if conf == 0 {
		return 0
	}
	st.add(hit{ent: entAddress, start: i, end: end, conf: conf})
	return end
}
