package detect

import (
	"strings"
	"testing"

	"custodia/internal/fieldtype"
	"custodia/internal/scan"
	"github.com/nyaruka/phonenumbers"
)

// fuzzSeeds are texts that reach every detector.
var fuzzSeeds = []string{
	"Khách hàng Nguyễn Văn An, SĐT 0912 345 678, email an.nguyen@example.com, CCCD 079190012345, ngày sinh 12/03/1990.",
	"Name: John Smith; Phone: +1 (415) 555-0132; SSN: 123-45-6789; DOB: March 12, 1990; IP 203.0.113.7 2001:db8::1",
	"4111 1111 1111 1111, DE89 3704 0044 0532 0130 00, ABCPE1234F, Aadhaar 2345 6789 0124, passport C1234567",
	"123 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM; 221B Baker Street; Hauptstraße 5; 12 rue de la Paix",
	"1023,Trần Thị Bích,bich.tran@gmail.com,0987654321,DH12345678,250.000,15/08/2024\n",
	"Sinh ngày 12 tháng 3 năm 1990, CMND: 023456789, v1.2.3.4, 12:30:45, 00:1A:2B:3C:4D:5E",
}

// FuzzScan checks, for any text and hint, that Scan does not panic, that
// findings are in bounds, in order, not overlapping, well-formed, and that
// a preview never contains the value it masks.
func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("Nguyen Van An"), "Họ tên")
	f.Add([]byte("12/03/1990"), "dateOfBirth")
	f.Add([]byte("Căn hộ 12A, chung cư Sunrise"), "địa chỉ")
	s := newTestScanner(Options{})
	f.Fuzz(func(t *testing.T, text []byte, hint string) {
		prevEnd := 0
		s.Scan(text, hint, func(fd scan.Finding) {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("finding %+v out of bounds of %d bytes", fd, len(text))
			}
			if fd.Start < prevEnd {
				t.Fatalf("finding %+v overlaps or precedes the previous one (ending at %d)", fd, prevEnd)
			}
			prevEnd = fd.End
			if fd.Confidence <= 0 || fd.Confidence > 1 || fd.Category == "" || fd.Preview == "" {
				t.Fatalf("malformed finding %+v", fd)
			}
			if _, ok := categoryOf[fd.Entity]; !ok {
				t.Fatalf("unknown entity in %+v", fd)
			}
			v := string(text[fd.Start:fd.End])
			if len(v) >= 6 && strings.Contains(fd.Preview, v) {
				t.Fatalf("preview %q contains the value %q", fd.Preview, v)
			}
		})
	})
}

// FuzzChecksums checks the local Luhn, Verhoeff and mod-97 against the
// vault's validation of cards, Aadhaar numbers and IBANs.
func FuzzChecksums(f *testing.F) {
	f.Add("4111111111111111")
	f.Add("234567890124")
	f.Add("DE89370400440532013000")
	f.Add("GB82WEST12345698765432")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 40 {
			return
		}
		digits := s != "" && strings.Trim(s, "0123456789") == ""
		if digits && len(s) >= 12 && len(s) <= 19 {
			_, err := fieldtype.Card.Normalize(s, fieldtype.Options{})
			if luhn([]byte(s)) != (err == nil) {
				t.Fatalf("luhn(%s) = %v, fieldtype: %v", s, luhn([]byte(s)), err)
			}
		}
		if digits && len(s) == 12 && s[0] >= '2' {
			_, err := fieldtype.NationalID.Normalize(s, fieldtype.Options{Format: fieldtype.FormatINAadhaar})
			if verhoeff([]byte(s)) != (err == nil) {
				t.Fatalf("verhoeff(%s) = %v, fieldtype: %v", s, verhoeff([]byte(s)), err)
			}
		}
		up := strings.ToUpper(s)
		if len(up) >= 15 && len(up) <= 34 && strings.Trim(up, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" &&
			isUpper(up[0]) && isUpper(up[1]) && isDigit(up[2]) && isDigit(up[3]) {
			_, err := fieldtype.IBAN.Normalize(up, fieldtype.Options{})
			if ibanValid([]byte(up)) != (err == nil) {
				t.Fatalf("ibanValid(%s) = %v, fieldtype: %v", up, ibanValid([]byte(up)), err)
			}
		}
	})
}

// FuzzPhoneValid checks the compiled region automata against
// phonenumbers for any national number: valid, and not of a company's
// type (toll-free, premium-rate, shared-cost, UAN).
func FuzzPhoneValid(f *testing.F) {
	f.Add(uint8(0), "912345678")
	f.Add(uint8(2), "4155550132")
	f.Add(uint8(3), "2079460958")
	f.Add(uint8(4), "15123456789")
	regions := DefaultRegions
	f.Fuzz(func(t *testing.T, idx uint8, nsn string) {
		if nsn == "" || len(nsn) > 17 || strings.Trim(nsn, "0123456789") != "" || nsn[0] == '0' {
			return
		}
		region := regions[int(idx)%len(regions)]
		r := phoneData().byRegion[region]
		num, err := phonenumbers.Parse("+"+r.ccDigits+nsn, "")
		if err != nil || phonenumbers.GetNationalSignificantNumber(num) != nsn {
			return
		}
		want := phonenumbers.IsValidNumberForRegion(num, region)
		switch phonenumbers.GetNumberType(num) {
		case phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.UAN:
			want = false // a company's number, not a person's
		}
		if got := r.valid([]byte(nsn)); got != want {
			t.Fatalf("%s %s: automaton %v, phonenumbers %v", region, nsn, got, want)
		}
	})
}
