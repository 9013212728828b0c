package fieldtype

// Machine-readable error codes carried by [Error.Code].
const (
	CodeInvalidEmail      = "invalid_email"
	CodeInvalidPhone      = "invalid_phone"
	CodeInvalidDate       = "invalid_date"
	CodeInvalidNationalID = "invalid_national_id"
	CodeInvalidCard       = "invalid_card"
	CodeInvalidIBAN       = "invalid_iban"
	CodeInvalidNumber     = "invalid_number"
	CodeInvalidBool       = "invalid_bool"
	CodeWrongKind         = "wrong_kind"
	CodeTooLong           = "too_long"
	CodeEmpty             = "empty"
	CodeInvalidText       = "invalid_text"
)

// Error is the error returned by [Type.Normalize] for a value that is not
// acceptable. It is field-agnostic: the caller adds the field name.
//
// Code is a stable machine-readable code (one of the Code* constants) and
// Message a short English description that is safe to show to users and to
// write to logs: it never contains the rejected value.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface as "code: message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &fieldtype.Error{Code: fieldtype.CodeInvalidEmail}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// catalogue holds every error Normalize can return. Messages are constants,
// which is what guarantees that no input value can ever reach a message.
var catalogue []*Error

// def registers a catalogue entry.
func def(code, message string) *Error {
	e := &Error{Code: code, Message: message}
	catalogue = append(catalogue, e)
	return e
}

// fail returns a fresh copy of a catalogue entry, so that callers that
// modify the error they receive cannot corrupt the catalogue.
func fail(e *Error) *Error {
	c := *e
	return &c
}

// The error catalogue.
var (
	errEmpty       = def(CodeEmpty, "value must not be empty")
	errWantString  = def(CodeWrongKind, "value must be a JSON string")
	errWantNumber  = def(CodeWrongKind, "value must be a JSON number or a numeric string")
	errWantBool    = def(CodeWrongKind, "value must be a JSON boolean")
	errBoolString  = def(CodeInvalidBool, "value must be the JSON literal true or false, not a string")
	errInvalidUTF8 = def(CodeInvalidText, "value is not valid UTF-8")
	errControl     = def(CodeInvalidText, "value contains control characters")
	errNameLong    = def(CodeTooLong, "name must be at most 300 characters")
	errAddressLong = def(CodeTooLong, "address must be at most 1000 characters")
	errTextLong    = def(CodeTooLong, "text must be at most 65536 characters")

	errEmail          = def(CodeInvalidEmail, "not a valid e-mail address")
	errEmailLong      = def(CodeTooLong, "e-mail address must be at most 254 characters")
	errEmailName      = def(CodeInvalidEmail, "e-mail address must be a bare address without a display name")
	errEmailAt        = def(CodeInvalidEmail, "e-mail address must contain exactly one @")
	errEmailLocalLong = def(CodeInvalidEmail, "the part of an e-mail address before the @ must be at most 64 characters")
	errEmailDomain    = def(CodeInvalidEmail, "e-mail address domain is not a valid domain name with a dot")

	errPhone          = def(CodeInvalidPhone, "not a valid phone number")
	errPhoneChars     = def(CodeInvalidPhone, "phone number may only contain digits, spaces and - . ( ) /, with a + only at the start")
	errPhoneIntl      = def(CodeInvalidPhone, "phone number must be in international format starting with + (numbers written without it need a default region: the server's --default-region)")
	errPhoneLong      = def(CodeTooLong, "phone number is too long")
	errPhoneNotExists = def(CodeInvalidPhone, "phone number is not a valid number for its country")

	errDate      = def(CodeInvalidDate, "not a valid date: expected YYYY-MM-DD or an RFC 3339 timestamp")
	errDateRange = def(CodeInvalidDate, "date must be a real calendar date between the years 1800 and 2200")

	errNationalID       = def(CodeInvalidNationalID, "not a valid national id number")
	errNationalIDChars  = def(CodeInvalidNationalID, "national id number may only contain letters, digits, spaces, dashes and dots")
	errNationalIDFormat = def(CodeInvalidNationalID, "national id format configured for this field is not supported")
	errVNCCCD           = def(CodeInvalidNationalID, "not a valid Vietnamese citizen identity card (CCCD) number")
	errVNCMND           = def(CodeInvalidNationalID, "not a valid Vietnamese identity card (CMND) number")
	errAadhaar          = def(CodeInvalidNationalID, "not a valid Aadhaar number")
	errPAN              = def(CodeInvalidNationalID, "not a valid Indian PAN")
	errSSN              = def(CodeInvalidNationalID, "not a valid US social security number")
	errNationalIDLong   = def(CodeTooLong, "national id number is too long")

	errCard       = def(CodeInvalidCard, "card number must be 12 to 19 digits")
	errCardLuhn   = def(CodeInvalidCard, "card number check digit is wrong")
	errCardLong   = def(CodeTooLong, "card number is too long")
	errIBAN       = def(CodeInvalidIBAN, "IBAN must be a two-letter country code, two check digits and 11 to 30 letters or digits")
	errIBANCheck  = def(CodeInvalidIBAN, "IBAN check digits are wrong")
	errIBANLong   = def(CodeTooLong, "IBAN is too long")
	errNumber     = def(CodeInvalidNumber, "not a valid number")
	errNumberInf  = def(CodeInvalidNumber, "number must be finite and within the range of a 64-bit float")
	errNumberLong = def(CodeTooLong, "number has too many characters")
)
