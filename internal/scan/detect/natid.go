package detect

// otherLabels are the context kinds that label a number as something
// specific; a number labelled as one thing is not reported as another
// that needs no label (a "Số tài khoản" is not a CCCD).
const otherLabels = ctxPhone | ctxCard | ctxBank | ctxSSN | ctxCCCD | ctxCMND | ctxAadhaar | ctxPAN | ctxPassport | ctxDOB | ctxIP

// invalidSSNs are numbers that pass the area/group/serial rules but were
// never valid (078-05-1120, the Woolworth wallet card; 219-09-9999, an
// advertisement; 123-45-6789, the example of every form) or were published
// (457-55-5462).
var invalidSSNs = map[string]bool{"078051120": true, "219099999": true, "457555462": true, "123456789": true}

// validSSN checks a US social security number's nine digits: area not
// 000, 666 or 900-999; group not 00; serial not 0000; not a known invalid
// number.
func validSSN(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	area, group, serial := atoi(d[:3]), atoi(d[3:5]), atoi(d[5:])
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	return !invalidSSNs[string(d)]
}

// ssn detects a US SSN: 536-22-1234 (0.85), 536 22 1234 (0.60), or nine
// bare digits after an SSN label; 0.95 with the label.
func (st *state) ssn(sp *span) (hit, bool) {
	if !st.s.us || sp.plus || sp.paren {
		return hit{}, false
	}
	shaped := sp.lensAre(3, 2, 4)
	dashed := shaped && sp.sep == '-'
	spaced := shaped && sp.sep == ' '
	if !(dashed || spaced || sp.ng == 1) || !validSSN(sp.digits) {
		return hit{}, false
	}
	ctx := st.spanCtx(sp.start)
	var conf float64
	switch {
	case ctx&ctxSSN != 0 && sp.ng == 1:
		conf = 0.85
	case ctx&ctxSSN != 0:
		conf = 0.95
	case ctx&(ctxNegID|otherLabels) != 0:
		if !dashed {
			return hit{}, false
		}
		conf = 0.50
	case dashed:
		conf = 0.85
	case spaced:
		conf = 0.60
	default:
		return hit{}, false
	}
	return hit{ent: entSSN, start: sp.start, end: sp.end, conf: conf}, true
}

// vnProvinces are the province codes that open a CCCD number: the 63
// provinces and cities as issued (001 Hà Nội ... 096 Cà Mau).
var vnProvinces = []int{
	1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46,
	48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93,
	94, 95, 96,
}

// vnProvince indexes vnProvinces.
var vnProvince = func() (t [100]bool) {
	for _, p := range vnProvinces {
		t[p] = true
	}
	return t
}()

// cccdBirthYear returns the birth year a CCCD number encodes, or 0 if its
// structure is wrong. The layout is PPP G YY NNNNNN: PPP a province code;
// G the century and sex (0 male and 1 female born 1900-1999, 2 male and
// 3 female born 2000-2099; 4-9 for other centuries are not accepted); YY
// the last two digits of the birth year; then six serial digits.
func cccdBirthYear(d []byte) int {
	if len(d) != 12 || d[0] != '0' || !vnProvince[atoi(d[1:3])] || d[3] > '3' {
		return 0
	}
	return 1900 + 100*int((d[3]-'0')/2) + atoi(d[4:6])
}

// cccd detects a Vietnamese citizen identity card number: 12 digits, a
// province code, century-and-sex digit and a birth year for an age of 0
// to 120. Alone 0.60, with a CCCD/CMND/id label 0.95.
func (st *state) cccd(sp *span) (hit, bool) {
	if !st.s.vn || sp.plus || sp.paren || (sp.ng > 1 && sp.sep != ' ' && sp.sep != '.' && sp.sep != '-') {
		return hit{}, false
	}
	y := cccdBirthYear(sp.digits)
	if y == 0 || y > st.s.nowY || y < st.s.nowY-120 {
		return hit{}, false
	}
	ctx := st.spanCtx(sp.start)
	conf := 0.60
	switch {
	case ctx&(ctxCCCD|ctxCMND|ctxIDGeneric) != 0:
		conf = 0.95
	case ctx&(ctxNegID|otherLabels) != 0:
		return hit{}, false
	}
	return hit{ent: entCCCD, start: sp.start, end: sp.end, conf: conf}, true
}

// cccdUnpadded detects a CCCD that lost its leading zeros: eleven or ten
// bare digits under a CCCD label, as a spreadsheet that stored the number
// as a number shows it (079203001234 becomes 79203001234, and Hà Nội's
// 001085001234 becomes 1085001234). Every province code starts with 0
// (001 to 009 with two), so the zeros are put back and the number checked
// as a CCCD. 0.85.
func (st *state) cccdUnpadded(sp *span) (hit, bool) {
	n := len(sp.digits)
	if !st.s.vn || sp.ng != 1 || n != 11 && n != 10 || sp.digits[0] == '0' || sp.plus || sp.paren || st.spanCtx(sp.start)&ctxCCCD == 0 {
		return hit{}, false
	}
	padded := [12]byte{'0', '0'}
	copy(padded[12-n:], sp.digits)
	if y := cccdBirthYear(padded[:]); y == 0 || y > st.s.nowY || y < st.s.nowY-120 {
		return hit{}, false
	}
	return hit{ent: entCCCD, start: sp.start, end: sp.end, conf: 0.85}, true
}

