package detect

// Limits of a run of digits and separators.
const (
	maxGroups   = 12
	maxRunBytes = 64
)

// group is one run of digits inside a numRun.
type group struct {
	start, end int  // byte offsets of the digits
	sep        byte // the separator before it: ' ', '-', '.', '/', 'p' (parenthesis) or 0 for the first
}

// numRun is a run of digit groups joined by separators, such as
// "+84 (28) 3823-4567" or "12/03/1990".
type numRun struct {
	start, end int // the whole run, a leading + or ( included
	plus       bool
	paren      bool
	groups     [maxGroups]group
	ng         int
}

// isSepByte reports whether c may separate digit groups.
func isSepByte(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')'
}

// sepAt returns the separator at text[k] and its length in bytes, or a
// zero length: a separator byte, or a no-break space (U+00A0, U+202F, as
// word processors and web pages put between digit groups) read as ' '.
func sepAt(text []byte, k int) (byte, int) {
	switch c := text[k]; {
	case isSepByte(c):
		return c, 1
	case c == 0xC2 && k+1 < len(text) && text[k+1] == 0xA0:
		return ' ', 2
	case c == 0xE2 && k+2 < len(text) && text[k+1] == 0x80 && text[k+2] == 0xAF:
		return ' ', 3
	}
	return 0, 0
}

// numBoundaryBefore reports whether a number may start at text[i]: it must
// not continue a word ("abc123"), a product code ("SKU-123"), an e-mail
// address or a dotted number.
func numBoundaryBefore(text []byte, i int) bool {
	if i == 0 {
		return true
	}
	b := text[i-1]
	if b >= 0x80 {
		return !letterBefore(text, i)
	}
	if isAlnum(b) || b == '_' || b == '@' {
		return false
	}
	if i >= 2 {
		b2 := text[i-2]
		switch b {
		case '.', '-', '/', '#':
			if isDigit(b2) {
				return false
			}
			// "SKU-123", "A/12" continue a code; "ssn#123" and
			// "Order#123" label a number, which its context judges.
			if b != '.' && b != '#' && (isUpper(b2) || isLower(b2) || b2 == '_') {
				return false
			}
		case '+', '(':
			if isAlnum(b2) {
				return false
			}
		}
	}
	return true
}

// number reads the run of digits at i (or the + or ( before them),
// classifies it and returns where the main loop goes on.
func (st *state) number(i int) int {
	text := st.text
	n := len(text)
	if !numBoundaryBefore(text, i) {
		// A lower-case IBAN: "de89 3704…" (upper case ones start at
		// their letters, in upperWord).
		if i >= 2 && isLower(text[i-1]) && isLower(text[i-2]) && i+1 < n && isDigit(text[i+1]) {
			if e, ok := st.ibanLower(i - 2); ok {
				return e
			}
		}
		return st.valueEnd(i, max(skipWord(text, i), i+1))
	}
	r := &st.nr
	r.start, r.plus, r.paren, r.ng = i, false, false, 0
	j := i
	switch text[j] {
	case '+':
		r.plus = true
		j++
	case '(':
		r.paren = true
		j++
	}
	sep := byte(0)
	for {
		gs := j
		for j < n && isDigit(text[j]) {
			j++
		}
		r.groups[r.ng] = group{start: gs, end: j, sep: sep}
		r.ng++
		if r.ng == maxGroups || j-r.start > maxRunBytes {
			break
		}
		k := j
		sep = 0
		for k < n && k-j < 3 {
			c, size := sepAt(text, k)
			if size == 0 {
				break
			}
			if c == ' ' && k > j && text[k-1] == '.' {
				break // ". " ends a sentence or a list item
			}
			switch {
			case c == '(' || c == ')':
				sep = 'p'
				r.paren = true
			case c != ' ' && sep != 'p':
				sep = c
			case sep == 0:
				sep = ' '
			}
			k += size
		}
		if k == j || k >= n || !isDigit(text[k]) {
			break
		}
		j = k
	}
	r.end = j
	if r.paren && text[r.start] == '(' && (r.ng == 1 || r.groups[1].sep != 'p') {
		// "(464082330)": a number in parentheses, not an area code.
		r.start++
		r.paren = false
		for k := 1; k < r.ng; k++ {
			r.paren = r.paren || r.groups[k].sep == 'p'
		}
	}
	end := j
	if j < n && text[j] == ')' && r.paren {
		end = j + 1 // "(028)" closes
	}
	if wordCharAt(text, end) || (end < n && text[end] == '@') {
		return st.valueEnd(i, st.gluedNumber(r))
	}
	return st.valueEnd(i, max(end, st.classifyRun(r)))
}

// valueEnd notes that text[start:end] was a number or a code: unless it is
// a short number ("Phone 1:"), it ends the context of the label before it
// ("SKU-0903661977, 002203159497": the second number is not labelled
// "SKU"). It returns end.
func (st *state) valueEnd(start, end int) int {
	if end-start >= 4 {
		st.lastEnd = max(st.lastEnd, end)
	}
	return end
}

// gluedNumber handles a run followed directly by a letter: "12kg",
// "100.000đ", "0912345678abc" are not personal data, but an ISO date-time
// ("1990-03-12T00:00") and a house number with a letter ("221B Baker
// Street") may be.
func (st *state) gluedNumber(r *numRun) int {
	text := st.text
	end := r.end
	if end+1 < len(text) && text[end] == 'T' && isDigit(text[end+1]) {
		return max(end, st.classifyRun(r))
	}
	if r.ng == 1 && !r.plus && !r.paren {
		if e, ok := st.passportAlnum(r.groups[0].start); ok {
			return e // 73ZE20731 after a passport label
		}
	}
	if r.ng == 1 && end+1 < len(text) && isUpper(text[end]) && text[end+1] == ' ' && r.groups[0].end-r.groups[0].start <= 5 {
		if e := st.address(r.start, end+1); e > 0 {
			return e
		}
	}
	return skipWord(text, end)
}

// splittable reports whether a run may be cut before group g: only at a
// space (or a slash, as in "10.0.0.0/24"), and never inside a uniform
// grouping such as "4111 1111 1111 1112" (a bad card is not two numbers).
func (r *numRun) splittable(g int) bool {
	if g <= 0 || g >= r.ng {
		return true
	}
	if s := r.groups[g].sep; s != ' ' && s != '/' {
		return false
	}
	uniform := r.ng >= 3
	for k := 0; k < r.ng && uniform; k++ {
		l := r.groups[k].end - r.groups[k].start
		uniform = (l == 4 || (k == r.ng-1 && l < 4)) && (k == 0 || r.groups[k].sep == r.groups[1].sep)
	}
	return !uniform
}

// classifyRun finds the entities in a run: the whole run first, then, if
// nothing matches, its longest leading part that does, and so on. It
// returns the end of a date or address that reaches beyond the run, or 0.
func (st *state) classifyRun(r *numRun) int {
	g0 := 0
	for g0 < r.ng {
		if !r.splittable(g0) {
			g0++
			continue
		}
		matched := false
		for g1 := r.ng; g1 > g0; g1-- {
			if !r.splittable(g1) {
				continue
			}
			if st.classify(r, g0, g1) {
				g0, matched = g1, true
				break
			}
		}
		if !matched {
			if g0 == 0 && (r.ng == 1 || r.ng == 2 && r.groups[1].sep == '/') {
				return st.shortNumber(r)
			}
			g0++
		}
	}
	return 0
}
