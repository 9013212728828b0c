package fieldtype

import (
	"strings"
	"unicode"
)

// maxNationalIDLen bounds the raw national id input.
const maxNationalIDLen = 64

// nationalIDCheck validates a cleaned (separator-free, upper-case) id.
type nationalIDCheck struct {
	format string
	valid  func(string) bool
	err    *Error
}

// nationalIDChecks lists the known formats in the order of NationalIDFormats.
var nationalIDChecks = []nationalIDCheck{
	{FormatVNCCCD, validVNCCCD, errVNCCCD},
	{FormatVNCMND, validVNCMND, errVNCMND},
	{FormatINAadhaar, validAadhaar, errAadhaar},
	{FormatINPAN, validPAN, errPAN},
	{FormatUSSSN, validSSN, errSSN},
}

// normalizeNationalID removes separators (spaces, dashes and dots),
// upper-cases, and checks the result against format ("" or "any": any known
// format).
func normalizeNationalID(s, format string) (string, *Error) {
	if len(s) > maxNationalIDLen {
		return "", fail(errNationalIDLong)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '-' || r == '.' || unicode.IsSpace(r):
		case '0' <= r && r <= '9', 'A' <= r && r <= 'Z':
			b.WriteRune(r)
		case 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			return "", fail(errNationalIDChars)
		}
	}
	id := b.String()
	if id == "" {
		return "", fail(errEmpty)
	}
	if format == "" || format == FormatAny {
		for _, c := range nationalIDChecks {
			if c.valid(id) {
				return id, nil
			}
		}
		return "", fail(errNationalID)
	}
	for _, c := range nationalIDChecks {
		if c.format == format {
			if !c.valid(id) {
				return "", fail(c.err)
			}
			return id, nil
		}
	}
	return "", fail(errNationalIDFormat)
}

// validVNCCCD checks a Vietnamese citizen identity card number: 12 digits,
// the first three a province code from 001 to 096.
func validVNCCCD(id string) bool {
	if len(id) != 12 || !allDigits(id) {
		return false
	}
	p := atoi(id[:3])
	return p >= 1 && p <= 96
}

// validVNCMND checks an old Vietnamese identity card number: 9 digits.
func validVNCMND(id string) bool {
	return len(id) == 9 && allDigits(id)
}

// validAadhaar checks an Indian Aadhaar number: 12 digits, the first 2-9,
// with a valid Verhoeff check digit.
func validAadhaar(id string) bool {
	return len(id) == 12 && allDigits(id) && id[0] >= '2' && verhoeffValid(id)
}

// panHolderTypes are the valid fourth characters of a PAN.
const panHolderTypes = "ABCFGHLJPTK"

// validPAN checks an Indian permanent account number: five letters (the
// fourth a holder type), four digits, one letter.
func validPAN(id string) bool {
	if len(id) != 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		ok := isUpper(id[i])
		if i >= 5 && i <= 8 {
			ok = isDigit(id[i])
		}
		if !ok {
			return false
		}
	}
	return strings.IndexByte(panHolderTypes, id[3]) >= 0
}

// validSSN checks a US social security number: nine digits; area not 000,
// 666 or 9xx; group not 00; serial not 0000.
func validSSN(id string) bool {
	if len(id) != 9 || !allDigits(id) {
		return false
	}
	area, group, serial := id[:3], id[3:5], id[5:]
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}