// cmnd detects an old Vietnamese identity card number: nine digits, only
// after a CMND label (0.85) or a generic id label (0.60).
func (st *state) cmnd(sp *span) (hit, bool) {
	if !st.s.vn || sp.plus || sp.paren || !(sp.ng == 1 || sp.lensAre(3, 3, 3) && sp.sep == ' ') {
		return hit{}, false
	}
	ctx := st.spanCtx(sp.start)
	switch {
	case ctx&ctxCMND != 0:
		return hit{ent: entCMND, start: sp.start, end: sp.end, conf: 0.85}, true
	case ctx&ctxIDGeneric != 0 && ctx&otherLabels == 0:
		return hit{ent: entCMND, start: sp.start, end: sp.end, conf: 0.60}, true
	}
	return hit{}, false
}

// aadhaar detects an Indian Aadhaar number: 12 digits (or 4-4-4), the
// first 2-9, a valid Verhoeff check digit. Bare 0.70, grouped 0.85, with
// an Aadhaar label 0.95 (a generic id label 0.90).
func (st *state) aadhaar(sp *span) (hit, bool) {
	d := sp.digits
	grouped := sp.lensAre(4, 4, 4) && (sp.sep == ' ' || sp.sep == '-')
	if !st.s.in || sp.plus || sp.paren || !(sp.ng == 1 || grouped) || d[0] < '2' || !verhoeff(d) {
		return hit{}, false
	}
	ctx := st.spanCtx(sp.start)
	var conf float64
	switch {
	case ctx&ctxAadhaar != 0:
		conf = 0.95
	case ctx&ctxIDGeneric != 0 && ctx&otherLabels == 0:
		conf = 0.90
	case ctx&(ctxNegID|otherLabels) != 0:
		if !grouped {
			return hit{}, false
		}
		conf = 0.50
	case grouped:
		conf = 0.85
	default:
		conf = 0.70
	}
	return hit{ent: entAadhaar, start: sp.start, end: sp.end, conf: conf}, true
}

// passportDigits detects an all-digit passport number (US, GB: nine
// digits; some others eight) after a passport label: 0.75.
func (st *state) passportDigits(sp *span) (hit, bool) {
	if sp.ng != 1 || sp.plus || sp.paren {
		return hit{}, false
	}
	if st.spanCtx(sp.start)&ctxPassport == 0 {
		return hit{}, false
	}
	return hit{ent: entPassport, start: sp.start, end: sp.end, conf: 0.75}, true
}

// panHolderTypes are the valid fourth letters of a PAN: Person, Company,
// HUF, Firm, AOP, Trust, BOI, Local authority, artificial Juridical
// person, Government.
const panHolderTypes = "PCHFATBLJG"

// pan detects an Indian PAN at text[i]: five letters (the fourth a holder
// type), four digits, a letter. 0.85, 0.95 after a PAN label, 0.50 after
// an order/product label. It returns the end of the word.
func (st *state) pan(i int) (int, bool) {
	text := st.text
	if !st.s.in || i+10 > len(text) || wordCharAt(text, i+10) {
		return 0, false
	}
	for k := 0; k < 10; k++ {
		c := text[i+k]
		if ok := isUpper(c); k >= 5 && k <= 8 {
			if !isDigit(c) {
				return 0, false
			}
		} else if !ok {
			return 0, false
		}
	}
	isType := false
	for k := 0; k < len(panHolderTypes); k++ {
		isType = isType || panHolderTypes[k] == text[i+3]
	}
	if !isType {
		return 0, false
	}
	ctx := st.context(i)
	conf := 0.85
	switch {
	case ctx&ctxPAN != 0:
		conf = 0.95
	case ctx&(ctxNegID|otherLabels) != 0:
		conf = 0.50
	}
	st.add(hit{ent: entPAN, start: i, end: i + 10, conf: conf})
	return i + 10, true
}

// passportAlnum detects a passport number of six to nine upper-case
// letters and digits, at least one of each (the German and other
// machine-readable styles: "C01X00T47", "HGYYWCCF5"), after a passport
// label: 0.75. It returns the end of the word.
func (st *state) passportAlnum(i int) (int, bool) {
	text := st.text
	k, digits := i, 0
	for k < len(text) && k-i < 10 && (isUpper(text[k]) || isDigit(text[k])) {
		if isDigit(text[k]) {
			digits++
		}
		k++
	}
	if n := k - i; n < 6 || n > 9 || digits == 0 || digits == n || wordCharAt(text, k) {
		return 0, false
	}
	if st.context(i)&ctxPassport == 0 {
		return 0, false
	}
	st.add(hit{ent: entPassport, start: i, end: k, conf: 0.75})
	return k, true
}

// passportLetters detects a passport number that starts with letters
// (text[i:j], one or two) after a passport label: one letter and 7 or 8
// digits (VN, IN, US new style, SG with a trailing letter), two letters
// and 6 or 7 digits (BR and others). 0.80. It returns the end of the
// word.
func (st *state) passportLetters(i, j int) (int, bool) {
	text := st.text
	k := j
	for k < len(text) && isDigit(text[k]) {
		k++
	}
	nl, nd := j-i, k-j
	if nl == 1 && k < len(text) && isUpper(text[k]) && nd == 7 {
		k++ // SG: S1234567D
	}
	if wordCharAt(text, k) {
		return 0, false
	}
	if !(nl == 1 && (nd == 7 || nd == 8) || nl == 2 && (nd == 6 || nd == 7)) {
		return 0, false
	}
	if st.context(i)&ctxPassport == 0 {
		return 0, false
	}
	st.add(hit{ent: entPassport, start: i, end: k, conf: 0.80})
	return k, true
}
