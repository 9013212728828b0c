package fieldtype

import (
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	long := local64 + "@" + strings.Repeat("b", 61) + "." + strings.Repeat("c", 61) + "." + strings.Repeat("d", 61) + ".com" // 254 bytes
	runNormalize(t, Email, []normCase{
		{name: "simple", in: "alice@example.com", want: "alice@example.com"},
		{name: "lowercased", in: "Alice.Smith@Example.COM", want: "alice.smith@example.com"},
		{name: "trimmed", in: "  bob@example.org\n", want: "bob@example.org"},
		{name: "plus tag", in: "bob+news@mail.example.co.uk", want: "bob+news@mail.example.co.uk"},
		{name: "digits and hyphen", in: "user_1@my-domain123.io", want: "user_1@my-domain123.io"},
		{name: "vietnamese", in: "Nguyễn.An@Ví-Dụ.vn", want: "nguyễn.an@ví-dụ.vn"},
		{name: "decomposed", in: "Nguye\u0302\u0303n@vi\u0301-du\u0323.vn", want: "nguyễn@ví-dụ.vn"},
		{name: "max length", in: long, want: long},
		{name: "local 64", in: local64 + "@example.com", want: local64 + "@example.com"},

		{name: "empty", in: "", code: CodeEmpty},
		{name: "blank", in: "   ", code: CodeEmpty},
		{name: "no at", in: "alice.example.com", code: CodeInvalidEmail},
		{name: "two ats", in: "alice@bob@example.com", code: CodeInvalidEmail},
		{name: "no local", in: "@example.com", code: CodeInvalidEmail},
		{name: "no domain", in: "alice@", code: CodeInvalidEmail},
		{name: "no dot in domain", in: "alice@localhost", code: CodeInvalidEmail},
		{name: "display name", in: "Alice <alice@example.com>", code: CodeInvalidEmail},
		{name: "angle brackets", in: "<alice@example.com>", code: CodeInvalidEmail},
		{name: "quoted display name", in: `"Alice" <alice@example.com>`, code: CodeInvalidEmail},
		{name: "quoted local", in: `"alice smith"@example.com`, code: CodeInvalidEmail},
		{name: "comment", in: "alice(work)@example.com", code: CodeInvalidEmail},
		{name: "space", in: "alice smith@example.com", code: CodeInvalidEmail},
		{name: "double dot local", in: "alice..smith@example.com", code: CodeInvalidEmail},
		{name: "leading dot", in: ".alice@example.com", code: CodeInvalidEmail},
		{name: "trailing dot", in: "alice.@example.com", code: CodeInvalidEmail},
		{name: "double dot domain", in: "alice@example..com", code: CodeInvalidEmail},
		{name: "domain trailing dot", in: "alice@example.com.", code: CodeInvalidEmail},
		{name: "domain hyphen", in: "alice@-example.com", code: CodeInvalidEmail},
		{name: "domain literal", in: "alice@[192.168.0.1]", code: CodeInvalidEmail},
		{name: "numeric tld", in: "alice@example.123", code: CodeInvalidEmail},
		{name: "underscore domain", in: "alice@exa_mple.com", code: CodeInvalidEmail},
		{name: "local 65", in: local64 + "a@example.com", code: CodeInvalidEmail},
		{name: "too long", in: "a" + long, code: CodeTooLong},
		{name: "control char", in: "ali\u0085ce@example.com", code: CodeInvalidEmail},
		{name: "bidi override", in: "ali\u202ece@example.com", code: CodeInvalidEmail},
		{name: "invalid utf8", in: "ali\xffce@example.com", code: CodeInvalidEmail},
		{name: "number", in: 42, code: CodeWrongKind},
	})
}

func TestEmailTestDataLength(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 61) + "." + strings.Repeat("c", 61) + "." + strings.Repeat("d", 61) + ".com"
	if len(long) != maxEmailLen {
		t.Fatalf("test address is %d bytes, want %d", len(long), maxEmailLen)
	}
}
