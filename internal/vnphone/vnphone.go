// Package vnphone knows the ranges of Vietnamese mobile numbers, so that
// the common Vietnamese number is recognised without a full parse by the
// phone number library. The scanner's phone detector and the vault's
// phone field type both take this fast path; everything else goes
// through github.com/nyaruka/phonenumbers.
package vnphone

// Mobile reports whether a Vietnamese national significant number of
// nine digits starting with a, b, c is a mobile number: the
// libphonenumber VN mobile ranges 3x, 5[1689]x, 52[238], 559, 7[06-9],
// 8[1-8]x, 89[6-9], 9[0-8]x and 99[013-9]. The tests check it against the
// library's metadata for every three-digit prefix.
func Mobile(a, b, c byte) bool {
	switch a {
	case '3':
		return true
	case '5':
		switch b {
		case '1', '6', '8', '9':
			return true
		case '2':
			return c == '2' || c == '3' || c == '8'
		case '5':
			return c == '9'
		}
	case '7':
		return b == '0' || b >= '6'
	case '8':
		return b >= '1' && b <= '8' || b == '9' && c >= '6'
	case '9':
		return b <= '8' || c != '2'
	}
	return false
}
