package detect

import (
	"testing"

	"custodia/internal/fieldtype"
	"custodia/internal/scan"
)

func TestUSSSN(t *testing.T) {
	runCases(t, []entityCase{
		{name: "dashed", text: "SSN 123-45-6788", want: []string{"US_SSN=123-45-6788"}},
		{name: "the example of every form", text: "SSN: 123-45-6789", not: []scan.Entity{scan.USSSN, scan.PhoneNumber}},
		{name: "woolworth is no phone either", text: "SSN: 219-09-9999 or 078-05-1120", not: []scan.Entity{scan.USSSN, scan.PhoneNumber}},
		{name: "dashed no label", text: "ref: 536-22-1234 ok", want: []string{"US_SSN=536-22-1234"}},
		{name: "bare with label", text: "Social Security Number: 536221234", want: []string{"US_SSN=536221234"}},
		{name: "bare no label", text: "number 536221234", not: []scan.Entity{scan.USSSN}},
		{name: "area 000", text: "SSN 000-12-3456", not: []scan.Entity{scan.USSSN}},
		{name: "area 666", text: "SSN 666-12-3456", not: []scan.Entity{scan.USSSN}},
		{name: "area 9xx", text: "SSN 912-12-3456", not: []scan.Entity{scan.USSSN}},
		{name: "group 00", text: "SSN 123-00-3456", not: []scan.Entity{scan.USSSN}},
		{name: "serial 0000", text: "SSN 123-45-0000", not: []scan.Entity{scan.USSSN}},
		{name: "woolworth", text: "SSN 078-05-1120", not: []scan.Entity{scan.USSSN}},
		{name: "advertising", text: "SSN 219-09-9999", not: []scan.Entity{scan.USSSN}},
		{name: "phone shaped", text: "call 123-456-7890", not: []scan.Entity{scan.USSSN}},
	})
}

func TestVNCCCD(t *testing.T) {
	runCases(t, []entityCase{
		{name: "a spreadsheet number without its leading zero", text: "79203001234", hint: "Số CCCD", want: []string{"VN_CCCD=79203001234"}},
		{name: "eleven digits without a cccd label", text: "79203001234", hint: "Mã đơn", not: []scan.Entity{scan.VNCCCD}},
		{name: "Hà Nội's number without its two leading zeros", text: "1085001234", hint: "CCCD", want: []string{"VN_CCCD=1085001234"}},
		{name: "ten digits without a cccd label", text: "1085001234", hint: "Mã đơn", not: []scan.Entity{scan.VNCCCD}},
		{name: "ten digits under a cccd label, no province", text: "9985001234", hint: "CCCD", not: []scan.Entity{scan.VNCCCD}},
		{name: "eleven digits that are no cccd with the zero", text: "99203001234", hint: "CCCD", not: []scan.Entity{scan.VNCCCD}},
		{name: "labelled", text: "CCCD: 079190012345", want: []string{"VN_CCCD=079190012345"}},
		{name: "vietnamese label", text: "Số căn cước công dân 001085001234", want: []string{"VN_CCCD=001085001234"}},
		{name: "unaccented label", text: "so dinh danh 048203001234", want: []string{"VN_CCCD=048203001234"}},
		{name: "hint", text: "096301004321", hint: "Số CCCD", want: []string{"VN_CCCD=096301004321"}},
		{name: "no label", text: "079190012345", want: []string{"VN_CCCD=079190012345"}},
		{name: "bad province", text: "CCCD 003190012345", not: []scan.Entity{scan.VNCCCD}},
		{name: "province 097", text: "CCCD 097190012345", not: []scan.Entity{scan.VNCCCD}},
		{name: "century digit 5", text: "CCCD 079590012345", not: []scan.Entity{scan.VNCCCD}},
		{name: "born in the future", text: "CCCD 079299012345", not: []scan.Entity{scan.VNCCCD}},
		{name: "order number", text: "Mã đơn hàng 079190012345", not: []scan.Entity{scan.VNCCCD}},
		{name: "bank account", text: "Số tài khoản: 079190012345", not: []scan.Entity{scan.VNCCCD}},
		{name: "12 digits not starting with 0", text: "123456789012", not: []scan.Entity{scan.VNCCCD}},
		{name: "13 digits", text: "0791900123456", not: []scan.Entity{scan.VNCCCD}},
	})
}

func TestCCCDConfidence(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct {
		text string
		want float64
	}{
		{"079190012345", 0.60},
		{"CCCD 079190012345", 0.95},
		{"CMND/CCCD: 079190012345", 0.95},
	} {
		got := scanAll(t, s, c.text, "")
		if len(got) != 1 || got[0].Entity != scan.VNCCCD || got[0].Confidence != c.want || got[0].Preview != "********2345" {
			t.Errorf("%q: got %v, want CCCD at %.2f", c.text, got, c.want)
		}
	}
}

