package detect

import (
	"testing"

	"custodia/internal/scan"
	"github.com/nyaruka/phonenumbers"
)

func TestPhoneNumber(t *testing.T) {
	runCases(t, []entityCase{
		{name: "vn mobile bare", text: "gọi 0912345678 nhé", want: []string{"PHONE_NUMBER=0912345678"}},
		{name: "vn mobile grouped", text: "0912 345 678", want: []string{"PHONE_NUMBER=0912 345 678"}},
		{name: "vn mobile dotted", text: "0912.345.678", want: []string{"PHONE_NUMBER=0912.345.678"}},
		{name: "vn mobile dashed", text: "091-234-5678", want: []string{"PHONE_NUMBER=091-234-5678"}},
		{name: "no-break spaces", text: "gọi 0912\u00a0345\u00a0678 nhé", want: []string{"PHONE_NUMBER=0912\u00a0345\u00a0678"}},
		{name: "narrow no-break spaces", text: "+33\u202f6\u202f12\u202f34\u202f56\u202f78", want: []string{"PHONE_NUMBER=+33\u202f6\u202f12\u202f34\u202f56\u202f78"}},
		{name: "vn +84", text: "+84 912 345 678", want: []string{"PHONE_NUMBER=+84 912 345 678"}},
		{name: "vn +84 bare", text: "+84912345678", want: []string{"PHONE_NUMBER=+84912345678"}},
		{name: "vn 84 without plus", text: "84912345678", want: []string{"PHONE_NUMBER=84912345678"}},
		{name: "vn 0084", text: "0084912345678", want: []string{"PHONE_NUMBER=0084912345678"}},
		{name: "vn new prefix 03x", text: "0326 123 456", want: []string{"PHONE_NUMBER=0326 123 456"}},
		{name: "vn landline", text: "(028) 3823 4567", want: []string{"PHONE_NUMBER=(028) 3823 4567"}},
		{name: "us nanp", text: "call (415) 555-0132 now", want: []string{"PHONE_NUMBER=(415) 555-0132"}},
		{name: "us +1", text: "+1 415-555-0132", want: []string{"PHONE_NUMBER=+1 415-555-0132"}},
		{name: "in +91", text: "+91 98765 43210", want: []string{"PHONE_NUMBER=+91 98765 43210"}},
		{name: "in bare labelled", text: "Mobile: 9876543210", want: []string{"PHONE_NUMBER=9876543210"}},
		{name: "gb", text: "+44 20 7946 0958", want: []string{"PHONE_NUMBER=+44 20 7946 0958"}},
		{name: "gb trunk in parens", text: "+44 (0)20 7946 0958", want: []string{"PHONE_NUMBER=+44 (0)20 7946 0958"}},
		{name: "de", text: "+49 1512 3456789", want: []string{"PHONE_NUMBER=+49 1512 3456789"}},
		{name: "fr", text: "+33 6 12 34 56 78", want: []string{"PHONE_NUMBER=+33 6 12 34 56 78"}},
		{name: "br", text: "+55 11 98765-4321", want: []string{"PHONE_NUMBER=+55 11 98765-4321"}},
		{name: "sg", text: "+65 9123 4567", want: []string{"PHONE_NUMBER=+65 9123 4567"}},
		{name: "jp any region", text: "+81 90-1234-5678", want: []string{"PHONE_NUMBER=+81 90-1234-5678"}},
		{name: "sđt label", text: "SĐT:0987654321", want: []string{"PHONE_NUMBER=0987654321"}},
		{name: "two phones", text: "0912345678 0987654321", want: []string{"PHONE_NUMBER=0912345678", "PHONE_NUMBER=0987654321"}},
		{name: "bare us no label", text: "4155550132", not: []scan.Entity{scan.PhoneNumber}},
		{name: "bare in no label", text: "ref 9876543210", not: []scan.Entity{scan.PhoneNumber}},
		{name: "product code", text: "SKU-0912345678", not: []scan.Entity{scan.PhoneNumber}},
		{name: "product code label", text: "Mã SP: 0912345678", not: []scan.Entity{scan.PhoneNumber}},
		{name: "glued to letters", text: "0912345678abc", not: []scan.Entity{scan.PhoneNumber}},
		{name: "price", text: "giá 1.234.567đ", not: []scan.Entity{scan.PhoneNumber}},
		{name: "amount", text: "total 1.234.567", not: []scan.Entity{scan.PhoneNumber}},
		{name: "too short", text: "+84 912", not: []scan.Entity{scan.PhoneNumber}},
		{name: "date", text: "12/03/2024", not: []scan.Entity{scan.PhoneNumber}},
		{name: "fr in pairs", text: "new number: 07 95 92 10 86", want: []string{"PHONE_NUMBER=07 95 92 10 86"}},
		{name: "list of sizes", text: "Available sizes: 0 2 4 6 8 10 12", not: []scan.Entity{scan.PhoneNumber}},
		{name: "matrix row", text: "Matrix row 0 1 0 0 1 0 1 0 0 1", not: []scan.Entity{scan.PhoneNumber}},
		{name: "temperatures", text: "Temperatures 0 12 14 15 18 20", not: []scan.Entity{scan.PhoneNumber}},
		{name: "counting", text: "Số lượng: 0 1 2 3 4 5 6 7 8 9", not: []scan.Entity{scan.PhoneNumber}},
		{name: "marks in pairs", text: "Bảng điểm: 08 07 09 06 10", not: []scan.Entity{scan.PhoneNumber}},
		{name: "pdf box", text: "/MediaBox [0 0 612 792]", not: []scan.Entity{scan.PhoneNumber}},
		{name: "e-mail local part", text: "0912345678@gmail.com", want: []string{"EMAIL_ADDRESS=0912345678@gmail.com"}, not: []scan.Entity{scan.PhoneNumber}},
		// Part numbers, and ten digits grouped 4-4-2, are no phones (QA).
		{name: "part numbers", text: "Part numbers 020-7946-0958 and 4155-5501-32 are from the SKU list", not: []scan.Entity{scan.PhoneNumber}},
		{name: "nanp 4-4-2", text: "ref 4155-5501-32 ok", not: []scan.Entity{scan.PhoneNumber}},
		{name: "nanp 3-3-4", text: "call 415-555-0132", want: []string{"PHONE_NUMBER=415-555-0132"}},
		{name: "nanp labelled bare", text: "Phone: 4155550132", want: []string{"PHONE_NUMBER=4155550132"}},
	})
}

