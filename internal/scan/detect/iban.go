package detect

// ibanLengths is the IBAN length of each country (SWIFT IBAN registry),
// indexed by ibanCountry.
var ibanLengths [26 * 26]uint8

// ibanCountry indexes ibanLengths by two upper-case letters.
func ibanCountry(a, b byte) int { return int(a-'A')*26 + int(b-'A') }

func init() {
	const table = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 " +
		"EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 " +
		"KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 " +
		"PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 " +
		"UA29 VA22 VG24 XK20 YE30"
	for k := 0; k+4 <= len(table); k += 5 {
		ibanLengths[ibanCountry(table[k], table[k+1])] = (table[k+2]-'0')*10 + table[k+3] - '0'
	}
}

// iban reads an IBAN at text[i] (two upper-case letters, two digits):
// exactly the country's length of letters and digits, spaces or dashes
// allowed between groups, then the end of the word; mod-97 check. 0.95,
// 0.99 after a bank label. It returns the end of the IBAN and whether it
// had the shape of one (a shape with a bad checksum is consumed whole, so
// that its digits are not read as something else).
func (st *state) iban(i int) (int, bool) {
	text := st.text
	if i+4 > len(text) || !isUpper(text[i]) || !isUpper(text[i+1]) {
		return 0, false
	}
	return st.ibanFrom(i, 0.95)
}

// ibanLower reads an IBAN written in lower case (de89 3704 …, as people
// type them in chats) at text[i], two lower-case letters starting a word.
// 0.9, 0.99 after a bank label.
func (st *state) ibanLower(i int) (int, bool) {
	text := st.text
	if i+4 > len(text) || !isLower(text[i]) || !isLower(text[i+1]) || wordCharBefore(text, i) {
		return 0, false
	}
	return st.ibanFrom(i, 0.9)
}

// ibanFrom reads an IBAN whose two country letters (either case) are at
// text[i], with confidence conf without a bank label. Letters of the body
// may be of either case; the checksum is computed on upper case.
func (st *state) ibanFrom(i int, conf float64) (int, bool) {
	text := st.text
	if !isDigit(text[i+2]) || !isDigit(text[i+3]) {
		return 0, false
	}
	want := int(ibanLengths[ibanCountry(upperASCII(text[i]), upperASCII(text[i+1]))])
	if want == 0 {
		return 0, false
	}
	st.buf = st.buf[:0]
	j := i
	for j < len(text) && len(st.buf) < want {
		c := text[j]
		switch {
		case isDigit(c) || isUpper(c) || isLower(c):
			st.buf = append(st.buf, upperASCII(c))
			j++
		case (c == ' ' || c == '-') && j+1 < len(text) && (isDigit(text[j+1]) || isUpper(text[j+1]) || isLower(text[j+1])) && len(st.buf) >= 4:
			j++
		default:
			return 0, false
		}
	}
	if len(st.buf) != want || wordCharAt(text, j) {
		return 0, false
	}
	if !ibanValid(st.buf) || !bbanShaped(st.buf) {
		st.lastEnd = max(st.lastEnd, j)
		return j, true
	}
	if st.context(i)&ctxBank != 0 {
		conf = 0.99
	}
	st.add(hit{ent: entIBAN, start: i, end: j, conf: conf})
	return j, true
}

// bbanShapes gives, for common countries, the shape of the account part
// after the four IBAN characters (SWIFT IBAN registry): n a digit, a an
// upper-case letter, c either. A German IBAN with letters in its account
// number passes mod-97 by chance no more than any other, but is no IBAN.
var bbanShapes = map[string]string{
	"DE": "nnnnnnnnnnnnnnnnnn", "AT": "nnnnnnnnnnnnnnnn", "BE": "nnnnnnnnnnnn", "DK": "nnnnnnnnnnnnnn",
	"FI": "nnnnnnnnnnnnnn", "ES": "nnnnnnnnnnnnnnnnnnnn", "PT": "nnnnnnnnnnnnnnnnnnnnn", "PL": "nnnnnnnnnnnnnnnnnnnnnnnn",
	"SE": "nnnnnnnnnnnnnnnnnnnn", "NO": "nnnnnnnnnnn", "CZ": "nnnnnnnnnnnnnnnnnnnn", "SK": "nnnnnnnnnnnnnnnnnnnn",
	"HU": "nnnnnnnnnnnnnnnnnnnnnnnn", "HR": "nnnnnnnnnnnnnnnnn", "SI": "nnnnnnnnnnnnnnn", "EE": "nnnnnnnnnnnnnnnn",
	"LT": "nnnnnnnnnnnnnnnn", "NL": "aaaannnnnnnnnn", "GB": "aaaannnnnnnnnnnnnn", "IE": "aaaannnnnnnnnnnnnn",
	"FR": "nnnnnnnnnncccccccccccnn", "IT": "annnnnnnnnncccccccccccc",
}

// bbanShaped reports whether the IBAN's account part has its country's
// shape, for the countries bbanShapes knows; others pass.
func bbanShaped(iban []byte) bool {
	shape, ok := bbanShapes[string(iban[:2])]
	if !ok {
		return true
	}
	if len(iban)-4 != len(shape) {
		return false
	}
	for k, c := range iban[4:] {
		switch shape[k] {
		case 'n':
			if !isDigit(c) {
				return false
			}
		case 'a':
			if !isUpper(c) {
				return false
			}
		}
	}
	return true
}
