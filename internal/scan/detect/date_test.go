package detect

import (
	"testing"

	"custodia/internal/scan"
)

func TestDateOfBirth(t *testing.T) {
	runCases(t, []entityCase{
		{name: "dob slash", text: "DOB: 12/03/1990", want: []string{"DATE_OF_BIRTH=12/03/1990"}},
		{name: "iso", text: "date of birth 1990-03-12", want: []string{"DATE_OF_BIRTH=1990-03-12"}},
		{name: "dotted", text: "born 12.03.1990", want: []string{"DATE_OF_BIRTH=12.03.1990"}},
		{name: "dashed", text: "birthday: 12-03-1990", want: []string{"DATE_OF_BIRTH=12-03-1990"}},
		{name: "us order", text: "DOB 03/25/1990", want: []string{"DATE_OF_BIRTH=03/25/1990"}},
		{name: "month name", text: "born on 12 March 1990", want: []string{"DATE_OF_BIRTH=12 March 1990"}},
		{name: "month abbreviation", text: "DOB: 5 Jan 2001", want: []string{"DATE_OF_BIRTH=5 Jan 2001"}},
		{name: "month first", text: "Date of birth: March 12, 1990", want: []string{"DATE_OF_BIRTH=March 12, 1990"}},
		{name: "ngày sinh", text: "Ngày sinh: 15/08/1985", want: []string{"DATE_OF_BIRTH=15/08/1985"}},
		{name: "unaccented", text: "ngay sinh 15/08/1985", want: []string{"DATE_OF_BIRTH=15/08/1985"}},
		{name: "sinh ngày", text: "sinh ngày 1/2/1979 tại Huế", want: []string{"DATE_OF_BIRTH=1/2/1979"}},
		{name: "tháng năm", text: "Sinh ngày 12 tháng 3 năm 1990", want: []string{"DATE_OF_BIRTH=12 tháng 3 năm 1990"}},
		{name: "two-digit year", text: "DOB 12/03/90", want: []string{"DATE_OF_BIRTH=12/03/90"}},
		{name: "compact", text: "dob 19900312", want: []string{"DATE_OF_BIRTH=19900312"}},
		{name: "hint", text: "12/03/1990", hint: "date_of_birth", want: []string{"DATE_OF_BIRTH=12/03/1990"}},
		{name: "camel hint", text: "1990-03-12", hint: "dateOfBirth", want: []string{"DATE_OF_BIRTH=1990-03-12"}},
		{name: "vn hint", text: "1990-03-12", hint: "Ngày sinh", want: []string{"DATE_OF_BIRTH=1990-03-12"}},
		{name: "invoice date", text: "Invoice date: 12/03/2024", not: []scan.Entity{scan.DateOfBirth}},
		{name: "no label", text: "12/03/1990", not: []scan.Entity{scan.DateOfBirth}},
		{name: "label of another value", text: "DOB 12/03/1990, shipped 14/03/2024", want: []string{"DATE_OF_BIRTH=12/03/1990"}},
		{name: "future", text: "DOB: 12/03/2030", not: []scan.Entity{scan.DateOfBirth}},
		{name: "too old", text: "DOB: 12/03/1890", not: []scan.Entity{scan.DateOfBirth}},
		{name: "invalid day", text: "DOB: 31/02/1990", not: []scan.Entity{scan.DateOfBirth}},
		{name: "not a phone", text: "ngày 12/03/2024", not: []scan.Entity{scan.PhoneNumber, scan.DateOfBirth}},
	})
}

func TestDOBNotReportedTwice(t *testing.T) {
	s := newTestScanner(Options{})
	got := scanAll(t, s, "DOB 12/03/1990, shipped 14/03/2024", "")
	if len(got) != 1 || got[0].Preview != "1990-**-**" || got[0].Category != "user.demographic.date_of_birth" {
		t.Fatalf("got %v", got)
	}
}

// TestBirthLabelNotAcrossNumbers: a phrase never spans a number: in
// "Ngày sinh 12/05/1987, ngày mua hàng 15/03/2024" the words around the
// birth date do not make a "sinh ngày" label for the purchase date.
func TestBirthLabelNotAcrossNumbers(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct{ text, birth string }{
		{"Ngày sinh 12/05/1987, ngày mua hàng 15/03/2024", "12/05/1987"},
		{"Ngày sinh: 12/05/1987, ngày đăng ký 15/03/2024", "12/05/1987"},
		{"Sinh ngày 12/05/1987", "12/05/1987"},
	} {
		var dobs []string
		for _, f := range scanAll(t, s, c.text, "") {
			if f.Entity == scan.DateOfBirth {
				dobs = append(dobs, f.Value)
			}
		}
		if len(dobs) != 1 || dobs[0] != c.birth {
			t.Errorf("%q: dates of birth %q, want only %q", c.text, dobs, c.birth)
		}
	}
}
