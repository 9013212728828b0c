package detect

// daysIn returns the number of days in month m (1-12) of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// validDate reports whether y-m-d is a calendar date in 1800-2200.
func validDate(y, m, d int) bool {
	return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// plausibleBirth reports whether y-m-d is a date of birth for an age of 0
// to 120: not in the future, not more than 120 years ago.
func (s *Scanner) plausibleBirth(y, m, d int) bool {
	if !validDate(y, m, d) || y < s.nowY-120 {
		return false
	}
	return y < s.nowY || y == s.nowY && (m < s.nowM || m == s.nowM && d <= s.nowD)
}

// expandYear turns a two-digit year into the latest year not after now.
func (s *Scanner) expandYear(yy int) int {
	y := 2000 + yy
	if y > s.nowY {
		y -= 100
	}
	return y
}

// dateNumeric reads a numeric date: dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd,
// dd.mm.yyyy (any of / - .), dd/mm/yy, or yyyymmdd and ddmmyyyy (eight
// bare digits, after a birth label only). isDate reports a valid calendar
// date; it is a DATE_OF_BIRTH (0.90; 0.85 for a two-digit year or bare
// digits) only after a birth label and when plausible: invoice dates are
// not birthdays.
func (st *state) dateNumeric(sp *span) (h hit, ok, isDate bool) {
	s := st.s
	d := sp.digits
	type ymd struct{ y, m, d int }
	var cands [2]ymd
	nc := 0
	conf := 0.90
	switch {
	case sp.ng == 1:
		if st.spanCtx(sp.start)&ctxDOB == 0 {
			return hit{}, false, false
		}
		cands[0] = ymd{atoi(d[:4]), atoi(d[4:6]), atoi(d[6:8])}
		cands[1] = ymd{atoi(d[4:8]), atoi(d[2:4]), atoi(d[0:2])}
		nc = 2
		conf = 0.85
	case sp.lens[0] == 4 && sp.lens[1] <= 2 && sp.lens[2] <= 2:
		cands[0] = ymd{atoi(d[:4]), atoi(d[4 : 4+sp.lens[1]]), atoi(d[4+sp.lens[1]:])}
		nc = 1
	case sp.lens[0] <= 2 && sp.lens[1] <= 2 && (sp.lens[2] == 4 || sp.lens[2] == 2):
		a, b := atoi(d[:sp.lens[0]]), atoi(d[sp.lens[0]:sp.lens[0]+sp.lens[1]])
		y := atoi(d[sp.lens[0]+sp.lens[1]:])
		if sp.lens[2] == 2 {
			y = s.expandYear(y)
			conf = 0.85
		}
		cands[0] = ymd{y, b, a} // day first
		cands[1] = ymd{y, a, b} // month first (US)
		nc = 2
	default:
		return hit{}, false, false
	}
	for k := 0; k < nc; k++ {
		c := cands[k]
		if !validDate(c.y, c.m, c.d) {
			continue
		}
		isDate = true
		if !s.plausibleBirth(c.y, c.m, c.d) {
			continue
		}
		if st.spanCtx(sp.start)&ctxDOB == 0 {
			return hit{}, false, true
		}
		return hit{ent: entDOB, start: sp.start, end: sp.end, conf: conf, year: c.y}, true, true
	}
	return hit{}, false, isDate
}

// Hashes of the folded words "tháng" (month) and "năm" (year).
var (
	hashThang = hashFolded([]byte("thang"))
	hashNam   = hashFolded([]byte("nam"))
)

// monthNames maps folded month names and abbreviations (English, French,
// German, Portuguese) to their number.
var monthNames = func() map[string]int {
	names := [12]string{
		"january jan janvier januar janeiro",
		"february feb fevrier februar fevereiro",
		"march mar mars marz marco",
		"april apr avril abril",
		"may mai maio",
		"june jun juin juni junho",
		"july jul juillet juli julho",
		"august aug aout agosto",
		"september sep sept septembre setembro",
		"october oct octobre oktober outubro",
		"november nov novembre novembro",
		"december dec decembre dezember dezembro",
	}
	m := map[string]int{}
	for i, s := range names {
		w := ""
		for _, r := range s + " " {
			if r == ' ' {
				m[w] = i + 1
				w = ""
				continue
			}
			w += string(r)
		}
	}
	return m
}()

// readInt reads 1 to max digits at text[i], returning the value and the
// offset after them (i if there are none or too many).
func readInt(text []byte, i, maxDigits int) (int, int) {
	j := i
	for j < len(text) && isDigit(text[j]) && j-i <= maxDigits {
		j++
	}
	if j == i || j-i > maxDigits || wordCharAt(text, j) {
		return 0, i
	}
	return atoi(text[i:j]), j
}

// skipSpaces returns the offset after the spaces (and at most one comma)
// at i.
func skipSpaces(text []byte, i int) int {
	comma := false
	for i < len(text) && (text[i] == ' ' || text[i] == ',' && !comma) {
		comma = comma || text[i] == ','
		i++
	}
	return i
}

// readWord reads the letters of a word at text[i] and returns the offset
// after it.
func readWord(text []byte, i int) int {
	for i < len(text) {
		if text[i] < 0x80 {
			if asciiSym[text[i]] == 0 {
				break
			}
			i++
			continue
		}
		sym, n := symAt(text, i)
		if sym == symSpace {
			break
		}
		i += n
	}
	return i
}

// dayFirstDate reads "12 March 1990", "12. März 1990", "12 Mar, 1990",
// "20-Sep-1994" or "12 tháng 3 năm 1990" whose day ends at dayEnd, and reports a date of
// birth if a birth label precedes it. It returns the end of the date.
func (st *state) dayFirstDate(start, dayEnd int) (int, bool) {
	text := st.text
	day := atoi(text[start:dayEnd])
	i := dayEnd
	if i < len(text) && text[i] == '.' {
		i++
	}
	if i >= len(text) || text[i] != ' ' && text[i] != '-' && text[i] != '/' {
		return 0, false
	}
	sep := text[i] // "20-Sep-1994" and "20/Sep/1994" repeat theirs before the year
	i++
	w := readWord(text, i)
	if w == i {
		return 0, false
	}
	month := int(lookupWord(text[i:w]).month)
	ok := month != 0
	if !ok && hashFolded(text[i:w]) == hashThang { // tháng 3 năm 1990, tháng 03/1990
		m, j := readInt(text, skipSpaces(text, w), 2)
		if j == w {
			return 0, false
		}
		month, w = m, j
		if w < len(text) && text[w] == '/' {
			w++
		} else if k := skipSpaces(text, w); k < len(text) {
			e := readWord(text, k)
			if hashFolded(text[k:e]) == hashNam {
				w = e
			}
		}
	} else if !ok {
		return 0, false
	}
	if sep != ' ' {
		if w >= len(text) || text[w] != sep {
			return 0, false
		}
		w++
	}
	y, end := readInt(text, skipSpaces(text, w), 4)
	if end-skipSpaces(text, w) != 4 {
		return 0, false
	}
	return st.namedDate(start, end, y, month, day)
}

// monthFirstDate reads "March 12, 1990" at text[i], the month name ending
// at w.
func (st *state) monthFirstDate(i, w, month int) (int, bool) {
	text := st.text
	if w >= len(text) || text[w] != ' ' {
		return 0, false
	}
	day, j := readInt(text, w+1, 2)
	if j == w+1 {
		return 0, false
	}
	k := skipSpaces(text, j)
	y, end := readInt(text, k, 4)
	if end-k != 4 {
		return 0, false
	}
	return st.namedDate(i, end, y, month, day)
}

// namedDate reports a date written with a month name as a date of birth
// (0.90) if it is plausible and a birth label precedes it.
func (st *state) namedDate(start, end, y, m, d int) (int, bool) {
	if !validDate(y, m, d) {
		return 0, false
	}
	if st.s.plausibleBirth(y, m, d) && st.context(start)&ctxDOB != 0 {
		st.add(hit{ent: entDOB, start: start, end: end, conf: 0.90, year: y})
	}
	return end, true
}