func TestPhonePreviewAndConfidence(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct {
		text, preview string
		conf          float64
	}{
		{"0912345678", "+84 *** *** 678", 0.75},
		{"0912 345 678", "+84 *** *** 678", 0.80},
		{"SĐT 0912345678", "+84 *** *** 678", 0.95},
		{"so dien thoai: 0912345678", "+84 *** *** 678", 0.95},
		{"+91 98765 43210", "+91 *** *** 210", 0.90},
		{"(415) 555-0132", "+1 *** *** 132", 0.75},
		{"84912345678", "+84 *** *** 678", 0.60},
	} {
		got := scanAll(t, s, c.text, "")
		if len(got) != 1 || got[0].Preview != c.preview || got[0].Confidence != c.conf {
			t.Errorf("%q: got %v, want %s at %.2f", c.text, got, c.preview, c.conf)
		}
	}
}

// TestRegionDFAMatchesPhonenumbers checks the compiled automata against
// phonenumbers.IsValidNumberForRegion on example numbers and their
// mutations; toll-free, premium-rate, shared-cost and UAN numbers must be
// refused.
func TestRegionDFAMatchesPhonenumbers(t *testing.T) {
	g := newGen(11)
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.VOIP}
	for _, region := range append([]string{"JP", "AU", "CA", "CN"}, DefaultRegions...) {
		r := phoneData().byRegion[region]
		for _, typ := range types {
			ex := phonenumbers.GetExampleNumberForType(region, typ)
			if ex == nil {
				continue
			}
			nsn := phonenumbers.GetNationalSignificantNumber(ex)
			for i := 0; i < 200; i++ {
				d := []byte(nsn)
				switch i % 4 {
				case 1:
					d[g.r.IntN(len(d))] = byte('0' + g.r.IntN(10))
				case 2:
					d = d[:len(d)-1]
				case 3:
					d = append(d, byte('0'+g.r.IntN(10)))
				}
				num, err := phonenumbers.Parse("+"+r.ccDigits+string(d), "")
				if err != nil {
					continue
				}
				if phonenumbers.GetNationalSignificantNumber(num) != string(d) {
					continue // leading zeros the parser moves elsewhere
				}
				want := phonenumbers.IsValidNumberForRegion(num, region)
				switch phonenumbers.GetNumberType(num) {
				case phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.UAN:
					want = false // a company's number, not a person's
				}
				if got := r.valid(d); got != want {
					t.Errorf("%s %s: automaton %v, phonenumbers %v", region, d, got, want)
				}
			}
		}
	}
}

func TestPhoneRegions(t *testing.T) {
	vnOnly := newTestScanner(Options{Regions: []string{"vn"}})
	all := newTestScanner(Options{})
	for _, c := range []struct {
		text        string
		vnOnly, all bool
	}{
		{"0112345678", false, true}, // a French fixed line
		{"0912345678", true, true},
		{"+33 1 12 34 56 78", true, true}, // international: any region
		{"020 7946 0958", true, true},     // also a VN landline (0207)
		{"(415) 555-0132", false, true},
	} {
		for _, sc := range []struct {
			s    *Scanner
			want bool
		}{{vnOnly, c.vnOnly}, {all, c.all}} {
			got := false
			for _, f := range scanAll(t, sc.s, c.text, "") {
				got = got || f.Entity == scan.PhoneNumber
			}
			if got != sc.want {
				t.Errorf("%q: phone %v, want %v", c.text, got, sc.want)
			}
		}
	}
}

func TestCompileDigitDFA(t *testing.T) {
	for _, c := range []struct {
		pattern string
		yes, no []string
	}{
		{`^(?:9\d{8})$`, []string{"912345678"}, []string{"91234567", "812345678", ""}},
		{`^(?:[2-9]\d{2}|1(?:0|23))$`, []string{"200", "999", "10", "123"}, []string{"100", "1", "12", "1234"}},
		{`^(?:(?:3\d|7[06-9])\d{7})$`, []string{"301234567", "761234567"}, []string{"711234567"}},
	} {
		d, ok := compileDigitDFA(c.pattern)
		if !ok {
			t.Fatalf("%s: not compiled", c.pattern)
		}
		for _, s := range c.yes {
			if !d.match([]byte(s)) {
				t.Errorf("%s: %q not matched", c.pattern, s)
			}
		}
		for _, s := range c.no {
			if d.match([]byte(s)) {
				t.Errorf("%s: %q matched", c.pattern, s)
			}
		}
	}
	if _, ok := compileDigitDFA(`(`); ok {
		t.Error("bad pattern compiled")
	}
}
