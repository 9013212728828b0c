package fieldtype

import (
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	runNormalize(t, Name, []normCase{
		{name: "vietnamese", in: "Nguyễn Văn An", want: "Nguyễn Văn An"},
		{name: "trimmed", in: "  Trần Thị Bích Ngọc \t", want: "Trần Thị Bích Ngọc"},
		// Decomposed (NFD, as macOS writes it) is stored composed (NFC):
		// the same name, however typed, is stored the same.
		{name: "decomposed", in: "Nguye\u0302\u0303n", want: "Nguy\u1ec5n"},
		{name: "decomposed 300 characters", in: strings.Repeat("e\u0302\u0303", 300), want: strings.Repeat("ễ", 300)},
		{name: "hindi", in: "अनिल कुमार", want: "अनिल कुमार"},
		{name: "apostrophe hyphen", in: "Mary-Jane O'Neil", want: "Mary-Jane O'Neil"},
		{name: "300 runes", in: strings.Repeat("ễ", 300), want: strings.Repeat("ễ", 300)},

		{name: "empty", in: "", code: CodeEmpty},
		{name: "blank", in: " \u00a0\u3000 ", code: CodeEmpty},
		{name: "newline", in: "Nguyễn\nAn", code: CodeInvalidText},
		{name: "tab", in: "Nguyễn\tAn", code: CodeInvalidText},
		{name: "nul", in: "An\x00", code: CodeInvalidText},
		{name: "escape", in: "An\x1b[31m", code: CodeInvalidText},
		{name: "c1 control", in: "An\u0085Binh", code: CodeInvalidText},
		{name: "invalid utf8", in: "Nguy\xc3n", code: CodeInvalidText},
		{name: "301 runes", in: strings.Repeat("ễ", 301), code: CodeTooLong},
		{name: "number", in: 1, code: CodeWrongKind},
	})
}

func TestNormalizeAddress(t *testing.T) {
	addr := "Số 1 Đại Cồ Việt\nPhường Bách Khoa\tQuận Hai Bà Trưng\nHà Nội"
	runNormalize(t, Address, []normCase{
		{name: "multiline", in: addr, want: addr},
		{name: "trimmed", in: "\n  221B Baker Street, London  \n", want: "221B Baker Street, London"},
		{name: "1000 runes", in: strings.Repeat("ư", 1000), want: strings.Repeat("ư", 1000)},

		{name: "empty", in: "\n\t", code: CodeEmpty},
		{name: "carriage return", in: "line1\r\nline2", code: CodeInvalidText},
		{name: "bell", in: "Hà Nội\a", code: CodeInvalidText},
		{name: "invalid utf8", in: "\xff\xfe", code: CodeInvalidText},
		{name: "1001 runes", in: strings.Repeat("ư", 1001), code: CodeTooLong},
	})
}

func TestNormalizeText(t *testing.T) {
	big := strings.Repeat("a", 65536)
	runNormalize(t, Text, []normCase{
		{name: "plain", in: "hello", want: "hello"},
		{name: "multiline", in: "a\n\tb", want: "a\n\tb"},
		{name: "numeric string", in: "42", want: "42"},
		{name: "emoji", in: "xin chào 👋🏽", want: "xin chào 👋🏽"},
		{name: "max", in: big, want: big},

		{name: "empty", in: "", code: CodeEmpty},
		{name: "delete char", in: "a\x7fb", code: CodeInvalidText},
		{name: "too long", in: big + "a", code: CodeTooLong},
		{name: "much too long", in: strings.Repeat("ễ", 300000), code: CodeTooLong},
		{name: "invalid utf8", in: "ok\x80", code: CodeInvalidText},
		{name: "bool", in: false, code: CodeWrongKind},
	})
}
