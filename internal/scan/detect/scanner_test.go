package detect

import (
	"bufio"
	"os"
	"strings"
	"sync"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
	"custodia/internal/scan"
)

func TestMixedText(t *testing.T) {
	runCases(t, []entityCase{
		{
			name: "vietnamese record",
			text: "Khách hàng Nguyễn Văn An, SĐT 0912 345 678, email an.nguyen@example.com, CCCD 079190012345, ngày sinh 12/03/1990.",
			want: []string{"PERSON=Nguyễn Văn An", "PHONE_NUMBER=0912 345 678", "EMAIL_ADDRESS=an.nguyen@example.com",
				"VN_CCCD=079190012345", "DATE_OF_BIRTH=12/03/1990"},
		},
		{
			name: "csv row",
			text: "1023,Trần Thị Bích,bich.tran@gmail.com,0987654321,DH12345678,250.000,15/08/2024,4111111111111111\n",
			want: []string{"PERSON=Trần Thị Bích", "EMAIL_ADDRESS=bich.tran@gmail.com", "PHONE_NUMBER=0987654321", "CREDIT_CARD=4111111111111111"},
			not:  []scan.Entity{scan.DateOfBirth, scan.VNCCCD, scan.INAadhaar},
		},
		{
			name: "english record",
			text: "Name: John Smith; Phone: +1 (415) 555-0132; SSN: 536-22-1234; DOB: March 12, 1990; IP 203.0.113.7",
			want: []string{"PERSON=John Smith", "PHONE_NUMBER=+1 (415) 555-0132", "US_SSN=536-22-1234",
				"DATE_OF_BIRTH=March 12, 1990", "IP_ADDRESS=203.0.113.7"},
		},
	})
}

func TestOverlapPrefersSpecific(t *testing.T) {
	s := newTestScanner(Options{})
	// A 16-digit card is not also a phone; an e-mail's digits are not a
	// phone; a street named after a person is an address.
	for _, c := range []struct {
		text string
		want scan.Entity
	}{
		{"4111111111111111", scan.CreditCard},
		{"0912345678@example.com", scan.EmailAddress},
		{"123 Lê Lợi, Quận 1", scan.StreetAddress},
		{"ABCPE1234F@example.com", scan.EmailAddress},
	} {
		got := scanAll(t, s, c.text, "")
		if len(got) != 1 || got[0].Entity != c.want {
			t.Errorf("%q: got %v, want one %s", c.text, got, c.want)
		}
	}
}

func TestMinConfidence(t *testing.T) {
	text := "079190012345 and CCCD 079190012345"
	for _, c := range []struct {
		min  float64
		want int
	}{{0, 2}, {0.6, 2}, {0.61, 1}, {0.96, 0}} {
		s := newTestScanner(Options{MinConfidence: c.min})
		if got := scanAll(t, s, text, ""); len(got) != c.want {
			t.Errorf("min %.2f: got %v, want %d findings", c.min, got, c.want)
		}
	}
}

func TestRegionGating(t *testing.T) {
	s := newTestScanner(Options{Regions: []string{"GB"}})
	text := "CCCD 079190012345 SSN 536-22-1234 PAN ABCPE1234F Aadhaar " + verhoeffComplete("23456789012") + " CMND 023456789"
	for _, f := range scanAll(t, s, text, "") {
		switch f.Entity {
		case scan.VNCCCD, scan.VNCMND, scan.USSSN, scan.INPAN, scan.INAadhaar:
			t.Errorf("region GB only: unexpected %v", f)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		opts Options
		code string
	}{
		{Options{}, ""},
		{Options{MinConfidence: 0.5, Regions: []string{"vn", "US"}}, ""},
		{Options{MinConfidence: 1.5}, "invalid_min_confidence"},
		{Options{MinConfidence: -0.1}, "invalid_min_confidence"},
		{Options{Regions: []string{"XX"}}, "invalid_region"},
	} {
		err := c.opts.Validate()
		if c.code == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.opts, err)
			}
			continue
		}
		if apperr.CodeOf(err) != c.code || apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("%+v: got %v, want %s", c.opts, err, c.code)
		}
	}
	// New accepts bad options anyway.
	s := New(Options{MinConfidence: 7, Regions: []string{"XX", "VN"}})
	if s.minConf != 1 || len(s.phones) != 1 {
		t.Errorf("New: min %v, %d regions", s.minConf, len(s.phones))
	}
}

// TestCategoriesInTaxonomy checks every category against the fideslang
// data categories in the shared reference, when it is there.
func TestCategoriesInTaxonomy(t *testing.T) {
	f, err := os.Open("../../../../shared/reference/fideslang/data_categories.csv")
	if err != nil {
		t.Skipf("fideslang reference not available: %v", err)
	}
	defer f.Close()
	keys := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, _, _ := strings.Cut(sc.Text(), ",")
		keys[k] = true
	}
	cats := []string{catFirstName, catLastName}
	for _, e := range scan.Entities {
		c, ok := categoryOf[e]
		if !ok {
			t.Errorf("%s has no category", e)
		}
		cats = append(cats, c)
	}
	for _, c := range cats {
		if !keys[c] {
			t.Errorf("category %q is not a fideslang data category", c)
		}
	}
}

// TestPreviewsMatchFieldtypeMask checks that previews use the vault's
// mask formats.
func TestPreviewsMatchFieldtypeMask(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct {
		text   string
		typ    fieldtype.Type
		stored string
	}{
		{"an.nguyen@example.com", fieldtype.Email, "an.nguyen@example.com"},
		{"+84 912 345 678", fieldtype.Phone, "+84912345678"},
		{"4111 1111 1111 1111", fieldtype.Card, "4111111111111111"},
		{"DE89 3704 0044 0532 0130 00", fieldtype.IBAN, "DE89370400440532013000"},
		{"CCCD 079190012345", fieldtype.NationalID, "079190012345"},
		{"Nguyễn Văn An", fieldtype.Name, "Nguyễn Văn An"},
		{"DOB 1990-03-12", fieldtype.Date, "1990-03-12"},
	} {
		got := scanAll(t, s, c.text, "")
		if want := c.typ.Mask(c.stored); len(got) != 1 || got[0].Preview != want {
			t.Errorf("%q: got %v, want preview %q", c.text, got, want)
		}
	}
}

func TestConcurrentScans(t *testing.T) {
	s := newTestScanner(Options{})
	data := crmCSV(3, 200)
	want := len(scanAll(t, s, string(data), ""))
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				n := 0
				s.Scan(data, "", func(scan.Finding) { n++ })
				if n != want {
					t.Errorf("concurrent scan: %d findings, want %d", n, want)
				}
			}
		}()
	}
	wg.Wait()
}

func TestLargeTextInOrder(t *testing.T) {
	// Enough findings to flush while scanning; scanAll checks the order.
	s := newTestScanner(Options{})
	data := strings.Repeat("a@b.co 0912345678 x ", 500)
	if got := scanAll(t, s, data, ""); len(got) != 1000 {
		t.Fatalf("%d findings, want 1000", len(got))
	}
}

func TestEmptyAndOddInput(t *testing.T) {
	s := newTestScanner(Options{})
	for _, in := range []string{"", " ", "@", "+", "(", ":", "::", "O+1", "a(12", "x+84 912", "Đ", "\xc4", "0", "+0", "1.", "a@", "@b.co", "\xff\xfe", "Nguyễn"} {
		scanAll(t, s, in, "")
		scanAll(t, s, in, in)
	}
}
