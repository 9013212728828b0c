package detect

import (
	"testing"

	"custodia/internal/scan"
)

func TestPerson(t *testing.T) {
	runCases(t, []entityCase{
		{name: "vietnamese", text: "Khách: Nguyễn Văn An, đã thanh toán", want: []string{"PERSON=Nguyễn Văn An"}},
		{name: "a given name that is a month name elsewhere", text: "Họ tên: Nguyễn Thị Mai Anh.", want: []string{"PERSON=Nguyễn Thị Mai Anh"}},
		{name: "a given name that is a month name, last", text: "Khách hàng Trần Mai Lan gọi", want: []string{"PERSON=Trần Mai Lan"}},
		{name: "a chat group's name", text: "Nhóm Bạn Thân", hint: "sender name", not: []scan.Entity{scan.Person}},
		{name: "a bot", text: "Admin Bot", hint: "sender name", not: []scan.Entity{scan.Person}},
		{name: "a bot alone", text: "Zalo Bot", hint: "sender name", not: []scan.Entity{scan.Person}},
		// Công and Đài are given names too, not only words of "công ty"
		// and "tổng đài".
		{name: "given name Công", text: "Nguyễn Công Phượng", hint: "Họ tên", want: []string{"PERSON=Nguyễn Công Phượng"}},
		{name: "given name Đài, in text", text: "Chị Trần Thị Đài hỏi về đơn", want: []string{"PERSON=Trần Thị Đài"}},
		{name: "a support desk's name", text: "Hỗ trợ khách hàng", hint: "name", not: []scan.Entity{scan.Person}},
		{name: "customers, unaccented", text: "Khach hang", hint: "name", not: []scan.Entity{scan.Person}},
		{name: "a flower shop", text: "Cửa hàng Hoa Tươi", hint: "sender", not: []scan.Entity{scan.Person}},
		{name: "a name like Hằng, unaccented", text: "Nguyen Thi Hang", hint: "name", want: []string{"PERSON=Nguyen Thi Hang"}},
		{name: "a shop's name", text: "Shop Hoa Mai gửi hàng", not: []scan.Entity{scan.Person}},
		{name: "vietnamese unaccented", text: "contact Tran Thi Bich today", want: []string{"PERSON=Tran Thi Bich"}},
		{name: "weak surname with middle name", text: "gặp Lê Thị Hương", want: []string{"PERSON=Lê Thị Hương"}},
		{name: "english", text: "Dear John Smith, thanks", want: []string{"PERSON=John Smith"}},
		{name: "indian", text: "Rahul Sharma called", want: []string{"PERSON=Rahul Sharma"}},
		{name: "german", text: "Herr Hans Müller", want: []string{"PERSON=Hans Müller"}},
		{name: "name label", text: "Full name: Zlatko Quorvin", want: []string{"PERSON=Zlatko Quorvin"}},
		{name: "hint", text: "Nguyen Van An", hint: "Họ tên", want: []string{"PERSON=Nguyen Van An"}},
		{name: "hint single word", text: "Bích", hint: "first_name", want: []string{"PERSON=Bích"}},
		{name: "city", text: "Thành phố Hồ Chí Minh", not: []scan.Entity{scan.Person}},
		{name: "city unaccented", text: "Ho Chi Minh City", not: []scan.Entity{scan.Person}},
		{name: "street after number", text: "12 Lê Lợi", not: []scan.Entity{scan.Person}},
		{name: "street word", text: "Đường Nguyễn Huệ", not: []scan.Entity{scan.Person}},
		{name: "product", text: "Basic Plan Premium", not: []scan.Entity{scan.Person}},
		{name: "company hint", text: "Acme Trading", hint: "company_name", not: []scan.Entity{scan.Person}},
		{name: "one word", text: "Smith", not: []scan.Entity{scan.Person}},
		{name: "weak surname alone", text: "Do Not Disturb", not: []scan.Entity{scan.Person}},
	})
}

func TestPersonPreviewAndCategory(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct{ text, hint, preview, cat string }{
		{"Nguyễn Văn An", "", "N. V. A.", "user.name"},
		{"Bích", "firstName", "B.", "user.name.first"},
		{"Trần", "last_name", "T.", "user.name.last"},
		{"Ánh Đặng", "Họ và tên", "Á. Đ.", "user.name"},
	} {
		got := scanAll(t, s, c.text, c.hint)
		if len(got) != 1 || got[0].Preview != c.preview || got[0].Category != c.cat {
			t.Errorf("%q (%q): got %v, want %s %s", c.text, c.hint, got, c.preview, c.cat)
		}
	}
}

