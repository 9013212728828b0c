package fieldtype

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	tests := []struct {
		typ    Type
		stored string
		want   string
	}{
		{Phone, "+84912345678", "+84 *** *** 678"},
		{Phone, "+842838234567", "+84 *** *** 567"},
		{Phone, "+919876543210", "+91 *** *** 210"},
		{Phone, "+16502530000", "+1 *** *** 000"},
		{Phone, "+4915123456789", "+49 *** *** 789"},
		{Phone, "0912345678", "***"},
		{Phone, "", "***"},
		{Email, "alice@example.com", "a***@example.com"},
		{Email, "nguyễn.an@ví-dụ.vn", "n***@ví-dụ.vn"},
		{Email, "ánh@example.vn", "á***@example.vn"},
		{Email, "x@example.com", "x***@example.com"},
		{Email, "no-at-sign", "***"},
		{NationalID, "001099012345", "********2345"},
		{NationalID, "123456789", "********6789"},
		{NationalID, "ABCPE1234F", "********234F"},
		{NationalID, "1234", "***"},
		{Card, "4111111111111111", "**** **** **** 1111"},
		{Card, "378282246310005", "**** **** **** 0005"},
		{Card, "123", "***"},
		{IBAN, "DE89370400440532013000", "DE** **** **** 3000"},
		{IBAN, "NO9386011117947", "NO** **** **** 7947"},
		{IBAN, "DE89", "***"},
		{Name, "Nguyễn Văn An", "N. V. A."},
		{Name, "đặng thị ánh", "Đ. T. Á."},
		{Name, "A\u0301nh  Lê", "A\u0301. L."},
		{Name, "Ông", "Ô."},
		{Name, "  (Bob)  Smith ", "B. S."},
		{Name, "अनिल कुमार", "अ. कु."}, // the vowel sign stays with its consonant
		{Name, "--", "***"},
		{Name, "", "***"},
		{Date, "1990-05-17", "1990-**-**"},
		{Date, "garbage", "****-**-**"},
		{Address, "Số 1 Đại Cồ Việt, Hà Nội", "***"},
		{Text, "secret", "***"},
		{Number, "42", "***"},
		{Bool, "true", "***"},
		{Type("nope"), "x", "***"},
	}
	for _, tc := range tests {
		got := tc.typ.Mask(tc.stored)
		if got != tc.want {
			t.Errorf("%s.Mask(%q) = %q, want %q", tc.typ, tc.stored, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("%s.Mask(%q) = %q is not valid UTF-8", tc.typ, tc.stored, got)
		}
	}
}

// TestMaskHidesValue checks, for normalized values of every type, that the
// mask never contains the whole stored value and is valid UTF-8.
func TestMaskHidesValue(t *testing.T) {
	inputs := map[Type][]any{
		Email:      {"Trần.Bích@ví-dụ.vn", "bob@example.com"},
		Phone:      {"+84912345678", "+919876543210"},
		Name:       {"Nguyễn Văn An", "Trần Thị Bích Ngọc"},
		Address:    {"Số 1 Đại Cồ Việt"},
		Date:       {"1990-05-17"},
		NationalID: {"001099012345", "ABCPE1234F"},
		Card:       {"4111111111111111"},
		IBAN:       {"DE89370400440532013000"},
		Text:       {"bí mật"},
	}
	for typ, vs := range inputs {
		for _, v := range vs {
			stored, err := typ.Normalize(v, Options{})
			if err != nil {
				t.Fatalf("%s.Normalize(%#v): %v", typ, v, err)
			}
			m := typ.Mask(stored)
			if strings.Contains(m, stored) || !utf8.ValidString(m) {
				t.Errorf("%s.Mask(%q) = %q", typ, stored, m)
			}
		}
	}
}

// TestMaskRuneSafe masks truncated and odd strings and checks that the
// result is always valid UTF-8 when the input is.
func TestMaskRuneSafe(t *testing.T) {
	samples := []string{"Nguyễn Văn An", "ễễễễễễễễễễ", "ễ@ễ.ễ", "+8491234567ễ", "ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ", "1990-05-1ễ"}
	for _, typ := range Known() {
		for _, s := range samples {
			for i := 0; i <= len(s); i++ {
				if !utf8.ValidString(s[:i]) {
					continue
				}
				if m := typ.Mask(s[:i]); !utf8.ValidString(m) {
					t.Errorf("%s.Mask(%q) = %q is not valid UTF-8", typ, s[:i], m)
				}
			}
		}
	}
}
