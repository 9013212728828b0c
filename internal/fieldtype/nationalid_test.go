package fieldtype

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNormalizeNationalID(t *testing.T) {
	anyFormat := Options{}
	anyExplicit := Options{Format: FormatAny}
	cccd := Options{Format: FormatVNCCCD}
	cmnd := Options{Format: FormatVNCMND}
	aadhaar := Options{Format: FormatINAadhaar}
	pan := Options{Format: FormatINPAN}
	ssn := Options{Format: FormatUSSSN}
	runNormalize(t, NationalID, []normCase{
		// Vietnam CCCD.
		{name: "cccd", in: "001099012345", opts: cccd, want: "001099012345"},
		{name: "cccd spaced", in: "001 099 012 345", opts: cccd, want: "001099012345"},
		{name: "cccd province 096", in: "096185000123", opts: cccd, want: "096185000123"},
		{name: "cccd any", in: "079-203-004567", opts: anyFormat, want: "079203004567"},
		{name: "cccd province 000", in: "000099012345", opts: cccd, code: CodeInvalidNationalID},
		{name: "cccd province 097", in: "097099012345", opts: cccd, code: CodeInvalidNationalID},
		{name: "cccd 11 digits", in: "00109901234", opts: cccd, code: CodeInvalidNationalID},
		{name: "cccd 13 digits", in: "0010990123456", opts: cccd, code: CodeInvalidNationalID},
		{name: "cccd letter", in: "00109901234A", opts: cccd, code: CodeInvalidNationalID},
		// Vietnam CMND.
		{name: "cmnd", in: "012345678", opts: cmnd, want: "012345678"},
		{name: "cmnd dotted", in: "012.345.678", opts: cmnd, want: "012345678"},
		{name: "cmnd 12 digits", in: "001099012345", opts: cmnd, code: CodeInvalidNationalID},
		{name: "cmnd 8 digits", in: "12345678", opts: cmnd, code: CodeInvalidNationalID},
		// India Aadhaar.
		{name: "aadhaar", in: "2341 2341 2346", opts: aadhaar, want: "234123412346"},
		{name: "aadhaar dashes", in: "4991-1866-5246", opts: aadhaar, want: "499118665246"},
		{name: "aadhaar any", in: "987654321096", opts: anyFormat, want: "987654321096"},
		{name: "aadhaar bad checksum", in: "234123412347", opts: aadhaar, code: CodeInvalidNationalID},
		{name: "aadhaar transposed", in: "243123412346", opts: aadhaar, code: CodeInvalidNationalID},
		{name: "aadhaar starts with 1", in: "123412341234", opts: aadhaar, code: CodeInvalidNationalID},
		{name: "aadhaar starts with 0", in: "012345678901", opts: aadhaar, code: CodeInvalidNationalID},
		{name: "aadhaar 11 digits", in: "23412341234", opts: aadhaar, code: CodeInvalidNationalID},
		// India PAN.
		{name: "pan", in: "ABCPE1234F", opts: pan, want: "ABCPE1234F"},
		{name: "pan lower", in: "abcpe1234f", opts: pan, want: "ABCPE1234F"},
		{name: "pan company", in: "AAACB1234C", opts: pan, want: "AAACB1234C"},
		{name: "pan any", in: "aaafj 9999 z", opts: anyExplicit, want: "AAAFJ9999Z"},
		{name: "pan bad holder type", in: "ABCDE1234F", opts: pan, code: CodeInvalidNationalID},
		{name: "pan digit first", in: "1BCPE1234F", opts: pan, code: CodeInvalidNationalID},
		{name: "pan letter in digits", in: "ABCPE12X4F", opts: pan, code: CodeInvalidNationalID},
		{name: "pan digit last", in: "ABCPE12345", opts: pan, code: CodeInvalidNationalID},
		{name: "pan short", in: "ABCP1234F", opts: pan, code: CodeInvalidNationalID},
		// US SSN.
		{name: "ssn", in: "123-45-6789", opts: ssn, want: "123456789"},
		{name: "ssn plain", in: "078051120", opts: ssn, want: "078051120"},
		{name: "ssn area 000", in: "000-12-3456", opts: ssn, code: CodeInvalidNationalID},
		{name: "ssn area 666", in: "666-12-3456", opts: ssn, code: CodeInvalidNationalID},
		{name: "ssn area 9xx", in: "900-12-3456", opts: ssn, code: CodeInvalidNationalID},
		{name: "ssn group 00", in: "123-00-4567", opts: ssn, code: CodeInvalidNationalID},
		{name: "ssn serial 0000", in: "123-45-0000", opts: ssn, code: CodeInvalidNationalID},
		{name: "ssn 8 digits", in: "123-45-678", opts: ssn, code: CodeInvalidNationalID},
		// The cmnd format accepts any 9 digits, so "any" does too.
		{name: "any nine digits", in: "000-00-0000", opts: anyFormat, want: "000000000"},
		{name: "any 12 digits bad province and checksum", in: "990000000000", opts: anyFormat, code: CodeInvalidNationalID},
		{name: "any ten digits", in: "1234567890", opts: anyFormat, code: CodeInvalidNationalID},
		{name: "any letters", in: "ABCDEFGHIJ", opts: anyFormat, code: CodeInvalidNationalID},

		{name: "empty", in: "", opts: anyFormat, code: CodeEmpty},
		{name: "only separators", in: " - . ", opts: anyFormat, code: CodeEmpty},
		{name: "other punctuation", in: "123/45/6789", opts: anyFormat, code: CodeInvalidNationalID},
		{name: "vietnamese letter", in: "Đ12345678", opts: anyFormat, code: CodeInvalidNationalID},
		{name: "fullwidth digits", in: "１２３４５６７８９", opts: anyFormat, code: CodeInvalidNationalID},
		{name: "unknown format", in: "123456789", opts: Options{Format: "uk_nino"}, code: CodeInvalidNationalID},
		{name: "too long", in: strings.Repeat("1", 65), opts: anyFormat, code: CodeTooLong},
		{name: "json number", in: json.Number("123456789"), opts: anyFormat, code: CodeWrongKind},
	})
}
