package fieldtype

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestNormalizePhone(t *testing.T) {
	vn := Options{DefaultRegion: "VN"}
	us := Options{DefaultRegion: "US"}
	in := Options{DefaultRegion: "IN"}
	de := Options{DefaultRegion: "DE"}
	intl := Options{}
	runNormalize(t, Phone, []normCase{
		// Vietnam.
		{name: "vn mobile 09x", in: "0912345678", opts: vn, want: "+84912345678"},
		{name: "vn mobile spaced", in: "0912 345 678", opts: vn, want: "+84912345678"},
		{name: "vn mobile dotted", in: "091.234.5678", opts: vn, want: "+84912345678"},
		{name: "vn mobile 098", in: "0987-654-321", opts: vn, want: "+84987654321"},
		{name: "vn mobile 03x", in: "0312345678", opts: vn, want: "+84312345678"},
		{name: "vn international", in: "+84 91 234 56 78", opts: intl, want: "+84912345678"},
		{name: "vn international with region", in: "+84912345678", opts: vn, want: "+84912345678"},
		{name: "vn with country code no plus", in: "84912345678", opts: vn, want: "+84912345678"},
		{name: "vn idd prefix", in: "00 84 912345678", opts: vn, want: "+84912345678"},
		{name: "vn landline hcmc", in: "028 3823 4567", opts: vn, want: "+842838234567"},
		{name: "vn region lower-case", in: "0912345678", opts: Options{DefaultRegion: "vn"}, want: "+84912345678"},
		{name: "vn number with us region", in: "+84912345678", opts: us, want: "+84912345678"},
		{name: "vn country code in brackets", in: "(+84) 912-345-678", opts: intl, want: "+84912345678"},
		{name: "vn country code in brackets, spaced", in: "(+84)912 345 678", opts: vn, want: "+84912345678"},
		// India.
		{name: "in mobile intl", in: "+91 98765 43210", opts: intl, want: "+919876543210"},
		{name: "in mobile national", in: "098765 43210", opts: in, want: "+919876543210"},
		{name: "in mobile bare", in: "9876543210", opts: in, want: "+919876543210"},
		{name: "in landline mumbai", in: "+91 22 2345 6789", opts: intl, want: "+912223456789"},
		// United States.
		{name: "us intl", in: "+1 650-253-0000", opts: intl, want: "+16502530000"},
		{name: "us national parens", in: "(650) 253-0000", opts: us, want: "+16502530000"},
		{name: "us national dots", in: "650.253.0000", opts: us, want: "+16502530000"},
		{name: "us with 1", in: "1 650 253 0000", opts: us, want: "+16502530000"},
		// Germany.
		{name: "de berlin intl", in: "+49 30 901820", opts: intl, want: "+4930901820"},
		{name: "de berlin national", in: "030 1234567", opts: de, want: "+49301234567"},
		{name: "de mobile", in: "+49 1512 3456789", opts: intl, want: "+4915123456789"},
		{name: "de mobile slash", in: "01512/3456789", opts: de, want: "+4915123456789"},
		{name: "uk", in: "+44 20 7946 0958", opts: intl, want: "+442079460958"},

		{name: "empty", in: "", opts: vn, code: CodeEmpty},
		{name: "blank", in: "  ", opts: vn, code: CodeEmpty},
		{name: "national without region", in: "0912345678", opts: intl, code: CodeInvalidPhone},
		{name: "vn too short", in: "091234", opts: vn, code: CodeInvalidPhone},
		{name: "vn too long", in: "09123456789012", opts: vn, code: CodeInvalidPhone},
		{name: "vn unassigned prefix", in: "0123456789", opts: vn, code: CodeInvalidPhone},
		{name: "vn landline too short", in: "0281234567", opts: vn, code: CodeInvalidPhone},
		{name: "vn intl too short", in: "+84 12", opts: intl, code: CodeInvalidPhone},
		{name: "us invalid area code", in: "+1 123-456-7890", opts: intl, code: CodeInvalidPhone},
		{name: "us short code", in: "911", opts: us, code: CodeInvalidPhone},
		{name: "in too short", in: "+91 98765", opts: intl, code: CodeInvalidPhone},
		{name: "de too short", in: "+49 30 1", opts: intl, code: CodeInvalidPhone},
		{name: "unknown calling code", in: "+999 123456", opts: intl, code: CodeInvalidPhone},
		{name: "zero calling code", in: "+0 1234567", opts: intl, code: CodeInvalidPhone},
		{name: "letters", in: "1-800-FLOWERS", opts: us, code: CodeInvalidPhone},
		{name: "extension", in: "+84912345678 ext 12", opts: vn, code: CodeInvalidPhone},
		{name: "inner plus", in: "0912+345678", opts: vn, code: CodeInvalidPhone},
		{name: "double plus", in: "++84912345678", opts: vn, code: CodeInvalidPhone},
		{name: "only separators", in: "+ - ( )", opts: vn, code: CodeInvalidPhone},
		{name: "fullwidth digits", in: "０９１２３４５６７８", opts: vn, code: CodeInvalidPhone},
		{name: "unknown region", in: "0912345678", opts: Options{DefaultRegion: "XX"}, code: CodeInvalidPhone},
		{name: "too long", in: "+84 " + strings.Repeat("9", 70), opts: vn, code: CodeTooLong},
		{name: "json number", in: json.Number("84912345678"), opts: vn, code: CodeWrongKind},
		{name: "bool", in: true, opts: vn, code: CodeWrongKind},
	})
}

