package detect

import "strings"

// upperWord handles a word starting with an upper-case letter at text[i]:
// codes of letters and digits (IBAN, PAN, passport) and capitalised words
// (month names, streets, names). It returns where the main loop goes on.
func (st *state) upperWord(i int) int {
	text := st.text
	if text[i] != 0xC4 {
		j := i
		for j < len(text) && isUpper(text[j]) {
			j++
		}
		if j < len(text) && isDigit(text[j]) {
			nu := j - i
			if nu == 2 {
				if e, ok := st.iban(i); ok {
					return e
				}
			}
			if nu == 5 {
				if e, ok := st.pan(i); ok {
					return e
				}
			}
			if nu <= 2 {
				if e, ok := st.passportLetters(i, j); ok {
					return e
				}
			}
			if e, ok := st.passportAlnum(i); ok {
				return e
			}
			return skipWord(text, i)
		}
	}
	return st.capitalized(i)
}

// capitalized handles a capitalised word at text[i]: a month name
// starting a date, a street word starting an address, or the first word
// of a name.
func (st *state) capitalized(i int) int {
	text := st.text
	w := readWord(text, i)
	if w == i {
		return i + 1
	}
	lw := lookupWord(text[i:w])
	if lw.month != 0 {
		if e, ok := st.monthFirstDate(i, w, int(lw.month)); ok {
			return e
		}
	}
	sf := lw.street
	german := sf == 0 && w-i >= 5 && strings.IndexByte("ergzm", text[w-1]) >= 0 && hasGermanSuffix(text[i:w])
	if sf&(swPrefix|swPrefixVN) != 0 || german {
		if e := st.streetFirst(i, w, sf, german); e > 0 {
			return e
		}
	}
	if e := st.person(i, w, lw); e > 0 {
		return e
	}
	return w
}

// shortNumber handles a short number that is nothing by itself: the day
// of a date written with a month name, or a house number.
// It returns the end of what it found, or 0.
func (st *state) shortNumber(r *numRun) int {
	g := r.groups[0]
	last := r.groups[r.ng-1]
	if r.plus || r.paren || last.end-g.start > 9 {
		return 0
	}
	if r.ng == 1 && g.end-g.start <= 2 {
		if e, ok := st.dayFirstDate(g.start, g.end); ok {
			return e
		}
	}
	return st.address(g.start, last.end)
}
