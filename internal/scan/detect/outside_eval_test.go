package detect

import (
	"testing"

	"custodia/internal/scan"
)

// TestOutsideEvaluationCases holds the misses and false positives an
// evaluation on data written independently of this package found (its
// generator never read these detectors): each row is one pattern of it.
func TestOutsideEvaluationCases(t *testing.T) {
	runCases(t, []entityCase{
		// Phones.
		{name: "invalid +CC number is no local one", text: "Tel: +33 7 23 21 16 75", not: []scan.Entity{scan.PhoneNumber}},
		{name: "French pairs with dots", text: "Mobile 06.12.34.56.78", want: []string{"PHONE_NUMBER=06.12.34.56.78"}},
		{name: "German area code slash", text: "Tel. 030/15390131 (Büro)", want: []string{"PHONE_NUMBER=030/15390131"}},
		{name: "spaced reference number", text: "Mã tham chiếu: 2580 3353 7912.", not: []scan.Entity{scan.PhoneNumber}},
		{name: "VN pseudo IBAN", text: "Số TK: VN40 9775 3441 5509 11.", not: []scan.Entity{scan.PhoneNumber}},
		{name: "staff code", text: "Mã nhân viên 067064407.", not: []scan.Entity{scan.PhoneNumber}},
		{name: "social insurance code", text: "Mã BHXH 003215788884", not: []scan.Entity{scan.PhoneNumber}},
		{name: "customer id column", text: "092746204", hint: "cust_id", not: []scan.Entity{scan.PhoneNumber}},
		{name: "hotline is a company's", text: "Hotline CSKH: 1900 8477", not: []scan.Entity{scan.PhoneNumber}},
		{name: "toll free", text: "Toll free 1800 1090", not: []scan.Entity{scan.PhoneNumber}},
		{name: "a person's mobile still", text: "call me 0912345678", want: []string{"PHONE_NUMBER=0912345678"}},
		{name: "Indian mobile without trunk", text: "my number 98765 43210", want: []string{"PHONE_NUMBER=98765 43210"}},
		// Ids and dates.
		{name: "ssn after hash", text: "ssn#764149132, remote addr", want: []string{"US_SSN=764149132"}},
		{name: "order after hash", text: "Order#764149132 shipped", not: []scan.Entity{scan.USSSN, scan.PhoneNumber}},
		{name: "NS abbreviation", text: "Họ tên: Lê Thu, NS: 12/03/1991", want: []string{"DATE_OF_BIRTH=12/03/1991"}},
		{name: "day-month-year with dashes", text: "D.O.B.: 20-Sep-1994", want: []string{"DATE_OF_BIRTH=20-Sep-1994"}},
		{name: "dashed month date is no birth date unlabelled", text: "Invoice date: 20-Sep-2024", not: []scan.Entity{scan.DateOfBirth}},
		{name: "dashed IBAN", text: "IBAN NL91-ABNA-0417-1643-00", want: []string{"IBAN_CODE=NL91-ABNA-0417-1643-00"}},
		{name: "dotted card", text: "card 4943.0186.0855.4717", want: []string{"CREDIT_CARD=4943.0186.0855.4717"}},
		{name: "dotted amount", text: "Tổng 1.234.567.890 đ", not: []scan.Entity{scan.CreditCard, scan.PhoneNumber}},
		{name: "timestamp cell", text: "2024-05-09 17:38:20", hint: "created_at", not: []scan.Entity{scan.PhoneNumber}},
		{name: "timestamp in a log line", text: "logged at 2024-05-09 17:38:20 by admin", not: []scan.Entity{scan.PhoneNumber}},
		{name: "display name column", text: "Võ Hữu Tuấn", hint: "display_name", want: []string{"PERSON=Võ Hữu Tuấn"}},
		// Addresses and names.
		{name: "Mumbai district", text: "Address: 26, Linking Road, Bandra West, Mumbai 400050", want: []string{"STREET_ADDRESS=26, Linking Road"}, not: []scan.Entity{scan.Person}},
		{name: "apartment once", text: "3435 Main St, Apt 3, Austin, TX 78732", want: []string{"STREET_ADDRESS=3435 Main St, Apt 3"}},
		{name: "possessive street", text: "Address: Flat 20, 377 King's Road, London SW3 4RP", want: []string{"STREET_ADDRESS=377 King's Road, London SW3 4RP"}},
		{name: "ship to", text: "ship to H.No 585, Sector 34, Noida 201301", want: []string{"STREET_ADDRESS=585, Sector"}},
		{name: "MAC after addr", text: "hw addr BD:2C:A8:E9:30:3C", not: []scan.Entity{scan.StreetAddress}},
		{name: "MAC after địa chỉ", text: "địa chỉ MAC 44:77:BD:B8:C2:FD", not: []scan.Entity{scan.StreetAddress}},
		// IP addresses.
		{name: "code, not IPv6", text: "stack: a::b at 19:36:20", not: []scan.Entity{scan.IPAddress}},
		{name: "short IPv6 with digits", text: "peer fe80::1 up", want: []string{"IP_ADDRESS=fe80::1"}},
	})
}

// TestPhonePreviewCountry checks that a phone's preview names the country
// its way of writing or its calling code says, not the first region that
// happens to accept the digits.
func TestPhonePreviewCountry(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct{ text, preview string }{
		{"Mobile 06.12.34.56.78", "+33 *** *** 678"},
		{"Portable 06 12 34 56 78", "+33 *** *** 678"},
		{"Tel. 030/15390131", "+49 *** *** 131"},
		{"number +33 6 12 34 56 78", "+33 *** *** 678"},
		{"SĐT 0912 345 678", "+84 *** *** 678"},
		{"Singapore phone 9123 4567", "+65 *** *** 567"},
		{"SG mobile 8123 4567", "+65 *** *** 567"},
		{"Mobile: 9876543210", "+91 *** *** 210"},
	} {
		got := scanAll(t, s, c.text, "")
		if len(got) != 1 || got[0].Entity != scan.PhoneNumber || got[0].Preview != c.preview {
			t.Errorf("%q: want one phone previewed %q, got %v", c.text, c.preview, got)
		}
	}
}

// TestMinConfidenceAsReported checks that the threshold compares the
// confidence as reported: a name scored 0.70 - 0.20 (0.49999999999999994
// in floating point) is reported as 0.5 and kept at --min-confidence 0.5.
func TestMinConfidenceAsReported(t *testing.T) {
	s := newTestScanner(Options{MinConfidence: 0.5})
	got := scanAll(t, s, "Võ Hữu Tuấn", "nickname")
	if len(got) != 1 || got[0].Entity != scan.Person || got[0].Confidence != 0.5 {
		t.Errorf("want one PERSON at 0.5, got %v", got)
	}
}
