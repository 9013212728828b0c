package fieldtype

// Card number limits (ISO/IEC 7812 primary account numbers).
const (
	minCardDigits = 12
	maxCardDigits = 19
	maxCardInput  = 64
)

// normalizeCard removes spaces and dashes from a payment card number and
// checks that 12 to 19 digits with a valid Luhn check digit remain.
func normalizeCard(s string) (string, *Error) {
	if len(s) > maxCardInput {
		return "", fail(errCardLong)
	}
	b := make([]byte, 0, maxCardDigits)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '-':
		case isDigit(c):
			if len(b) == maxCardDigits {
				return "", fail(errCard)
			}
			b = append(b, c)
		default:
			return "", fail(errCard)
		}
	}
	if len(b) == 0 {
		return "", fail(errEmpty)
	}
	if len(b) < minCardDigits {
		return "", fail(errCard)
	}
	if !luhnValid(string(b)) {
		return "", fail(errCardLuhn)
	}
	return string(b), nil
}