func TestValidateRegion(t *testing.T) {
	for _, r := range []string{"", "VN", "vn", "US", "IN", "DE"} {
		if err := ValidateRegion(r); err != nil {
			t.Errorf("ValidateRegion(%q) = %v", r, err)
		}
	}
	for _, r := range []string{"XX", "VNM", "+84", "Vietnam"} {
		if err := ValidateRegion(r); err == nil {
			t.Errorf("ValidateRegion(%q) accepted", r)
		}
	}
}

// slowPhone is normalizePhone without its fast path: the parser alone.
func slowPhone(s, region string) (string, bool) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// TestPhoneFastPathMatchesParser checks the fast path against the parser
// for every three-digit prefix, in the ways the fast path reads a number,
// and that it takes the common Vietnamese mobile number.
func TestPhoneFastPathMatchesParser(t *testing.T) {
	taken := 0
	for p := range 1000 {
		for _, tail := range []string{"123456", "000000", "999999"} {
			nsn := fmt.Sprintf("%03d", p) + tail
			for _, c := range []struct{ s, region string }{
				{"0" + nsn, "VN"},
				{"0" + nsn[:3] + " " + nsn[3:6] + " " + nsn[6:], "VN"},
				{"0" + nsn[:3] + "-" + nsn[3:6] + "." + nsn[6:], "VN"},
				{"+84" + nsn, ""},
				{"+84 " + nsn[:3] + " " + nsn[3:], "US"},
				{"0" + nsn, "US"},
				{"+84" + nsn + "0", ""},
				{"84" + nsn, "VN"},
			} {
				fast, ok := vnMobileE164(c.s, c.region)
				if !ok {
					continue
				}
				taken++
				if slow, valid := slowPhone(c.s, c.region); !valid || slow != fast {
					t.Errorf("%q in %q: fast path %q, parser %q (valid %v)", c.s, c.region, fast, slow, valid)
				}
			}
		}
	}
	if taken < 2000 {
		t.Errorf("the fast path took only %d numbers", taken)
	}
	for _, s := range []string{"0912345678", "091 234 5678", "+84 912 345 678", "0389.123.456"} {
		if _, ok := vnMobileE164(s, "VN"); !ok {
			t.Errorf("%q: the fast path should take it", s)
		}
	}
	for _, s := range []string{"(091) 234 5678", "091  234 5678", "0912345678 ", "+ 84912345678", "0212345678", "0912345678/9"} {
		if _, ok := vnMobileE164(s, "VN"); ok {
			t.Errorf("%q: the fast path should leave it to the parser", s)
		}
	}
}

func TestPhoneRegion(t *testing.T) {
	for in, want := range map[string]string{"+84912345678": "VN", "+4915123456789": "DE", "+919876543210": "IN", "+14155552671": "US",
		"0912345678": "", "": "", "+999": "", "not a phone": ""} {
		if got := PhoneRegion(in); got != want {
			t.Errorf("PhoneRegion(%q) = %q, want %q", in, got, want)
		}
	}
}
