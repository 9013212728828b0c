package fieldtype

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNormalizeCard(t *testing.T) {
	runNormalize(t, Card, []normCase{
		{name: "visa", in: "4111 1111 1111 1111", want: "4111111111111111"},
		{name: "visa dashes", in: "4242-4242-4242-4242", want: "4242424242424242"},
		{name: "mastercard", in: "5555555555554444", want: "5555555555554444"},
		{name: "amex 15", in: "3782 822463 10005", want: "378282246310005"},
		{name: "12 digits", in: "123456789015", want: "123456789015"},
		{name: "19 digits", in: "6221260000000000001", want: "6221260000000000001"},

		{name: "empty", in: "", code: CodeEmpty},
		{name: "separators only", in: " - ", code: CodeEmpty},
		{name: "bad luhn", in: "4111111111111112", code: CodeInvalidCard},
		{name: "11 digits", in: "12345678903", code: CodeInvalidCard},
		{name: "20 digits", in: "62212600000000000002", code: CodeInvalidCard},
		{name: "letters", in: "4111 1111 1111 111X", code: CodeInvalidCard},
		{name: "dots", in: "4111.1111.1111.1111", code: CodeInvalidCard},
		{name: "too long input", in: strings.Repeat("4 ", 40), code: CodeTooLong},
		{name: "json number", in: json.Number("4111111111111111"), code: CodeWrongKind},
	})
}

func TestNormalizeIBAN(t *testing.T) {
	runNormalize(t, IBAN, []normCase{
		{name: "de", in: "DE89 3704 0044 0532 0130 00", want: "DE89370400440532013000"},
		{name: "gb lower", in: "gb82 west 1234 5698 7654 32", want: "GB82WEST12345698765432"},
		{name: "no shortest", in: "NO9386011117947", want: "NO9386011117947"},
		{name: "fr", in: "FR14 2004 1010 0505 0001 3M02 606", want: "FR1420041010050500013M02606"},
		{name: "mt", in: "MT84MALT011000012345MTLCAST001S", want: "MT84MALT011000012345MTLCAST001S"},
		{name: "check digits 02", in: "DE02370400440532000016", want: "DE02370400440532000016"},
		{name: "check digits 98", in: "DE98370400440532000034", want: "DE98370400440532000034"},
		{name: "check digits 97", in: "DE97370400440532000052", want: "DE97370400440532000052"},

		{name: "empty", in: "  ", code: CodeEmpty},
		{name: "bad checksum", in: "DE89370400440532013001", code: CodeInvalidIBAN},
		{name: "swapped digits", in: "DE89370400440532010300", code: CodeInvalidIBAN},
		{name: "check digits 99", in: "DE99370400440532000016", code: CodeInvalidIBAN},
		{name: "check digits 01", in: "DE01370400440532000034", code: CodeInvalidIBAN},
		{name: "check digits 00", in: "DE00370400440532000052", code: CodeInvalidIBAN},
		{name: "too short", in: "NO938601111794", code: CodeInvalidIBAN},
		{name: "too long", in: "DE89" + strings.Repeat("1", 31), code: CodeInvalidIBAN},
		{name: "digit country", in: "1E89370400440532013000", code: CodeInvalidIBAN},
		{name: "letter check digit", in: "DEX9370400440532013000", code: CodeInvalidIBAN},
		{name: "dashes", in: "DE89-3704-0044-0532-0130-00", code: CodeInvalidIBAN},
		{name: "non ascii", in: "DE89 3704 0044 0532 0130 0Đ", code: CodeInvalidIBAN},
		{name: "too long input", in: strings.Repeat(" ", 200), code: CodeTooLong},
		{name: "bool", in: true, code: CodeWrongKind},
	})
}