func TestStreetAddress(t *testing.T) {
	runCases(t, []entityCase{
		{name: "vn full", text: "ở 123 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM.", want: []string{"STREET_ADDRESS=123 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM"}},
		{name: "vn street word", text: "số 45 Đường Nguyễn Huệ", want: []string{"STREET_ADDRESS=45 Đường Nguyễn Huệ"}},
		{name: "vn lower-case street word", text: "nhà 45 đường Nguyễn Huệ", want: []string{"STREET_ADDRESS=45 đường Nguyễn Huệ"}},
		{name: "vn alley", text: "Ngõ 5 Phố Huế, Hà Nội", want: []string{"STREET_ADDRESS=Ngõ 5 Phố Huế, Hà Nội"}},
		{name: "vn district", text: "12/3 Trần Hưng Đạo Quận 5", want: []string{"STREET_ADDRESS=12/3 Trần Hưng Đạo Quận 5"}},
		{name: "english", text: "lives at 221B Baker Street", want: []string{"STREET_ADDRESS=221B Baker Street"}},
		{name: "uk postcode", text: "Ship to 221B Baker Street, London NW1 6XE please.", want: []string{"STREET_ADDRESS=221B Baker Street, London NW1 6XE"}},
		{name: "uk town and postcode", text: "12 High Street, Manchester M1 1AE today", want: []string{"STREET_ADDRESS=12 High Street, Manchester M1 1AE"}},
		{name: "english abbreviation", text: "1600 Amphitheatre Pkwy", want: []string{"STREET_ADDRESS=1600 Amphitheatre Pkwy"}},
		{name: "indian", text: "12, MG Road, Bengaluru", want: []string{"STREET_ADDRESS=12, MG Road, Bengaluru"}},
		{name: "french", text: "au 12 rue de la Paix", want: []string{"STREET_ADDRESS=12 rue de la Paix"}},
		{name: "german", text: "Hauptstraße 5, Berlin", want: []string{"STREET_ADDRESS=Hauptstraße 5, Berlin"}},
		{name: "hint", text: "Căn hộ 12A, chung cư Sunrise", hint: "Địa chỉ", want: []string{"STREET_ADDRESS=Căn hộ 12A, chung cư Sunrise"}},
		{name: "quantity", text: "3 items shipped", not: []scan.Entity{scan.StreetAddress}},
		{name: "email address hint", text: "a@b.co", hint: "email_address", not: []scan.Entity{scan.StreetAddress}},
		{name: "ip address hint", text: "10.0.0.1", hint: "ip_address", not: []scan.Entity{scan.StreetAddress}},
	})
}

// TestAddressAfterResidenceWords: "lives at", "nhà ở", "sống tại" are
// address context: the address after them is reported with the
// confidence of a labelled one (at least 0.7, what imports and redaction
// act on), not as a bare guess.
func TestAddressAfterResidenceWords(t *testing.T) {
	s := New(Options{})
	for _, text := range []string{
		"lives at 221B Baker Street London NW1 6XE",
		"nhà ở 45 Nguyễn Trãi Quận 5",
		"khách sống tại 7 Hàng Bạc Hà Nội",
	} {
		got := scanAll(t, s, text, "")
		ok := false
		for _, f := range got {
			ok = ok || f.Entity == scan.StreetAddress && f.Confidence >= 0.7
		}
		if !ok {
			t.Errorf("%q: %v, want a STREET_ADDRESS at 0.7 or more", text, got)
		}
	}
}

// TestOneAddressOneFinding: the parts of one address are one finding,
// in an address column and in text (QA: "Marienplatz 8, 80331 München"
// gave two, and a street inside the cell's finding beat the whole cell).
func TestOneAddressOneFinding(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct{ text, hint string }{
		{"Marienplatz 8, 80331 München", "Shipping address"},
		{"55 Rue du Faubourg Saint-Honoré, 75008 Paris", "Adresse"},
		{"1600 Amphitheatre Parkway, Mountain View, CA 94043", "address"},
		{"Số 21 ngõ 56 Phố Huế, Hai Bà Trưng, Hà Nội", "Địa chỉ"},
	} {
		got := scanAll(t, s, c.text, c.hint)
		if len(got) != 1 || got[0].Entity != scan.StreetAddress || got[0].Value != c.text {
			t.Errorf("%q under %q: want the whole cell as one address, got %v", c.text, c.hint, got)
		}
	}
}

// TestNamesAGroup checks the group-word test in every case form, with the
// Vietnamese words whose upper-case letters are not ASCII, and that name
// words of the same length are not taken for group words.
func TestNamesAGroup(t *testing.T) {
	for _, v := range []string{"Nhóm Bạn Thân", "NHÓM BẠN THÂN", "Shop Hoa Mai", "SHOP", "Cửa hàng Hoa Tươi", "CỬA HÀNG",
		"Tổng đài CSKH", "TỔNG ĐÀI", "Đài Phát", "Hỗ Trợ khách hàng", "HỖ TRỢ", "Công ty ABC", "CÔNG TY", "Hội Phụ Nữ",
		"Acme Ltd.", "Sales Team", "Zalo Bot", "helpdesk"} {
		if !namesAGroup([]byte(v)) {
			t.Errorf("namesAGroup(%q) = false, want true", v)
		}
	}
	for _, v := range []string{"Nguyễn Văn An", "Trần Thị Hồng", "Đào Minh Tuấn", "Sean O'Brien", "Botha", "Teamo", "Shopa",
		"Nhom Cong Dai", "Priya Sharma", ""} {
		if namesAGroup([]byte(v)) {
			t.Errorf("namesAGroup(%q) = true, want false", v)
		}
	}
}
