package detect

import (
	"testing"

	"custodia/internal/scan"
)

func TestHintMask(t *testing.T) {
	for _, c := range []struct {
		hint string
		want ctxMask
		not  ctxMask
	}{
		{"phone", ctxPhone, 0},
		{"PHONE_NUMBER", ctxPhone, 0},
		{"customerPhone", ctxPhone, 0},
		{"customerName", ctxName, 0},
		{"Số điện thoại", ctxPhone, 0},
		{"so_dien_thoai", ctxPhone, 0},
		{"SĐT", ctxPhone, 0},
		{"sdt", ctxPhone, 0},
		{"ĐIỆN THOẠI", ctxPhone, 0},
		{"dateOfBirth", ctxDOB, 0},
		{"ngay_sinh", ctxDOB, 0},
		{"Ngày sinh", ctxDOB, 0},
		{"CCCD", ctxCCCD, 0},
		{"căn cước công dân", ctxCCCD, 0},
		{"email_address", ctxEmail | ctxAddress, 0},
		{"first_name", ctxName | ctxFirstName, ctxLastName},
		{"Họ và tên", ctxName, 0},
		{"company_name", ctxName | ctxNotPerson, 0},
		{"username", ctxNotPerson, ctxName},
		{"Nơi giao hàng", ctxAddress, 0},
		{"noi_nhan_hang", ctxAddress, 0},
		{"phones", 0, ctxPhone},    // whole words only
		{"telephony", 0, ctxPhone}, // not a prefix match
		{"", 0, ^ctxMask(0)},
	} {
		got := hintMask(c.hint)
		if got&c.want != c.want || got&c.not != 0 {
			t.Errorf("%q: got %b, want %b and not %b", c.hint, got, c.want, c.not)
		}
	}
}

func TestContextWindow(t *testing.T) {
	for _, c := range []struct {
		text  string
		start int // -1: the end of text
		want  ctxMask
		not   ctxMask
	}{
		{"SĐT: ", -1, ctxPhone, 0},
		{"số điện thoại của khách là ", -1, ctxPhone, 0},
		{"Phone", -1, ctxPhone, 0},
		{"a very long preamble that is more than forty bytes away: phone is far ........................................... ", -1, 0, ctxPhone},
		{"Mã đơn hàng: ", -1, ctxNegID, 0},
		{"NGÀY SINH ", -1, ctxDOB, 0},
		{"headphones ", -1, 0, ctxPhone},
	} {
		var cs ctxScanner
		cs.reset([]byte(c.text))
		start := c.start
		if start < 0 {
			start = len(c.text)
		}
		got := cs.at(0, start)
		if got&c.want != c.want || got&c.not != 0 {
			t.Errorf("%q: got %b, want %b and not %b", c.text, got, c.want, c.not)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn":             "nguyen",
		"ĐẶNG":               "dang",
		"Hauptstraße":        "hauptstrase",
		"São":                "sao",
		"Nguye\u0302\u0303n": "nguyen", // decomposed: combining marks
		"日本":                 "??",
	} {
		if got := foldString(in); got != want {
			t.Errorf("fold %q = %q, want %q", in, got, want)
		}
	}
}

// TestLabelCellBeforeBar: in a row of cells joined by bars (an HTML or
// DOCX table read row by row), the cell right before a value labels it;
// cells further back do not.
func TestLabelCellBeforeBar(t *testing.T) {
	runCases(t, []entityCase{
		{name: "cmnd label cell", text: "CMND | 123456789", want: []string{"VN_CMND=123456789"}},
		{name: "cmnd at the start of a text", text: "123456789", not: []scan.Entity{scan.VNCMND}},
		{name: "label two cells back", text: "CMND | Ghi chú | 123456789", not: []scan.Entity{scan.VNCMND}},
		{name: "label before a comma", text: "CMND, 123456789", not: []scan.Entity{scan.VNCMND}},
	})
}