func TestCCCDBirthYear(t *testing.T) {
	for _, c := range []struct {
		id   string
		want int
	}{
		{"079090012345", 1990}, // 0: male, 1900s
		{"079190012345", 1990}, // 1: female, 1900s
		{"079205012345", 2005}, // 2: male, 2000s
		{"079305012345", 2005}, // 3: female, 2000s
		{"079405012345", 0},    // 4: 2100s, not accepted
		{"003190012345", 0},    // not a province
		{"179190012345", 0},
	} {
		if got := cccdBirthYear([]byte(c.id)); got != c.want {
			t.Errorf("%s: got %d, want %d", c.id, got, c.want)
		}
	}
	if len(vnProvinces) != 63 {
		t.Errorf("%d province codes, want 63", len(vnProvinces))
	}
}

func TestVNCMND(t *testing.T) {
	runCases(t, []entityCase{
		{name: "labelled", text: "CMND: 023456789", want: []string{"VN_CMND=023456789"}},
		{name: "vietnamese", text: "số chứng minh nhân dân 212345678", want: []string{"VN_CMND=212345678"}},
		{name: "unaccented", text: "chung minh 212345678", want: []string{"VN_CMND=212345678"}},
		{name: "no label", text: "212345678", not: []scan.Entity{scan.VNCMND}},
	})
}

func TestINAadhaar(t *testing.T) {
	valid := verhoeffComplete("23456789012")
	grouped := valid[:4] + " " + valid[4:8] + " " + valid[8:]
	bad := valid[:11] + string('0'+(valid[11]-'0'+1)%10)
	runCases(t, []entityCase{
		{name: "grouped", text: "Aadhaar: " + grouped, want: []string{"IN_AADHAAR=" + grouped}},
		{name: "bare labelled", text: "UID " + valid, want: []string{"IN_AADHAAR=" + valid}},
		{name: "bare", text: "id " + valid + ".", want: []string{"IN_AADHAAR=" + valid}},
		{name: "aadhar spelling", text: "aadhar no. " + valid, want: []string{"IN_AADHAAR=" + valid}},
		{name: "wrong checksum", text: "Aadhaar " + bad, not: []scan.Entity{scan.INAadhaar}},
		{name: "starts with 1", text: "Aadhaar " + verhoeffComplete("13456789012"), not: []scan.Entity{scan.INAadhaar}},
		{name: "order number", text: "order no " + valid, not: []scan.Entity{scan.INAadhaar}},
		{name: "vietnamese order beside a cccd", text: "KH hỏi về đơn " + valid + ", căn cước 001165100005", want: []string{"VN_CCCD=001165100005"}, not: []scan.Entity{scan.INAadhaar}},
	})
}

// TestVerhoeffMatchesFieldtype checks the local Verhoeff against the
// vault's Aadhaar validation.
func TestVerhoeffMatchesFieldtype(t *testing.T) {
	g := newGen(9)
	opts := fieldtype.Options{Format: fieldtype.FormatINAadhaar}
	for i := 0; i < 2000; i++ {
		d := string('2'+byte(g.r.IntN(8))) + g.digits(11)
		_, err := fieldtype.NationalID.Normalize(d, opts)
		if verhoeff([]byte(d)) != (err == nil) {
			t.Fatalf("%s: local %v, fieldtype error %v", d, verhoeff([]byte(d)), err)
		}
	}
}

func TestINPAN(t *testing.T) {
	runCases(t, []entityCase{
		{name: "person", text: "PAN: ABCPE1234F", want: []string{"IN_PAN=ABCPE1234F"}},
		{name: "company no label", text: "AAACR5055K filed", want: []string{"IN_PAN=AAACR5055K"}},
		{name: "bad holder type", text: "PAN ABCXE1234F", not: []scan.Entity{scan.INPAN}},
		{name: "lower case", text: "abcpe1234f", not: []scan.Entity{scan.INPAN}},
		{name: "too long", text: "ABCPE1234FG", not: []scan.Entity{scan.INPAN}},
		{name: "inside a word", text: "XABCPE1234F", not: []scan.Entity{scan.INPAN}},
	})
}

func TestPassport(t *testing.T) {
	runCases(t, []entityCase{
		{name: "vn", text: "Hộ chiếu: C1234567", want: []string{"PASSPORT=C1234567"}},
		{name: "unaccented", text: "so ho chieu B7654321", want: []string{"PASSPORT=B7654321"}},
		{name: "in", text: "passport no. J8369854", want: []string{"PASSPORT=J8369854"}},
		{name: "us digits", text: "Passport Number: 912345678", want: []string{"PASSPORT=912345678"}},
		{name: "two letters", text: "passport AB123456", want: []string{"PASSPORT=AB123456"}},
		{name: "sg", text: "passport: K1234567A", want: []string{"PASSPORT=K1234567A"}},
		{name: "no label", text: "code C1234567", not: []scan.Entity{scan.Passport}},
		{name: "no label digits", text: "912345678", not: []scan.Entity{scan.Passport}},
	})
}
